#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"

// Checks of user-supplied text fields shared by every service, with messages
// that name the field and say what to fix. All return INVALID_ARGUMENT.
namespace akhbar::validate {

// Valid UTF-8; no control characters (C0, C1, U+2028/U+2029: a field is one
// line); not blank when `required`; at most `max` code points.
absl::Status Text(const std::string& field, const std::string& value, std::size_t max,
                  bool required);

// A link readers may follow: http(s)://host… or a path on this site ("/…",
// never "//host" or "/\host"); no spaces or control characters; at most
// `max_bytes`. javascript:, data:, ftp: and everything else are refused.
absl::Status Url(const std::string& field, const std::string& url, std::size_t max_bytes);

// The first 40 code points of `value` (with "…" when cut), for quoting bad
// input back in a message without echoing megabytes.
std::string Excerpt(const std::string& value);

}  // namespace akhbar::validate
