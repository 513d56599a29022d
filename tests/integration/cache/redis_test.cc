// libs/cache against a real Redis 7 started by deploy/local/redis.sh.

#include "libs/cache/redis.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "prometheus/registry.h"
#include "tests/support/local_servers.h"

namespace akhbar::cache {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;
using Clock = std::chrono::steady_clock;

// Generous upper bounds: these tests check behaviour, never speed.
constexpr auto kSanityBound = std::chrono::seconds(5);
constexpr auto kRecoveryDeadline = std::chrono::seconds(15);

// Collects what a Subscriber delivers, for waiting on from the test thread.
class Inbox {
 public:
  void Add(std::string_view channel, std::string_view payload) {
    std::lock_guard lock(mu_);
    messages_.emplace_back(std::string(channel), std::string(payload));
    changed_.notify_all();
  }
  void Reconnected() {
    std::lock_guard lock(mu_);
    ++reconnects_;
    changed_.notify_all();
  }
  bool WaitForMessages(size_t n) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, kSanityBound, [&] { return messages_.size() >= n; });
  }
  bool WaitForReconnects(int n, std::chrono::seconds within = kSanityBound) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, within, [&] { return reconnects_ >= n; });
  }
  std::vector<std::pair<std::string, std::string>> messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::pair<std::string, std::string>> messages_;
  int reconnects_ = 0;
};

class RedisTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new testing::LocalRedis();
    auto started = server_->Start();
    ASSERT_TRUE(started);
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    // A test that stopped the server restarts it, but make sure.
    ASSERT_TRUE(server_->Start());
  }

  static RedisOptions Options() {
    RedisOptions options;
    options.host = "127.0.0.1";
    options.port = server_->port();
    options.pool_size = 4;
    options.connect_timeout = std::chrono::milliseconds(200);
    options.command_timeout = std::chrono::milliseconds(200);
    options.breaker_failures = 3;
    options.breaker_cooldown = std::chrono::milliseconds(500);
    return options;
  }

  // Retries a GET until it succeeds or the deadline passes.
  static bool EventuallyAnswers(Redis& redis) {
    const auto deadline = Clock::now() + kRecoveryDeadline;
    while (Clock::now() < deadline) {
      if (redis.Get("probe").ok()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  static double Counter(prometheus::Registry& registry, const std::string& command,
                        const std::string& result) {
    for (const auto& family : registry.Collect()) {
      if (family.name != "akhbar_cache_requests_total") continue;
      for (const auto& metric : family.metric) {
        std::string c, r;
        for (const auto& label : metric.label) {
          if (label.name == "command") c = label.value;
          if (label.name == "result") r = label.value;
        }
        if (c == command && r == result) return metric.counter.value;
      }
    }
    return 0;
  }

  static testing::LocalRedis* server_;
};

testing::LocalRedis* RedisTest::server_ = nullptr;

TEST_F(RedisTest, GetSetDelMGet) {
  prometheus::Registry registry;
  Redis redis(Options(), &registry);
  // Binary-safe: Arabic text and an embedded NUL.
  const std::string value = std::string("عاجل\0خبر", sizeof("عاجل\0خبر") - 1);
  ASSERT_TRUE(redis.Set("article:1", value, std::chrono::minutes(1)).ok());
  ASSERT_TRUE(redis.Set("article:2", "two", std::chrono::milliseconds(0)).ok());

  auto got = redis.Get("article:1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(*got, Optional(value));
  auto missing = redis.Get("article:none");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(*missing, std::nullopt);

  auto many = redis.MGet({"article:1", "article:none", "article:2"});
  ASSERT_TRUE(many.ok()) << many.status();
  EXPECT_THAT(*many, ElementsAre(Optional(value), std::nullopt, Optional(std::string("two"))));
  auto none = redis.MGet({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  ASSERT_TRUE(redis.Del({"article:1", "article:2"}).ok());
  EXPECT_TRUE(redis.Del({}).ok());
  EXPECT_EQ(*redis.Get("article:1"), std::nullopt);

  // A ttl expires the key.
  ASSERT_TRUE(redis.Set("short", "x", std::chrono::milliseconds(50)).ok());
  auto ttl = redis.Command({"PTTL", "short"});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(ttl->integer, 0);
  EXPECT_LE(ttl->integer, 50);

  EXPECT_EQ(Counter(registry, "GET", "hit"), 1);
  EXPECT_EQ(Counter(registry, "GET", "miss"), 2);
  EXPECT_EQ(Counter(registry, "MGET", "hit"), 2);  // per key
  EXPECT_EQ(Counter(registry, "MGET", "miss"), 1);
  EXPECT_EQ(Counter(registry, "SET", "ok"), 3);
  EXPECT_EQ(Counter(registry, "DEL", "ok"), 1);
  EXPECT_EQ(Counter(registry, "PTTL", "ok"), 1);
}

TEST_F(RedisTest, CommandRepliesAndErrors) {
  prometheus::Registry registry;
  Redis redis(Options(), &registry);
  ASSERT_TRUE(redis.Del({"counter", "list"}).ok());
  auto incr = redis.Command({"INCR", "counter"});
  ASSERT_TRUE(incr.ok()) << incr.status();
  EXPECT_EQ(incr->type, Reply::Type::kInteger);
  EXPECT_EQ(incr->integer, 1);

  auto pong = redis.Command({"PING"});
  ASSERT_TRUE(pong.ok());
  EXPECT_EQ(pong->type, Reply::Type::kStatus);
  EXPECT_EQ(pong->str, "PONG");

  ASSERT_TRUE(redis.Command({"RPUSH", "list", "a", "b"}).ok());
  auto range = redis.Command({"LRANGE", "list", "0", "-1"});
  ASSERT_TRUE(range.ok());
  ASSERT_EQ(range->type, Reply::Type::kArray);
  ASSERT_EQ(range->elements.size(), 2u);
  EXPECT_EQ(range->elements[1].str, "b");

  // An error reply is INTERNAL, and a healthy server answering errors never
  // opens the breaker.
  for (int i = 0; i < 5; ++i) {
    auto wrong = redis.Command({"INCR", "list"});
    EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInternal);
    EXPECT_THAT(std::string(wrong.status().message()), HasSubstr("WRONGTYPE"));
  }
  EXPECT_FALSE(redis.BreakerOpen());
  EXPECT_EQ(redis.Command({}).status().code(), absl::StatusCode::kInvalidArgument);

  // Unknown commands share one label value.
  (void)redis.Command({"ECHO", "x"});
  EXPECT_EQ(Counter(registry, "OTHER", "ok"), 1);
  EXPECT_EQ(Counter(registry, "INCR", "error"), 5);
}

TEST_F(RedisTest, PublishReachesSubscriber) {
  Redis redis(Options());
  Inbox inbox;
  Subscriber subscriber(
      Options(), {"ticker", "articles"},
      [&](std::string_view channel, std::string_view payload) { inbox.Add(channel, payload); },
      [&] { inbox.Reconnected(); });
  subscriber.Start();
  // on_reconnect runs once subscribed: from then on nothing is missed.
  ASSERT_TRUE(inbox.WaitForReconnects(1));

  ASSERT_TRUE(redis.Publish("ticker", "عاجل: خبر").ok());
  ASSERT_TRUE(redis.Publish("articles", std::string("a\0b", 3)).ok());
  ASSERT_TRUE(redis.Publish("elsewhere", "ignored").ok());
  ASSERT_TRUE(inbox.WaitForMessages(2));
  EXPECT_THAT(inbox.messages(),
              ElementsAre(std::pair<std::string, std::string>("ticker", "عاجل: خبر"),
                          std::pair<std::string, std::string>("articles", std::string("a\0b", 3))));

  const auto start = Clock::now();
  subscriber.Stop();
  EXPECT_LT(Clock::now() - start, kSanityBound);
  subscriber.Stop();  // twice is fine
}

TEST_F(RedisTest, KilledRedisOpensBreakerAndRecovers) {
  RedisOptions options = Options();
  prometheus::Registry registry;
  Redis redis(options, &registry);
  Inbox inbox;
  Subscriber subscriber(
      options, {"ticker"},
      [&](std::string_view channel, std::string_view payload) { inbox.Add(channel, payload); },
      [&] { inbox.Reconnected(); });
  subscriber.Start();
  ASSERT_TRUE(inbox.WaitForReconnects(1));
  ASSERT_TRUE(redis.Set("k", "v", std::chrono::minutes(1)).ok());

  ASSERT_TRUE(server_->Kill());
  for (int i = 0; i < options.breaker_failures; ++i) {
    auto got = redis.Get("k");
    EXPECT_EQ(got.status().code(), absl::StatusCode::kUnavailable) << got.status();
  }
  EXPECT_TRUE(redis.BreakerOpen());
  auto rejected = redis.Get("k");
  EXPECT_EQ(rejected.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(rejected.status().message()), HasSubstr("circuit breaker open"));
  EXPECT_GE(Counter(registry, "GET", "rejected"), 1);
  EXPECT_EQ(redis.Set("k", "v", std::chrono::minutes(1)).code(), absl::StatusCode::kUnavailable);

  ASSERT_TRUE(server_->Start());
  // After the cooldown a probe gets through and closes the breaker.
  EXPECT_TRUE(EventuallyAnswers(redis));
  EXPECT_FALSE(redis.BreakerOpen());
  EXPECT_TRUE(redis.Set("k", "v2", std::chrono::minutes(1)).ok());
  EXPECT_THAT(*redis.Get("k"), Optional(std::string("v2")));

  // The subscriber came back by itself and said so.
  ASSERT_TRUE(inbox.WaitForReconnects(2, std::chrono::seconds(15)));
  ASSERT_TRUE(redis.Publish("ticker", "after restart").ok());
  ASSERT_TRUE(inbox.WaitForMessages(1));
  EXPECT_EQ(inbox.messages().back().second, "after restart");
}

TEST_F(RedisTest, PausedRedisTimesOutAndRecovers) {
  RedisOptions options = Options();
  options.breaker_failures = 100;  // this test is about timeouts, not the breaker
  Redis redis(options);
  ASSERT_TRUE(redis.Set("k", "v", std::chrono::minutes(1)).ok());  // a pooled connection

  ASSERT_TRUE(server_->Pause());
  for (int i = 0; i < 2; ++i) {  // a pooled connection, then a fresh one
    const auto start = Clock::now();
    auto got = redis.Get("k");
    const auto took = Clock::now() - start;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kUnavailable) << got.status();
    // About command_timeout; the bound is only a sanity check.
    EXPECT_LT(took, kSanityBound);
  }
  ASSERT_TRUE(server_->Resume());
  EXPECT_TRUE(EventuallyAnswers(redis));
  EXPECT_THAT(*redis.Get("k"), Optional(std::string("v")));
}

TEST_F(RedisTest, UnreachableRedisIsUnavailable) {
  RedisOptions options = Options();
  options.port = 1;  // nothing listens there
  Redis redis(options);
  EXPECT_EQ(redis.Get("k").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(redis.MGet({"a", "b"}).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(redis.Publish("c", "m").code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(redis.BreakerOpen());
}

}  // namespace
}  // namespace akhbar::cache
