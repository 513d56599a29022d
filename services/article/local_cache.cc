#include "services/article/local_cache.h"

#include <google/protobuf/io/coded_stream.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <utility>

namespace akhbar::article {
namespace {

// Enough that threads reading different articles rarely share a lock on two
// cores with tens of handler threads; fewer when the bound is tiny, so that
// every shard can hold at least one entry and the total stays within it.
constexpr std::size_t kMaxShards = 16;

}  // namespace

struct LocalArticleCache::Metrics {
  explicit Metrics(prometheus::Registry* registry) {
    if (registry == nullptr) {
      owned = std::make_shared<prometheus::Registry>();
      registry = owned.get();
    }
    auto& requests =
        prometheus::BuildCounter()
            .Name("akhbar_article_local_cache_requests_total")
            .Help("Article reads looked up in the in-process cache, per key, by result")
            .Register(*registry);
    hit = &requests.Add({{"result", "hit"}});
    miss = &requests.Add({{"result", "miss"}});
    evictions = &prometheus::BuildCounter()
                     .Name("akhbar_article_local_cache_evictions_total")
                     .Help("Entries the in-process article cache dropped to stay within its bound")
                     .Register(*registry)
                     .Add({});
  }

  std::shared_ptr<prometheus::Registry> owned;
  prometheus::Counter* hit = nullptr;
  prometheus::Counter* miss = nullptr;
  prometheus::Counter* evictions = nullptr;
};

LocalArticleCache::LocalArticleCache(ArticleCache& next, LocalCacheOptions options,
                                     prometheus::Registry* registry)
    : next_(next), options_(std::move(options)), metrics_(std::make_unique<Metrics>(registry)) {
  const std::size_t bound = std::max<std::size_t>(options_.max_entries, 1);
  shard_count_ = std::min(kMaxShards, bound);
  per_shard_ = bound / shard_count_;
  shards_ = std::make_unique<Shard[]>(shard_count_);
}

LocalArticleCache::~LocalArticleCache() = default;

LocalArticleCache::Value LocalArticleCache::MakeValue(const std::string& bytes) {
  auto held = std::make_shared<Held>();
  pb::Article article;
  if (bytes.empty() || !article.ParseFromString(bytes)) {
    held->raw = bytes;
    return held;
  }
  auto encoded = std::make_shared<HeldArticle>();
  encoded->status = article.status();
  encoded->slug = article.slug();
  // GetArticleResponse.article is field 1, length-delimited: its tag, the
  // length, then the article's own bytes.
  uint8_t header[1 + 5] = {0x0A};  // a varint32 takes at most five bytes
  const uint8_t* end = google::protobuf::io::CodedOutputStream::WriteVarint32ToArray(
      static_cast<uint32_t>(bytes.size()), header + 1);
  encoded->article_offset = static_cast<std::size_t>(end - header);
  encoded->response.reserve(encoded->article_offset + bytes.size());
  encoded->response.append(reinterpret_cast<const char*>(header), encoded->article_offset);
  encoded->response.append(bytes);
  held->article = std::move(encoded);
  return held;
}

LocalArticleCache::Shard& LocalArticleCache::ShardFor(const std::string& key) const {
  // std::hash rather than absl::Hash: the map inside the shard uses the
  // latter, and sharding on its low bits would skew the map's probing.
  return shards_[std::hash<std::string>{}(key) % shard_count_];
}

LocalArticleCache::Lookup LocalArticleCache::Find(const std::string& key, TimePoint now) const {
  Shard& shard = ShardFor(key);
  Lookup found;
  absl::ReaderMutexLock lock(&shard.mu);
  found.generation = shard.generation;
  auto it = shard.entries.find(key);
  if (it != shard.entries.end() && it->second.expires > now) found.value = it->second.value;
  return found;
}

void LocalArticleCache::InsertLocked(Shard& shard, const std::string& key, Value value,
                                     TimePoint expires) {
  auto it = shard.entries.find(key);
  if (it != shard.entries.end()) {
    it->second = Entry{std::move(value), expires};
    return;
  }
  if (shard.entries.size() >= per_shard_) {
    // The first slot of the table: arbitrary, and found without a scan.
    shard.entries.erase(shard.entries.begin());
    metrics_->evictions->Increment();
  }
  shard.entries.emplace(key, Entry{std::move(value), expires});
}

void LocalArticleCache::Remember(const std::string& key, const std::string& value,
                                 uint64_t generation, TimePoint expires) {
  // Built before locking, so the lock covers the insert only.
  Value shared = MakeValue(value);
  Shard& shard = ShardFor(key);
  absl::MutexLock lock(&shard.mu);
  if (shard.generation != generation) return;
  InsertLocked(shard, key, std::move(shared), expires);
}

absl::StatusOr<std::optional<std::string>> LocalArticleCache::Get(const std::string& key) {
  if (!enabled()) return next_.Get(key);
  const TimePoint now = options_.now ? options_.now() : std::chrono::steady_clock::now();
  Lookup found = Find(key, now);
  if (found.value != nullptr) {
    metrics_->hit->Increment();
    return std::optional<std::string>(found.value->bytes());
  }
  metrics_->miss->Increment();
  absl::StatusOr<std::optional<std::string>> answer = next_.Get(key);
  // A missing key is not remembered: the caller loads it and calls Set.
  if (answer.ok() && answer->has_value()) {
    Remember(key, **answer, found.generation, now + options_.max_age);
  }
  return answer;
}

std::shared_ptr<const HeldArticle> LocalArticleCache::PeekArticle(const std::string& key) {
  if (!enabled()) return nullptr;
  Lookup found = Find(key, options_.now ? options_.now() : std::chrono::steady_clock::now());
  if (found.value == nullptr || found.value->article == nullptr) return nullptr;
  metrics_->hit->Increment();
  return found.value->article;
}

absl::StatusOr<std::vector<std::optional<std::string>>> LocalArticleCache::MGet(
    const std::vector<std::string>& keys) {
  if (!enabled()) return next_.MGet(keys);
  const TimePoint now = options_.now ? options_.now() : std::chrono::steady_clock::now();
  std::vector<std::optional<std::string>> values(keys.size());
  std::vector<std::size_t> missing;
  std::vector<std::string> missing_keys;
  std::vector<uint64_t> generations;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    Lookup found = Find(keys[i], now);
    if (found.value != nullptr) {
      metrics_->hit->Increment();
      values[i] = std::string(found.value->bytes());
      continue;
    }
    metrics_->miss->Increment();
    missing.push_back(i);
    missing_keys.push_back(keys[i]);
    generations.push_back(found.generation);
  }
  if (missing.empty()) return values;
  absl::StatusOr<std::vector<std::optional<std::string>>> answer = next_.MGet(missing_keys);
  if (!answer.ok()) {
    if (missing.size() == keys.size()) return answer.status();
    return values;  // the rest count as misses, as a failure would
  }
  for (std::size_t j = 0; j < missing.size() && j < answer->size(); ++j) {
    std::optional<std::string>& value = (*answer)[j];
    if (!value.has_value()) continue;
    Remember(missing_keys[j], *value, generations[j], now + options_.max_age);
    values[missing[j]] = std::move(value);
  }
  return values;
}

