#include "services/article/config.h"

namespace akhbar::article {

ArticleConfig LoadArticleConfig() {
  using std::chrono::milliseconds;
  config::EnvReader env;
  ArticleConfig config;
  config.server = config::ReadServerConfig(env, "ARTICLE", 50051, 9101);
  config.postgres = config::ReadPostgresConfig(env);
  config.redis = config::ReadRedisConfig(env);
  config.tokens = env.String("AKHBAR_TOKENS", "");
  config.cache_ttl = env.Millis("AKHBAR_ARTICLE_CACHE_TTL_MS", milliseconds(600000),
                                milliseconds(1000), milliseconds(86400000));
  config.negative_cache_ttl =
      env.Millis("AKHBAR_ARTICLE_NEGATIVE_CACHE_TTL_MS", milliseconds(30000), milliseconds(0),
                 milliseconds(3600000));
  // At most a minute: this age is how stale a read may get while change
  // events cannot arrive, so it is meant to stay short.
  config.local_cache_ttl = env.Millis("AKHBAR_ARTICLE_LOCAL_CACHE_TTL_MS", milliseconds(1000),
                                      milliseconds(0), milliseconds(60000));
  config.local_cache_entries = env.Int("AKHBAR_ARTICLE_LOCAL_CACHE_ENTRIES", 10000, 1, 1000000);
  config.read_threads = env.Int("AKHBAR_ARTICLE_READ_THREADS", 16, 1, 256);
  config.migrate = env.Bool("AKHBAR_MIGRATE", true);
  config.migrate_only = env.Bool("AKHBAR_MIGRATE_ONLY", false);
  env.ExitOnErrors("akhbar-article");
  return config;
}

}  // namespace akhbar::article
