#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "services/article/store.h"

namespace prometheus {
class Counter;
class Registry;
}  // namespace prometheus

namespace akhbar::article {

struct LocalCacheOptions {
  // How long a value is answered from memory without asking the wrapped cache.
  // Change events drop everything much sooner; this bounds staleness when they
  // cannot arrive (Redis unreachable). Zero or less: hold nothing and pass
  // every call through, exactly as if the layer were not there.
  std::chrono::milliseconds max_age{1000};
  // At most this many keys are held; when a shard is full an arbitrary entry
  // gives way (entries are short-lived, so which one matters little).
  std::size_t max_entries = 10000;
  // For tests; the steady clock by default.
  std::function<std::chrono::steady_clock::time_point()> now;
};

// A bounded in-process layer in front of another ArticleCache (Redis), so
// that a warm read costs a hash lookup instead of a round trip. Reads are
// answered from memory while fresh and otherwise from the wrapped cache, whose
// answer (a value, or "" for a remembered "not found") is then kept; writes
// and deletes go through to the wrapped cache and update memory too.
//
// Consistency: after Del(k) or DropAll() returns, no read that starts later
// answers a value this process held or fetched before; a read that was
// already waiting on the wrapped cache when they ran answers its (possibly
// older) value but does not keep it. Every change in another process reaches
// this one as a change event, on which its owner calls DropAll().
//
// Thread-safe. Keys are spread over shards, each with its own absl::Mutex: a
// hit takes a reader lock for the lookup and a reference count on the shared
// value, and copies the bytes out after unlocking, so readers of one hot
// article do not serialise on copying it, and writers are not starved (absl's
// Mutex lets a waiting writer in, glibc's rwlock would not).
//
// Metrics (on `registry`, or a private one when null):
//   akhbar_article_local_cache_requests_total{result="hit|miss"}  per key
//   akhbar_article_local_cache_evictions_total  entries dropped to stay bounded
class LocalArticleCache : public ArticleCache {
 public:
  LocalArticleCache(ArticleCache& next, LocalCacheOptions options,
                    prometheus::Registry* registry = nullptr);
  ~LocalArticleCache() override;
  LocalArticleCache(const LocalArticleCache&) = delete;
  LocalArticleCache& operator=(const LocalArticleCache&) = delete;

  absl::StatusOr<std::optional<std::string>> Get(const std::string& key) override;
  // Asks the wrapped cache for the keys not held fresh here only. When it
  // fails, the keys held here are still answered (the others as misses).
  absl::StatusOr<std::vector<std::optional<std::string>>> MGet(
      const std::vector<std::string>& keys) override;
  // Kept here for at most min(ttl, max_age), even when the wrapped cache
  // failed: the value was just loaded from the truth.
  absl::Status Set(const std::string& key, const std::string& value,
                   std::chrono::milliseconds ttl) override;
  absl::Status Del(const std::vector<std::string>& keys) override;
  // A hit is counted; a miss is not, as the caller goes on to Get, which
  // counts it.
  std::shared_ptr<const HeldArticle> PeekArticle(const std::string& key) override;

  // Forgets everything held here (the wrapped cache is untouched).
  void DropAll();

  // Entries held, expired ones included until they are replaced.
  std::size_t size() const;

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  // An article is parsed and framed once, when it is stored; what does not
  // parse ("" for "not found", or damaged bytes) is kept as it came.
  struct Held {
    std::string raw;
    std::shared_ptr<const HeldArticle> article;
    std::string_view bytes() const {
      return article != nullptr ? article->article_bytes() : std::string_view(raw);
    }
  };
  using Value = std::shared_ptr<const Held>;
  static Value MakeValue(const std::string& bytes);
  struct Entry {
    Value value;
    TimePoint expires;
  };
  struct Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<std::string, Entry> entries ABSL_GUARDED_BY(mu);
    // Bumped by every Set, Del and DropAll. A read that missed remembers it
    // before asking the wrapped cache and keeps the answer only if it is
    // unchanged: otherwise the answer may predate the change.
    uint64_t generation ABSL_GUARDED_BY(mu) = 0;
  };
  struct Lookup {
    Value value;  // null: not held, or expired
    uint64_t generation = 0;
  };
  struct Metrics;

  bool enabled() const { return options_.max_age.count() > 0; }
  Shard& ShardFor(const std::string& key) const;
  Lookup Find(const std::string& key, TimePoint now) const;
  // Keeps a value fetched from the wrapped cache, unless the shard changed
  // since `generation` was read.
  void Remember(const std::string& key, const std::string& value, uint64_t generation,
                TimePoint expires);
  void InsertLocked(Shard& shard, const std::string& key, Value value, TimePoint expires)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);
  void Erase(const std::vector<std::string>& keys);

  ArticleCache& next_;
  const LocalCacheOptions options_;
  std::size_t shard_count_ = 1;
  std::size_t per_shard_ = 1;
  std::unique_ptr<Shard[]> shards_;
  std::unique_ptr<Metrics> metrics_;
};

}  // namespace akhbar::article
