#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "akhbar/article/v1/events.pb.h"
#include "services/related/cache.h"
#include "services/related/index.h"
#include "services/related/store.h"

namespace prometheus {
class Registry;
}

namespace akhbar::related {

// Keeps the index equal to the published articles in PostgreSQL and drops
// the cached lists each change can alter: those that show the changed article
// (filed under it) and those of the articles it now relates to, which may
// have to show it. Changes come from events (Refresh), and a periodic
// comparison of versions (Reconcile) catches whatever events were missed.
// Thread-safe; changes are applied one at a time.
class IndexKeeper {
 public:
  IndexKeeper(RelatedIndex& index, ArticleSource& source, RelatedCache& cache,
              prometheus::Registry* registry = nullptr);
  ~IndexKeeper();

  // Loads every published article and replaces the index.
  absl::Status Build();
  // Article `id` may have changed: index what PostgreSQL has now.
  absl::Status Refresh(int64_t id);
  // An article event: refreshes what it names, and measures how long after
  // the change the index has it (akhbar_related_freshness_lag_seconds).
  absl::Status Apply(const article::v1::ArticleEvent& event);
  // Everything that differs from PostgreSQL, refreshed.
  absl::Status Reconcile();
  // Lists of the articles carrying one of `tags` (after a tag merge): the
  // tags of those articles changed without their versions.
  absl::Status RefreshTagged(const std::vector<std::string>& tags);
  // Retries invalidations the cache could not take.
  void RetryInvalidations();
  // Lists filed under `ids` must go, but the cache is unreachable now.
  void RetryLater(const std::vector<int64_t>& ids);

  // Bumped by every change to the index: a list computed while it moved must
  // not be cached (it may predate the change whose invalidation it missed).
  uint64_t generation() const { return generation_.load(); }
  // Editorial settings changed: lists computed meanwhile must not be kept.
  void SettingsChanged() { ++generation_; }

 private:
  struct Metrics;
  // Under mu_: apply one loaded state of `id` (nullopt: not published).
  void ApplyLocked(int64_t id, const std::optional<SourcedArticle>& loaded, bool force);
  void InvalidateLocked(std::vector<int64_t> ids);

  RelatedIndex& index_;
  ArticleSource& source_;
  RelatedCache& cache_;
  std::unique_ptr<Metrics> metrics_;
  std::mutex mu_;
  std::unordered_map<int64_t, int64_t> versions_;  // indexed id → version
  std::set<int64_t> pending_invalidations_;
  std::atomic<uint64_t> generation_{0};
};

}  // namespace akhbar::related
