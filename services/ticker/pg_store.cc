#include "services/ticker/pg_store.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace akhbar::ticker {
namespace {

using google::protobuf::util::TimeUtil;

// pg_advisory_xact_lock key of every ticker write ("ticker" in ASCII). Taken
// first in each write transaction, it serialises the writers, so event
// sequence numbers are drawn and committed in the same order: a reader
// tailing ticker_events by seq never sees seq N+1 committed before N.
constexpr long long kWriteLockKey = 0x7469636b6572;

// How many starts (and expiries) one AnnounceDue handles; the rest wait for
// the next run, a fraction of a second later.
constexpr int kAnnounceBatch = 500;

// Section slugs travel joined by the ASCII unit separator, which slugs never
// contain: string_to_array / array_to_string on the SQL side.
constexpr char kUnitSeparator[] = "\x1f";

// Columns of an item, in RowToItem's order, from a relation named `i`.
constexpr char kItemColumns[] =
    "i.id, i.text, coalesce(i.article_id, 0), coalesce(i.url, ''), i.priority,"
    " array_to_string(i.sections, chr(31)), ticker_epoch_us(i.starts_at),"
    " ticker_epoch_us(i.expires_at), i.version, i.author, ticker_epoch_us(i.created_at),"
    " ticker_epoch_us(i.updated_at)";
constexpr int kItemColumnCount = 12;

pb::TickerItem RowToItem(const pqxx::row& row, int first = 0) {
  pb::TickerItem item;
  item.set_id(row[first].as<std::string>());
  item.set_text(row[first + 1].as<std::string>());
  if (int64_t article_id = row[first + 2].as<int64_t>(); article_id != 0) {
    item.set_article_id(article_id);
  } else if (std::string url = row[first + 3].as<std::string>(); !url.empty()) {
    item.set_url(std::move(url));
  }
  item.set_priority(static_cast<pb::Priority>(row[first + 4].as<int>()));
  for (absl::string_view section :
       absl::StrSplit(row[first + 5].as<std::string>(), kUnitSeparator[0], absl::SkipEmpty())) {
    item.add_sections(std::string(section));
  }
  *item.mutable_starts_at() = TimeUtil::MicrosecondsToTimestamp(row[first + 6].as<int64_t>());
  *item.mutable_expires_at() = TimeUtil::MicrosecondsToTimestamp(row[first + 7].as<int64_t>());
  item.set_version(row[first + 8].as<int64_t>());
  item.set_author(row[first + 9].as<std::string>());
  *item.mutable_created_at() = TimeUtil::MicrosecondsToTimestamp(row[first + 10].as<int64_t>());
  *item.mutable_updated_at() = TimeUtil::MicrosecondsToTimestamp(row[first + 11].as<int64_t>());
  return item;
}

int64_t Micros(const google::protobuf::Timestamp& timestamp) {
  return TimeUtil::TimestampToMicroseconds(timestamp);
}

std::string JoinSections(const pb::TickerItem& item) {
  return absl::StrJoin(item.sections(), kUnitSeparator);
}

absl::Status NoSuchItem(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("ticker item \"", id, "\" does not exist"));
}

// Takes the write lock; returns the time of this write (microseconds since
// the epoch), read after the lock so that it never runs behind a write that
// committed before.
int64_t LockForWrite(pqxx::work& tx) {
  tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLockKey) + ")");
  return tx.exec1("SELECT ticker_epoch_us(clock_timestamp())")[0].as<int64_t>();
}

// Appends an event in the caller's transaction (which holds the write lock).
StoredEvent AppendEvent(pqxx::work& tx, pb::TickerEvent::Kind kind, const pb::TickerItem& item,
                        int64_t now_us) {
  StoredEvent stored;
  stored.event.set_kind(kind);
  *stored.event.mutable_item() = item;
  stored.created_at_us = now_us;
  stored.sequence = tx.exec_params1(
                          "INSERT INTO ticker_events (kind, item_id, payload, created_at)"
                          " VALUES ($1, $2, decode($3, 'hex'), ticker_from_us($4)) RETURNING seq",
                          static_cast<int>(kind), item.id(),
                          absl::BytesToHexString(item.SerializeAsString()), now_us)[0]
                        .as<int64_t>();
  return stored;
}

