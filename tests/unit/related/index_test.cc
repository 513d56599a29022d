#include "services/related/index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/related/test_articles.h"

namespace akhbar::related {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

using fixtures::Article;
using fixtures::kDayUs;
using fixtures::kT0;

// Articles on unrelated subjects, so that term statistics look like a corpus.
std::vector<IndexedArticle> Filler() {
  return {
      Article(101, "ارتفاع نسبة التضخم في شهر ماي",
              "أعلن المعهد الوطني للإحصاء أن نسبة التضخم ارتفعت بسبب أسعار المواد الغذائية.",
              "economy"),
      Article(102, "البنك المركزي يرفع سعر الفائدة",
              "قرر البنك المركزي رفع سعر الفائدة المديرية للحد من التضخم وتراجع الدينار.",
              "economy"),
      Article(103, "أمطار غزيرة منتظرة في الشمال",
              "توقع معهد الرصد الجوي نزول أمطار غزيرة مع رياح قوية في المناطق الشمالية.",
              "weather"),
      Article(104, "افتتاح مهرجان قرطاج الدولي",
              "افتتحت الدورة الجديدة من مهرجان قرطاج الدولي بعرض موسيقي حضره جمهور غفير.",
              "culture"),
      Article(105, "وزارة الصحة تطلق حملة تلقيح",
              "أطلقت وزارة الصحة حملة وطنية للتلقيح ضد النزلة الموسمية في كل المستشفيات.",
              "society"),
      Article(106, "البرلمان يصادق على قانون المالية",
              "صادق مجلس نواب الشعب على مشروع قانون المالية بعد نقاش طويل حول الضرائب.",
              "politics"),
      Article(107, "إطلاق هاتف ذكي جديد",
              "كشفت شركة سامسونغ عن هاتف ذكي جديد بكاميرا متطورة وبطارية تدوم طويلا.",
              "technology"),
      Article(108, "حريق في غابة بجندوبة",
              "اندلع حريق في غابة بولاية جندوبة وتدخلت وحدات الحماية المدنية لإخماده.", "society"),
  };
}

IndexedArticle Football(int64_t id, int64_t published = kT0) {
  return Article(id, "الترجي يفوز على النجم الساحلي في كلاسيكو البطولة",
                 "فاز الترجي الرياضي على النجم الساحلي بهدفين دون رد في مباراة البطولة الوطنية "
                 "لكرة القدم. وسجل المهاجم الهدفين في الشوط الثاني من المباراة.",
                 "sport", {"الترجي-الرياضي", "كرة-القدم"}, {"الترجي الرياضي", "كرة القدم"},
                 published);
}

IndexedArticle FootballFollowUp(int64_t id, int64_t published = kT0) {
  return Article(id, "مدرب الترجي راض عن الفوز على النجم",
                 "عبر مدرب الترجي الرياضي عن رضاه بعد الفوز على النجم الساحلي في مباراة البطولة "
                 "وأشاد بالمهاجم الذي سجل الهدفين.",
                 "sport", {"الترجي-الرياضي"}, {"الترجي الرياضي"}, published);
}

QueryOptions Options(double threshold = 0.0, std::size_t limit = 10) {
  QueryOptions options;
  options.limit = limit;
  options.threshold = threshold;
  return options;
}

std::vector<int64_t> Ids(const std::vector<Scored>& results) {
  std::vector<int64_t> ids;
  for (const Scored& s : results) ids.push_back(s.id);
  return ids;
}

class RelatedIndexTest : public ::testing::TestWithParam<IndexOptions::Backend> {
 protected:
  RelatedIndexTest() : index_(IndexOptions{.backend = GetParam()}) {
    std::vector<IndexedArticle> articles = Filler();
    articles.push_back(Football(1));
    articles.push_back(FootballFollowUp(2));
    index_.Build(std::move(articles));
  }
  RelatedIndex index_;
};

TEST_P(RelatedIndexTest, BuildLoadsEverything) {
  EXPECT_EQ(index_.size(), 10U);
  std::optional<ArticleSummary> got = index_.Get(1);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->slug, "article-1");
  EXPECT_EQ(got->section, "sport");
  EXPECT_THAT(got->tags, ElementsAre("الترجي-الرياضي", "كرة-القدم"));
  EXPECT_FALSE(index_.Get(999).has_value());
}

TEST_P(RelatedIndexTest, RelatedRanksTheRelatedArticleFirstWithReasons) {
  std::vector<Scored> results = index_.Related(1, Options());
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(results[0].id, 2);
  EXPECT_THAT(Ids(results), Not(Contains(1)));  // never itself
  EXPECT_THAT(results[0].reasons.shared_tags, ElementsAre("الترجي-الرياضي"));
  EXPECT_TRUE(results[0].reasons.same_section);
  EXPECT_THAT(results[0].reasons.shared_terms, Contains("الترجي"));
  EXPECT_LE(results[0].reasons.shared_terms.size(), 5U);
  for (std::size_t i = 1; i < results.size(); ++i) {
    EXPECT_LT(results[i].score, results[0].score);
    EXPECT_LE(results[i].score, results[i - 1].score);
  }
}

