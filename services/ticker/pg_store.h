#pragma once

#include <vector>

#include "libs/db/pool.h"
#include "services/ticker/store.h"

namespace akhbar::ticker {

// TickerStore on PostgreSQL. Every write runs in one transaction that first
// takes the ticker's advisory write lock and then appends its events to
// ticker_events, so events exist exactly when their change committed, and
// sequence numbers commit in order. List reads from the replica when one is
// configured; the event log and everything on the write path read the
// primary, so that watchers never wait on replication.
class PgTickerStore : public TickerStore {
 public:
  explicit PgTickerStore(db::Database& database) : database_(database) {}

  // Prepared on every connection of the pools given to this store.
  static std::vector<db::Statement> Statements();

  absl::StatusOr<ItemList> List(const std::string& section, int limit) override;
  absl::StatusOr<ItemList> LoadOnAir() override;
  absl::StatusOr<StoredItem> Get(const std::string& id) override;
  absl::StatusOr<WriteResult> Push(const pb::TickerItem& item,
                                   const std::string& request_id) override;
  absl::StatusOr<WriteResult> Update(const pb::TickerItem& item,
                                     const std::vector<std::string>& paths,
                                     int64_t expected_version) override;
  absl::StatusOr<WriteResult> Retract(const std::string& id, int64_t expected_version) override;
  absl::StatusOr<std::vector<StoredEvent>> AnnounceDue() override;
  absl::StatusOr<std::vector<StoredEvent>> EventsAfter(uint64_t after, int limit) override;
  absl::StatusOr<uint64_t> LatestSequence() override;
  absl::StatusOr<int64_t> PruneEvents(std::chrono::milliseconds keep) override;

 private:
  db::Database& database_;
};

}  // namespace akhbar::ticker
