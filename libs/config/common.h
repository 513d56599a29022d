#pragma once

#include <chrono>
#include <string>

#include "libs/config/env.h"
#include "libs/log/log.h"

// Settings every akhbar process shares, read the same way everywhere so that
// an SRE learns one set of variable names.
namespace akhbar::config {

struct ServerConfig {
  std::string listen_host;  // AKHBAR_LISTEN_HOST, default 0.0.0.0
  int grpc_port = 0;        // AKHBAR_<SERVICE>_PORT
  int metrics_port = 0;     // AKHBAR_<SERVICE>_METRICS_PORT
  int max_message_bytes = 0;
  int max_threads = 0;
  std::chrono::milliseconds drain_grace{};
  std::chrono::milliseconds drain_deadline{};
  log::Level log_level = log::Level::kInfo;
};

struct PostgresConfig {
  std::string dsn;          // AKHBAR_PG_DSN (secret: may hold a password)
  std::string replica_dsn;  // AKHBAR_PG_REPLICA_DSN, optional
  int pool_size = 0;
  std::chrono::milliseconds statement_timeout{};
};

struct RedisConfig {
  std::string host;
  int port = 0;
  int pool_size = 0;
  std::chrono::milliseconds timeout{};
};

// `service` is upper-case, e.g. "ARTICLE": it names AKHBAR_ARTICLE_PORT.
ServerConfig ReadServerConfig(EnvReader& env, const std::string& service, int default_grpc_port,
                              int default_metrics_port);
PostgresConfig ReadPostgresConfig(EnvReader& env);
RedisConfig ReadRedisConfig(EnvReader& env);

}  // namespace akhbar::config
