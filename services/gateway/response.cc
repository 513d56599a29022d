#include "services/gateway/response.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace akhbar::gateway {
namespace {

// Pages load only our own script and styles; ticker items and article images
// may point anywhere over https.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

// FNV-1a: the ETag only has to change when the bytes do.
uint64_t Fnv1a(std::string_view bytes) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace

std::string_view ReasonPhrase(unsigned status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

std::shared_ptr<const ReadyResponse> Finish(Response response) {
  auto ready = std::make_shared<ReadyResponse>();
  ready->status = response.status;
  std::string cache_control = std::move(response.cache_control);
  if (cache_control.empty()) {
    const bool shareable = response.status < 300 || response.status == 301 ||
                           response.status == 404 || response.status == 410;
    cache_control = shareable ? std::string(kPublicCacheControl) : "no-store";
  }
  if (response.etag.empty() && response.status == 200 && cache_control != "no-store") {
    response.etag = absl::StrCat("\"", absl::Hex(Fnv1a(response.body), absl::kZeroPad16), "\"");
  }
  std::string common;
  absl::StrAppend(&common, "Cache-Control: ", cache_control, "\r\n");
  if (!response.etag.empty()) absl::StrAppend(&common, "ETag: ", response.etag, "\r\n");
  absl::StrAppend(&common, "X-Content-Type-Options: nosniff\r\n");
  if (response.content_type.starts_with("text/html")) {
    absl::StrAppend(&common, "Content-Security-Policy: ", std::string(kContentSecurityPolicy),
                    "\r\nReferrer-Policy: strict-origin-when-cross-origin\r\n");
  }
  for (const auto& [name, value] : response.headers) {
    absl::StrAppend(&common, name, ": ", value, "\r\n");
  }
  ready->head = absl::StrCat("HTTP/1.1 ", response.status, " ",
                             std::string(ReasonPhrase(response.status)), "\r\n", common);
  if (!response.content_type.empty()) {
    absl::StrAppend(&ready->head, "Content-Type: ", response.content_type, "\r\n");
  }
  absl::StrAppend(&ready->head, "Content-Length: ", response.body.size(), "\r\n");
  if (!response.etag.empty()) {
    ready->not_modified_head = absl::StrCat("HTTP/1.1 304 Not Modified\r\n", common);
  }
  ready->shareable = cache_control.starts_with("public") &&
                     (response.status == 200 || response.status == 301 || response.status == 404);
  ready->etag = std::move(response.etag);
  ready->body = std::move(response.body);
  return ready;
}

bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  if (etag.empty()) return false;
  for (absl::string_view candidate :
       absl::StrSplit(absl::string_view(if_none_match.data(), if_none_match.size()), ',')) {
    candidate = absl::StripAsciiWhitespace(candidate);
    if (candidate == "*") return true;
    absl::ConsumePrefix(&candidate, "W/");
    if (std::string_view(candidate.data(), candidate.size()) == etag) return true;
  }
  return false;
}

}  // namespace akhbar::gateway
