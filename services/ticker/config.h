#pragma once

#include <chrono>
#include <string>

#include "libs/config/common.h"

namespace akhbar::ticker {

struct TickerConfig {
  config::ServerConfig server;  // AKHBAR_TICKER_PORT 50052, AKHBAR_TICKER_METRICS_PORT 9102
  config::PostgresConfig postgres;
  config::RedisConfig redis;
  // AKHBAR_TOKENS: "role:sha256hex,…" (digests, never the tokens themselves).
  std::string tokens;
  // AKHBAR_TICKER_DEFAULT_LIFETIME_MS: expires_at = starts_at + this when a
  // push gives none.
  std::chrono::milliseconds default_lifetime{};
  // Watch: streams per process, messages queued per stream before a slow
  // client is cut off (told where to resume), and the heartbeat period.
  int max_watchers = 0;
  int watcher_buffer = 0;
  std::chrono::milliseconds heartbeat{};
  // AKHBAR_TICKER_EVENT_RETENTION_MS: how long the event log keeps events
  // for replicas catching up (a replica that slept longer reloads on start).
  std::chrono::milliseconds event_retention{};
  // AKHBAR_MIGRATE: apply pending migrations at start.
  bool migrate = true;
  // AKHBAR_MIGRATE_ONLY: apply them and exit (the migration Job on Kubernetes).
  bool migrate_only = false;
};

// Reads the environment; exits with every problem listed when invalid.
TickerConfig LoadTickerConfig();

}  // namespace akhbar::ticker
