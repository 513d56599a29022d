#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "akhbar/article/v1/article.pb.h"
#include "libs/cache/single_flight.h"
#include "services/article/store.h"

namespace prometheus {
class Registry;
}

namespace akhbar::article {

struct LogicOptions {
  // Cached articles live this long (± jitter, so that entries written together
  // do not all expire together); events delete them sooner.
  std::chrono::milliseconds cache_ttl{std::chrono::minutes(10)};
  double cache_ttl_jitter = 0.1;
  // "Not found" is remembered briefly so scans of unknown ids stay off the DB.
  std::chrono::milliseconds negative_ttl{std::chrono::seconds(30)};
};

struct GetResult {
  pb::Article article;
  bool slug_is_outdated = false;
};

struct BatchResult {
  std::vector<pb::Article> articles;
  std::vector<int64_t> missing_ids;
};

struct ListResult {
  std::vector<pb::Article> articles;
  std::string next_page_token;
  int64_t total = 0;
};

// Who is asking: readers see only published articles.
struct Viewer {
  bool sees_unpublished = false;
};

// The article service's rules: validation, visibility, cache-aside with
// single-flight loading and negative caching, and invalidation after commit.
// Blocking (it calls the store and the cache); call it from worker threads.
class ArticleLogic {
 public:
  // `cache` answers readers and takes every write and invalidation. Editors
  // read through `editor_cache` when given: in production `cache` is the
  // in-process layer (LocalArticleCache) and `editor_cache` the Redis cache
  // under it, so an editor sees an edit made through another replica at once,
  // not only when its change event has arrived here.
  ArticleLogic(ArticleStore& store, ArticleCache& cache, LogicOptions options = {},
               ArticleCache* editor_cache = nullptr);

  absl::StatusOr<GetResult> GetById(int64_t id, Viewer viewer);
  absl::StatusOr<GetResult> GetBySlug(const std::string& slug, Viewer viewer);
  // A reader's GetArticle when this process's memory already holds the
  // answer, encoded (GetArticleResponse bytes), without waiting on Redis or
  // PostgreSQL: safe on threads that must never block. Null for anything
  // else (an editor, a miss, "not found", an old slug, a bad request): then
  // GetById / GetBySlug, where blocking is allowed, give the full answer.
  std::shared_ptr<const HeldArticle> TryGetEncoded(const pb::GetArticleRequest& request,
                                                   Viewer viewer);
  absl::StatusOr<BatchResult> BatchGet(const std::vector<int64_t>& ids, Viewer viewer);
  absl::StatusOr<ListResult> List(const pb::ListArticlesRequest& request, Viewer viewer);

  absl::StatusOr<pb::Article> Create(const pb::Article& article, const std::string& request_id);
  absl::StatusOr<pb::Article> Update(const pb::Article& article,
                                     const std::vector<std::string>& paths,
                                     int64_t expected_version);
  absl::StatusOr<pb::Article> Transition(const TransitionInput& input);
  // One line of an import; never fails as a whole: the outcome says.
  pb::ImportResult Import(int index, const pb::ImportArticlesRequest& item);

  absl::StatusOr<std::vector<pb::Section>> ListSections();
  absl::StatusOr<pb::Section> CreateSection(const pb::Section& section);
  absl::StatusOr<pb::ListTagsResponse> ListTags(const pb::ListTagsRequest& request);
  absl::StatusOr<pb::Tag> GetTag(const std::string& slug_or_name);
  absl::StatusOr<pb::MergeTagsResponse> MergeTags(const std::string& source,
                                                  const std::string& target);

  // Publishes scheduled articles that are due; returns how many.
  absl::StatusOr<int> PublishDue();

  // Deletes every cache entry the events made stale. Failures are tolerated:
  // the outbox relay deletes the same keys again once Redis answers.
  void Invalidate(const std::vector<pb::ArticleEvent>& events);

 private:
  ArticleCache& CacheFor(Viewer viewer) { return viewer.sees_unpublished ? editor_cache_ : cache_; }
  absl::StatusOr<pb::Article> LoadCached(ArticleCache& cache, const std::string& key,
                                         const std::function<absl::StatusOr<pb::Article>()>& load);
  void Store(ArticleCache& cache, const std::string& key, const pb::Article& article);
  std::chrono::milliseconds JitteredTtl();

  ArticleStore& store_;
  ArticleCache& cache_;
  ArticleCache& editor_cache_;
  LogicOptions options_;
  cache::SingleFlight<absl::StatusOr<pb::Article>> loads_;
};

// Page tokens are opaque to clients; these encode a cursor and check it back.
std::string EncodePageToken(const Cursor& cursor);
absl::StatusOr<Cursor> DecodePageToken(const std::string& token);

}  // namespace akhbar::article
