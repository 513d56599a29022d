#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "akhbar/related/v1/related.pb.h"
#include "services/related/cache.h"
#include "services/related/index.h"
#include "services/related/index_keeper.h"
#include "services/related/store.h"

namespace akhbar::related {

struct RelatedRules {
  int default_limit = 5;
  int max_limit = 20;
  std::size_t max_pins = 10;
  // Below this score an article is not "related"; the box is filled up with
  // the latest articles of the same tag, then of the same section.
  double threshold = 0.10;
  ScoringWeights weights;
};

// The rules of «موضوعات متعلقة» on top of the index: editor pins first, then
// the scored articles, then the fallback fill, so that a page never shows an
// empty box; opted-out articles get no automatic list and appear in none.
// Lists are served from the cache when there, and cached when computed.
class RelatedLogic {
 public:
  RelatedLogic(RelatedIndex& index, IndexKeeper& keeper, ArticleSource& articles,
               SettingsStore& settings, RelatedCache& cache, RelatedRules rules = {});

  absl::StatusOr<pb::GetRelatedResponse> GetRelated(int64_t article_id, int limit);
  absl::StatusOr<pb::GetRelatedForDraftResponse> GetRelatedForDraft(
      const pb::GetRelatedForDraftRequest& draft);
  absl::StatusOr<pb::SuggestTagsResponse> SuggestTags(const pb::SuggestTagsRequest& draft);
  absl::Status SetPins(int64_t article_id, const std::vector<int64_t>& pinned_ids);
  absl::Status SetOptOut(int64_t article_id, bool opt_out);

 private:
  absl::StatusOr<int> CheckLimit(int limit) const;
  absl::StatusOr<Draft> ToDraft(const std::string& title, const std::string& body,
                                const std::vector<std::string>& tags, const std::string& section);
  // Fills `out` with the article's display fields; false when not indexed.
  bool Describe(int64_t id, pb::RelatedArticle* out) const;
  pb::GetRelatedResponse Compose(int64_t article_id, int limit, const EditorialSettings& settings,
                                 std::vector<int64_t>* members) const;

  RelatedIndex& index_;
  IndexKeeper& keeper_;
  ArticleSource& articles_;
  SettingsStore& settings_;
  RelatedCache& cache_;
  const RelatedRules rules_;
};

}  // namespace akhbar::related
