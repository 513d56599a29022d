#pragma once

#include <chrono>
#include <deque>
#include <functional>

#include "libs/events/article_event_follower.h"
#include "libs/task/periodic.h"

namespace akhbar::cache {
class Redis;
}

namespace akhbar::gateway {

// Tells the gateway when articles change, from the article service's change
// events: at once, and again a little later, because related lists are
// rebuilt by the related service a moment after the same event reaches it.
// Without Redis nothing is told; cached responses then expire by age.
class ArticleChanges {
 public:
  ArticleChanges(cache::Redis& redis, std::function<void()> on_change);
  ~ArticleChanges();  // Stop()

  void Start();
  void Stop();

 private:
  std::chrono::milliseconds Tick();

  std::function<void()> on_change_;
  events::ArticleEventFollower follower_;
  bool following_ = false;
  bool changed_ = false;
  std::deque<std::chrono::steady_clock::time_point> echoes_;
  task::Periodic periodic_;
};

}  // namespace akhbar::gateway