// One row per item, each with the latest sequence in column 0, or a single
// row of nulls besides it when there are none: items and sequence come from
// one statement, hence one snapshot.
ItemList RowsToList(const pqxx::result& rows) {
  ItemList list;
  for (const pqxx::row& row : rows) {
    list.sequence = row[0].as<uint64_t>();
    if (!row[1].is_null()) list.items.push_back(RowToItem(row, 1));
  }
  return list;
}

std::string ListQuery(const std::string& condition, const std::string& limit) {
  return absl::StrCat("SELECT latest.seq, ", kItemColumns,
                      " FROM (SELECT coalesce(max(seq), 0) AS seq FROM ticker_events) latest"
                      " LEFT JOIN LATERAL (SELECT * FROM ticker_items t WHERE ",
                      condition, " ORDER BY t.priority, t.starts_at DESC, t.id", limit,
                      ") i ON true ORDER BY i.priority, i.starts_at DESC, i.id");
}

}  // namespace

std::vector<db::Statement> PgTickerStore::Statements() {
  return {
      {"ticker_list",
       ListQuery("t.retracted_at IS NULL AND t.starts_at <= now() AND t.expires_at > now()"
                 " AND (t.sections = '{}' OR ($1::text <> '' AND $1::text = ANY (t.sections)))",
                 " LIMIT $2")},
      {"ticker_on_air",
       ListQuery("t.retracted_at IS NULL AND t.start_announced AND NOT t.expiry_announced", "")},
      {"ticker_events_after",
       "SELECT seq, kind, encode(payload, 'hex'), ticker_epoch_us(created_at) FROM ticker_events"
       " WHERE seq > $1 ORDER BY seq LIMIT $2"},
      {"ticker_prune_events",
       "DELETE FROM ticker_events WHERE created_at < now() - make_interval(secs => $1::bigint / "
       "1000.0) AND seq < (SELECT max(seq) FROM ticker_events)"},
  };
}

