// Arabic folding (libs/text): what tags, slugs and search are keyed on, so a
// folding that is not a fixed point would split one tag into two.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "libs/text/arabic.h"
#include "libs/text/utf8.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace akhbar::text;  // NOLINT: a fuzz target's whole subject

// Code points identity folding promises never to leave behind.
bool IdentityFoldsAway(char32_t c) {
  return (c >= 0x064B && c <= 0x065F) || c == 0x0670                      // harakat
         || c == 0x0640                                                   // tatweel
         || c == 0x0622 || c == 0x0623 || c == 0x0625 || c == 0x0671      // hamza/madda alefs
         || (c >= 0x0660 && c <= 0x0669) || (c >= 0x06F0 && c <= 0x06F9)  // Arabic digits
         || (c >= 'A' && c <= 'Z') || c < 0x20 || c == 0x7F;
}

bool MatchingFoldsAway(char32_t c) {
  return c == 0x0629 || c == 0x0649 || c == 0x0624 || c == 0x0626;  // ة ى ؤ ئ
}

void CheckUtf8RoundTrip(std::string_view text) {
  std::string reencoded;
  std::size_t count = 0;
  bool valid = true;
  for (std::size_t pos = 0; pos < text.size();) {
    const utf8::Decoded decoded = utf8::Decode(text, pos);
    FUZZ_CHECK(decoded.length >= 1 && decoded.length <= 4 && pos + decoded.length <= text.size());
    if (decoded.valid) {
      FUZZ_CHECK(decoded.code_point <= 0x10FFFF);
      FUZZ_CHECK(decoded.code_point < 0xD800 || decoded.code_point > 0xDFFF);
      utf8::Append(reencoded, decoded.code_point);
      // The shortest form is the only valid one: what decodes re-encodes the same.
      FUZZ_CHECK(reencoded.size() == pos + decoded.length || !valid);
    } else {
      FUZZ_CHECK(decoded.code_point == utf8::kReplacementChar);
      valid = false;
    }
    pos += decoded.length;
    ++count;
  }
  FUZZ_CHECK(IsValidUtf8(text) == valid);
  if (valid) {
    FUZZ_CHECK(reencoded == text);
    FUZZ_CHECK(CodePointCount(text) == count);
  }
}

void CheckFolded(std::string_view folded, bool matching) {
  FUZZ_CHECK(IsValidUtf8(folded));
  FUZZ_CHECK(folded.empty() || (folded.front() != ' ' && folded.back() != ' '));
  FUZZ_CHECK(folded.find("  ") == std::string_view::npos);
  for (std::size_t pos = 0; pos < folded.size();) {
    const utf8::Decoded decoded = utf8::Decode(folded, pos);
    FUZZ_CHECK(!IdentityFoldsAway(decoded.code_point));
    if (matching) FUZZ_CHECK(!MatchingFoldsAway(decoded.code_point));
    pos += decoded.length;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckUtf8RoundTrip(input);

  const std::string identity = FoldIdentity(input);
  CheckFolded(identity, /*matching=*/false);
  FUZZ_CHECK(FoldIdentity(identity) == identity);

  const std::string matching = FoldMatching(input);
  CheckFolded(matching, /*matching=*/true);
  FUZZ_CHECK(FoldMatching(matching) == matching);
  // Matching refines identity: the two paths to it meet.
  FUZZ_CHECK(FoldMatching(identity) == matching);

  for (const std::string& word : Words(identity)) {
    FUZZ_CHECK(!word.empty() && IsValidUtf8(word));
    FUZZ_CHECK(word.find(' ') == std::string::npos && word.find('-') == std::string::npos);
    FUZZ_CHECK(identity.find(word) != std::string::npos);
  }
  return 0;
}
