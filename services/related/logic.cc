#include "services/related/logic.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "libs/validate/fields.h"

namespace akhbar::related {
namespace {

using google::protobuf::util::TimeUtil;

constexpr std::size_t kMaxTitle = 500;        // code points
constexpr std::size_t kMaxBody = 200 * 1024;  // bytes: a long article, several times over
constexpr std::size_t kMaxDraftTags = 20;

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::vector<std::string> SharedTags(const std::vector<std::string>& a,
                                    const std::vector<std::string>& b) {
  std::vector<std::string> shared;
  for (const std::string& tag : a) {
    if (Contains(b, tag)) shared.push_back(tag);
  }
  return shared;
}

void SetReasons(const Reasons& reasons, pb::Reasons* out) {
  for (const std::string& tag : reasons.shared_tags) out->add_shared_tags(tag);
  for (const std::string& term : reasons.shared_terms) out->add_shared_terms(term);
  out->set_same_section(reasons.same_section);
}

int64_t NowUs() { return TimeUtil::TimestampToMicroseconds(TimeUtil::GetCurrentTime()); }

}  // namespace

RelatedLogic::RelatedLogic(RelatedIndex& index, IndexKeeper& keeper, ArticleSource& articles,
                           SettingsStore& settings, RelatedCache& cache, RelatedRules rules)
    : index_(index),
      keeper_(keeper),
      articles_(articles),
      settings_(settings),
      cache_(cache),
      rules_(std::move(rules)) {}

absl::StatusOr<int> RelatedLogic::CheckLimit(int limit) const {
  if (limit == 0) return rules_.default_limit;
  if (limit < 0 || limit > rules_.max_limit) {
    return absl::InvalidArgumentError(absl::StrCat("limit must be between 1 and ", rules_.max_limit,
                                                   " (0 for the default of ", rules_.default_limit,
                                                   "); got ", limit));
  }
  return limit;
}

bool RelatedLogic::Describe(int64_t id, pb::RelatedArticle* out) const {
  std::optional<ArticleSummary> summary = index_.Get(id);
  if (!summary) return false;
  out->set_article_id(id);
  out->set_slug(summary->slug);
  out->set_title(summary->title);
  out->set_section(summary->section);
  *out->mutable_published_at() = TimeUtil::MicrosecondsToTimestamp(summary->published_at_us);
  return true;
}

pb::GetRelatedResponse RelatedLogic::Compose(int64_t article_id, int limit,
                                             const EditorialSettings& settings,
                                             std::vector<int64_t>* members) const {
  pb::GetRelatedResponse response;
  const auto size = [&] { return static_cast<int>(response.articles_size()); };
  std::set<int64_t> chosen{article_id};
  members->push_back(article_id);
  auto add = [&](int64_t id) -> pb::RelatedArticle* {
    pb::RelatedArticle item;
    if (chosen.contains(id) || !Describe(id, &item)) return nullptr;
    chosen.insert(id);
    members->push_back(id);
    *response.add_articles() = std::move(item);
    return response.mutable_articles(size() - 1);
  };

  for (int64_t pinned : settings.pins) {
    if (size() >= limit) break;
    if (pb::RelatedArticle* item = add(pinned)) item->mutable_reasons()->set_pinned(true);
  }
  if (settings.opted_out.contains(article_id) || size() >= limit) return response;

  std::set<int64_t> excluded = settings.opted_out;
  excluded.insert(chosen.begin(), chosen.end());
  QueryOptions query;
  query.limit = static_cast<std::size_t>(limit - size());
  query.threshold = rules_.threshold;
  query.weights = rules_.weights;
  query.exclude = excluded;
  for (const Scored& scored : index_.Related(article_id, query)) {
    if (pb::RelatedArticle* item = add(scored.id)) {
      item->set_score(scored.score);
      SetReasons(scored.reasons, item->mutable_reasons());
    }
  }

  // The fill: never an empty box, and still on topic as far as it goes.
  std::optional<ArticleSummary> self = index_.Get(article_id);
  if (!self) return response;
  auto fill = [&](const std::vector<int64_t>& ids) {
    for (int64_t id : ids) {
      if (size() >= limit) return;
      if (excluded.contains(id)) continue;
      pb::RelatedArticle* item = add(id);
      if (item == nullptr) continue;
      std::optional<ArticleSummary> other = index_.Get(id);
      pb::Reasons* reasons = item->mutable_reasons();
      reasons->set_fallback(true);
      reasons->set_same_section(other && other->section == self->section);
      if (other) {
        for (const std::string& tag : SharedTags(self->tags, other->tags)) {
          reasons->add_shared_tags(tag);
        }
      }
    }
  };
  for (const std::string& tag : self->tags) {
    if (size() >= limit) break;
    excluded.insert(chosen.begin(), chosen.end());
    fill(index_.LatestWithTag(tag, static_cast<std::size_t>(limit - size()), excluded));
  }
  if (size() < limit) {
    excluded.insert(chosen.begin(), chosen.end());
    fill(index_.LatestInSection(self->section, static_cast<std::size_t>(limit - size()), excluded));
  }
  return response;
}

absl::StatusOr<pb::GetRelatedResponse> RelatedLogic::GetRelated(int64_t article_id, int limit) {
  absl::StatusOr<int> checked = CheckLimit(limit);
  if (!checked.ok()) return checked.status();
  if (article_id <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("article_id must be a positive article id; got ", article_id));
  }
  if (!index_.Get(article_id)) {
    return absl::NotFoundError(
        absl::StrCat("article ", article_id, " is not published (or does not exist)"));
  }
  if (std::optional<pb::GetRelatedResponse> cached = cache_.Get(article_id, *checked)) {
    return *std::move(cached);
  }
  const uint64_t generation = keeper_.generation();
  absl::StatusOr<EditorialSettings> settings = settings_.SettingsFor(article_id);
  if (!settings.ok()) return settings.status();
  std::vector<int64_t> members;
  pb::GetRelatedResponse response = Compose(article_id, *checked, *settings, &members);
  // Computed while the index moved: it may miss a change whose invalidation
  // already went out, so it is served but not kept.
  if (keeper_.generation() == generation) cache_.Put(article_id, *checked, response, members);
  return response;
}

