#include "services/gateway/call_args.h"

#include <charconv>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/text/utf8.h"
#include "services/gateway/errors.h"
#include "services/gateway/url.h"

namespace akhbar::gateway {
namespace {

Response BadRequest(std::string message) { return ErrorResponse(400, "INVALID_ARGUMENT", message); }

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

Call CallOf(const HttpRequest& request, const Route& route) {
  const auto header = [&](auto name) {
    auto it = request.message.find(name);
    return it == request.message.end() ? std::string() : std::string(it->value());
  };
  Call call;
  call.route = route.id;
  call.first = std::string(route.first);
  call.second = std::string(route.second);
  call.path = std::string(request.path);
  call.query = std::string(request.query);
  call.authorization = header(http::field::authorization);
  call.if_match = header(http::field::if_match);
  call.content_type = header(http::field::content_type);
  call.idempotency_key = header("Idempotency-Key");
  call.body = request.message.body();
  return call;
}

std::optional<std::string> TextProblem(std::string_view text) {
  // Protobuf strings must be UTF-8: sent on, such bytes would fail the
  // service's parse (a 500). A NUL would cut the value short in the
  // database driver, where "slug\0junk" would find "slug".
  if (!text::utf8::IsValid(text)) return "is not valid UTF-8";
  for (const unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return "must not contain control characters";
  }
  return std::nullopt;
}

OrError<int64_t> ArticleIdOf(std::string_view text) {
  std::optional<int64_t> id = ParseInt(text);
  if (!id || *id <= 0) {
    return BadRequest(absl::StrCat("the article id must be a positive number, not \"",
                                   std::string(text.substr(0, 40)), "\""));
  }
  return *id;
}

OrError<std::string> SlugOf(std::string_view text, std::string_view what) {
  std::optional<std::string> decoded = PercentDecode(text);
  if (!decoded)
    return BadRequest(
        absl::StrCat("the ", std::string(what), " in the path is not validly percent-encoded"));
  if (decoded->empty()) return BadRequest(absl::StrCat("the ", std::string(what), " is empty"));
  if (auto problem = TextProblem(*decoded)) {
    return BadRequest(absl::StrCat("the ", std::string(what), " in the path ", *problem));
  }
  return *decoded;
}

OrError<std::optional<int64_t>> ExpectedVersionOf(const Call& call) {
  if (!call.if_match.empty()) {
    absl::string_view tag(call.if_match);
    tag = absl::StripAsciiWhitespace(tag);
    const bool quoted = absl::ConsumePrefix(&tag, "\"") && absl::ConsumeSuffix(&tag, "\"");
    if (quoted) absl::ConsumePrefix(&tag, "v");
    std::optional<int64_t> version = ParseInt(std::string_view(tag.data(), tag.size()));
    if (!version || *version <= 0) {
      return BadRequest("If-Match must be the article's ETag, such as \"v7\"");
    }
    return std::optional<int64_t>(*version);
  }
  OrError<std::optional<int64_t>> version = IntParam(call, "version", 1, INT64_MAX);
  return version;
}

OrError<std::optional<int64_t>> IntParam(const Call& call, std::string_view name, int64_t min,
                                         int64_t max) {
  std::optional<std::string> text = QueryParam(call.query, name);
  if (!text && !HasQueryParam(call.query, name)) return std::optional<int64_t>();
  if (!text) return BadRequest(absl::StrCat(std::string(name), " is not validly percent-encoded"));
  std::optional<int64_t> value = ParseInt(*text);
  if (!value || *value < min || *value > max) {
    return BadRequest(
        absl::StrCat(std::string(name), " must be a whole number from ", min, " to ", max));
  }
  return value;
}

OrError<std::string> StringParam(const Call& call, std::string_view name) {
  std::optional<std::string> text = QueryParam(call.query, name);
  if (!text) {
    // Absent, or present but badly encoded: tell the difference.
    if (HasQueryParam(call.query, name)) {
      return BadRequest(absl::StrCat(std::string(name), " is not validly percent-encoded"));
    }
    return std::string();
  }
  if (auto problem = TextProblem(*text)) {
    return BadRequest(absl::StrCat(std::string(name), " ", *problem));
  }
  return *text;
}

std::string VersionEtag(int64_t version) { return absl::StrCat("\"v", version, "\""); }

}  // namespace akhbar::gateway
