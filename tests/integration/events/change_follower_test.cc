// libs/events/ChangeFollower against a real Redis 7: what it tells about the
// change events the article service appends.

#include "libs/events/change_follower.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "akhbar/article/v1/events.pb.h"
#include "libs/cache/redis.h"
#include "tests/support/local_servers.h"

namespace akhbar::events {
namespace {

using std::chrono::milliseconds;
using Kind = article::v1::ArticleEvent::Kind;

// What the follower told, in order: the `withdrawn` flag of each call.
class Told {
 public:
  void Add(bool withdrawn) {
    std::lock_guard lock(mu_);
    calls_.push_back(withdrawn);
    changed_.notify_all();
  }
  // Waits for the follower to be quiet for `quiet`, then returns the calls.
  std::vector<bool> AfterQuiet(milliseconds quiet) {
    std::unique_lock lock(mu_);
    std::size_t seen = calls_.size();
    while (changed_.wait_for(lock, quiet, [&] { return calls_.size() != seen; })) {
      seen = calls_.size();
    }
    std::vector<bool> calls = std::move(calls_);
    calls_.clear();
    return calls;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<bool> calls_;
};

class ChangeFollowerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start());
    cache::RedisOptions options;
    options.host = "127.0.0.1";
    options.port = server_.port();
    redis_ = std::make_unique<cache::Redis>(options);
  }

  void Append(Kind kind) {
    article::v1::ArticleEvent event;
    event.set_kind(kind);
    event.set_article_id(1);
    ASSERT_TRUE(
        redis_->Command({"XADD", "akhbar:article:events", "*", "event", event.SerializeAsString()})
            .ok());
  }

  testing::LocalRedis server_;
  std::unique_ptr<cache::Redis> redis_;
};

TEST_F(ChangeFollowerTest, TellsWhetherAChangeWithdrewAnArticleAndEchoesItOnlyWhileItMatters) {
  Told told;
  ChangeFollower follower(*redis_, [&](bool withdrawn) { told.Add(withdrawn); },
                          {milliseconds(200)});
  follower.Start();
  // On starting to follow, events may have been missed: a withdrawal is assumed.
  EXPECT_EQ(told.AfterQuiet(milliseconds(600)), (std::vector<bool>{true, true}));

  Append(article::v1::ArticleEvent::KIND_UPDATED);
  EXPECT_EQ(told.AfterQuiet(milliseconds(600)), (std::vector<bool>{false, false}))
      << "an edit, and its echo";

  Append(article::v1::ArticleEvent::KIND_TAKEN_DOWN);
  EXPECT_EQ(told.AfterQuiet(milliseconds(600)), (std::vector<bool>{true, true}))
      << "a takedown, and its echo";

  // Edits right after a withdrawal replace its echo with theirs, but the
  // withdrawal is still told again once its own delay has passed.
  Append(article::v1::ArticleEvent::KIND_UNPUBLISHED);
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(milliseconds(120));
    Append(article::v1::ArticleEvent::KIND_UPDATED);
  }
  const std::vector<bool> close = told.AfterQuiet(milliseconds(600));
  ASSERT_GE(close.size(), 3u);
  EXPECT_TRUE(close.front()) << "the withdrawal";
  EXPECT_EQ(std::count(close.begin(), close.end(), true), 2)
      << "the withdrawal and its own echo, among the edits'";

  // A steady stream of edits long after: no withdrawal is carried along.
  for (int i = 0; i < 5; ++i) {
    Append(article::v1::ArticleEvent::KIND_UPDATED);
    std::this_thread::sleep_for(milliseconds(150));
  }
  for (bool withdrawn : told.AfterQuiet(milliseconds(600))) EXPECT_FALSE(withdrawn);
  follower.Stop();
}

}  // namespace
}  // namespace akhbar::events
