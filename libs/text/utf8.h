#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// Minimal UTF-8 decoding and encoding (RFC 3629), enough for Arabic text
// folding without pulling in ICU.
namespace akhbar::text::utf8 {

inline constexpr char32_t kReplacementChar = 0xFFFD;

struct Decoded {
  char32_t code_point;  // kReplacementChar when !valid
  std::size_t length;   // bytes consumed, always >= 1
  bool valid;
};

// Decodes the code point that starts at text[pos] (pos < text.size()).
// Rejects what RFC 3629 forbids: overlong forms, surrogates, values above
// U+10FFFF, stray continuation bytes and truncated sequences. On bad input it
// consumes the "maximal subpart" (the longest prefix that could have started
// a valid sequence, at least one byte), as Unicode recommends, so that
// callers resynchronise on the next possible lead byte.
Decoded Decode(std::string_view text, std::size_t pos);

// Appends the UTF-8 encoding of a scalar value (not a surrogate, <= U+10FFFF).
void Append(std::string& out, char32_t code_point);

bool IsValid(std::string_view text);

// Counts the bytes that are not continuation bytes: exact for valid UTF-8.
std::size_t CodePointCount(std::string_view text);

}  // namespace akhbar::text::utf8
