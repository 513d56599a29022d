#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace akhbar::gateway {

// Percent-decoding of paths and query strings. Boost 1.74 predates Boost.URL,
// and all we need is these few lines.

// "%D8%A7" → its bytes; in a query, '+' is a space. nullopt for a malformed
// escape ("%G1", a truncated "%D").
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space = false);

// Encodes everything but unreserved ASCII, so Arabic slugs travel safely.
std::string PercentEncode(std::string_view text);

// The decoded value of `name` in "a=1&b=2" (the first occurrence); nullopt
// when absent or malformed.
std::optional<std::string> QueryParam(std::string_view query, std::string_view name);

// Whether `name` appears in the query at all (to tell absent from malformed).
bool HasQueryParam(std::string_view query, std::string_view name);

}  // namespace akhbar::gateway
