#include "services/article/local_cache.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace akhbar::article {
namespace {

using std::chrono::milliseconds;

// The wrapped cache (Redis in production): a map that counts every call and
// can fail or be slowed down on demand.
class CountingCache : public ArticleCache {
 public:
  std::atomic<int> gets{0};
  std::atomic<int> mgets{0};
  std::atomic<int> mget_keys{0};
  std::atomic<int> sets{0};
  std::atomic<int> dels{0};
  std::atomic<bool> down{false};
  // Yields between reading the map and answering, so that a write can slip in
  // between, as it can between Redis answering and the answer arriving.
  std::atomic<bool> slow{false};

  void Put(const std::string& key, const std::string& value) {
    std::lock_guard lock(mu_);
    entries_[key] = value;
  }

  absl::StatusOr<std::optional<std::string>> Get(const std::string& key) override {
    ++gets;
    if (down) return absl::UnavailableError("down");
    std::optional<std::string> value = Read(key);
    if (slow) std::this_thread::yield();
    return value;
  }
  absl::StatusOr<std::vector<std::optional<std::string>>> MGet(
      const std::vector<std::string>& keys) override {
    ++mgets;
    mget_keys += static_cast<int>(keys.size());
    if (down) return absl::UnavailableError("down");
    std::vector<std::optional<std::string>> values;
    for (const std::string& key : keys) values.push_back(Read(key));
    return values;
  }
  absl::Status Set(const std::string& key, const std::string& value, milliseconds) override {
    ++sets;
    if (down) return absl::UnavailableError("down");
    Put(key, value);
    return absl::OkStatus();
  }
  absl::Status Del(const std::vector<std::string>& keys) override {
    ++dels;
    if (down) return absl::UnavailableError("down");
    std::lock_guard lock(mu_);
    for (const std::string& key : keys) entries_.erase(key);
    return absl::OkStatus();
  }

 private:
  std::optional<std::string> Read(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }
  std::mutex mu_;
  std::map<std::string, std::string> entries_;
};

class LocalArticleCacheTest : public ::testing::Test {
 protected:
  LocalCacheOptions Options(milliseconds max_age = milliseconds(1000),
                            std::size_t max_entries = 100) {
    return LocalCacheOptions{
        .max_age = max_age, .max_entries = max_entries, .now = [this] { return now_; }};
  }

  // What a Get answered: the value, "<miss>" or "<error>".
  static std::string Answer(const absl::StatusOr<std::optional<std::string>>& answer) {
    if (!answer.ok()) return "<error>";
    return answer->value_or("<miss>");
  }

