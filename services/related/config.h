#pragma once

#include <chrono>
#include <string>

#include "libs/config/common.h"

namespace akhbar::related {

struct RelatedConfig {
  config::ServerConfig server;  // AKHBAR_RELATED_PORT 50053, AKHBAR_RELATED_METRICS_PORT 9103
  config::PostgresConfig postgres;
  config::RedisConfig redis;
  // AKHBAR_TOKENS: "role:sha256hex,…" (digests, never the tokens themselves).
  std::string tokens;
  // AKHBAR_RELATED_CACHE: keep ready lists in Redis (off: compute every time).
  bool cache = true;
  // AKHBAR_RELATED_CACHE_TTL_MS: the longest a list is kept; changes drop
  // the lists they affect long before that.
  std::chrono::milliseconds cache_ttl{};
  // AKHBAR_RELATED_RECONCILE_MS: how often the index is compared with
  // PostgreSQL, catching any change whose event was lost.
  std::chrono::milliseconds reconcile{};
  // AKHBAR_RELATED_THRESHOLD: the score below which an article is not shown
  // as related (the box is filled with the latest of its tags or section).
  double threshold = 0;
  // AKHBAR_MIGRATE: apply pending migrations at start.
  bool migrate = true;
  // AKHBAR_MIGRATE_ONLY: apply them and exit (the migration Job on Kubernetes).
  bool migrate_only = false;
};

// Reads the environment; exits with every problem listed when invalid.
RelatedConfig LoadRelatedConfig();

}  // namespace akhbar::related
