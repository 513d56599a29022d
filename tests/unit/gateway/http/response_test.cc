#include "services/gateway/response.h"

#include <gtest/gtest.h>

namespace akhbar::gateway {
namespace {

Response Json(unsigned status, std::string body) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  return response;
}

TEST(ResponseTest, AFinishedResponseHasItsHeadAndAnEtagFromItsBytes) {
  auto ready = Finish(Json(200, "{\"a\":1}"));
  EXPECT_EQ(ready->head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(ready->head.find("Content-Length: 7\r\n"), std::string::npos);
  EXPECT_NE(ready->head.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(ready->head.find("Cache-Control: public, max-age=1, stale-while-revalidate=30"),
            std::string::npos);
  EXPECT_EQ(ready->head.find("Content-Security-Policy"), std::string::npos);
  ASSERT_FALSE(ready->etag.empty());
  EXPECT_NE(ready->head.find("ETag: " + ready->etag), std::string::npos);
  EXPECT_EQ(Finish(Json(200, "{\"a\":1}"))->etag, ready->etag);
  EXPECT_NE(Finish(Json(200, "{\"a\":2}"))->etag, ready->etag);
  EXPECT_EQ(ready->not_modified_head.rfind("HTTP/1.1 304 Not Modified\r\n", 0), 0u);
  EXPECT_EQ(ready->not_modified_head.find("Content-Length"), std::string::npos);
  EXPECT_TRUE(ready->shareable);
}

TEST(ResponseTest, ErrorsAndPrivateAnswersAreNotShared) {
  auto failed = Finish(Json(503, "{}"));
  EXPECT_NE(failed->head.find("Cache-Control: no-store\r\n"), std::string::npos);
  EXPECT_TRUE(failed->etag.empty());
  EXPECT_FALSE(failed->shareable);
  Response mine = Json(200, "{}");
  mine.cache_control = "private, no-store";
  EXPECT_FALSE(Finish(std::move(mine))->shareable);
  EXPECT_TRUE(Finish(Json(404, "{}"))->shareable);
}

TEST(ResponseTest, PagesCarryAContentSecurityPolicyAndAGivenEtagIsKept) {
  Response page;
  page.content_type = "text/html; charset=utf-8";
  page.body = "<!doctype html>";
  page.etag = "\"v7\"";
  page.headers.emplace_back("Location", "/x");
  auto ready = Finish(std::move(page));
  EXPECT_NE(ready->head.find("Content-Security-Policy: default-src 'self'"), std::string::npos);
  EXPECT_EQ(ready->etag, "\"v7\"");
  EXPECT_NE(ready->head.find("Location: /x\r\n"), std::string::npos);
}

TEST(ResponseTest, IfNoneMatchMatchesListsWeakTagsAndTheWildcard) {
  EXPECT_TRUE(EtagMatches("\"v7\"", "\"v7\""));
  EXPECT_TRUE(EtagMatches("\"a\", \"v7\"", "\"v7\""));
  EXPECT_TRUE(EtagMatches("W/\"v7\"", "\"v7\""));
  EXPECT_TRUE(EtagMatches("*", "\"v7\""));
  EXPECT_FALSE(EtagMatches("\"v8\"", "\"v7\""));
  EXPECT_FALSE(EtagMatches("\"v7\"", ""));
}

}  // namespace
}  // namespace akhbar::gateway