  CountingCache redis_;
  std::chrono::steady_clock::time_point now_{std::chrono::seconds(1000)};
};

TEST_F(LocalArticleCacheTest, WarmGetDoesNotAskTheWrappedCache) {
  LocalArticleCache local(redis_, Options());
  redis_.Put("k", "article");
  EXPECT_EQ(Answer(local.Get("k")), "article");
  EXPECT_EQ(redis_.gets, 1);
  EXPECT_EQ(Answer(local.Get("k")), "article");
  EXPECT_EQ(Answer(local.Get("k")), "article");
  EXPECT_EQ(redis_.gets, 1);
}

TEST_F(LocalArticleCacheTest, ValuesExpireAfterMaxAge) {
  LocalArticleCache local(redis_, Options(milliseconds(1000)));
  redis_.Put("k", "v1");
  EXPECT_EQ(Answer(local.Get("k")), "v1");
  redis_.Put("k", "v2");  // changed in Redis without telling us
  now_ += milliseconds(999);
  EXPECT_EQ(Answer(local.Get("k")), "v1");
  EXPECT_EQ(redis_.gets, 1);
  now_ += milliseconds(1);
  EXPECT_EQ(Answer(local.Get("k")), "v2");
  EXPECT_EQ(redis_.gets, 2);
}

TEST_F(LocalArticleCacheTest, SetWritesThroughAndKeepsForTheShorterOfTtlAndMaxAge) {
  LocalArticleCache local(redis_, Options(milliseconds(1000)));
  ASSERT_TRUE(local.Set("long", "a", milliseconds(600000)).ok());
  ASSERT_TRUE(local.Set("short", "b", milliseconds(100)).ok());
  EXPECT_EQ(redis_.sets, 2);
  EXPECT_EQ(Answer(redis_.Get("long")), "a");
  redis_.gets = 0;
  now_ += milliseconds(99);
  EXPECT_EQ(Answer(local.Get("short")), "b");
  EXPECT_EQ(Answer(local.Get("long")), "a");
  EXPECT_EQ(redis_.gets, 0);
  now_ += milliseconds(1);
  redis_.Put("short", "b2");
  EXPECT_EQ(Answer(local.Get("short")), "b2");
  EXPECT_EQ(redis_.gets, 1);
  now_ += milliseconds(900);
  EXPECT_EQ(Answer(local.Get("long")), "a");
  EXPECT_EQ(redis_.gets, 2);  // max age reached: asked again
}

TEST_F(LocalArticleCacheTest, SetIsKeptHereEvenWhenTheWrappedCacheIsDown) {
  LocalArticleCache local(redis_, Options());
  redis_.down = true;
  EXPECT_FALSE(local.Set("k", "loaded", milliseconds(600000)).ok());
  EXPECT_EQ(Answer(local.Get("k")), "loaded");
  EXPECT_EQ(redis_.gets, 0);
}

TEST_F(LocalArticleCacheTest, DelErasesHereAndInTheWrappedCache) {
  LocalArticleCache local(redis_, Options());
  redis_.Put("k", "old");
  EXPECT_EQ(Answer(local.Get("k")), "old");
  ASSERT_TRUE(local.Del({"k"}).ok());
  EXPECT_EQ(redis_.dels, 1);
  EXPECT_EQ(Answer(redis_.Get("k")), "<miss>");
  redis_.Put("k", "new");
  EXPECT_EQ(Answer(local.Get("k")), "new");
}

TEST_F(LocalArticleCacheTest, DelErasesHereEvenWhenTheWrappedCacheIsDown) {
  LocalArticleCache local(redis_, Options());
  redis_.Put("k", "old");
  EXPECT_EQ(Answer(local.Get("k")), "old");
  redis_.down = true;
  EXPECT_FALSE(local.Del({"k"}).ok());
  EXPECT_EQ(Answer(local.Get("k")), "<error>");  // asked Redis, not answered "old"
  EXPECT_EQ(local.size(), 0u);
}

TEST_F(LocalArticleCacheTest, DropAllForgetsEverythingButLeavesTheWrappedCache) {
  LocalArticleCache local(redis_, Options());
  for (const char* key : {"a", "b", "c"}) {
    redis_.Put(key, std::string("v-") + key);
    EXPECT_EQ(Answer(local.Get(key)), std::string("v-") + key);
  }
  EXPECT_EQ(local.size(), 3u);
  local.DropAll();
  EXPECT_EQ(local.size(), 0u);
  EXPECT_EQ(redis_.dels, 0);
  redis_.Put("a", "changed");
  EXPECT_EQ(Answer(local.Get("a")), "changed");
  EXPECT_EQ(Answer(local.Get("b")), "v-b");
  EXPECT_EQ(redis_.gets, 5);
}

TEST_F(LocalArticleCacheTest, NegativeEntriesAreKeptMissingKeysAreNot) {
  LocalArticleCache local(redis_, Options());
  redis_.Put("gone", "");  // a remembered "not found"
  absl::StatusOr<std::optional<std::string>> first = local.Get("gone");
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ(**first, "");
  absl::StatusOr<std::optional<std::string>> second = local.Get("gone");
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ(**second, "");
  EXPECT_EQ(redis_.gets, 1);

  // Missing from Redis: the caller loads and sets it, so nothing is kept.
  EXPECT_EQ(Answer(local.Get("absent")), "<miss>");
  EXPECT_EQ(Answer(local.Get("absent")), "<miss>");
  EXPECT_EQ(redis_.gets, 3);

  // Nor is a failure.
  redis_.Put("k", "v");
  redis_.down = true;
  EXPECT_EQ(Answer(local.Get("k")), "<error>");
  redis_.down = false;
  EXPECT_EQ(Answer(local.Get("k")), "v");
}

TEST_F(LocalArticleCacheTest, MGetAsksOnlyForWhatIsNotHeld) {
  LocalArticleCache local(redis_, Options());
  redis_.Put("a", "1");
  redis_.Put("b", "2");
  redis_.Put("c", "");
  EXPECT_EQ(Answer(local.Get("a")), "1");
  absl::StatusOr<std::vector<std::optional<std::string>>> values = local.MGet({"a", "b", "c", "d"});
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(*values, (std::vector<std::optional<std::string>>{"1", "2", "", std::nullopt}));
  EXPECT_EQ(redis_.mgets, 1);
  EXPECT_EQ(redis_.mget_keys, 3);  // not "a"

  // Everything but the missing "d" is held now; "d" alone is asked for.
  values = local.MGet({"c", "b", "a", "d"});
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(*values, (std::vector<std::optional<std::string>>{"", "2", "1", std::nullopt}));
  EXPECT_EQ(redis_.mget_keys, 4);
  values = local.MGet({"a", "b"});
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(redis_.mgets, 2);  // all held: no call at all
}

TEST_F(LocalArticleCacheTest, MGetWithTheWrappedCacheDownAnswersWhatIsHeld) {
  LocalArticleCache local(redis_, Options());
  redis_.Put("a", "1");
  redis_.Put("b", "2");
  EXPECT_EQ(Answer(local.Get("a")), "1");
  redis_.down = true;
  absl::StatusOr<std::vector<std::optional<std::string>>> values = local.MGet({"a", "b"});
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(*values, (std::vector<std::optional<std::string>>{"1", std::nullopt}));
  EXPECT_FALSE(local.MGet({"b"}).ok());  // nothing held: the failure is the answer
}

TEST_F(LocalArticleCacheTest, ZeroMaxAgePassesEverythingThrough) {
  LocalArticleCache local(redis_, Options(milliseconds(0)));
  redis_.Put("k", "v");
  EXPECT_EQ(Answer(local.Get("k")), "v");
  EXPECT_EQ(Answer(local.Get("k")), "v");
  EXPECT_EQ(redis_.gets, 2);
  ASSERT_TRUE(local.Set("s", "x", milliseconds(1000)).ok());
  EXPECT_EQ(Answer(local.Get("s")), "x");
  EXPECT_EQ(redis_.gets, 3);
  ASSERT_TRUE(local.MGet({"k", "s"}).ok());
  ASSERT_TRUE(local.MGet({"k", "s"}).ok());
  EXPECT_EQ(redis_.mgets, 2);
  ASSERT_TRUE(local.Del({"k"}).ok());
  EXPECT_EQ(redis_.dels, 1);
  EXPECT_EQ(local.size(), 0u);
}

TEST_F(LocalArticleCacheTest, EntryBoundHolds) {
  for (std::size_t bound : {std::size_t{1}, std::size_t{5}, std::size_t{16}, std::size_t{40}}) {
    CountingCache redis;
    LocalArticleCache local(redis, Options(milliseconds(1000), bound));
    for (int i = 0; i < 500; ++i) {
      const std::string key = "k" + std::to_string(i);
      if (i % 2 == 0) {
        redis.Put(key, "v");
        ASSERT_EQ(Answer(local.Get(key)), "v");
      } else {
        ASSERT_TRUE(local.Set(key, "v", milliseconds(1000)).ok());
      }
      ASSERT_LE(local.size(), bound) << "bound " << bound << " after " << i;
    }
    EXPECT_GE(local.size(), 1u);
    // The newest entry survived its own insertion.
    const int gets = redis.gets;
    EXPECT_EQ(Answer(local.Get("k499")), "v");
    EXPECT_EQ(redis.gets, gets) << "bound " << bound;
  }
}

TEST_F(LocalArticleCacheTest, HitsAndMissesAreCounted) {
  prometheus::Registry registry;
  LocalArticleCache local(redis_, Options(), &registry);
  redis_.Put("k", "v");
  (void)local.Get("k");
  (void)local.Get("k");
  (void)local.MGet({"k", "other"});
  std::map<std::string, double> counts;
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name != "akhbar_article_local_cache_requests_total") continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      for (const prometheus::ClientMetric::Label& label : metric.label) {
        if (label.name == "result") counts[label.value] = metric.counter.value;
      }
    }
  }
  EXPECT_EQ(counts["hit"], 2);
  EXPECT_EQ(counts["miss"], 2);
}

