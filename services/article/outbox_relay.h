#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "libs/cache/redis.h"
#include "libs/db/pool.h"
#include "libs/task/periodic.h"

namespace prometheus {
class Registry;
}

namespace akhbar::article {

// The Redis stream that carries article change events (field "event" holds a
// serialized akhbar.article.v1.ArticleEvent). Consumers read it with XREAD and
// resume from the last stream id they handled.
inline constexpr char kEventStream[] = "akhbar:article:events";

// Relays committed events from article_outbox to Redis, in outbox order and at
// least once: it deletes the cache keys each event makes stale (again: the
// writer already tried, but may have crashed or found Redis down) and appends
// the event to kEventStream, and only then marks the rows relayed. One relay
// runs at a time across replicas (an advisory lock), which keeps the order.
// This is a store-side adapter: its SQL and Redis calls live here only.
class OutboxRelay {
 public:
  OutboxRelay(db::Pool& pool, cache::Redis& redis, prometheus::Registry& registry);
  ~OutboxRelay();
  void Start();
  // Relay soon, e.g. right after a local commit.
  void Wake() { task_.Wake(); }
  void Stop() { task_.Stop(); }

  // One pass; returns how many events were relayed.
  absl::StatusOr<int> RelayOnce();

 private:
  struct Metrics;
  std::chrono::milliseconds Tick();

  db::Pool& pool_;
  cache::Redis& redis_;
  std::unique_ptr<Metrics> metrics_;
  int consecutive_failures_ = 0;
  std::chrono::steady_clock::time_point next_prune_{};
  // While passes fail, lag is reported as the time since the last good one.
  std::chrono::steady_clock::time_point last_success_ = std::chrono::steady_clock::now();
  task::Periodic task_;
};

}  // namespace akhbar::article
