#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

// Text → index terms for the related-articles engine.
//
// Pipeline, per word: identity folding and word splitting (libs/text), then
// matching folding of the word (ة→ه, ى→ي, ؤ→و, ئ→ي on top of the identity
// folding of hamza forms, harakat and tatweel); stopwords (matched after the
// same folding) and pure digits and 1-letter words are dropped; Arabic words
// are stemmed with Snowball's Arabic stemmer (Xapian::Stem("arabic")); Latin
// words are only lowercased (the site's Latin words are mostly French names
// and titles, which an English stemmer would mangle).
namespace akhbar::related {

class Analyzer {
 public:
  // One index term and the word it came from. `surface` is the identity-folded
  // word (no harakat or tatweel, أ/إ/آ → ا, lowercase), readable enough to show.
  struct Token {
    std::string term;
    std::string surface;
  };

  // Loads the stopword lists embedded at build time.
  Analyzer();

  // Index terms of `text`, in text order, repeats kept. Thread-safe: every
  // call uses its own stemmer.
  std::vector<std::string> Terms(std::string_view text) const;
  std::vector<Token> Tokens(std::string_view text) const;

  // True when `word` (any folding) is a stopword.
  bool IsStopword(std::string_view word) const;

  std::size_t stopword_count() const { return stopwords_.size(); }

 private:
  void ForEachToken(
      std::string_view text,
      const std::function<void(std::string&& term, std::string&& surface)>& emit) const;

  std::unordered_set<std::string> stopwords_;  // matching-folded
};

}  // namespace akhbar::related