// Readers on several threads while a writer publishes new versions the way
// the service does (write the truth, then invalidate or set), and another
// thread drops everything now and then. A read that starts after a version
// was published must never answer an older one, though a read in flight
// fetched that older one from the wrapped cache and wants to keep it.
TEST_F(LocalArticleCacheTest, NoStaleValueAfterDelOrSetUnderConcurrency) {
  LocalArticleCache local(
      redis_, LocalCacheOptions{.max_age = std::chrono::hours(1), .max_entries = 100, .now = {}});
  redis_.slow = true;
  constexpr int kVersions = 3000;
  std::atomic<int> published{0};
  std::atomic<bool> done{false};
  std::atomic<int> stale{0};
  std::atomic<long> reads{0};
  redis_.Put("k", "0");

  std::vector<std::thread> threads;
  for (int r = 0; r < 4; ++r) {
    threads.emplace_back([&] {
      while (!done) {
        const int before = published.load();
        absl::StatusOr<std::optional<std::string>> value = local.Get("k");
        ++reads;
        if (!value.ok() || !value->has_value()) continue;  // between Del and the reload
        if (std::stoi(**value) < before) ++stale;
      }
    });
  }
  threads.emplace_back([&] {
    while (!done) {
      local.DropAll();
      std::this_thread::sleep_for(milliseconds(1));
    }
  });
  for (int v = 1; v <= kVersions; ++v) {
    const std::string value = std::to_string(v);
    if (v % 2 == 0) {
      // Committed: invalidate, then another replica reloads it into Redis.
      ASSERT_TRUE(local.Del({"k"}).ok());
      redis_.Put("k", value);
    } else {
      ASSERT_TRUE(local.Set("k", value, milliseconds(600000)).ok());
    }
    published = v;
    if (v % 64 == 0) std::this_thread::yield();
  }
  done = true;
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(stale, 0) << "of " << reads << " reads";
  EXPECT_GT(reads, 0);
  EXPECT_EQ(Answer(local.Get("k")), std::to_string(kVersions));
}

}  // namespace
}  // namespace akhbar::article
