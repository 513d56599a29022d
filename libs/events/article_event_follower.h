#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "akhbar/article/v1/events.pb.h"

namespace akhbar::cache {
class Redis;
}

namespace akhbar::events {

// Reads the article service's change events from the Redis stream its outbox
// relay appends to (field "event": a serialized ArticleEvent), in order, from
// a remembered position. Polling with XREAD through the shared pool keeps
// every call bounded by the pool's timeouts; a poll every 100 ms is well
// within the freshness promises. Events lost to a trimmed stream or a Redis
// restart are not this class's problem: every reader also has a way to catch
// up without them (the related index compares versions with PostgreSQL; the
// gateway's cached responses expire).
class ArticleEventFollower {
 public:
  using Handler = std::function<void(const article::v1::ArticleEvent&)>;
  ArticleEventFollower(cache::Redis& redis, Handler handler);

  // Remembers the stream's current end, so that everything appended from now
  // on is delivered. Call before loading the index: an event that arrives in
  // between is then seen twice, never missed.
  absl::Status StartFromNow();
  // Delivers what was appended since the last call; returns how many.
  absl::StatusOr<int> Poll();
  // A Redis that restarted empty numbers its stream afresh, below our
  // position: start again from the beginning of what it has.
  absl::Status CheckPosition();

  const std::string& position() const { return position_; }

 private:
  cache::Redis& redis_;
  Handler handler_;
  std::string position_ = "0-0";
};

// "<ms>-<seq>" stream ids, compared as numbers.
bool StreamIdLess(const std::string& a, const std::string& b);

}  // namespace akhbar::events
