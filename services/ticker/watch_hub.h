#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "akhbar/ticker/v1/ticker.pb.h"
#include "libs/task/periodic.h"
#include "services/ticker/store.h"

namespace prometheus {
class Registry;
}

namespace akhbar::ticker {

// One watcher as the hub sees it. Offer never blocks: a watcher whose buffer
// is full ends its own stream (telling the client where to resume) rather
// than slowing the hub, and so every other watcher.
class WatchSink {
 public:
  virtual ~WatchSink() = default;
  virtual void Offer(std::shared_ptr<const pb::WatchResponse> message) = 0;
  // Ends the stream with `status` (the hub is stopping).
  virtual void End(const absl::Status& status) = 0;
};

struct HubOptions {
  std::size_t history = 10000;       // events kept for resuming watchers
  std::size_t max_watchers = 20000;  // per process
  std::chrono::milliseconds heartbeat{15000};
  std::chrono::milliseconds poll{1000};  // tail the source at least this often
};

// Fans ticker events out to every Watch stream of this process. It tails the
// event source in sequence order, keeps the active items (for snapshots) and
// the recent events (for resuming), and sends each watcher what its section
// may see: an update that moves an item out of a watcher's section reaches it
// as REMOVED. One message object is built per section and shared by all the
// watchers of that section, so thousands of watchers cost little.
class WatchHub {
 public:
  WatchHub(EventLog& source, HubOptions options, prometheus::Registry* registry = nullptr);
  ~WatchHub();

  // Loads the active items and starts tailing and heartbeats.
  absl::Status Start();
  // Ends every watcher with UNAVAILABLE (telling it where to resume).
  void Stop();
  // New events may be in the source (a Redis wake-up or a local write).
  void Wake() { tailer_.Wake(); }

  // Registers `sink` and, atomically with respect to new events, offers it a
  // snapshot (after_sequence 0, or too old or unknown) or exactly the events
  // it missed. RESOURCE_EXHAUSTED at the watcher cap.
  absl::Status Subscribe(std::shared_ptr<WatchSink> sink, const std::string& section,
                         uint64_t after_sequence);
  void Unsubscribe(const std::shared_ptr<WatchSink>& sink);

  // Applies events in sequence order; the tailer's work, public for tests.
  void Apply(const std::vector<StoredEvent>& events);
  void SendHeartbeat();

  uint64_t sequence() const;
  std::size_t watcher_count() const;

 private:
  struct Metrics;
  // What an event changed, kept for replay.
  struct Change {
    uint64_t sequence = 0;
    pb::TickerEvent::Kind kind = pb::TickerEvent::KIND_UNSPECIFIED;
    std::optional<pb::TickerItem> before;
    pb::TickerItem after;
  };

  std::chrono::milliseconds Tail();
  // The message a watcher of `section` gets for `change`, or null.
  static std::shared_ptr<const pb::WatchResponse> MessageFor(const Change& change,
                                                             const std::string& section);
  std::shared_ptr<const pb::WatchResponse> SnapshotFor(const std::string& section) const;
  Change Record(const StoredEvent& event);

  EventLog& source_;
  const HubOptions options_;
  std::unique_ptr<Metrics> metrics_;

  mutable std::mutex mu_;
  uint64_t sequence_ = 0;
  std::map<std::string, pb::TickerItem> active_;  // by item id
  std::deque<Change> history_;
  std::map<std::string, std::set<std::shared_ptr<WatchSink>>> watchers_;  // by section
  std::size_t watcher_count_ = 0;
  bool stopped_ = false;

  task::Periodic tailer_;
  task::Periodic heartbeat_;
};

// Whether a watcher of `section` ("" = the home page) sees `item`: site-wide
// items are seen everywhere, section items only in their sections.
bool VisibleIn(const pb::TickerItem& item, const std::string& section);

}  // namespace akhbar::ticker