TEST_P(RelatedIndexTest, ThresholdCutsNoise) {
  std::vector<Scored> results = index_.Related(1, Options(0.3));
  EXPECT_THAT(Ids(results), ElementsAre(2));
  EXPECT_THAT(index_.Related(101, Options(0.3)), Not(Contains(testing::Field(&Scored::id, 1))));
}

TEST_P(RelatedIndexTest, LimitAndExcludeAreHonoured) {
  QueryOptions options = Options();
  options.exclude = {2};
  EXPECT_THAT(Ids(index_.Related(1, options)), Not(Contains(2)));
  EXPECT_THAT(index_.Related(1, Options(0.0, 1)), testing::SizeIs(1));
  EXPECT_THAT(index_.Related(1, Options(0.0, 0)), IsEmpty());
  EXPECT_THAT(index_.Related(999, Options()), IsEmpty());
}

TEST_P(RelatedIndexTest, UpsertReplacesById) {
  index_.Upsert(Article(2, "البنك المركزي والتضخم", "سعر الفائدة والتضخم والدينار في البنك المركزي",
                        "economy"));
  EXPECT_EQ(index_.size(), 10U);
  EXPECT_EQ(index_.Get(2)->section, "economy");
  EXPECT_THAT(index_.Get(2)->tags, IsEmpty());
  std::vector<Scored> results = index_.Related(1, Options(0.3));
  EXPECT_THAT(Ids(results), Not(Contains(2)));
  EXPECT_THAT(index_.LatestWithTag("الترجي-الرياضي", 10, {}), ElementsAre(1));
  EXPECT_EQ(index_.Related(102, Options())[0].id, 2);
}

TEST_P(RelatedIndexTest, RemoveRemovesFromResults) {
  index_.Remove(2);
  index_.Remove(2);  // twice is harmless
  EXPECT_EQ(index_.size(), 9U);
  EXPECT_FALSE(index_.Get(2).has_value());
  EXPECT_THAT(Ids(index_.Related(1, Options())), Not(Contains(2)));
  EXPECT_THAT(index_.LatestWithTag("الترجي-الرياضي", 10, {}), ElementsAre(1));
  EXPECT_THAT(index_.LatestInSection("sport", 10, {}), ElementsAre(1));
}

TEST_P(RelatedIndexTest, RecencyDecayOrdersEqualTexts) {
  index_.Upsert(FootballFollowUp(3, kT0 + 200 * kDayUs));
  index_.Upsert(FootballFollowUp(4, kT0 + 2 * kDayUs));
  QueryOptions options = Options();
  options.weights.max_df_ratio = 1;  // four copies make every term common in this tiny index
  std::vector<int64_t> ids = Ids(index_.Related(1, options));
  ASSERT_GE(ids.size(), 3U);
  auto pos = [&](int64_t id) { return std::find(ids.begin(), ids.end(), id) - ids.begin(); };
  EXPECT_LT(pos(2), pos(4));  // same day before two days later
  EXPECT_LT(pos(4), pos(3));  // before 200 days later
}

TEST_P(RelatedIndexTest, LatestWithTagAndInSection) {
  index_.Upsert(FootballFollowUp(3, kT0 + 5 * kDayUs));
  index_.Upsert(FootballFollowUp(4, kT0 - 5 * kDayUs));
  EXPECT_THAT(index_.LatestWithTag("الترجي-الرياضي", 10, {}), ElementsAre(3, 2, 1, 4));
  EXPECT_THAT(index_.LatestWithTag("الترجي-الرياضي", 2, {3}), ElementsAre(2, 1));
  EXPECT_THAT(index_.LatestInSection("sport", 3, {}), ElementsAre(3, 2, 1));
  EXPECT_THAT(index_.LatestWithTag("لا-يوجد", 3, {}), IsEmpty());
}

TEST_P(RelatedIndexTest, DraftIdenticalToAnArticleScoresOne) {
  IndexedArticle football = Football(1);
  Draft draft{football.title, football.body, "", {}};
  std::vector<Scored> results = index_.RelatedToDraft(draft, Options());
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(results[0].id, 1);
  // The query document's BM25 against itself, computed for a draft outside
  // Xapian, equals what Xapian gives the identical article: text = 1.
  EXPECT_NEAR(results[0].score, 1.0, 1e-9);
  EXPECT_EQ(results[1].id, 2);
}

