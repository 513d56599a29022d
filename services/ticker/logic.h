#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "akhbar/ticker/v1/ticker.pb.h"
#include "services/ticker/store.h"

namespace akhbar::ticker {

struct LogicOptions {
  // expires_at when a push gives none: starts_at + this
  // (AKHBAR_TICKER_DEFAULT_LIFETIME_MS).
  std::chrono::milliseconds default_lifetime{std::chrono::hours(6)};
  // The most items one List answers with.
  int list_limit = 200;
  // Microseconds since the epoch; the system clock unless a test sets it.
  std::function<int64_t()> now_us{};
};

// The ticker's rules: validation, defaults, ids, version checks, and the
// wake-up after every committed write that appended events. Blocking (it
// calls the store); call it from worker threads.
class TickerLogic {
 public:
  TickerLogic(TickerStore& store, TickerNotifier& notifier, LogicOptions options = {});

  // Items showing now for a section ("" = the home page: site-wide items only).
  absl::StatusOr<ItemList> List(const std::string& section);

  // Validates and stores a new item. id, version and the times of creation are
  // the server's; starts_at defaults to now and expires_at to starts_at plus
  // the default lifetime. A retry with the same request_id returns the first.
  absl::StatusOr<pb::TickerItem> Push(const pb::TickerItem& item, const std::string& request_id);

  // Changes the fields named in `paths` (text, link — or article_id / url —,
  // priority, sections, starts_at, expires_at) of item.id when it is still at
  // `expected_version`.
  absl::StatusOr<pb::TickerItem> Update(const pb::TickerItem& item,
                                        const std::vector<std::string>& paths,
                                        int64_t expected_version);

  // `expected_version` 0 skips the version check.
  absl::Status Retract(const std::string& id, int64_t expected_version);

  // Sends the ADDED and EXPIRED events that are due; returns how many. The
  // service runs this a few times a second in every replica.
  absl::StatusOr<int> AnnounceDue();

  TickerStore& store() { return store_; }
  TickerNotifier& notifier() { return notifier_; }
  int64_t NowMicros() const;

 private:
  void Notify(const std::vector<StoredEvent>& events);

  TickerStore& store_;
  TickerNotifier& notifier_;
  LogicOptions options_;
};

// A new random item id: 16 lower-case hex digits.
std::string NewItemId();

}  // namespace akhbar::ticker
