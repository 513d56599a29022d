// The rules of «موضوعات متعلقة» (pins, scored articles, the fill, opt-outs,
// caching) and the index keeper's freshness, on the real engine with fake
// storage and cache.
#include "services/related/logic.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "services/related/index_keeper.h"
#include "services/related/settings_follower.h"
#include "tests/unit/related/test_articles.h"

namespace akhbar::related {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

// Newer with every id, so that "latest" is predictable.
IndexedArticle Article(int64_t id, std::string title, std::string body, std::string section,
                       std::vector<std::string> tags = {}) {
  std::vector<std::string> names = tags;
  return fixtures::Article(id, std::move(title), std::move(body), std::move(section),
                           std::move(tags), std::move(names), fixtures::kT0 + id * 1000000);
}

class FakeSource : public ArticleSource {
 public:
  absl::StatusOr<std::vector<SourcedArticle>> LoadPublished() override {
    std::vector<SourcedArticle> all;
    for (const auto& [id, sourced] : published) all.push_back(sourced);
    return all;
  }
  absl::StatusOr<std::optional<SourcedArticle>> LoadPublished(int64_t id) override {
    auto it = published.find(id);
    if (it == published.end()) return std::optional<SourcedArticle>();
    return std::optional<SourcedArticle>(it->second);
  }
  absl::StatusOr<std::vector<ArticleVersion>> PublishedVersions() override {
    std::vector<ArticleVersion> versions;
    for (const auto& [id, sourced] : published) versions.push_back({id, sourced.version});
    return versions;
  }
  absl::StatusOr<std::vector<std::string>> ResolveTags(
      const std::vector<std::string>& spellings) override {
    return spellings;
  }
  void Put(IndexedArticle article, int64_t version = 1) {
    int64_t id = article.id;
    published[id] = {std::move(article), version};
  }
  std::map<int64_t, SourcedArticle> published;
};

class FakeSettings : public SettingsStore {
 public:
  absl::StatusOr<EditorialSettings> SettingsFor(int64_t article_id) override {
    ++reads;
    EditorialSettings settings;
    settings.pins = pins[article_id];
    settings.opted_out = opted_out;
    return settings;
  }
  absl::Status SetPins(int64_t article_id, const std::vector<int64_t>& pinned) override {
    pins[article_id] = pinned;
    log.push_back(article_id);
    return absl::OkStatus();
  }
  absl::StatusOr<Changes> ChangesAfter(int64_t after) override {
    Changes changes{.article_ids = {}, .last = after};
    for (int64_t i = after; i < static_cast<int64_t>(log.size()); ++i) {
      changes.article_ids.push_back(log[static_cast<std::size_t>(i)]);
      changes.last = i + 1;
    }
    return changes;
  }
  absl::StatusOr<int64_t> LatestChange() override { return static_cast<int64_t>(log.size()); }
  absl::Status SetOptOut(int64_t article_id, bool opt_out) override {
    if (opt_out) {
      opted_out.insert(article_id);
    } else {
      opted_out.erase(article_id);
    }
    log.push_back(article_id);
    return absl::OkStatus();
  }
  std::vector<int64_t> log;  // the change log: article ids in order
  std::map<int64_t, std::vector<int64_t>> pins;
  std::set<int64_t> opted_out;
  int reads = 0;
};

// Files lists under their members like the Redis cache does.
class FakeCache : public RelatedCache {
 public:
  std::optional<pb::GetRelatedResponse> Get(int64_t id, int limit) override {
    auto it = lists.find({id, limit});
    if (it == lists.end()) return std::nullopt;
    return it->second;
  }
  void Put(int64_t id, int limit, const pb::GetRelatedResponse& response,
           const std::vector<int64_t>& members) override {
    lists[{id, limit}] = response;
    for (int64_t member : members) filed[member].insert({id, limit});
  }
  bool Invalidate(const std::vector<int64_t>& ids) override {
    if (down) return false;
    for (int64_t id : ids) {
      for (const auto& key : filed[id]) lists.erase(key);
      filed.erase(id);
    }
    return true;
  }
  std::map<std::pair<int64_t, int>, pb::GetRelatedResponse> lists;
  std::map<int64_t, std::set<std::pair<int64_t, int>>> filed;
  bool down = false;
};

std::vector<int64_t> Ids(const pb::GetRelatedResponse& response) {
  std::vector<int64_t> ids;
  for (const pb::RelatedArticle& article : response.articles()) ids.push_back(article.article_id());
  return ids;
}

class RelatedLogicTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_.Put(Article(1, "ارتفاع أسعار القمح في الأسواق العالمية",
                        "ارتفعت أسعار القمح والحبوب بسبب الجفاف في مناطق زراعية واسعة.", "economy",
                        {"wheat"}));
    source_.Put(Article(2, "الحكومة تزيد مخزون القمح",
                        "قررت الحكومة زيادة مخزون القمح بعد ارتفاع أسعار الحبوب والجفاف.",
                        "economy", {"wheat"}));
    source_.Put(Article(3, "المنتخب يفوز في مباراة ودية",
                        "فاز المنتخب الوطني لكرة القدم في مباراة ودية وسجل المهاجم هدفين.",
                        "sport"));
    source_.Put(Article(4, "مهرجان قرطاج يفتتح دورته",
                        "افتتح مهرجان قرطاج الدولي دورته الجديدة بعرض موسيقي.", "culture"));
    source_.Put(Article(5, "البنك المركزي يرفع سعر الفائدة",
                        "رفع البنك المركزي سعر الفائدة للحد من التضخم.", "economy"));
    source_.Put(Article(6, "أمطار غزيرة في الشمال",
                        "توقع معهد الرصد الجوي أمطارا غزيرة ورياحا قوية.", "weather"));
    ASSERT_TRUE(keeper_.Build().ok());
  }

  pb::GetRelatedResponse Get(int64_t id, int limit = 5) {
    absl::StatusOr<pb::GetRelatedResponse> response = logic_.GetRelated(id, limit);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : pb::GetRelatedResponse();
  }

  RelatedIndex index_;
  FakeSource source_;
  FakeSettings settings_;
  FakeCache cache_;
  IndexKeeper keeper_{index_, source_, cache_};
  RelatedLogic logic_{index_, keeper_, source_, settings_, cache_};
};

