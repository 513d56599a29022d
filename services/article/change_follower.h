#pragma once

#include <chrono>
#include <functional>

#include "libs/events/article_event_follower.h"
#include "libs/task/periodic.h"

namespace akhbar::cache {
class Redis;
}

namespace akhbar::article {

// Tells this process that articles may have changed elsewhere, from the
// change events every replica's outbox relay appends to the Redis stream: once
// after each poll that delivered any, and whenever some may have been missed
// (on starting to follow, after Redis was unreachable, after the stream
// restarted below our position). What is told is deliberately coarse: the
// in-process cache simply drops everything, and events are rare next to reads.
// Our own events come back too, which costs one more drop and nothing else.
class ChangeFollower {
 public:
  ChangeFollower(cache::Redis& redis, std::function<void()> on_change);
  ~ChangeFollower();  // Stop()

  void Start();
  void Stop();

 private:
  std::chrono::milliseconds Tick();

  std::function<void()> on_change_;
  events::ArticleEventFollower follower_;
  bool following_ = false;
  bool changed_ = false;
  std::chrono::steady_clock::time_point next_position_check_{};
  task::Periodic periodic_;
};

}  // namespace akhbar::article
