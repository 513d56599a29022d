#include "libs/text/utf8.h"

#include <cstdint>

namespace akhbar::text::utf8 {
namespace {

bool IsContinuation(std::uint8_t byte) { return (byte & 0xC0) == 0x80; }

// The shape of a sequence as announced by its lead byte. The second byte has
// a narrower range than 80..BF for a few lead bytes: that is how RFC 3629
// excludes overlong forms (E0, F0), surrogates (ED) and values past U+10FFFF
// (F4) without decoding first and checking afterwards.
struct LeadInfo {
  std::size_t length;  // 0: not a valid lead byte
  char32_t initial_bits;
  std::uint8_t second_min;
  std::uint8_t second_max;
};

LeadInfo ClassifyLead(std::uint8_t lead) {
  if (lead < 0x80) return {1, lead, 0, 0};
  // C0 and C1 could only start overlong encodings of ASCII.
  if (lead >= 0xC2 && lead <= 0xDF) return {2, lead & 0x1Fu, 0x80, 0xBF};
  if (lead == 0xE0) return {3, lead & 0x0Fu, 0xA0, 0xBF};  // below is overlong
  if (lead == 0xED) return {3, lead & 0x0Fu, 0x80, 0x9F};  // above is a surrogate
  if (lead >= 0xE1 && lead <= 0xEF) return {3, lead & 0x0Fu, 0x80, 0xBF};
  if (lead == 0xF0) return {4, lead & 0x07u, 0x90, 0xBF};  // below is overlong
  if (lead >= 0xF1 && lead <= 0xF3) return {4, lead & 0x07u, 0x80, 0xBF};
  if (lead == 0xF4) return {4, lead & 0x07u, 0x80, 0x8F};  // above is > U+10FFFF
  return {0, 0, 0, 0};                                     // continuation byte, C0, C1 or F5..FF
}

Decoded Invalid(std::size_t consumed) { return {kReplacementChar, consumed, false}; }

}  // namespace

Decoded Decode(std::string_view text, std::size_t pos) {
  const auto byte_at = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  const LeadInfo lead = ClassifyLead(byte_at(pos));
  if (lead.length == 0) return Invalid(1);
  char32_t code_point = lead.initial_bits;
  for (std::size_t i = 1; i < lead.length; ++i) {
    if (pos + i >= text.size()) return Invalid(i);  // truncated at end of text
    const std::uint8_t byte = byte_at(pos + i);
    const bool in_range =
        i == 1 ? (byte >= lead.second_min && byte <= lead.second_max) : IsContinuation(byte);
    if (!in_range) return Invalid(i);  // the bad byte may start the next sequence
    code_point = (code_point << 6) | (byte & 0x3Fu);
  }
  return {code_point, lead.length, true};
}

void Append(std::string& out, char32_t code_point) {
  const auto put = [&out](char32_t byte) { out.push_back(static_cast<char>(byte)); };
  if (code_point < 0x80) {
    put(code_point);
  } else if (code_point < 0x800) {
    put(0xC0 | (code_point >> 6));
    put(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    put(0xE0 | (code_point >> 12));
    put(0x80 | ((code_point >> 6) & 0x3F));
    put(0x80 | (code_point & 0x3F));
  } else {
    put(0xF0 | (code_point >> 18));
    put(0x80 | ((code_point >> 12) & 0x3F));
    put(0x80 | ((code_point >> 6) & 0x3F));
    put(0x80 | (code_point & 0x3F));
  }
}

bool IsValid(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    const Decoded decoded = Decode(text, pos);
    if (!decoded.valid) return false;
    pos += decoded.length;
  }
  return true;
}

std::size_t CodePointCount(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) {
    if (!IsContinuation(static_cast<std::uint8_t>(c))) ++count;
  }
  return count;
}

}  // namespace akhbar::text::utf8
