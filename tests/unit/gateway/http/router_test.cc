#include "services/gateway/router.h"

#include <gtest/gtest.h>

namespace akhbar::gateway {
namespace {

using http::verb;

struct Case {
  verb method;
  std::string path;
  RouteId id;
  std::string first;
  std::string second;
};

TEST(RouterTest, EveryRouteIsReachedWithItsParts) {
  const std::vector<Case> cases = {
      {verb::get, "/healthz", RouteId::kHealthz, "", ""},
      {verb::get, "/readyz", RouteId::kReadyz, "", ""},
      {verb::get, "/openapi.json", RouteId::kOpenApi, "", ""},
      {verb::get, "/static/site.css", RouteId::kSiteCss, "", ""},
      {verb::get, "/static/ticker.js", RouteId::kTickerJs, "", ""},
      {verb::get, "/", RouteId::kHomePage, "", ""},
      {verb::head, "/", RouteId::kHomePage, "", ""},
      {verb::get, "/news/12/%D8%A7", RouteId::kArticlePage, "12", "%D8%A7"},
      {verb::get, "/news/12", RouteId::kArticleShortLink, "12", ""},
      {verb::get, "/section/sport", RouteId::kSectionPage, "sport", ""},
      {verb::get, "/tag/x", RouteId::kTagPage, "x", ""},
      {verb::get, "/api/v1/articles/12", RouteId::kGetArticle, "12", ""},
      {verb::get, "/api/v1/articles/by-slug/s", RouteId::kGetArticleBySlug, "s", ""},
      {verb::get, "/api/v1/articles", RouteId::kListArticles, "", ""},
      {verb::get, "/api/v1/articles/12/related", RouteId::kGetRelated, "12", ""},
      {verb::get, "/api/v1/sections", RouteId::kListSections, "", ""},
      {verb::get, "/api/v1/tags/t", RouteId::kGetTag, "t", ""},
      {verb::get, "/api/v1/ticker", RouteId::kGetTicker, "", ""},
      {verb::get, "/api/v1/ticker/stream", RouteId::kTickerStream, "", ""},
      {verb::post, "/api/v1/articles", RouteId::kCreateArticle, "", ""},
      {verb::patch, "/api/v1/articles/12", RouteId::kUpdateArticle, "12", ""},
      {verb::post, "/api/v1/articles/12:publish", RouteId::kPublishArticle, "12", ""},
      {verb::post, "/api/v1/articles/12:unpublish", RouteId::kUnpublishArticle, "12", ""},
      {verb::delete_, "/api/v1/articles/12", RouteId::kTakedownArticle, "12", ""},
      {verb::post, "/api/v1/articles:import", RouteId::kImportArticles, "", ""},
      {verb::post, "/api/v1/ticker", RouteId::kPushTickerItem, "", ""},
      {verb::patch, "/api/v1/ticker/abc", RouteId::kUpdateTickerItem, "abc", ""},
      {verb::delete_, "/api/v1/ticker/abc", RouteId::kRetractTickerItem, "abc", ""},
  };
  for (const Case& c : cases) {
    const Route route = Match(c.method, c.path);
    EXPECT_EQ(route.id, c.id) << c.path;
    EXPECT_EQ(route.first, c.first) << c.path;
    EXPECT_EQ(route.second, c.second) << c.path;
    EXPECT_NE(RouteName(route.id), "not found") << c.path;
  }
}

TEST(RouterTest, AWrongMethodSaysWhichAreAllowed) {
  EXPECT_EQ(Match(verb::post, "/api/v1/sections").id, RouteId::kMethodNotAllowed);
  EXPECT_EQ(Match(verb::post, "/api/v1/sections").allow, "GET, HEAD");
  EXPECT_EQ(Match(verb::put, "/api/v1/articles/1").allow, "GET, HEAD, PATCH, DELETE");
  EXPECT_EQ(Match(verb::get, "/api/v1/articles:import").allow, "POST");
  EXPECT_EQ(Match(verb::delete_, "/news/1/x").id, RouteId::kMethodNotAllowed);
}

TEST(RouterTest, NearMissesAreNotFound) {
  for (const char* path :
       {"/api/v2/articles", "/api/v1/articles/1/2/3", "/news/1/2/3", "/api/v1/articles/1:delete",
        "/api/v1/nothing", "/static/other.js", "/section", "/a/b/c/d/e/f/g", "/api/v1/tags"}) {
    EXPECT_EQ(Match(verb::get, path).id, RouteId::kNotFound) << path;
  }
}

TEST(RouterTest, OnlyReadsAreCachedAndPagesDependOnTheTickerToo) {
  EXPECT_EQ(CacheDomainsOf(RouteId::kGetArticle), kArticleData);
  EXPECT_EQ(CacheDomainsOf(RouteId::kGetTicker), kTickerData);
  EXPECT_EQ(CacheDomainsOf(RouteId::kArticlePage), kArticleData | kTickerData);
  for (RouteId write :
       {RouteId::kCreateArticle, RouteId::kUpdateArticle, RouteId::kTakedownArticle,
        RouteId::kImportArticles, RouteId::kPushTickerItem, RouteId::kTickerStream}) {
    EXPECT_EQ(CacheDomainsOf(write), kNotCached);
  }
}

}  // namespace
}  // namespace akhbar::gateway
