#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "akhbar/ticker/v1/ticker.pb.h"

// The persistence ports of the ticker service. Logic depends on these
// interfaces only; PgTickerStore and RedisTickerNotifier implement them, and
// unit tests use fakes. The proto messages serve as the plain data model.
//
// The event log. Every change that watchers can see appends one event, in the
// transaction of the change, with a sequence number; sequence numbers commit
// in increasing order (a reader that sees N+1 also sees N), though rolled-back
// writes leave gaps. An item is "on air" between its ADDED event and its
// REMOVED or EXPIRED event:
//   - Push: ADDED when starts_at has come, else nothing until the scheduler
//     (AnnounceDue) sends ADDED at starts_at.
//   - Update of an item on air: UPDATED (REMOVED when its new starts_at lies in
//     the future; ADDED comes again at that time). Update of an item not yet on
//     air: ADDED when its new starts_at has come, else nothing.
//   - Retract of an item on air: REMOVED; otherwise no event.
//   - AnnounceDue: EXPIRED at expires_at for items on air; ADDED at starts_at.
//     An item whose whole life passed unannounced (the service was down) gets
//     no event at all.
// Each event carries the item as of that event (an UPDATED event the new
// state; scope changes show as sections changing, so a consumer that tracks
// the previous state can tell a watcher of the old section that it left).
namespace akhbar::ticker {

namespace pb = ::akhbar::ticker::v1;

// One row of the event log.
struct StoredEvent {
  uint64_t sequence = 0;
  pb::TickerEvent event;
  int64_t created_at_us = 0;  // when the change happened (its transaction's clock)
};

// Items and the latest sequence number they reflect, read in one snapshot.
struct ItemList {
  std::vector<pb::TickerItem> items;
  uint64_t sequence = 0;
};

// The committed result of a write and the events it appended (maybe none).
struct WriteResult {
  pb::TickerItem item;
  std::vector<StoredEvent> events;
};

struct StoredItem {
  pb::TickerItem item;
  bool retracted = false;
};

// The part of the store that consumers tailing the event log need (the watch
// hub); kept apart so that they can be tested with a small fake.
class EventLog {
 public:
  virtual ~EventLog() = default;
  // Every item on air (all scopes) as the event log describes them: what a
  // consumer tailing the log from `sequence` starts from.
  virtual absl::StatusOr<ItemList> LoadOnAir() = 0;
  // Events with sequence > `after`, in sequence order, at most `limit`.
  virtual absl::StatusOr<std::vector<StoredEvent>> EventsAfter(uint64_t after, int limit) = 0;
};

class TickerStore : public EventLog {
 public:
  // Items showing now (starts_at <= now < expires_at, not retracted) for a
  // section: site-wide items and the section's own; for "" only site-wide
  // items. Urgent first, then newest (starts_at descending). At most `limit`.
  virtual absl::StatusOr<ItemList> List(const std::string& section, int limit) = 0;

  // NOT_FOUND when absent. Read from the primary (it precedes writes).
  virtual absl::StatusOr<StoredItem> Get(const std::string& id) = 0;

  // Stores a validated item whose id logic chose. With a request_id seen
  // before, returns that first item and appends nothing. ALREADY_EXISTS when
  // an item with the same text and sections has not expired or been retracted.
  virtual absl::StatusOr<WriteResult> Push(const pb::TickerItem& item,
                                           const std::string& request_id) = 0;

  // Applies the fields of `item` named in `paths` (text, link, priority,
  // sections, starts_at, expires_at) when the stored version is
  // `expected_version`: ABORTED when it is not, FAILED_PRECONDITION when the
  // item was retracted or has expired, NOT_FOUND when absent.
  virtual absl::StatusOr<WriteResult> Update(const pb::TickerItem& item,
                                             const std::vector<std::string>& paths,
                                             int64_t expected_version) = 0;

  // Retracts an item; `expected_version` 0 skips the version check. Retracting
  // a retracted item changes nothing and succeeds.
  virtual absl::StatusOr<WriteResult> Retract(const std::string& id, int64_t expected_version) = 0;

  // Announces starts and expiries that are due (see above) in one transaction,
  // marking them so that each goes out once, whichever replica runs it.
  virtual absl::StatusOr<std::vector<StoredEvent>> AnnounceDue() = 0;

  // The highest committed sequence number; 0 before the first event.
  virtual absl::StatusOr<uint64_t> LatestSequence() = 0;

  // Deletes events older than `keep`, except the latest one (which carries
  // the sequence number); returns how many went. Watchers resume from a
  // replica's memory, so the log only needs to cover replicas catching up.
  virtual absl::StatusOr<int64_t> PruneEvents(std::chrono::milliseconds keep) = 0;
};

// Tells every replica (this one included) that events up to `sequence` have
// committed, so their watchers need not wait for the next poll. Best effort:
// replicas also poll the event log, so a lost wake-up only costs latency.
class TickerNotifier {
 public:
  virtual ~TickerNotifier() = default;
  virtual void EventsCommitted(uint64_t sequence) = 0;
};

}  // namespace akhbar::ticker
