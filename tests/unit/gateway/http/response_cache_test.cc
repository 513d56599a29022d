#include "services/gateway/response_cache.h"

#include <gtest/gtest.h>

#include <thread>

#include "services/gateway/router.h"

namespace akhbar::gateway {
namespace {

using std::chrono::milliseconds;

std::shared_ptr<const ReadyResponse> Ready(unsigned status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return Finish(std::move(response));
}

class ResponseCacheTest : public ::testing::Test {
 protected:
  // Asks for `key` the way the gateway does and answers a fetch with `body`.
  std::shared_ptr<const ReadyResponse> Serve(ResponseCache& cache, const std::string& key,
                                             unsigned domains, const std::string& body) {
    ResponseCache::Lookup lookup = cache.Get(key, domains);
    if (lookup.response && !lookup.fetch) return lookup.response;
    std::shared_ptr<const ReadyResponse> waited;
    if (!lookup.response) cache.Wait(key, [&](const auto& r) { waited = r; });
    if (lookup.fetch) {
      ++fetches_;
      cache.Complete(key, generations_.Current(), domains, Ready(200, body));
    }
    return lookup.response ? lookup.response : waited;
  }

  CacheGenerations generations_;
  int fetches_ = 0;
};

TEST_F(ResponseCacheTest, AResponseIsFetchedOnceThenServedFromMemory) {
  ResponseCache cache(generations_, milliseconds(60000));
  auto first = Serve(cache, "/a", kArticleData, "one");
  auto second = Serve(cache, "/a", kArticleData, "two");
  EXPECT_EQ(first->body, "one");
  EXPECT_EQ(second.get(), first.get());  // the same bytes, not a copy
  EXPECT_EQ(fetches_, 1);
}

TEST_F(ResponseCacheTest, AChangeOfItsDataServesTheOldOnceWhileTheNewIsFetched) {
  ResponseCache cache(generations_, milliseconds(60000));
  Serve(cache, "/a", kArticleData, "one");
  generations_.Bump(kTickerData);  // not what /a is made of
  EXPECT_EQ(Serve(cache, "/a", kArticleData, "two")->body, "one");
  EXPECT_EQ(fetches_, 1);
  generations_.Bump(kArticleData);
  // The request that notices answers with what it has and fetches anew.
  EXPECT_EQ(Serve(cache, "/a", kArticleData, "two")->body, "one");
  EXPECT_EQ(Serve(cache, "/a", kArticleData, "three")->body, "two");
  EXPECT_EQ(fetches_, 2);
}

TEST_F(ResponseCacheTest, ConcurrentMissesShareOneFetchAndOneAnswer) {
  ResponseCache cache(generations_, milliseconds(60000));
  std::vector<std::shared_ptr<const ReadyResponse>> answers(3);
  ResponseCache::Lookup first = cache.Get("/a", kArticleData);
  ASSERT_TRUE(first.fetch);
  ASSERT_FALSE(first.response);
  cache.Wait("/a", [&](const auto& r) { answers[0] = r; });
  for (int i = 1; i < 3; ++i) {
    ResponseCache::Lookup later = cache.Get("/a", kArticleData);
    EXPECT_FALSE(later.fetch);
    EXPECT_FALSE(later.response);
    cache.Wait("/a", [&answers, i](const auto& r) { answers[i] = r; });
  }
  cache.Complete("/a", generations_.Current(), kArticleData, Ready(200, "x"));
  for (const auto& answer : answers) {
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer.get(), answers[0].get());
  }
}

TEST_F(ResponseCacheTest, AStaleResponseWaitsOnceTheFetchTakesTooLong) {
  ResponseCache cache(generations_, milliseconds(60000), 100, milliseconds(5));
  Serve(cache, "/a", kArticleData, "one");
  generations_.Bump(kArticleData);
  ResponseCache::Lookup noticing = cache.Get("/a", kArticleData);
  ASSERT_TRUE(noticing.fetch);
  EXPECT_EQ(noticing.response->body, "one");
  EXPECT_EQ(cache.Get("/a", kArticleData).response->body, "one");
  std::this_thread::sleep_for(milliseconds(10));
  EXPECT_FALSE(cache.Get("/a", kArticleData).response) << "stale beyond max_stale";
}

TEST_F(ResponseCacheTest, AnAnswerFetchedAcrossAChangeIsNotKeptAsFresh) {
  ResponseCache cache(generations_, milliseconds(60000));
  ResponseCache::Lookup lookup = cache.Get("/a", kArticleData);
  const CacheGenerations::Stamp before = generations_.Current();
  generations_.Bump(kArticleData);  // an edit lands while the fetch is on its way
  cache.Complete("/a", before, kArticleData, Ready(200, "old"));
  ResponseCache::Lookup next = cache.Get("/a", kArticleData);
  EXPECT_TRUE(next.fetch);
  (void)lookup;
}

TEST_F(ResponseCacheTest, FailuresAreNotKeptAndEntriesExpire) {
  ResponseCache cache(generations_, milliseconds(1));
  cache.Get("/a", kArticleData);
  cache.Complete("/a", generations_.Current(), kArticleData, Ready(503, "down"));
  EXPECT_EQ(cache.size(), 0u);
  Serve(cache, "/b", kArticleData, "b");
  std::this_thread::sleep_for(milliseconds(5));
  EXPECT_TRUE(cache.Get("/b", kArticleData).fetch);
}

TEST_F(ResponseCacheTest, AnExpiredAnswerKeepsAnsweringWhileTheServicesFail) {
  ResponseCache cache(generations_, milliseconds(1));
  Serve(cache, "/a", kArticleData, "one");
  std::this_thread::sleep_for(milliseconds(5));
  ResponseCache::Lookup expired = cache.Get("/a", kArticleData);
  ASSERT_TRUE(expired.fetch);
  std::shared_ptr<const ReadyResponse> waited;
  cache.Wait("/a", [&](const auto& r) { waited = r; });
  cache.Complete("/a", generations_.Current(), kArticleData, Ready(503, "down"));
  ASSERT_TRUE(waited);
  EXPECT_EQ(waited->body, "one") << "a waiter gets the expired answer, not the failure";
  ResponseCache::Lookup next = cache.Get("/a", kArticleData);
  ASSERT_TRUE(next.response);
  EXPECT_EQ(next.response->body, "one");
  EXPECT_TRUE(next.fetch) << "and the next request tries the services again";
  cache.Complete("/a", generations_.Current(), kArticleData, Ready(200, "two"));
  EXPECT_EQ(cache.Get("/a", kArticleData).response->body, "two");
}

TEST_F(ResponseCacheTest, AnAnswerMadeBeforeAnEditStandsInWhileTheServicesFail) {
  ResponseCache cache(generations_, milliseconds(60000));
  Serve(cache, "/a", kArticleData, "before the edit");
  generations_.Bump(kArticleData);
  ASSERT_TRUE(cache.Get("/a", kArticleData).fetch);
  cache.Complete("/a", generations_.Current(), kArticleData, Ready(503, "down"));
  ResponseCache::Lookup next = cache.Get("/a", kArticleData);
  ASSERT_TRUE(next.response);
  EXPECT_EQ(next.response->body, "before the edit");
}

TEST_F(ResponseCacheTest, AnAnswerMadeBeforeAWithdrawalIsNotServedWhenTheServicesFail) {
  ResponseCache cache(generations_, milliseconds(60000));
  Serve(cache, "/a", kArticleData, "taken down since");
  generations_.Bump(kArticleData, /*withdrawn=*/true);
  const CacheGenerations::Stamp after = generations_.Current();
  ASSERT_TRUE(cache.Get("/a", kArticleData).fetch);
  std::shared_ptr<const ReadyResponse> waited;
  cache.Wait("/a", [&](const auto& r) { waited = r; });
  cache.Complete("/a", after, kArticleData, Ready(504, "deadline"));
  ASSERT_TRUE(waited);
  EXPECT_EQ(waited->status, 504u);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.Get("/a", kArticleData).response);
}