absl::Status LocalArticleCache::Set(const std::string& key, const std::string& value,
                                    std::chrono::milliseconds ttl) {
  absl::Status status = next_.Set(key, value, ttl);
  if (!enabled()) return status;
  const TimePoint now = options_.now ? options_.now() : std::chrono::steady_clock::now();
  // Redis keeps a ttl of zero or less forever; here max_age still applies.
  const std::chrono::milliseconds age =
      ttl.count() > 0 ? std::min(ttl, options_.max_age) : options_.max_age;
  Value shared = MakeValue(value);
  Shard& shard = ShardFor(key);
  absl::MutexLock lock(&shard.mu);
  // Newer than whatever a read in flight is about to bring back.
  ++shard.generation;
  InsertLocked(shard, key, std::move(shared), now + age);
  return status;
}

void LocalArticleCache::Erase(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    Shard& shard = ShardFor(key);
    absl::MutexLock lock(&shard.mu);
    ++shard.generation;
    shard.entries.erase(key);
  }
}

absl::Status LocalArticleCache::Del(const std::vector<std::string>& keys) {
  if (!enabled()) return next_.Del(keys);
  // Before: readers here stop seeing the old value at once, not only once
  // Redis answered. After: a read that fetched the old value from Redis just
  // before it was deleted there may have kept it in between.
  Erase(keys);
  absl::Status status = next_.Del(keys);
  Erase(keys);
  return status;
}

void LocalArticleCache::DropAll() {
  for (std::size_t i = 0; i < shard_count_; ++i) {
    absl::flat_hash_map<std::string, Entry> dropped;
    {
      absl::MutexLock lock(&shards_[i].mu);
      ++shards_[i].generation;
      dropped.swap(shards_[i].entries);
    }
    // `dropped` (possibly many large articles) is freed here, unlocked.
  }
}

std::size_t LocalArticleCache::size() const {
  std::size_t total = 0;
  for (std::size_t i = 0; i < shard_count_; ++i) {
    absl::ReaderMutexLock lock(&shards_[i].mu);
    total += shards_[i].entries.size();
  }
  return total;
}

}  // namespace akhbar::article
