// The pool that takes blocking work off threads that must not block.
#include "libs/task/bounded_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace akhbar::task {
namespace {

TEST(BoundedPoolTest, RunsEverythingSubmittedOnItsOwnThreads) {
  std::atomic<int> ran{0};
  std::mutex mu;
  std::set<std::thread::id> threads;
  {
    BoundedPool pool(2, 1000);
    for (int i = 0; i < 200; ++i) {
      ASSERT_TRUE(pool.TrySubmit([&] {
        ++ran;
        std::lock_guard lock(mu);
        threads.insert(std::this_thread::get_id());
      }));
    }
    pool.Join();
    EXPECT_EQ(ran.load(), 200);
  }
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
  EXPECT_LE(threads.size(), 2u);
}

TEST(BoundedPoolTest, WorkBeyondTheCapIsRefusedAtOnceAndRoomComesBackAsWorkEnds) {
  std::mutex mu;
  std::condition_variable changed;
  bool release = false;
  int started = 0;
  BoundedPool pool(1, 3);
  auto blocked = [&] {
    std::unique_lock lock(mu);
    ++started;
    changed.notify_all();
    changed.wait(lock, [&] { return release; });
  };
  // One running, two queued: the cap counts both.
  ASSERT_TRUE(pool.TrySubmit(blocked));
  ASSERT_TRUE(pool.TrySubmit(blocked));
  ASSERT_TRUE(pool.TrySubmit(blocked));
  std::atomic<bool> refused_ran{false};
  EXPECT_FALSE(pool.TrySubmit([&] { refused_ran = true; }));
  {
    std::lock_guard lock(mu);
    release = true;
  }
  changed.notify_all();
  pool.Join();
  EXPECT_EQ(started, 3);
  EXPECT_FALSE(refused_ran.load()) << "refused work must never run";
}

}  // namespace
}  // namespace akhbar::task
