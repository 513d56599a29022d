#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <vector>

#include "libs/events/article_event_follower.h"
#include "libs/task/periodic.h"

namespace akhbar::cache {
class Redis;
}

namespace akhbar::events {

// Tells a process that articles may have changed, from the change events
// every article replica's outbox relay appends to the Redis stream: once
// after each poll that delivered any, and whenever some may have been missed
// (on starting to follow, after Redis was unreachable, after the stream
// restarted below our position). What is told is deliberately coarse —
// callers drop whole caches — since events are rare next to reads.
//
// `echoes`: delays after an event at which to tell again, for callers whose
// answers also depend on another reader of the same events (the gateway's
// related lists, rebuilt by the related service a moment later).
//
// `withdrawn` tells whether an article may have been unpublished or taken
// down (or events may have been missed): a caller that keeps serving what it
// had while the services fail must then not serve anything made before.
class ChangeFollower {
 public:
  using OnChange = std::function<void(bool withdrawn)>;
  ChangeFollower(cache::Redis& redis, OnChange on_change,
                 std::vector<std::chrono::milliseconds> echoes = {});
  ~ChangeFollower();  // Stop()

  void Start();
  void Stop();

 private:
  std::chrono::milliseconds Tick();
  // Tells now, and again after each echo delay.
  void Tell(std::chrono::steady_clock::time_point now, bool withdrawn);

  OnChange on_change_;
  const std::vector<std::chrono::milliseconds> echo_delays_;
  ArticleEventFollower follower_;
  bool following_ = false;
  bool changed_ = false;
  bool withdrawn_ = false;  // by an event of the current poll
  std::chrono::steady_clock::time_point next_position_check_{};
  std::deque<std::chrono::steady_clock::time_point> echoes_;
  // A withdrawal's own echoes, which a later change does not replace: what
  // was made before the readers echoes wait for caught up with it must not
  // stand in for a fresh answer, however many edits follow.
  std::deque<std::chrono::steady_clock::time_point> withdrawal_echoes_;
  task::Periodic periodic_;
};

}  // namespace akhbar::events
