// akhbar-related: wiring only. config → pools → store → index → logic → service → run.
#include <chrono>
#include <memory>
#include <thread>

#include "libs/cache/from_config.h"
#include "libs/cache/redis.h"
#include "libs/db/migrate.h"
#include "libs/db/open.h"
#include "libs/events/article_event_follower.h"
#include "libs/grpc/server.h"
#include "libs/log/log.h"
#include "libs/metrics/metrics.h"
#include "libs/task/periodic.h"
#include "related_migrations.h"
#include "services/related/cache.h"
#include "services/related/config.h"
#include "services/related/index_keeper.h"
#include "services/related/logic.h"
#include "services/related/pg_store.h"
#include "services/related/service.h"
#include "services/related/settings_follower.h"

using namespace akhbar;  // main.cc only: every name below is ours or std

int main() {
  related::RelatedConfig config = related::LoadRelatedConfig();
  log::Init("related", config.server.log_level);
  absl::StatusOr<grpc_util::TokenVerifier> tokens =
      grpc_util::TokenVerifier::FromSpec(config.tokens);
  if (!tokens.ok()) {
    log::Error("AKHBAR_TOKENS is invalid", {{"error", std::string(tokens.status().message())}});
    return 2;
  }
  metrics::Metrics metrics(config.server.listen_host, config.server.metrics_port, "related");

  std::unique_ptr<db::Database> database =
      db::OpenDatabase(config.postgres, related::PgRelatedStore::Statements(), &metrics.registry());
  if (config.migrate) {
    if (absl::Status s =
            db::ApplyMigrations(database->primary(), "related", related::RelatedMigrations());
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

  related::PgRelatedStore store(*database);
  std::unique_ptr<related::RelatedCache> lists;
  if (config.cache) {
    lists = std::make_unique<related::RedisRelatedCache>(redis, config.cache_ttl);
  } else {
    lists = std::make_unique<related::NoRelatedCache>();
  }
  related::RelatedIndex index;
  related::IndexKeeper keeper(index, store, *lists, &metrics.registry());
  events::ArticleEventFollower events(redis, [&](const article::v1::ArticleEvent& event) {
    if (absl::Status s = keeper.Apply(event); !s.ok()) {
      log::Warning("article event not applied yet; reconciliation will",
                   {{"article_id", std::to_string(event.article_id())}, {"error", s.ToString()}});
    }
  });
  // Position first, then the load: an event in between is seen twice, never
  // missed. Without Redis the follower starts later (below).
  bool following = events.StartFromNow().ok();
  // The article service may still be migrating its tables: wait for them.
  for (absl::Status s = keeper.Build(); !s.ok(); s = keeper.Build()) {
    log::Warning("cannot load the published articles yet; retrying", {{"error", s.ToString()}});
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }

  // Pins and opt-outs made through other replicas.
  related::SettingsFollower settings_changes(store, keeper, *lists);
  for (absl::Status s = settings_changes.StartFromNow(); !s.ok();
       s = settings_changes.StartFromNow()) {
    log::Warning("cannot read the settings log yet; retrying", {{"error", s.ToString()}});
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  task::Periodic settings_follower("related-settings", [&] {
    (void)settings_changes.Poll();
    return std::chrono::milliseconds(500);
  });
  related::RelatedRules rules;
  rules.threshold = config.threshold;
  related::RelatedLogic logic(index, keeper, store, store, *lists, rules);
  related::RelatedService service(logic, *tokens);

  task::Periodic follower("related-events", [&] {
    if (!following) {
      if (!events.StartFromNow().ok()) return std::chrono::milliseconds(1000);
      following = true;
      (void)keeper.Reconcile();  // whatever happened while Redis was away
    }
    absl::StatusOr<int> delivered = events.Poll();
    if (!delivered.ok()) return std::chrono::milliseconds(1000);
    return std::chrono::milliseconds(*delivered > 0 ? 0 : 100);
  });
  task::Periodic reconciler("related-reconcile", [&] {
    if (following) (void)events.CheckPosition();
    if (absl::Status s = keeper.Reconcile(); !s.ok()) {
      log::Warning("related reconciliation failed", {{"error", s.ToString()}});
    }
    return config.reconcile;
  });
  follower.Start();
  settings_follower.Start();
  reconciler.Start(config.reconcile);
  int code = grpc_util::RunServer(config.server, {&service}, metrics, {.on_draining = [&] {
                                    follower.Stop();
                                    settings_follower.Stop();
                                    reconciler.Stop();
                                  }});
  return code;
}
