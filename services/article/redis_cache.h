#pragma once

#include "libs/cache/redis.h"
#include "services/article/store.h"

namespace akhbar::article {

// ArticleCache on the shared Redis pool.
class RedisArticleCache : public ArticleCache {
 public:
  explicit RedisArticleCache(cache::Redis& redis) : redis_(redis) {}

  absl::StatusOr<std::optional<std::string>> Get(const std::string& key) override {
    return redis_.Get(key);
  }
  absl::StatusOr<std::vector<std::optional<std::string>>> MGet(
      const std::vector<std::string>& keys) override {
    return redis_.MGet(keys);
  }
  absl::Status Set(const std::string& key, const std::string& value,
                   std::chrono::milliseconds ttl) override {
    return redis_.Set(key, value, ttl);
  }
  absl::Status Del(const std::vector<std::string>& keys) override { return redis_.Del(keys); }

 private:
  cache::Redis& redis_;
};

}  // namespace akhbar::article
