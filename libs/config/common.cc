#include "libs/config/common.h"

namespace akhbar::config {

using std::chrono::milliseconds;

ServerConfig ReadServerConfig(EnvReader& env, const std::string& service, int default_grpc_port,
                              int default_metrics_port) {
  ServerConfig config;
  const std::string prefix = "AKHBAR_" + service;
  config.listen_host = env.String("AKHBAR_LISTEN_HOST", "0.0.0.0");
  config.grpc_port = env.Int((prefix + "_PORT").c_str(), default_grpc_port, 1, 65535);
  config.metrics_port = env.Int((prefix + "_METRICS_PORT").c_str(), default_metrics_port, 1, 65535);
  config.max_message_bytes =
      env.Int("AKHBAR_GRPC_MAX_MESSAGE_BYTES", 4 * 1024 * 1024, 64 * 1024, 64 * 1024 * 1024);
  config.max_threads = env.Int("AKHBAR_GRPC_MAX_THREADS", 64, 4, 4096);
  config.drain_grace = env.Millis("AKHBAR_DRAIN_GRACE_MS", milliseconds(3000), milliseconds(0),
                                  milliseconds(120000));
  config.drain_deadline = env.Millis("AKHBAR_DRAIN_DEADLINE_MS", milliseconds(10000),
                                     milliseconds(0), milliseconds(300000));
  std::string level = env.String("AKHBAR_LOG_LEVEL", "info");
  if (!log::ParseLevel(level, &config.log_level)) {
    env.AddError("AKHBAR_LOG_LEVEL=\"" + level + "\" must be debug, info, warning or error");
  }
  if (config.grpc_port == config.metrics_port) {
    env.AddError(prefix + "_PORT and " + prefix + "_METRICS_PORT must differ");
  }
  return config;
}

PostgresConfig ReadPostgresConfig(EnvReader& env) {
  PostgresConfig config;
  config.dsn = env.Secret("AKHBAR_PG_DSN");
  config.replica_dsn = env.String("AKHBAR_PG_REPLICA_DSN", "");
  config.pool_size = env.Int("AKHBAR_PG_POOL_SIZE", 8, 1, 256);
  config.statement_timeout = env.Millis("AKHBAR_PG_STATEMENT_TIMEOUT_MS", milliseconds(5000),
                                        milliseconds(100), milliseconds(600000));
  return config;
}

RedisConfig ReadRedisConfig(EnvReader& env) {
  RedisConfig config;
  std::string address = env.String("AKHBAR_REDIS_ADDR", "127.0.0.1:6379");
  if (!SplitHostPort(address, &config.host, &config.port)) {
    env.AddError("AKHBAR_REDIS_ADDR=\"" + address + "\" must be host:port");
  }
  config.pool_size = env.Int("AKHBAR_REDIS_POOL_SIZE", 8, 1, 256);
  config.timeout = env.Millis("AKHBAR_REDIS_TIMEOUT_MS", milliseconds(200), milliseconds(10),
                              milliseconds(10000));
  return config;
}

}  // namespace akhbar::config