absl::StatusOr<Draft> RelatedLogic::ToDraft(const std::string& title, const std::string& body,
                                            const std::vector<std::string>& tags,
                                            const std::string& section) {
  if (absl::Status s = validate::Text("title", title, kMaxTitle, /*required=*/false); !s.ok()) {
    return s;
  }
  if (body.size() > kMaxBody) {
    return absl::InvalidArgumentError(
        absl::StrCat("body is ", body.size(), " bytes; a draft may have at most ", kMaxBody));
  }
  if (title.find_first_not_of(" \t\n") == std::string::npos &&
      body.find_first_not_of(" \t\n") == std::string::npos) {
    return absl::InvalidArgumentError("give a title or a body: the draft has no text");
  }
  if (tags.size() > kMaxDraftTags) {
    return absl::InvalidArgumentError(
        absl::StrCat("a draft may have at most ", kMaxDraftTags, " tags; got ", tags.size()));
  }
  Draft draft{.title = title, .body = body, .section = section, .tags = {}};
  if (!tags.empty()) {
    absl::StatusOr<std::vector<std::string>> slugs = articles_.ResolveTags(tags);
    if (!slugs.ok()) return slugs.status();
    draft.tags = *std::move(slugs);
  }
  return draft;
}

absl::StatusOr<pb::GetRelatedForDraftResponse> RelatedLogic::GetRelatedForDraft(
    const pb::GetRelatedForDraftRequest& request) {
  absl::StatusOr<int> limit = CheckLimit(request.limit());
  if (!limit.ok()) return limit.status();
  absl::StatusOr<Draft> draft = ToDraft(
      request.title(), request.body(),
      std::vector<std::string>(request.tags().begin(), request.tags().end()), request.section());
  if (!draft.ok()) return draft.status();
  QueryOptions query;
  query.limit = static_cast<std::size_t>(*limit);
  query.threshold = rules_.threshold;
  query.weights = rules_.weights;
  query.now_us = NowUs();
  pb::GetRelatedForDraftResponse response;
  for (const Scored& scored : index_.RelatedToDraft(*draft, query)) {
    pb::RelatedArticle item;
    if (!Describe(scored.id, &item)) continue;
    item.set_score(scored.score);
    SetReasons(scored.reasons, item.mutable_reasons());
    *response.add_articles() = std::move(item);
  }
  return response;
}

absl::StatusOr<pb::SuggestTagsResponse> RelatedLogic::SuggestTags(
    const pb::SuggestTagsRequest& request) {
  int limit = request.limit() == 0 ? 5 : request.limit();
  if (limit < 0 || limit > rules_.max_limit) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit must be between 1 and ", rules_.max_limit, "; got ", request.limit()));
  }
  absl::StatusOr<Draft> draft = ToDraft(request.title(), request.body(), {}, "");
  if (!draft.ok()) return draft.status();
  pb::SuggestTagsResponse response;
  for (const RelatedIndex::TagSuggestion& tag :
       index_.SuggestTags(*draft, static_cast<std::size_t>(limit))) {
    pb::TagSuggestion* out = response.add_tags();
    out->set_slug(tag.slug);
    out->set_name(tag.name);
    out->set_score(tag.score);
  }
  return response;
}

absl::Status RelatedLogic::SetPins(int64_t article_id, const std::vector<int64_t>& pinned_ids) {
  if (pinned_ids.size() > rules_.max_pins) {
    return absl::InvalidArgumentError(
        absl::StrCat("at most ", rules_.max_pins, " pins per article; got ", pinned_ids.size()));
  }
  std::set<int64_t> seen;
  for (int64_t pinned : pinned_ids) {
    if (pinned == article_id) {
      return absl::InvalidArgumentError("an article cannot be pinned under itself");
    }
    if (!seen.insert(pinned).second) {
      return absl::InvalidArgumentError(absl::StrCat("article ", pinned, " is pinned twice"));
    }
  }
  if (!index_.Get(article_id)) {
    return absl::NotFoundError(
        absl::StrCat("article ", article_id, " is not published (or does not exist)"));
  }
  for (int64_t pinned : pinned_ids) {
    if (!index_.Get(pinned)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "article ", pinned, " cannot be pinned: it is not published (or does not exist)"));
    }
  }
  if (absl::Status s = settings_.SetPins(article_id, pinned_ids); !s.ok()) return s;
  keeper_.SettingsChanged();
  if (!cache_.Invalidate({article_id})) keeper_.RetryLater({article_id});
  return absl::OkStatus();
}

absl::Status RelatedLogic::SetOptOut(int64_t article_id, bool opt_out) {
  if (article_id <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("article_id must be a positive article id; got ", article_id));
  }
  if (absl::Status s = settings_.SetOptOut(article_id, opt_out); !s.ok()) return s;
  keeper_.SettingsChanged();
  // Its own lists, and every list that shows it.
  if (!cache_.Invalidate({article_id})) keeper_.RetryLater({article_id});
  return absl::OkStatus();
}

}  // namespace akhbar::related
