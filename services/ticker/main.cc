// akhbar-ticker: wiring only. config → pools → store → logic → service → run.
#include <memory>

#include "libs/cache/from_config.h"
#include "libs/cache/redis.h"
#include "libs/db/migrate.h"
#include "libs/db/open.h"
#include "libs/grpc/server.h"
#include "libs/log/log.h"
#include "libs/metrics/metrics.h"
#include "libs/task/periodic.h"
#include "services/ticker/config.h"
#include "services/ticker/pg_store.h"
#include "services/ticker/redis_notifier.h"
#include "services/ticker/service.h"
#include "services/ticker/watch_hub.h"
#include "ticker_migrations.h"

using namespace akhbar;  // main.cc only: every name below is ours or std

int main() {
  ticker::TickerConfig config = ticker::LoadTickerConfig();
  log::Init("ticker", config.server.log_level);
  absl::StatusOr<grpc_util::TokenVerifier> tokens =
      grpc_util::TokenVerifier::FromSpec(config.tokens);
  if (!tokens.ok()) {
    log::Error("AKHBAR_TOKENS is invalid", {{"error", std::string(tokens.status().message())}});
    return 2;
  }
  metrics::Metrics metrics(config.server.listen_host, config.server.metrics_port, "ticker");

  std::unique_ptr<db::Database> database =
      db::OpenDatabase(config.postgres, ticker::PgTickerStore::Statements(), &metrics.registry());
  if (config.migrate) {
    if (absl::Status s =
            db::ApplyMigrations(database->primary(), "ticker", ticker::TickerMigrations());
        !s.ok()) {
      log::Error("migrations failed", {{"error", s.ToString()}});
      return 1;
    }
  }
  if (config.migrate_only) {
    log::Info("migrations applied; exiting (AKHBAR_MIGRATE_ONLY)");
    return 0;
  }
  cache::Redis redis(cache::RedisOptionsFrom(config.redis), &metrics.registry());

  ticker::PgTickerStore store(*database);
  ticker::RedisTickerNotifier notifier(redis);
  ticker::TickerLogic logic(store, notifier, {.default_lifetime = config.default_lifetime});
  // Starts and expiries go out within a fraction of a second, from every
  // replica (the store makes each go out once).
  task::Periodic announcer("ticker-announce", [&] {
    if (absl::StatusOr<int> announced = logic.AnnounceDue(); !announced.ok()) {
      log::Warning("announcing due ticker items failed",
                   {{"error", announced.status().ToString()}});
      return std::chrono::milliseconds(1000);
    }
    return std::chrono::milliseconds(200);
  });
  ticker::WatchHub hub(store,
                       {.max_watchers = static_cast<std::size_t>(config.max_watchers),
                        .heartbeat = config.heartbeat},
                       &metrics.registry());
  if (absl::Status s = hub.Start(); !s.ok()) {
    log::Error("cannot load the ticker", {{"error", s.ToString()}});
    return 1;
  }
  // Any replica's commit wakes this one's hub at once; polling covers the rest.
  cache::Subscriber wakeups(
      cache::RedisOptionsFrom(config.redis), {ticker::kEventsChannel},
      [&](std::string_view, std::string_view) { hub.Wake(); }, [&] { hub.Wake(); });
  ticker::TickerService service(logic, *tokens, hub,
                                static_cast<std::size_t>(config.watcher_buffer));

  // The event log only has to cover replicas catching up; hourly is plenty.
  task::Periodic pruner("ticker-prune", [&] {
    absl::StatusOr<int64_t> pruned = store.PruneEvents(config.event_retention);
    if (!pruned.ok()) {
      log::Warning("pruning ticker events failed", {{"error", pruned.status().ToString()}});
    } else if (*pruned > 0) {
      log::Info("pruned ticker events", {{"deleted", std::to_string(*pruned)}});
    }
    return std::chrono::milliseconds(3600 * 1000);
  });
  announcer.Start();
  pruner.Start(std::chrono::milliseconds(60 * 1000));
  wakeups.Start();
  int code = grpc_util::RunServer(config.server, {&service}, metrics, {.on_draining = [&] {
                                    announcer.Stop();
                                    pruner.Stop();
                                    // Watchers reconnect to a replica that stays.
                                    hub.Stop();
                                  }});
  wakeups.Stop();
  return code;
}