TEST_F(RelatedLogicTest, ScoredArticlesFirstThenTheFillSoTheBoxIsNeverEmpty) {
  // Three wanted; the fill stops at the section (no sports story as filler
  // under an economy one), which has only one more.
  pb::GetRelatedResponse response = Get(1, 3);
  ASSERT_EQ(response.articles_size(), 2);
  EXPECT_EQ(response.articles(0).article_id(), 2);
  EXPECT_FALSE(response.articles(0).reasons().fallback());
  EXPECT_THAT(response.articles(0).reasons().shared_tags(), ElementsAre("wheat"));
  EXPECT_FALSE(response.articles(0).title().empty());
  // Nothing else is about wheat: the rest is the newest of the section.
  EXPECT_EQ(response.articles(1).article_id(), 5);
  EXPECT_TRUE(response.articles(1).reasons().fallback());
  EXPECT_TRUE(response.articles(1).reasons().same_section());
  EXPECT_THAT(Ids(response), Not(Contains(1)));
}

TEST_F(RelatedLogicTest, PinsComeFirstInTheirOrder) {
  ASSERT_TRUE(logic_.SetPins(1, {6, 4}).ok());
  pb::GetRelatedResponse response = Get(1, 4);
  ASSERT_GE(response.articles_size(), 3);
  EXPECT_EQ(response.articles(0).article_id(), 6);
  EXPECT_EQ(response.articles(1).article_id(), 4);
  EXPECT_TRUE(response.articles(0).reasons().pinned());
  EXPECT_EQ(response.articles(2).article_id(), 2);
}