TEST_P(RelatedIndexTest, DraftUsesTagsSectionAndNow) {
  Draft draft{"مباراة الترجي", "الترجي يستعد لمباراة البطولة", "sport", {"الترجي-الرياضي"}};
  QueryOptions options = Options();
  options.now_us = kT0;
  std::vector<Scored> results = index_.RelatedToDraft(draft, options);
  ASSERT_GE(results.size(), 2U);
  EXPECT_THAT(results[0].reasons.shared_tags, ElementsAre("الترجي-الرياضي"));
  EXPECT_TRUE(results[0].reasons.same_section);
  EXPECT_THAT(index_.RelatedToDraft(Draft{}, options), IsEmpty());
}

TEST_P(RelatedIndexTest, TagCandidatesComeWithoutSharedText) {
  index_.Upsert(
      Article(5, "نتائج الجولة", "حصيلة الأهداف والترتيب", "sport", {"كرة-القدم"}, {"كرة القدم"}));
  std::vector<Scored> results = index_.Related(1, Options());
  auto it = std::find_if(results.begin(), results.end(), [](const Scored& s) { return s.id == 5; });
  ASSERT_NE(it, results.end());
  EXPECT_THAT(it->reasons.shared_tags, ElementsAre("كرة-القدم"));
}

TEST_P(RelatedIndexTest, SuggestTags) {
  Draft draft{"النجم الساحلي ينهزم أمام الترجي",
              "انهزم النجم الساحلي أمام الترجي الرياضي في مباراة البطولة وسجل المهاجم هدفين.",
              "sport",
              {}};
  std::vector<RelatedIndex::TagSuggestion> tags = index_.SuggestTags(draft, 5);
  ASSERT_GE(tags.size(), 2U);
  EXPECT_EQ(tags[0].slug, "الترجي-الرياضي");  // named in the text and on both neighbours
  EXPECT_EQ(tags[0].name, "الترجي الرياضي");
  EXPECT_GT(tags[0].score, 1.0);
  EXPECT_EQ(tags[1].slug, "كرة-القدم");  // from a similar article only
  EXPECT_LT(tags[1].score, 1.0);

  draft.tags = {"الترجي-الرياضي"};
  tags = index_.SuggestTags(draft, 5);
  ASSERT_FALSE(tags.empty());
  EXPECT_EQ(tags[0].slug, "كرة-القدم");
  EXPECT_THAT(index_.SuggestTags(draft, 0), IsEmpty());
}

TEST_P(RelatedIndexTest, BuildReplacesEverythingAndLaterDuplicatesWin) {
  std::vector<IndexedArticle> articles = Filler();
  articles.push_back(Football(1));
  articles.push_back(Article(1, "عنوان آخر", "نص آخر تماما", "culture"));
  index_.Build(std::move(articles));
  EXPECT_EQ(index_.size(), 9U);
  EXPECT_EQ(index_.Get(1)->section, "culture");
  EXPECT_FALSE(index_.Get(2).has_value());
  EXPECT_THAT(index_.LatestWithTag("الترجي-الرياضي", 10, {}), IsEmpty());
}

TEST_P(RelatedIndexTest, ConcurrentReadersAndAWriter) {
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&, r] {
      Draft draft{"الترجي", "مباراة البطولة", "sport", {"كرة-القدم"}};
      while (!stop.load()) {
        std::vector<Scored> results =
            r % 2 == 0 ? index_.Related(1, Options()) : index_.RelatedToDraft(draft, Options());
        for (const Scored& s : results) EXPECT_NE(s.id, 0);
        index_.LatestWithTag("الترجي-الرياضي", 5, {});
        index_.SuggestTags(draft, 3);
        index_.Get(2);
        ++reads;
      }
    });
  }
  for (int i = 0; i < 200; ++i) {
    index_.Upsert(FootballFollowUp(1000 + i % 20, kT0 + i * kDayUs));
    if (i % 3 == 0) index_.Remove(1000 + (i + 7) % 20);
    if (i % 50 == 0) {
      std::vector<IndexedArticle> articles = Filler();
      articles.push_back(Football(1));
      articles.push_back(FootballFollowUp(2));
      index_.Build(std::move(articles));
    }
  }
  stop = true;
  for (std::thread& t : readers) t.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_GE(index_.size(), 10U);
  EXPECT_LE(index_.size(), 30U);
  std::vector<IndexedArticle> articles = Filler();
  articles.push_back(Football(1));
  articles.push_back(FootballFollowUp(2));
  index_.Build(std::move(articles));
  std::vector<Scored> results = index_.Related(1, Options());
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(results[0].id, 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, RelatedIndexTest,
                         ::testing::Values(IndexOptions::Backend::kInMemory,
                                           IndexOptions::Backend::kGlassTempDir),
                         [](const auto& param_info) {
                           return param_info.param == IndexOptions::Backend::kInMemory ? "InMemory"
                                                                                       : "Glass";
                         });

}  // namespace
}  // namespace akhbar::related
