#include "services/ticker/config.h"

namespace akhbar::ticker {

TickerConfig LoadTickerConfig() {
  using std::chrono::milliseconds;
  config::EnvReader env;
  TickerConfig config;
  config.server = config::ReadServerConfig(env, "TICKER", 50052, 9102);
  config.postgres = config::ReadPostgresConfig(env);
  config.redis = config::ReadRedisConfig(env);
  config.tokens = env.String("AKHBAR_TOKENS", "");
  // From a minute to the seven days an item may live at most.
  config.default_lifetime =
      env.Millis("AKHBAR_TICKER_DEFAULT_LIFETIME_MS", milliseconds(6 * 3600 * 1000),
                 milliseconds(60 * 1000), milliseconds(7LL * 24 * 3600 * 1000));
  config.max_watchers = env.Int("AKHBAR_TICKER_MAX_WATCHERS", 20000, 1, 1000000);
  config.watcher_buffer = env.Int("AKHBAR_TICKER_WATCHER_BUFFER", 256, 8, 100000);
  config.heartbeat = env.Millis("AKHBAR_TICKER_HEARTBEAT_MS", milliseconds(15000),
                                milliseconds(100), milliseconds(300000));
  config.event_retention =
      env.Millis("AKHBAR_TICKER_EVENT_RETENTION_MS", milliseconds(24 * 3600 * 1000),
                 milliseconds(60 * 1000), milliseconds(90LL * 24 * 3600 * 1000));
  config.migrate = env.Bool("AKHBAR_MIGRATE", true);
  config.migrate_only = env.Bool("AKHBAR_MIGRATE_ONLY", false);
  env.ExitOnErrors("akhbar-ticker");
  return config;
}

}  // namespace akhbar::ticker
