#include "services/article/outbox_relay.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_join.h"
#include "akhbar/article/v1/events.pb.h"
#include "libs/log/log.h"
#include "services/article/store.h"

namespace akhbar::article {
namespace {

constexpr long long kRelayLockKey = 0x72656c6179;  // "relay"
constexpr int kBatch = 200;
// Enough history for a consumer that was away for a while to catch up; one
// that was away longer rebuilds from PostgreSQL.
constexpr char kStreamMaxLength[] = "100000";
constexpr std::chrono::milliseconds kIdleDelay{100};

}  // namespace

struct OutboxRelay::Metrics {
  explicit Metrics(prometheus::Registry& registry)
      : relayed(prometheus::BuildCounter()
                    .Name("akhbar_outbox_relayed_total")
                    .Help("Change events relayed from the outbox to Redis")
                    .Register(registry)
                    .Add({{"service", "article"}})),
        failures(prometheus::BuildCounter()
                     .Name("akhbar_outbox_relay_failures_total")
                     .Help("Relay passes that failed and will be retried")
                     .Register(registry)
                     .Add({{"service", "article"}})),
        lag(prometheus::BuildGauge()
                .Name("akhbar_outbox_lag_seconds")
                .Help("Age of the oldest change event not yet relayed (0 when none)")
                .Register(registry)
                .Add({{"service", "article"}})) {}
  prometheus::Counter& relayed;
  prometheus::Counter& failures;
  prometheus::Gauge& lag;
};

OutboxRelay::OutboxRelay(db::Pool& pool, cache::Redis& redis, prometheus::Registry& registry)
    : pool_(pool),
      redis_(redis),
      metrics_(std::make_unique<Metrics>(registry)),
      task_("outbox-relay", [this] { return Tick(); }) {}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() { task_.Start(); }

std::chrono::milliseconds OutboxRelay::Tick() {
  absl::StatusOr<int> relayed = RelayOnce();
  if (!relayed.ok()) {
    metrics_->failures.Increment();
    metrics_->lag.Set(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - last_success_).count());
    ++consecutive_failures_;
    if (consecutive_failures_ == 1 || consecutive_failures_ % 50 == 0) {
      log::Warning("outbox relay failed; will retry",
                   {{"error", relayed.status().ToString()}, {"attempts", consecutive_failures_}});
    }
    return std::min(std::chrono::milliseconds(100 * consecutive_failures_),
                    std::chrono::milliseconds(2000));
  }
  consecutive_failures_ = 0;
  last_success_ = std::chrono::steady_clock::now();
  // A full batch means more is waiting: go again at once.
  return *relayed == kBatch ? std::chrono::milliseconds(0) : kIdleDelay;
}

absl::StatusOr<int> OutboxRelay::RelayOnce() {
  int relayed = 0;
  double lag_seconds = 0;
  absl::Status status = pool_.Transact("relay_outbox", [&](pqxx::work& tx) -> absl::Status {
    if (!tx.exec1("SELECT pg_try_advisory_xact_lock(" + std::to_string(kRelayLockKey) + ")")[0]
             .as<bool>()) {
      return absl::OkStatus();  // another replica is relaying
    }
    pqxx::result rows = tx.exec(
        "SELECT id, encode(payload, 'hex'), extract(epoch FROM now() - created_at)"
        " FROM article_outbox WHERE relayed_at IS NULL ORDER BY id LIMIT " +
        std::to_string(kBatch));
    std::vector<int64_t> ids;
    for (const pqxx::row& row : rows) {
      if (ids.empty()) lag_seconds = row[2].as<double>();
      std::string payload = absl::HexStringToBytes(row[1].as<std::string>());
      pb::ArticleEvent event;
      if (!event.ParseFromString(payload)) {
        log::Error("outbox row is not an ArticleEvent; skipping it",
                   {{"outbox_id", row[0].as<int64_t>()}});
      } else {
        std::vector<std::string> keys = CacheKeysFor(event);
        if (!keys.empty()) {
          if (absl::Status s = redis_.Del(keys); !s.ok()) return s;
        }
        absl::StatusOr<cache::Reply> added = redis_.Command(
            {"XADD", kEventStream, "MAXLEN", "~", kStreamMaxLength, "*", "event", payload});
        if (!added.ok()) return added.status();
      }
      ids.push_back(row[0].as<int64_t>());
    }
    if (!ids.empty()) {
      tx.exec0("UPDATE article_outbox SET relayed_at = now() WHERE id = ANY('{" +
               absl::StrJoin(ids, ",") + "}'::bigint[])");
    }
    if (std::chrono::steady_clock::now() >= next_prune_) {
      tx.exec0("DELETE FROM article_outbox WHERE relayed_at < now() - interval '1 day'");
      next_prune_ = std::chrono::steady_clock::now() + std::chrono::minutes(10);
    }
    relayed = static_cast<int>(ids.size());
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  metrics_->lag.Set(relayed == kBatch ? lag_seconds : 0);
  metrics_->relayed.Increment(relayed);
  return relayed;
}

}  // namespace akhbar::article
