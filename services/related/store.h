#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/related/index.h"

namespace akhbar::related {

// A published article as the index needs it, with the version it had.
struct SourcedArticle {
  IndexedArticle article;
  int64_t version = 0;
};

struct ArticleVersion {
  int64_t id = 0;
  int64_t version = 0;
};

// The article service's published articles, read where they are kept
// (PostgreSQL), so that the index never depends on having seen every event.
class ArticleSource {
 public:
  virtual ~ArticleSource() = default;
  virtual absl::StatusOr<std::vector<SourcedArticle>> LoadPublished() = 0;
  // nullopt when the article does not exist or is not published (any more).
  virtual absl::StatusOr<std::optional<SourcedArticle>> LoadPublished(int64_t id) = 0;
  // Every published article's id and version: cheap enough to compare with
  // the index every few seconds.
  virtual absl::StatusOr<std::vector<ArticleVersion>> PublishedVersions() = 0;
  // The canonical slugs of tags as an editor may spell them (merged spellings
  // included); spellings of no existing tag are left out.
  virtual absl::StatusOr<std::vector<std::string>> ResolveTags(
      const std::vector<std::string>& spellings) = 0;
};

// What editors decided for one article's list, plus the articles that opted
// out of every list.
struct EditorialSettings {
  std::vector<int64_t> pins;  // in order
  std::set<int64_t> opted_out;
};

class SettingsStore {
 public:
  virtual ~SettingsStore() = default;
  virtual absl::StatusOr<EditorialSettings> SettingsFor(int64_t article_id) = 0;
  // Replaces the pins of `article_id`.
  virtual absl::Status SetPins(int64_t article_id, const std::vector<int64_t>& pinned_ids) = 0;
  virtual absl::Status SetOptOut(int64_t article_id, bool opt_out) = 0;

  // The articles whose settings changed after change number `after`, with the
  // number of the last change returned (or `after` when none).
  struct Changes {
    std::vector<int64_t> article_ids;
    int64_t last = 0;
  };
  virtual absl::StatusOr<Changes> ChangesAfter(int64_t after) = 0;
  // The number of the latest change; 0 before the first.
  virtual absl::StatusOr<int64_t> LatestChange() = 0;
};

}  // namespace akhbar::related
