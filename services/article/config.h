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
  // AKHBAR_MIGRATE: apply pending migrations at start (default true; a
  // platform that runs them as a separate job turns it off).
  bool migrate = true;
  // AKHBAR_MIGRATE_ONLY: apply them and exit (the migration Job on Kubernetes).
  bool migrate_only = false;
};

// Reads the environment; exits with every problem listed when invalid.
ArticleConfig LoadArticleConfig();

}  // namespace akhbar::article
