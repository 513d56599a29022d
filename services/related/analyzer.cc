#include "services/related/analyzer.h"

#include <xapian.h>

#include <utility>

#include "libs/text/arabic.h"

namespace akhbar::related {
namespace internal {
// Generated at build time from data/stopwords-*.txt (see CMakeLists.txt).
extern const std::string_view kStopwordText;
}  // namespace internal

namespace {

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view word) {
  for (char c : word) {
    if (!IsAsciiDigit(c)) return false;
  }
  return true;
}

// Arabic letters are two bytes in UTF-8 and start with 0xD8–0xDB; anything
// else that Words() yields is Latin (ASCII or Latin-1/Extended-A) or digits.
bool HasArabic(std::string_view word) {
  for (unsigned char c : word) {
    if (c >= 0xD8 && c <= 0xDB) return true;
  }
  return false;
}

}  // namespace

Analyzer::Analyzer() {
  std::string_view text = internal::kStopwordText;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.empty() || line.front() == '#') continue;
    for (std::string& word : text::Words(text::FoldMatching(line))) {
      stopwords_.insert(std::move(word));
    }
  }
}

bool Analyzer::IsStopword(std::string_view word) const {
  return stopwords_.count(text::FoldMatching(word)) != 0;
}

void Analyzer::ForEachToken(
    std::string_view text,
    const std::function<void(std::string&& term, std::string&& surface)>& emit) const {
  if (!text::IsValidUtf8(text)) return;
  // Xapian::Stem objects must not be shared between threads; one per call
  // costs a small allocation and keeps Analyzer const and thread-safe.
  Xapian::Stem arabic("arabic");
  for (std::string& surface : text::Words(text::FoldIdentity(text))) {
    if (AllDigits(surface) || text::CodePointCount(surface) < 2) continue;
    std::string word = text::FoldMatching(surface);
    if (stopwords_.count(word) != 0) continue;
    std::string term = HasArabic(word) ? arabic(word) : word;
    // Xapian refuses terms over 245 bytes; no real word comes near 64.
    if (text::CodePointCount(term) < 2 || term.size() > 64) continue;
    emit(std::move(term), std::move(surface));
  }
}

std::vector<std::string> Analyzer::Terms(std::string_view text) const {
  std::vector<std::string> terms;
  ForEachToken(text, [&](std::string&& term, std::string&&) { terms.push_back(std::move(term)); });
  return terms;
}

std::vector<Analyzer::Token> Analyzer::Tokens(std::string_view text) const {
  std::vector<Token> tokens;
  ForEachToken(text, [&](std::string&& term, std::string&& surface) {
    tokens.push_back(Token{std::move(term), std::move(surface)});
  });
  return tokens;
}

}  // namespace akhbar::related
