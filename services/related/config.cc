#include "services/related/config.h"

namespace akhbar::related {

RelatedConfig LoadRelatedConfig() {
  using std::chrono::milliseconds;
  config::EnvReader env;
  RelatedConfig config;
  config.server = config::ReadServerConfig(env, "RELATED", 50053, 9103);
  config.postgres = config::ReadPostgresConfig(env);
  config.redis = config::ReadRedisConfig(env);
  config.tokens = env.String("AKHBAR_TOKENS", "");
  config.cache = env.Bool("AKHBAR_RELATED_CACHE", true);
  config.cache_ttl = env.Millis("AKHBAR_RELATED_CACHE_TTL_MS", milliseconds(600000),
                                milliseconds(1000), milliseconds(86400000));
  config.reconcile = env.Millis("AKHBAR_RELATED_RECONCILE_MS", milliseconds(30000),
                                milliseconds(100), milliseconds(3600000));
  config.threshold = env.Double("AKHBAR_RELATED_THRESHOLD", 0.10, 0, 10);
  config.migrate = env.Bool("AKHBAR_MIGRATE", true);
  config.migrate_only = env.Bool("AKHBAR_MIGRATE_ONLY", false);
  env.ExitOnErrors("akhbar-related");
  return config;
}

}  // namespace akhbar::related
