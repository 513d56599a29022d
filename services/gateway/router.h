#pragma once

#include <string_view>

#include "libs/http/beast.h"

namespace akhbar::gateway {

enum class RouteId {
  kHealthz,
  kReadyz,
  kOpenApi,
  kSiteCss,
  kTickerJs,
  kHomePage,
  kArticlePage,       // /news/{id}/{slug}
  kArticleShortLink,  // /news/{id}: 301 to the canonical page
  kSectionPage,
  kTagPage,
  kGetArticle,
  kGetArticleBySlug,
  kListArticles,
  kGetRelated,
  kListSections,
  kGetTag,
  kGetTicker,
  kTickerStream,
  kCreateArticle,
  kUpdateArticle,
  kPublishArticle,
  kUnpublishArticle,
  kTakedownArticle,
  kImportArticles,
  kPushTickerItem,
  kUpdateTickerItem,
  kRetractTickerItem,
  kNotFound,
  kMethodNotAllowed,
};

struct Route {
  RouteId id = RouteId::kNotFound;
  // The path's variable parts, still percent-encoded: an id or slug, and for
  // /news/{id}/{slug} the slug as second.
  std::string_view first;
  std::string_view second;
  // For kMethodNotAllowed: the Allow header.
  std::string_view allow;
};

// Matches by hand rather than with regular expressions: it runs for every
// request, and the routes are few and fixed.
Route Match(http::verb method, std::string_view path);

// A low-cardinality name for metrics and logs ("GET /api/v1/articles/{id}").
std::string_view RouteName(RouteId id);

// Whether a successful answer may be kept and shared between anonymous
// readers (and what invalidates it).
enum CacheDomain : unsigned {
  kNotCached = 0,
  kArticleData = 1,  // articles, sections, tags, related lists
  kTickerData = 2,
};
unsigned CacheDomainsOf(RouteId id);

}  // namespace akhbar::gateway
