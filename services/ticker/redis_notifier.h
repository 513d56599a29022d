#pragma once

#include <atomic>

#include "libs/cache/redis.h"
#include "services/ticker/store.h"

namespace akhbar::ticker {

// The Redis pub/sub channel every replica's watchers listen on. The payload is
// the latest committed sequence number as decimal text; the event log itself
// stays in PostgreSQL, so a lost message only delays a replica until it polls.
inline constexpr char kEventsChannel[] = "akhbar:ticker:events";

// TickerNotifier on Redis PUBLISH. Failures are logged once per outage and
// otherwise ignored: replicas also poll the event log.
class RedisTickerNotifier : public TickerNotifier {
 public:
  explicit RedisTickerNotifier(cache::Redis& redis) : redis_(redis) {}
  void EventsCommitted(uint64_t sequence) override;

 private:
  cache::Redis& redis_;
  std::atomic<bool> failing_{false};
};

}  // namespace akhbar::ticker
