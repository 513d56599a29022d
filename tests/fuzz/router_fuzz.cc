// The gateway's routing and the reading of a call's arguments
// (services/gateway/router.*, url.*, call_args.*): every request goes
// through them before anything else, with whatever path a client sends.
//
// Input: "METHOD TARGET" on the first line, optionally the If-Match header's
// value on the second, e.g. "PATCH /api/v1/articles/7?version=3\n\"v3\"".
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "services/gateway/call_args.h"
#include "services/gateway/router.h"
#include "services/gateway/url.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace akhbar::gateway;  // NOLINT: a fuzz target's whole subject
namespace http = akhbar::http;

std::string_view MethodName(http::verb method) {
  const boost::beast::string_view name = http::to_string(method);
  return {name.data(), name.size()};
}

bool IsRead(http::verb method) { return method == http::verb::get || method == http::verb::head; }

// A view the router returned must lie inside the path it was given.
void CheckInside(std::string_view part, std::string_view path) {
  if (part.empty()) return;
  FUZZ_CHECK(part.data() >= path.data() && part.data() + part.size() <= path.data() + path.size());
  FUZZ_CHECK(part.find('/') == std::string_view::npos);
}

// Error answers are JSON the clients parse, whatever bytes the request had.
void CheckError(const Response& response) {
  FUZZ_CHECK(response.status == 400);
  google::protobuf::Struct body;
  FUZZ_CHECK(google::protobuf::util::JsonStringToMessage(response.body, &body).ok());
  FUZZ_CHECK(body.fields().contains("error"));
}

void CheckUrl(std::string_view path, std::string_view query) {
  // Encoding anything, then decoding, gives it back.
  const std::string encoded = PercentEncode(path);
  for (char c : encoded) {
    FUZZ_CHECK((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
               c == '-' || c == '.' || c == '_' || c == '~' || c == '%');
  }
  const std::optional<std::string> decoded = PercentDecode(encoded);
  FUZZ_CHECK(decoded && *decoded == path);
  if (std::optional<std::string> path_decoded = PercentDecode(path)) {
    FUZZ_CHECK(path_decoded->size() <= path.size());
    FUZZ_CHECK(PercentDecode(PercentEncode(*path_decoded)) == path_decoded);
  }
  for (std::string_view name : {"section", "page", "pageSize", "version", "lastEventId", ""}) {
    const std::optional<std::string> value = QueryParam(query, name);
    if (value) FUZZ_CHECK(HasQueryParam(query, name));
  }
}

void CheckCallArgs(const Route& route, std::string_view query, std::string_view if_match) {
  Call call;
  call.route = route.id;
  call.first = std::string(route.first);
  call.query = std::string(query);
  call.if_match = std::string(if_match);

  OrError<int64_t> id = ArticleIdOf(call.first);
  if (Response* error = ErrorOf(id)) {
    CheckError(*error);
  } else {
    FUZZ_CHECK(std::get<int64_t>(id) > 0);
  }
  OrError<std::string> slug = SlugOf(call.first, "slug");
  if (Response* error = ErrorOf(slug)) {
    CheckError(*error);
  } else {
    FUZZ_CHECK(!std::get<std::string>(slug).empty());
    FUZZ_CHECK(PercentDecode(call.first) == std::get<std::string>(slug));
    FUZZ_CHECK(!TextProblem(std::get<std::string>(slug)));
  }
  OrError<std::optional<int64_t>> version = ExpectedVersionOf(call);
  if (Response* error = ErrorOf(version)) {
    CheckError(*error);
  } else if (const auto& value = std::get<std::optional<int64_t>>(version)) {
    FUZZ_CHECK(*value > 0);
  } else {
    FUZZ_CHECK(if_match.empty() && !HasQueryParam(query, "version"));
  }
  OrError<std::optional<int64_t>> page = IntParam(call, "pageSize", 1, 100);
  if (Response* error = ErrorOf(page)) {
    CheckError(*error);
  } else if (const auto& value = std::get<std::optional<int64_t>>(page)) {
    FUZZ_CHECK(*value >= 1 && *value <= 100);
  }
  OrError<std::string> section = StringParam(call, "section");
  if (Response* error = ErrorOf(section)) CheckError(*error);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view if_match =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  const std::string_view line = input.substr(0, newline);
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos) return 0;
  const std::string_view method_text = line.substr(0, space);
  const http::verb method =
      http::string_to_verb(boost::beast::string_view(method_text.data(), method_text.size()));
  const std::string_view target = line.substr(space + 1);
  const std::size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);

  const Route route = Match(method, path);
  CheckInside(route.first, path);
  CheckInside(route.second, path);
  const std::string_view name = RouteName(route.id);
  FUZZ_CHECK(!name.empty());
  if (route.id == RouteId::kMethodNotAllowed) {
    // The Allow header lists what the address answers, which is not this method.
    FUZZ_CHECK(!route.allow.empty());
    const std::string_view method_name = MethodName(method);
    FUZZ_CHECK(method == http::verb::unknown ||
               route.allow.find(std::string(method_name) + ",") == std::string_view::npos);
    FUZZ_CHECK(!route.allow.ends_with(method_name) || method == http::verb::unknown);
  } else {
    FUZZ_CHECK(route.allow.empty());
  }
  if (route.id != RouteId::kNotFound && route.id != RouteId::kMethodNotAllowed) {
    // The route's name starts with the method it answers (GET also for HEAD).
    const std::string_view wanted = IsRead(method) ? "GET" : MethodName(method);
    FUZZ_CHECK(name.starts_with(std::string(wanted) + " "));
  }
  // Only reads may be answered from the shared cache.
  if (CacheDomainsOf(route.id) != kNotCached) FUZZ_CHECK(IsRead(method));

  const Route again = Match(method, path);
  FUZZ_CHECK(again.id == route.id && again.first == route.first && again.second == route.second);

  CheckUrl(path, query);
  CheckCallArgs(route, query, if_match);
  return 0;
}
