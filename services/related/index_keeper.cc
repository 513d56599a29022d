#include "services/related/index_keeper.h"

#include <google/protobuf/util/time_util.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>

#include "libs/log/log.h"

namespace akhbar::related {
namespace {

// How many of a changed article's nearest articles get their lists dropped:
// more than any list shows (20), so that it reaches every list it now enters.
constexpr std::size_t kNeighbours = 30;

}  // namespace

struct IndexKeeper::Metrics {
  explicit Metrics(prometheus::Registry& registry)
      : articles(prometheus::BuildGauge()
                     .Name("akhbar_related_index_articles")
                     .Help("Published articles in the related index")
                     .Register(registry)
                     .Add({})),
        build_seconds(prometheus::BuildGauge()
                          .Name("akhbar_related_index_build_seconds")
                          .Help("Duration of the last full build of the related index")
                          .Register(registry)
                          .Add({})),
        lag(prometheus::BuildHistogram()
                .Name("akhbar_related_freshness_lag_seconds")
                .Help("From an article change to the related index having it")
                .Register(registry)
                .Add({}, prometheus::Histogram::BucketBoundaries{0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                                 1, 2, 5, 10, 30})),
        changes(prometheus::BuildCounter()
                    .Name("akhbar_related_index_changes_total")
                    .Help("Articles added, changed or removed in the related index")
                    .Register(registry)
                    .Add({})) {}
  prometheus::Gauge& articles;
  prometheus::Gauge& build_seconds;
  prometheus::Histogram& lag;
  prometheus::Counter& changes;
};

IndexKeeper::IndexKeeper(RelatedIndex& index, ArticleSource& source, RelatedCache& cache,
                         prometheus::Registry* registry)
    : index_(index),
      source_(source),
      cache_(cache),
      metrics_(registry ? std::make_unique<Metrics>(*registry) : nullptr) {}

IndexKeeper::~IndexKeeper() = default;

absl::Status IndexKeeper::Build() {
  auto started = std::chrono::steady_clock::now();
  absl::StatusOr<std::vector<SourcedArticle>> loaded = source_.LoadPublished();
  if (!loaded.ok()) return loaded.status();
  std::unordered_map<int64_t, int64_t> versions;
  std::vector<IndexedArticle> articles;
  articles.reserve(loaded->size());
  for (SourcedArticle& sourced : *loaded) {
    versions[sourced.article.id] = sourced.version;
    articles.push_back(std::move(sourced.article));
  }
  std::lock_guard lock(mu_);
  index_.Build(std::move(articles));
  versions_ = std::move(versions);
  ++generation_;
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (metrics_) {
    metrics_->articles.Set(static_cast<double>(index_.size()));
    metrics_->build_seconds.Set(seconds);
  }
  log::Info("related index built",
            {{"articles", std::to_string(index_.size())}, {"seconds", std::to_string(seconds)}});
  return absl::OkStatus();
}

absl::Status IndexKeeper::Refresh(int64_t id) {
  absl::StatusOr<std::optional<SourcedArticle>> loaded = source_.LoadPublished(id);
  if (!loaded.ok()) return loaded.status();
  std::lock_guard lock(mu_);
  ApplyLocked(id, *loaded, /*force=*/false);
  return absl::OkStatus();
}

absl::Status IndexKeeper::Apply(const article::v1::ArticleEvent& event) {
  using google::protobuf::util::TimeUtil;
  absl::Status status = event.kind() == article::v1::ArticleEvent::KIND_TAGS_MERGED
                            ? RefreshTagged({event.tags().begin(), event.tags().end()})
                            : Refresh(event.article_id());
  if (status.ok() && metrics_ && event.has_occurred_at()) {
    int64_t lag_us = TimeUtil::TimestampToMicroseconds(TimeUtil::GetCurrentTime()) -
                     TimeUtil::TimestampToMicroseconds(event.occurred_at());
    metrics_->lag.Observe(static_cast<double>(std::max<int64_t>(0, lag_us)) / 1e6);
  }
  return status;
}

absl::Status IndexKeeper::Reconcile() {
  absl::StatusOr<std::vector<ArticleVersion>> published = source_.PublishedVersions();
  if (!published.ok()) return published.status();
  std::vector<int64_t> stale;
  {
    std::lock_guard lock(mu_);
    std::set<int64_t> seen;
    for (const ArticleVersion& article : *published) {
      seen.insert(article.id);
      auto it = versions_.find(article.id);
      if (it == versions_.end() || it->second != article.version) stale.push_back(article.id);
    }
    for (const auto& [id, version] : versions_) {
      if (!seen.contains(id)) stale.push_back(id);
    }
  }
  if (!stale.empty()) {
    log::Info("related index catching up", {{"articles", std::to_string(stale.size())}});
  }
  for (int64_t id : stale) {
    if (absl::Status s = Refresh(id); !s.ok()) return s;
  }
  RetryInvalidations();
  return absl::OkStatus();
}

absl::Status IndexKeeper::RefreshTagged(const std::vector<std::string>& tags) {
  std::set<int64_t> tagged;
  for (const std::string& tag : tags) {
    for (int64_t id : index_.LatestWithTag(tag, index_.size() + 1, {})) tagged.insert(id);
  }
  for (int64_t id : tagged) {
    absl::StatusOr<std::optional<SourcedArticle>> loaded = source_.LoadPublished(id);
    if (!loaded.ok()) return loaded.status();
    std::lock_guard lock(mu_);
    ApplyLocked(id, *loaded, /*force=*/true);
  }
  return absl::OkStatus();
}

void IndexKeeper::ApplyLocked(int64_t id, const std::optional<SourcedArticle>& loaded, bool force) {
  auto known = versions_.find(id);
  std::vector<int64_t> affected{id};
  if (loaded) {
    if (!force && known != versions_.end() && known->second == loaded->version) return;
    index_.Upsert(loaded->article);
    versions_[id] = loaded->version;
    QueryOptions nearest;
    nearest.limit = kNeighbours;
    for (const Scored& neighbour : index_.Related(id, nearest)) affected.push_back(neighbour.id);
  } else {
    if (known == versions_.end()) return;  // was not indexed, is not published: nothing to do
    index_.Remove(id);
    versions_.erase(known);
  }
  ++generation_;
  if (metrics_) {
    metrics_->articles.Set(static_cast<double>(index_.size()));
    metrics_->changes.Increment();
  }
  InvalidateLocked(std::move(affected));
}

void IndexKeeper::InvalidateLocked(std::vector<int64_t> ids) {
  ids.insert(ids.end(), pending_invalidations_.begin(), pending_invalidations_.end());
  if (cache_.Invalidate(ids)) {
    pending_invalidations_.clear();
  } else {
    pending_invalidations_.insert(ids.begin(), ids.end());
  }
}

void IndexKeeper::RetryLater(const std::vector<int64_t>& ids) {
  std::lock_guard lock(mu_);
  pending_invalidations_.insert(ids.begin(), ids.end());
}

void IndexKeeper::RetryInvalidations() {
  std::lock_guard lock(mu_);
  if (pending_invalidations_.empty()) return;
  InvalidateLocked({});
}

}  // namespace akhbar::related
