#pragma once

#include <chrono>
#include <string>

#include "libs/config/common.h"

namespace akhbar::article {

struct ArticleConfig {
  config::ServerConfig server;
  config::PostgresConfig postgres;
  config::RedisConfig redis;
  // AKHBAR_TOKENS: "role:sha256hex,…" (digests, never the tokens themselves).
  std::string tokens;
  std::chrono::milliseconds cache_ttl{};
  std::chrono::milliseconds negative_cache_ttl{};
  // AKHBAR_ARTICLE_LOCAL_CACHE_TTL_MS: the longest a reader's article is
  // answered from this process's memory without asking Redis (change events
  // drop it sooner); 0 turns the in-process layer off: every read asks Redis.
  std::chrono::milliseconds local_cache_ttl{};
  // AKHBAR_ARTICLE_LOCAL_CACHE_ENTRIES: how many keys that layer holds at most.
  int local_cache_entries = 0;
  // AKHBAR_ARTICLE_READ_THREADS: threads for GetArticle calls that must wait
  // on Redis or PostgreSQL (warm ones never leave gRPC's threads); at most
  // AKHBAR_GRPC_MAX_THREADS such calls wait or run at once, the rest are shed.
  int read_threads = 0;
  // AKHBAR_MIGRATE: apply pending migrations at start (default true; a
  // platform that runs them as a separate job turns it off).
  bool migrate = true;
  // AKHBAR_MIGRATE_ONLY: apply them and exit (the migration Job on Kubernetes).
  bool migrate_only = false;
};

// Reads the environment; exits with every problem listed when invalid.
ArticleConfig LoadArticleConfig();

}  // namespace akhbar::article
