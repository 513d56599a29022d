#include "libs/validate/fields.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/text/arabic.h"
#include "libs/text/utf8.h"

namespace akhbar::validate {
namespace {

bool HasControlCharacter(const std::string& value) {
  for (std::size_t pos = 0; pos < value.size();) {
    text::utf8::Decoded decoded = text::utf8::Decode(value, pos);
    pos += decoded.length;
    char32_t c = decoded.code_point;
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029) return true;
  }
  return false;
}

}  // namespace

// Cut on a code point boundary so the message stays valid UTF-8.
std::string Excerpt(const std::string& value) {
  std::size_t end = 0;
  for (std::size_t count = 0; end < value.size() && count < 40; ++count) {
    end += text::utf8::Decode(value, end).length;
  }
  return value.substr(0, end) + (end < value.size() ? "…" : "");
}

absl::Status Text(const std::string& field, const std::string& value, std::size_t max,
                  bool required) {
  if (!text::IsValidUtf8(value)) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not valid UTF-8"));
  }
  if (HasControlCharacter(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " contains control characters (line breaks, tabs or similar)"));
  }
  if (required && absl::StripAsciiWhitespace(value).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  }
  if (std::size_t length = text::CodePointCount(value); length > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is ", length, " characters long; the limit is ", max));
  }
  return absl::OkStatus();
}

absl::Status Url(const std::string& field, const std::string& url, std::size_t max_bytes) {
  if (url.size() > max_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is longer than ", max_bytes, " bytes"));
  }
  bool has_space_or_control = false;
  for (unsigned char c : url) has_space_or_control |= (c <= 0x20 || c == 0x7F);
  if (!text::IsValidUtf8(url) || has_space_or_control) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " must be a URL without spaces or control characters (percent-encode them)"));
  }
  auto has_host_after = [&](std::size_t scheme_length) {
    return url.size() > scheme_length && url[scheme_length] != '/' && url[scheme_length] != '\\';
  };
  bool absolute = (absl::StartsWithIgnoreCase(url, "https://") && has_host_after(8)) ||
                  (absl::StartsWithIgnoreCase(url, "http://") && has_host_after(7));
  bool site_relative =
      absl::StartsWith(url, "/") && !absl::StartsWith(url, "//") && !absl::StartsWith(url, "/\\");
  if (!absolute && !site_relative) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " \"", Excerpt(url),
        "\" is not allowed: a link must start with https://, http:// (and a host) or a single / "
        "(a path on this site); other schemes such as javascript:, data: or ftp: are refused"));
  }
  return absl::OkStatus();
}

}  // namespace akhbar::validate
