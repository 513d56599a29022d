#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace akhbar::gateway {

// A response serialized once and shared by every request it answers: the
// warm path writes these bytes as they are, adding only Date and, when the
// connection ends, Connection: close.
struct ReadyResponse {
  unsigned status = 200;
  std::string head;  // status line and headers, each ending in CRLF; no blank line
  std::string body;
  std::string etag;               // quoted, or empty
  std::string not_modified_head;  // the 304 for a matching If-None-Match, when etag is set
  // Whether every anonymous reader may be given these same bytes (and a
  // cache may keep them): a 200, 301 or 404 with a public Cache-Control.
  bool shareable = false;
};

// A response as handlers write it.
struct Response {
  unsigned status = 200;
  std::string content_type;
  std::string body;
  // Empty: "no-store" for writes and errors above 499, a short public
  // lifetime otherwise (see Finish).
  std::string cache_control;
  // Empty: taken from the body's hash for a 200 (so that any cached page
  // revalidates with 304 when nothing in it changed).
  std::string etag;
  std::vector<std::pair<std::string, std::string>> headers;  // Location, Retry-After, …
};

// How long browsers and a CDN may keep what we answer. Short, because an
// editor's change must show within a second; stale-while-revalidate lets a
// CDN answer at once while it fetches the new version.
inline constexpr std::string_view kPublicCacheControl =
    "public, max-age=1, stale-while-revalidate=30, stale-if-error=600";
inline constexpr std::string_view kStaticCacheControl = "public, max-age=3600";

std::shared_ptr<const ReadyResponse> Finish(Response response);

// Whether an If-None-Match header value names `etag` ("*", a list, or W/).
bool EtagMatches(std::string_view if_none_match, std::string_view etag);

std::string_view ReasonPhrase(unsigned status);

}  // namespace akhbar::gateway
