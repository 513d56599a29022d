#pragma once

#include <vector>

#include "libs/db/pool.h"
#include "services/related/store.h"

namespace akhbar::related {

// Reads the article service's tables (published articles, their body text and
// canonical tags) and keeps the editorial settings in tables of its own. All
// on the primary: an event says an article changed, and a lagging replica
// could still show the old version.
class PgRelatedStore : public ArticleSource, public SettingsStore {
 public:
  explicit PgRelatedStore(db::Database& database) : database_(database) {}

  static std::vector<db::Statement> Statements();

  absl::StatusOr<std::vector<SourcedArticle>> LoadPublished() override;
  absl::StatusOr<std::optional<SourcedArticle>> LoadPublished(int64_t id) override;
  absl::StatusOr<std::vector<ArticleVersion>> PublishedVersions() override;
  absl::StatusOr<std::vector<std::string>> ResolveTags(
      const std::vector<std::string>& spellings) override;

  absl::StatusOr<EditorialSettings> SettingsFor(int64_t article_id) override;
  absl::Status SetPins(int64_t article_id, const std::vector<int64_t>& pinned_ids) override;
  absl::Status SetOptOut(int64_t article_id, bool opt_out) override;
  absl::StatusOr<Changes> ChangesAfter(int64_t after) override;
  absl::StatusOr<int64_t> LatestChange() override;

 private:
  db::Database& database_;
};

}  // namespace akhbar::related