TEST_F(RelatedLogicTest, BadPinsAreRefusedAndChangeNothing) {
  EXPECT_EQ(logic_.SetPins(1, {1}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(logic_.SetPins(1, {2, 2}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(logic_.SetPins(1, {99}).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(logic_.SetPins(99, {2}).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(logic_.SetPins(1, std::vector<int64_t>(11, 2)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(settings_.pins.empty());
}

TEST_F(RelatedLogicTest, AnOptedOutArticleHasNoAutomaticListAndIsInNone) {
  ASSERT_THAT(Ids(Get(1)), Contains(2));
  ASSERT_TRUE(logic_.SetOptOut(2, true).ok());
  EXPECT_THAT(Ids(Get(1)), Not(Contains(2)));  // the cached list went too
  EXPECT_THAT(Ids(Get(5)), Not(Contains(2)));
  EXPECT_THAT(Ids(Get(2)), IsEmpty());
  ASSERT_TRUE(logic_.SetPins(2, {1}).ok());
  EXPECT_THAT(Ids(Get(2)), ElementsAre(1));  // pins still show
}

TEST_F(RelatedLogicTest, ListsAreCachedAndDroppedWhenAnArticleInThemChanges) {
  Get(1);
  const int reads = settings_.reads;
  Get(1);
  EXPECT_EQ(settings_.reads, reads);  // served from the cache
  source_.published.erase(2);         // unpublished
  ASSERT_TRUE(keeper_.Refresh(2).ok());
  EXPECT_THAT(Ids(Get(1)), Not(Contains(2)));
}

TEST_F(RelatedLogicTest, ANewArticleDropsTheListsItNowBelongsIn) {
  ASSERT_THAT(Ids(Get(2)), Not(Contains(7)));
  source_.Put(Article(7, "أسعار القمح تواصل الارتفاع مع الجفاف",
                      "واصلت أسعار القمح والحبوب ارتفاعها بسبب الجفاف.", "economy", {"wheat"}));
  ASSERT_TRUE(keeper_.Refresh(7).ok());
  EXPECT_THAT(Ids(Get(2)), Contains(7));
  EXPECT_THAT(Ids(Get(1)), Contains(7));
}

TEST_F(RelatedLogicTest, InvalidationsTheCacheMissedAreRetried) {
  Get(1);
  cache_.down = true;
  source_.published.erase(2);
  ASSERT_TRUE(keeper_.Refresh(2).ok());
  cache_.down = false;
  keeper_.RetryInvalidations();
  EXPECT_THAT(Ids(Get(1)), Not(Contains(2)));
}

TEST_F(RelatedLogicTest, ReconcileCatchesChangesWhoseEventsWereLost) {
  source_.published.erase(3);
  IndexedArticle changed = source_.published[4].article;
  changed.title = "عنوان جديد";
  source_.Put(changed, 2);
  ASSERT_TRUE(keeper_.Reconcile().ok());
  EXPECT_FALSE(index_.Get(3).has_value());
  EXPECT_EQ(index_.Get(4)->title, "عنوان جديد");
}

TEST_F(RelatedLogicTest, SettingsChangedThroughAnotherReplicaDropTheListsHere) {
  SettingsFollower follower(settings_, keeper_, cache_);
  ASSERT_TRUE(follower.StartFromNow().ok());
  ASSERT_THAT(Ids(Get(1)), Contains(2));  // cached
  // Another replica's logic writes the same store; this one's cache keeps
  // the old list until the change log says otherwise.
  ASSERT_TRUE(settings_.SetOptOut(2, true).ok());
  EXPECT_THAT(Ids(Get(1)), Contains(2));
  ASSERT_TRUE(follower.Poll().ok());
  EXPECT_THAT(Ids(Get(1)), Not(Contains(2)));
}

TEST_F(RelatedLogicTest, BadRequestsSayWhatIsWrong) {
  absl::StatusOr<pb::GetRelatedResponse> too_many = logic_.GetRelated(1, 21);
  EXPECT_EQ(too_many.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(too_many.status().message()), ::testing::HasSubstr("limit"));
  EXPECT_EQ(logic_.GetRelated(99, 5).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(logic_.GetRelated(-1, 5).status().code(), absl::StatusCode::kInvalidArgument);
  pb::GetRelatedForDraftRequest empty;
  EXPECT_EQ(logic_.GetRelatedForDraft(empty).status().code(), absl::StatusCode::kInvalidArgument);
  pb::GetRelatedForDraftRequest huge;
  huge.set_body(std::string(300 * 1024, 'a'));
  EXPECT_EQ(logic_.GetRelatedForDraft(huge).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RelatedLogicTest, DraftsAndTagSuggestionsUseTheIndex) {
  pb::GetRelatedForDraftRequest draft;
  draft.set_title("القمح والجفاف");
  draft.set_body("أسعار القمح والحبوب ترتفع بسبب الجفاف");
  absl::StatusOr<pb::GetRelatedForDraftResponse> related = logic_.GetRelatedForDraft(draft);
  ASSERT_TRUE(related.ok()) << related.status();
  ASSERT_GT(related->articles_size(), 0);
  EXPECT_THAT(related->articles(0).article_id(), ::testing::AnyOf(1, 2));

  pb::SuggestTagsRequest suggest;
  suggest.set_title(draft.title());
  suggest.set_body(draft.body());
  absl::StatusOr<pb::SuggestTagsResponse> tags = logic_.SuggestTags(suggest);
  ASSERT_TRUE(tags.ok()) << tags.status();
  ASSERT_GT(tags->tags_size(), 0);
  EXPECT_EQ(tags->tags(0).slug(), "wheat");
}

}  // namespace
}  // namespace akhbar::related
