#include "services/gateway/router.h"

namespace akhbar::gateway {
namespace {

constexpr std::string_view kGetOnly = "GET, HEAD";

// Splits "/a/b/c" into at most 5 segments; more makes `count` 6 (no route).
struct Segments {
  std::string_view part[5];
  int count = 0;
};

Segments Split(std::string_view path) {
  Segments segments;
  if (path.starts_with('/')) path.remove_prefix(1);
  if (path.empty()) return segments;
  while (true) {
    const std::size_t slash = path.find('/');
    if (segments.count == 5) {
      segments.count = 6;
      return segments;
    }
    segments.part[segments.count++] = path.substr(0, slash);
    if (slash == std::string_view::npos) return segments;
    path.remove_prefix(slash + 1);
  }
}

bool IsRead(http::verb method) { return method == http::verb::get || method == http::verb::head; }

Route Read(http::verb method, RouteId id, std::string_view first = {},
           std::string_view second = {}) {
  if (!IsRead(method)) return Route{RouteId::kMethodNotAllowed, {}, {}, kGetOnly};
  return Route{id, first, second, {}};
}

Route Write(http::verb method, http::verb wanted, RouteId id, std::string_view allow,
            std::string_view first = {}) {
  if (method != wanted) return Route{RouteId::kMethodNotAllowed, {}, {}, allow};
  return Route{id, first, {}, {}};
}

// "123:publish" → ("123", "publish").
std::pair<std::string_view, std::string_view> SplitVerb(std::string_view segment) {
  const std::size_t colon = segment.find(':');
  if (colon == std::string_view::npos) return {segment, {}};
  return {segment.substr(0, colon), segment.substr(colon + 1)};
}

Route MatchArticles(http::verb method, const Segments& s) {
  // s.part[0..1] == "api", "v1"; s.part[2] starts with "articles".
  if (s.count == 3) {
    if (s.part[2] == "articles") {
      if (method == http::verb::post) return Route{RouteId::kCreateArticle, {}, {}, {}};
      if (IsRead(method)) return Route{RouteId::kListArticles, {}, {}, {}};
      return Route{RouteId::kMethodNotAllowed, {}, {}, "GET, HEAD, POST"};
    }
    if (s.part[2] == "articles:import") {
      return Write(method, http::verb::post, RouteId::kImportArticles, "POST");
    }
    return {};
  }
  if (s.part[2] != "articles") return {};
  if (s.count == 4) {
    auto [id, verb] = SplitVerb(s.part[3]);
    if (verb == "publish")
      return Write(method, http::verb::post, RouteId::kPublishArticle, "POST", id);
    if (verb == "unpublish") {
      return Write(method, http::verb::post, RouteId::kUnpublishArticle, "POST", id);
    }
    if (!verb.empty()) return {};
    if (IsRead(method)) return Route{RouteId::kGetArticle, id, {}, {}};
    if (method == http::verb::patch) return Route{RouteId::kUpdateArticle, id, {}, {}};
    if (method == http::verb::delete_) return Route{RouteId::kTakedownArticle, id, {}, {}};
    return Route{RouteId::kMethodNotAllowed, {}, {}, "GET, HEAD, PATCH, DELETE"};
  }
  if (s.count == 5) {
    if (s.part[3] == "by-slug") return Read(method, RouteId::kGetArticleBySlug, s.part[4]);
    if (s.part[4] == "related") return Read(method, RouteId::kGetRelated, s.part[3]);
  }
  return {};
}

Route MatchTicker(http::verb method, const Segments& s) {
  if (s.count == 3) {
    if (IsRead(method)) return Route{RouteId::kGetTicker, {}, {}, {}};
    if (method == http::verb::post) return Route{RouteId::kPushTickerItem, {}, {}, {}};
    return Route{RouteId::kMethodNotAllowed, {}, {}, "GET, HEAD, POST"};
  }
  if (s.count != 4) return {};
  if (s.part[3] == "stream") return Read(method, RouteId::kTickerStream);
  if (method == http::verb::patch) return Route{RouteId::kUpdateTickerItem, s.part[3], {}, {}};
  if (method == http::verb::delete_) return Route{RouteId::kRetractTickerItem, s.part[3], {}, {}};
  return Route{RouteId::kMethodNotAllowed, {}, {}, "PATCH, DELETE"};
}

Route MatchApi(http::verb method, const Segments& s) {
  if (s.count < 3 || s.part[1] != "v1") return {};
  const std::string_view resource = s.part[2];
  if (resource.starts_with("articles")) return MatchArticles(method, s);
  if (resource == "ticker") return MatchTicker(method, s);
  if (resource == "sections" && s.count == 3) return Read(method, RouteId::kListSections);
  if (resource == "tags" && s.count == 4) return Read(method, RouteId::kGetTag, s.part[3]);
  return {};
}

}  // namespace

Route Match(http::verb method, std::string_view path) {
  const Segments s = Split(path);
  if (s.count == 0) return Read(method, RouteId::kHomePage);
  const std::string_view top = s.part[0];
  if (top == "api") return MatchApi(method, s);
  if (top == "news") {
    if (s.count == 2) return Read(method, RouteId::kArticleShortLink, s.part[1]);
    if (s.count == 3) return Read(method, RouteId::kArticlePage, s.part[1], s.part[2]);
    return {};
  }
  if (s.count == 2) {
    if (top == "section") return Read(method, RouteId::kSectionPage, s.part[1]);
    if (top == "tag") return Read(method, RouteId::kTagPage, s.part[1]);
    if (top == "static" && s.part[1] == "site.css") return Read(method, RouteId::kSiteCss);
    if (top == "static" && s.part[1] == "ticker.js") return Read(method, RouteId::kTickerJs);
  }
  if (s.count == 1) {
    if (top == "healthz") return Read(method, RouteId::kHealthz);
    if (top == "readyz") return Read(method, RouteId::kReadyz);
    if (top == "openapi.json") return Read(method, RouteId::kOpenApi);
  }
  return {};
}

std::string_view RouteName(RouteId id) {
  switch (id) {
    case RouteId::kHealthz:
      return "GET /healthz";
    case RouteId::kReadyz:
      return "GET /readyz";
    case RouteId::kOpenApi:
      return "GET /openapi.json";
    case RouteId::kSiteCss:
      return "GET /static/site.css";
    case RouteId::kTickerJs:
      return "GET /static/ticker.js";
    case RouteId::kHomePage:
      return "GET /";
    case RouteId::kArticlePage:
      return "GET /news/{id}/{slug}";
    case RouteId::kArticleShortLink:
      return "GET /news/{id}";
    case RouteId::kSectionPage:
      return "GET /section/{slug}";
    case RouteId::kTagPage:
      return "GET /tag/{slug}";
    case RouteId::kGetArticle:
      return "GET /api/v1/articles/{id}";
    case RouteId::kGetArticleBySlug:
      return "GET /api/v1/articles/by-slug/{slug}";
    case RouteId::kListArticles:
      return "GET /api/v1/articles";
    case RouteId::kGetRelated:
      return "GET /api/v1/articles/{id}/related";
    case RouteId::kListSections:
      return "GET /api/v1/sections";
    case RouteId::kGetTag:
      return "GET /api/v1/tags/{slug}";
    case RouteId::kGetTicker:
      return "GET /api/v1/ticker";
    case RouteId::kTickerStream:
      return "GET /api/v1/ticker/stream";
    case RouteId::kCreateArticle:
      return "POST /api/v1/articles";
    case RouteId::kUpdateArticle:
      return "PATCH /api/v1/articles/{id}";
    case RouteId::kPublishArticle:
      return "POST /api/v1/articles/{id}:publish";
    case RouteId::kUnpublishArticle:
      return "POST /api/v1/articles/{id}:unpublish";
    case RouteId::kTakedownArticle:
      return "DELETE /api/v1/articles/{id}";
    case RouteId::kImportArticles:
      return "POST /api/v1/articles:import";
    case RouteId::kPushTickerItem:
      return "POST /api/v1/ticker";
    case RouteId::kUpdateTickerItem:
      return "PATCH /api/v1/ticker/{id}";
    case RouteId::kRetractTickerItem:
      return "DELETE /api/v1/ticker/{id}";
    case RouteId::kMethodNotAllowed:
      return "method not allowed";
    case RouteId::kNotFound:
      break;
  }
  return "not found";
}

unsigned CacheDomainsOf(RouteId id) {
  switch (id) {
    case RouteId::kGetArticle:
    case RouteId::kGetArticleBySlug:
    case RouteId::kListArticles:
    case RouteId::kGetRelated:
    case RouteId::kListSections:
    case RouteId::kGetTag:
    case RouteId::kArticleShortLink:
      return kArticleData;
    case RouteId::kGetTicker:
      return kTickerData;
    case RouteId::kHomePage:
    case RouteId::kArticlePage:
    case RouteId::kSectionPage:
    case RouteId::kTagPage:
      return kArticleData | kTickerData;
    default:
      return kNotCached;
  }
}

}  // namespace akhbar::gateway