absl::StatusOr<ItemList> PgTickerStore::List(const std::string& section, int limit) {
  ItemList list;
  absl::Status status = database_.reader().Read("ticker_list", [&](pqxx::work& tx) {
    list = RowsToList(tx.exec_prepared("ticker_list", section, limit));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return list;
}

absl::StatusOr<ItemList> PgTickerStore::LoadOnAir() {
  ItemList list;
  absl::Status status = database_.primary().Read("ticker_on_air", [&](pqxx::work& tx) {
    list = RowsToList(tx.exec_prepared("ticker_on_air"));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return list;
}

absl::StatusOr<StoredItem> PgTickerStore::Get(const std::string& id) {
  absl::StatusOr<StoredItem> result;
  absl::Status status = database_.primary().Read("ticker_get", [&](pqxx::work& tx) {
    pqxx::result rows = tx.exec_params(
        absl::StrCat("SELECT ", kItemColumns,
                     ", i.retracted_at IS NOT NULL FROM ticker_items i WHERE i.id = $1"),
        id);
    if (rows.empty()) {
      result = NoSuchItem(id);
    } else {
      result = StoredItem{RowToItem(rows[0]), rows[0][kItemColumnCount].as<bool>()};
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<WriteResult> PgTickerStore::Push(const pb::TickerItem& item,
                                                const std::string& request_id) {
  WriteResult result;
  absl::Status status = database_.primary().Transact("ticker_push", [&](pqxx::work& tx) {
    const int64_t now = LockForWrite(tx);
    if (!request_id.empty()) {
      pqxx::result seen = tx.exec_params(
          absl::StrCat("SELECT ", kItemColumns, " FROM ticker_items i WHERE i.request_id = $1"),
          request_id);
      if (!seen.empty()) {
        result.item = RowToItem(seen[0]);
        return absl::OkStatus();
      }
    }
    const std::string sections = JoinSections(item);
    pqxx::result duplicate = tx.exec_params(
        "SELECT id FROM ticker_items WHERE text = $1 AND sections = string_to_array($2, chr(31))"
        " AND retracted_at IS NULL AND NOT expiry_announced AND expires_at > ticker_from_us($3)"
        " LIMIT 1",
        item.text(), sections, now);
    if (!duplicate.empty()) {
      return absl::AlreadyExistsError(
          absl::StrCat("the same headline is already on the ticker for the same sections (item ",
                       duplicate[0][0].as<std::string>(), "); update or retract that one"));
    }
    const bool started = Micros(item.starts_at()) <= now;
    pqxx::result inserted = tx.exec_params(
        absl::StrCat("INSERT INTO ticker_items AS i (id, text, article_id, url, priority, sections,"
                     " starts_at, expires_at, author, created_at, updated_at, request_id,"
                     " start_announced)"
                     " VALUES ($1, $2, nullif($3::bigint, 0), nullif($4, ''), $5,"
                     " string_to_array($6, chr(31)), ticker_from_us($7), ticker_from_us($8), $9,"
                     " ticker_from_us($10), ticker_from_us($10), nullif($11, ''), $12) RETURNING ",
                     kItemColumns),
        item.id(), item.text(), item.has_article_id() ? item.article_id() : int64_t{0},
        item.has_url() ? item.url() : std::string(), static_cast<int>(item.priority()), sections,
        Micros(item.starts_at()), Micros(item.expires_at()), item.author(), now, request_id,
        started);
    result.item = RowToItem(inserted[0]);
    if (started) {
      result.events.push_back(AppendEvent(tx, pb::TickerEvent::KIND_ADDED, result.item, now));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<WriteResult> PgTickerStore::Update(const pb::TickerItem& item,
                                                  const std::vector<std::string>& paths,
                                                  int64_t expected_version) {
  auto wants = [&](const char* path) {
    return std::find(paths.begin(), paths.end(), path) != paths.end();
  };
  WriteResult result;
  absl::Status status = database_.primary().Transact("ticker_update", [&](pqxx::work& tx) {
    const int64_t now = LockForWrite(tx);
    pqxx::result locked = tx.exec_params(
        "SELECT version, retracted_at IS NOT NULL, start_announced,"
        " expiry_announced OR expires_at <= ticker_from_us($2)"
        " FROM ticker_items WHERE id = $1 FOR UPDATE",
        item.id(), now);
    if (locked.empty()) return NoSuchItem(item.id());
    const int64_t version = locked[0][0].as<int64_t>();
    if (locked[0][1].as<bool>()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "ticker item ", item.id(), " was retracted; push a new item instead of editing it"));
    }
    if (version != expected_version) {
      return absl::AbortedError(absl::StrCat("ticker item ", item.id(), " is at version ", version,
                                             ", not ", expected_version,
                                             ": reload it and apply your change again"));
    }
    if (locked[0][3].as<bool>()) {
      return absl::FailedPreconditionError(
          absl::StrCat("ticker item ", item.id(), " has expired; push a new item instead"));
    }
    const bool was_on_air = locked[0][2].as<bool>();
    const bool set_starts = wants("starts_at");
    pqxx::result updated = tx.exec_params(
        absl::StrCat(
            "UPDATE ticker_items AS i SET"
            " text = CASE WHEN $2 THEN $3 ELSE i.text END,"
            " article_id = CASE WHEN $4 THEN nullif($5::bigint, 0) ELSE i.article_id END,"
            " url = CASE WHEN $4 THEN nullif($6, '') ELSE i.url END,"
            " priority = CASE WHEN $7 THEN $8::smallint ELSE i.priority END,"
            " sections = CASE WHEN $9 THEN string_to_array($10, chr(31)) ELSE i.sections END,"
            " starts_at = CASE WHEN $11 THEN ticker_from_us($12) ELSE i.starts_at END,"
            " expires_at = CASE WHEN $13 THEN ticker_from_us($14) ELSE i.expires_at END,"
            " start_announced ="
            "   (CASE WHEN $11 THEN ticker_from_us($12) ELSE i.starts_at END) <= "
            "ticker_from_us($15),"
            " version = i.version + 1, updated_at = ticker_from_us($15)"
            " WHERE i.id = $1 RETURNING ",
            kItemColumns, ", i.start_announced"),
        item.id(), wants("text"), item.text(), wants("link"),
        item.has_article_id() ? item.article_id() : int64_t{0},
        item.has_url() ? item.url() : std::string(), wants("priority"),
        static_cast<int>(item.priority()), wants("sections"), JoinSections(item), set_starts,
        set_starts ? Micros(item.starts_at()) : int64_t{0}, wants("expires_at"),
        wants("expires_at") ? Micros(item.expires_at()) : int64_t{0}, now);
    result.item = RowToItem(updated[0]);
    const bool on_air = updated[0][kItemColumnCount].as<bool>();
    if (was_on_air) {
      // Moved into the future: off the ticker until the scheduler adds it again.
      result.events.push_back(
          AppendEvent(tx, on_air ? pb::TickerEvent::KIND_UPDATED : pb::TickerEvent::KIND_REMOVED,
                      result.item, now));
    } else if (on_air) {
      result.events.push_back(AppendEvent(tx, pb::TickerEvent::KIND_ADDED, result.item, now));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<WriteResult> PgTickerStore::Retract(const std::string& id,
                                                   int64_t expected_version) {
  WriteResult result;
  absl::Status status = database_.primary().Transact("ticker_retract", [&](pqxx::work& tx) {
    const int64_t now = LockForWrite(tx);
    pqxx::result locked = tx.exec_params(
        absl::StrCat("SELECT ", kItemColumns,
                     ", i.retracted_at IS NOT NULL, i.start_announced AND NOT i.expiry_announced"
                     " FROM ticker_items i WHERE i.id = $1 FOR UPDATE"),
        id);
    if (locked.empty()) return NoSuchItem(id);
    result.item = RowToItem(locked[0]);
    if (locked[0][kItemColumnCount].as<bool>()) return absl::OkStatus();  // already retracted
    if (expected_version != 0 && result.item.version() != expected_version) {
      return absl::AbortedError(absl::StrCat("ticker item ", id, " is at version ",
                                             result.item.version(), ", not ", expected_version,
                                             ": reload it and try again"));
    }
    const bool was_on_air = locked[0][kItemColumnCount + 1].as<bool>();
    pqxx::result retracted = tx.exec_params(
        absl::StrCat("UPDATE ticker_items AS i SET retracted_at = ticker_from_us($2),"
                     " version = i.version + 1, updated_at = ticker_from_us($2)"
                     " WHERE i.id = $1 RETURNING ",
                     kItemColumns),
        id, now);
    result.item = RowToItem(retracted[0]);
    if (was_on_air) {
      result.events.push_back(AppendEvent(tx, pb::TickerEvent::KIND_REMOVED, result.item, now));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::vector<StoredEvent>> PgTickerStore::AnnounceDue() {
  std::vector<StoredEvent> events;
  absl::Status status = database_.primary().Transact("ticker_announce_due", [&](pqxx::work& tx) {
    // Every replica runs this several times a second: look (cheaply, through
    // the partial indexes) before taking the lock every writer waits for.
    bool due = tx.exec1(
                     "SELECT EXISTS (SELECT 1 FROM ticker_items WHERE retracted_at IS NULL"
                     "   AND NOT start_announced AND starts_at <= clock_timestamp())"
                     " OR EXISTS (SELECT 1 FROM ticker_items WHERE retracted_at IS NULL"
                     "   AND start_announced AND NOT expiry_announced"
                     "   AND expires_at <= clock_timestamp())")[0]
                   .as<bool>();
    if (!due) return absl::OkStatus();
    const int64_t now = LockForWrite(tx);
    // Expiries first, so that the ticker never briefly holds one item too many.
    pqxx::result expired = tx.exec_params(
        absl::StrCat("UPDATE ticker_items AS i SET expiry_announced = true WHERE i.id IN"
                     " (SELECT id FROM ticker_items WHERE retracted_at IS NULL AND start_announced"
                     "  AND NOT expiry_announced AND expires_at <= ticker_from_us($1)"
                     "  ORDER BY expires_at, id LIMIT $2) RETURNING ",
                     kItemColumns),
        now, kAnnounceBatch);
    std::vector<pb::TickerItem> items;
    for (const pqxx::row& row : expired) items.push_back(RowToItem(row));
    std::sort(items.begin(), items.end(), [](const pb::TickerItem& a, const pb::TickerItem& b) {
      return std::make_pair(Micros(a.expires_at()), a.id()) <
             std::make_pair(Micros(b.expires_at()), b.id());
    });
    for (const pb::TickerItem& item : items) {
      events.push_back(AppendEvent(tx, pb::TickerEvent::KIND_EXPIRED, item, now));
    }
    // An item whose end has passed too (the service was down all along) is
    // marked as both and never announced: no watcher ever saw it.
    pqxx::result started = tx.exec_params(
        absl::StrCat("UPDATE ticker_items AS i SET start_announced = true,"
                     " expiry_announced = i.expires_at <= ticker_from_us($1) WHERE i.id IN"
                     " (SELECT id FROM ticker_items WHERE retracted_at IS NULL"
                     "  AND NOT start_announced AND starts_at <= ticker_from_us($1)"
                     "  ORDER BY starts_at, id LIMIT $2) RETURNING ",
                     kItemColumns, ", i.expiry_announced"),
        now, kAnnounceBatch);
    items.clear();
    for (const pqxx::row& row : started) {
      if (!row[kItemColumnCount].as<bool>()) items.push_back(RowToItem(row));
    }
    std::sort(items.begin(), items.end(), [](const pb::TickerItem& a, const pb::TickerItem& b) {
      return std::make_pair(Micros(a.starts_at()), a.id()) <
             std::make_pair(Micros(b.starts_at()), b.id());
    });
    for (const pb::TickerItem& item : items) {
      events.push_back(AppendEvent(tx, pb::TickerEvent::KIND_ADDED, item, now));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return events;
}

absl::StatusOr<std::vector<StoredEvent>> PgTickerStore::EventsAfter(uint64_t after, int limit) {
  std::vector<StoredEvent> events;
  absl::Status status = database_.primary().Read("ticker_events_after", [&](pqxx::work& tx) {
    pqxx::result rows = tx.exec_prepared("ticker_events_after", static_cast<int64_t>(after), limit);
    for (const pqxx::row& row : rows) {
      StoredEvent& stored = events.emplace_back();
      stored.sequence = row[0].as<uint64_t>();
      stored.event.set_kind(static_cast<pb::TickerEvent::Kind>(row[1].as<int>()));
      if (!stored.event.mutable_item()->ParseFromString(
              absl::HexStringToBytes(row[2].as<std::string>()))) {
        return absl::DataLossError(
            absl::StrCat("ticker event ", stored.sequence, " has an unreadable payload"));
      }
      stored.created_at_us = row[3].as<int64_t>();
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return events;
}

absl::StatusOr<int64_t> PgTickerStore::PruneEvents(std::chrono::milliseconds keep) {
  int64_t deleted = 0;
  absl::Status status = database_.primary().Transact("ticker_prune_events", [&](pqxx::work& tx) {
    deleted = tx.exec_prepared("ticker_prune_events", static_cast<int64_t>(keep.count()))
                  .affected_rows();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return deleted;
}

absl::StatusOr<uint64_t> PgTickerStore::LatestSequence() {
  uint64_t sequence = 0;
  absl::Status status = database_.primary().Read("ticker_latest_sequence", [&](pqxx::work& tx) {
    sequence = tx.exec1("SELECT coalesce(max(seq), 0) FROM ticker_events")[0].as<uint64_t>();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return sequence;
}

}  // namespace akhbar::ticker