TEST_F(ResponseCacheTest, NoReaderWaitsOnAFetchLongerThanThePatience) {
  ResponseCache cache(generations_, milliseconds(1), 100, milliseconds(0));
  const auto too_slow = Ready(504, "too slow");
  Serve(cache, "/a", kArticleData, "one");
  std::this_thread::sleep_for(milliseconds(5));
  ASSERT_TRUE(cache.Get("/a", kArticleData).fetch);  // a fetch that hangs
  std::shared_ptr<const ReadyResponse> waited;
  ASSERT_FALSE(cache.Get("/a", kArticleData).response) << "stale beyond max_stale: waits";
  cache.Wait("/a", [&](const auto& r) { waited = r; });
  cache.AnswerOverdue(milliseconds(60000), too_slow);
  EXPECT_FALSE(waited) << "not overdue yet";
  cache.AnswerOverdue(milliseconds(0), too_slow);
  ASSERT_TRUE(waited);
  EXPECT_EQ(waited->body, "one") << "the previous answer, not the failure";
  // A fetch for something never answered before: the waiter gets too_slow.
  ASSERT_TRUE(cache.Get("/b", kArticleData).fetch);
  std::shared_ptr<const ReadyResponse> waited_b;
  cache.Wait("/b", [&](const auto& r) { waited_b = r; });
  cache.AnswerOverdue(milliseconds(0), too_slow);
  ASSERT_TRUE(waited_b);
  EXPECT_EQ(waited_b->status, 504u);
  // The fetches go on: their answers are kept when they come.
  cache.Complete("/b", generations_.Current(), kArticleData, Ready(200, "b"));
  EXPECT_EQ(cache.Get("/b", kArticleData).response->body, "b");
}

TEST_F(ResponseCacheTest, TheNumberOfEntriesIsBounded) {
  ResponseCache cache(generations_, milliseconds(60000), 10);
  for (int i = 0; i < 25; ++i) Serve(cache, "/" + std::to_string(i), kArticleData, "x");
  EXPECT_LE(cache.size(), 10u);
}

TEST_F(ResponseCacheTest, TheBytesKeptAreBounded) {
  ResponseCache cache(generations_, milliseconds(60000), 100000, milliseconds(1000), 100 * 1024);
  const std::string page(10 * 1024, 'x');
  // Each query string a cache has never seen, as a cache-busting crawler sends.
  for (int i = 0; i < 200; ++i) Serve(cache, "/news/1?v=" + std::to_string(i), kArticleData, page);
  EXPECT_LE(cache.size(), 10u) << "10 KB pages in 100 KB";
  EXPECT_GE(cache.size(), 1u);
  EXPECT_EQ(Serve(cache, "/news/1?v=199", kArticleData, "other")->body, page)
      << "the latest is still served from memory";
}

TEST_F(ResponseCacheTest, APageReadersKeepOpeningOutlastsCacheBusting) {
  ResponseCache cache(generations_, milliseconds(60000), 100000, milliseconds(1000), 100 * 1024);
  const std::string page(10 * 1024, 'x');
  Serve(cache, "/news/1", kArticleData, "warm");
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(Serve(cache, "/news/1", kArticleData, "fetched again")->body, "warm") << i;
    Serve(cache, "/news/1?v=" + std::to_string(i), kArticleData, page);
  }
}

}  // namespace
}  // namespace akhbar::gateway
