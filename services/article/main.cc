// akhbar-article: wiring only. config → pools → store → logic → service → run.
#include <memory>

#include "article_migrations.h"
#include "libs/cache/from_config.h"
#include "libs/cache/redis.h"
#include "libs/db/migrate.h"
#include "libs/db/open.h"
#include "libs/events/change_follower.h"
#include "libs/grpc/server.h"
#include "libs/log/log.h"
#include "libs/metrics/metrics.h"
#include "libs/task/periodic.h"
#include "services/article/config.h"
#include "services/article/local_cache.h"
#include "services/article/outbox_relay.h"
#include "services/article/pg_store.h"
#include "services/article/redis_cache.h"
#include "services/article/service.h"

using namespace akhbar;  // main.cc only: every name below is ours or std

int main() {
  article::ArticleConfig config = article::LoadArticleConfig();
  log::Init("article", config.server.log_level);
  absl::StatusOr<grpc_util::TokenVerifier> tokens =
      grpc_util::TokenVerifier::FromSpec(config.tokens);
  if (!tokens.ok()) {
    log::Error("AKHBAR_TOKENS is invalid", {{"error", std::string(tokens.status().message())}});
    return 2;
  }
  metrics::Metrics metrics(config.server.listen_host, config.server.metrics_port, "article");

  std::unique_ptr<db::Database> database =
      db::OpenDatabase(config.postgres, article::PgArticleStore::Statements(), &metrics.registry());
  if (config.migrate) {
    if (absl::Status s =
            db::ApplyMigrations(database->primary(), "article", article::ArticleMigrations());
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

  article::PgArticleStore store(*database);
  article::RedisArticleCache cache(redis);
  // Readers' articles are also kept in memory for a moment, dropped on every
  // change event; AKHBAR_ARTICLE_LOCAL_CACHE_TTL_MS=0 leaves Redis alone.
  std::unique_ptr<article::LocalArticleCache> local;
  std::unique_ptr<events::ChangeFollower> changes;
  if (config.local_cache_ttl.count() > 0) {
    local = std::make_unique<article::LocalArticleCache>(
        cache,
        article::LocalCacheOptions{
            .max_age = config.local_cache_ttl,
            .max_entries = static_cast<std::size_t>(config.local_cache_entries),
            .now = {}},
        &metrics.registry());
    changes = std::make_unique<events::ChangeFollower>(redis, [&](bool) { local->DropAll(); });
  }
  article::ArticleLogic logic(
      store, local ? static_cast<article::ArticleCache&>(*local) : cache,
      {.cache_ttl = config.cache_ttl, .negative_ttl = config.negative_cache_ttl}, &cache);
  article::OutboxRelay relay(database->primary(), redis, metrics.registry());
  task::Periodic scheduler("scheduler", [&] {
    if (absl::StatusOr<int> published = logic.PublishDue(); !published.ok()) {
      log::Warning("scheduled publishing failed", {{"error", published.status().ToString()}});
    } else if (*published > 0) {
      relay.Wake();
    }
    return std::chrono::milliseconds(500);
  });
  task::BoundedPool blocking_reads(config.read_threads, config.server.max_threads);
  article::ArticleService service(logic, *tokens, blocking_reads, [&] { relay.Wake(); });

  relay.Start();
  scheduler.Start();
  if (changes) changes->Start();
  int code = grpc_util::RunServer(config.server, {&service}, metrics,
                                  {.on_draining = [&] { scheduler.Stop(); }});
  relay.Stop();
  if (changes) changes->Stop();
  return code;
}
