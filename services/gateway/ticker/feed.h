#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "akhbar/ticker/v1/ticker.pb.h"
#include "services/gateway/sse_sink.h"

namespace akhbar::gateway {

// One section's ticker as the gateway's browsers see it: the items on air,
// kept from the ticker service's Watch stream, and the browsers' SSE streams.
// It remembers the last `history` event frames so that a browser coming back
// with Last-Event-ID gets exactly what it missed from the gateway's memory,
// without a call to the ticker service. Pure logic, thread-safe.
class TickerFeed {
 public:
  struct Options {
    std::size_t history = 1000;  // event frames kept for resuming browsers
  };
  struct State {
    std::vector<ticker::v1::TickerItem> items;  // in display order
    uint64_t sequence = 0;                      // the latest change reflected in items
    bool ready = false;                         // false until the first snapshot
  };

  TickerFeed(std::string section, Options options);
  TickerFeed(const TickerFeed&) = delete;
  TickerFeed& operator=(const TickerFeed&) = delete;

  // What a message did to the items (so that cached pages can be dropped).
  struct Change {
    bool changed = false;
    // An item left: retracted, expired, or absent from a new snapshot. Pages
    // made before must not stand in for fresh ones even while services fail.
    bool withdrew = false;
    explicit operator bool() const { return changed; }
  };

  // One message of the ticker service's Watch stream, in arrival order.
  Change Apply(const ticker::v1::WatchResponse& message);

  // Registers `sink` and, atomically with respect to Apply, sends it either
  // the frames after `last_event_id` (when the feed's memory covers them) or
  // one snapshot frame. A feed that has not received its first snapshot yet
  // sends nothing now; the sink gets the snapshot when it comes. After
  // CloseAll the sink is closed at once.
  void Subscribe(std::shared_ptr<SseSink> sink, std::optional<uint64_t> last_event_id);
  void Unsubscribe(const std::shared_ptr<SseSink>& sink);
  // ": heartbeat\n\n" to every sink.
  void SendHeartbeat();
  // Gateway drain: Close() every sink and forget them.
  void CloseAll();

  // For server-rendered pages and GET /api/v1/ticker. Cheap: a pointer
  // swapped on each change.
  std::shared_ptr<const State> Current() const;
  std::size_t subscriber_count() const;
  const std::string& section() const { return section_; }

  // Where the gateway's own Watch resumes: the latest sequence up to which the
  // ticker service has told this feed everything (its events, and its
  // heartbeats, which follow every earlier event); 0 before the first snapshot
  // so that a new stream starts with one.
  uint64_t resume_sequence() const;

 private:
  struct Frame {
    uint64_t sequence = 0;
    std::shared_ptr<const std::string> text;
  };

  Change ApplySnapshot(const ticker::v1::WatchResponse& message);
  Change ApplyEvent(const ticker::v1::WatchResponse& message);
  // Rebuilds the published State and forgets the snapshot frame of the old one.
  void Publish();
  std::shared_ptr<const std::string> CurrentSnapshotFrame();
  void SendToAll(const std::shared_ptr<const std::string>& frame);

  const std::string section_;
  const Options options_;

  mutable std::mutex mu_;
  bool ready_ = false;
  bool closed_ = false;
  uint64_t sequence_ = 0;   // the latest change applied
  uint64_t confirmed_ = 0;  // >= sequence_: heartbeats may confirm quiet stretches
  // Every event frame after coverage_start_ is in history_; a browser whose
  // Last-Event-ID is in [coverage_start_, sequence_] can be caught up from it.
  uint64_t coverage_start_ = 0;
  std::deque<Frame> history_;
  std::map<std::string, ticker::v1::TickerItem> items_;  // by id
  std::shared_ptr<const std::string> snapshot_frame_;    // of the current state, built on demand
  std::set<std::shared_ptr<SseSink>> sinks_;

  // Separate from mu_ so that page renders never wait behind a fan-out.
  mutable std::mutex state_mu_;
  std::shared_ptr<const State> state_;
};

}  // namespace akhbar::gateway
