#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "services/gateway/call.h"
#include "services/gateway/http_server.h"
#include "services/gateway/response.h"

namespace akhbar::gateway {

// Reading the parts of a call, each failure already the 400 to answer.
template <typename T>
using OrError = std::variant<T, Response>;

// What is wrong with a decoded path segment or query value for a service
// (not UTF-8, or a control character in it); nullopt when nothing is.
std::optional<std::string> TextProblem(std::string_view text);

// The call for `request` to `route`: everything a handler may read of it,
// owned (the connection moves on while a backend thread answers).
Call CallOf(const HttpRequest& request, const Route& route);

// A positive article id from the path.
OrError<int64_t> ArticleIdOf(std::string_view text);

// A decoded path segment (a slug), non-empty, without a TextProblem.
OrError<std::string> SlugOf(std::string_view text, std::string_view what);

// The version the client edited: If-Match: "v7" (or 7), or ?version=7.
// nullopt when the client sent neither.
OrError<std::optional<int64_t>> ExpectedVersionOf(const Call& call);

// An optional integer query parameter within [min, max].
OrError<std::optional<int64_t>> IntParam(const Call& call, std::string_view name, int64_t min,
                                         int64_t max);

// An optional string query parameter (decoded, without a TextProblem);
// empty when absent.
OrError<std::string> StringParam(const Call& call, std::string_view name);

// The quoted ETag of an article version: "v7".
std::string VersionEtag(int64_t version);

}  // namespace akhbar::gateway

namespace akhbar::gateway {

// The error a read above produced, or null: `if (auto* e = ErrorOf(id)) return std::move(*e);`
template <typename T>
Response* ErrorOf(OrError<T>& value) {
  return std::get_if<Response>(&value);
}

}  // namespace akhbar::gateway
