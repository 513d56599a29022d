#include "services/article/logic.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "services/article/local_cache.h"

namespace akhbar::article {
namespace {

// An in-memory store for the read paths and create; the other writes are
// covered against real PostgreSQL in the integration tests.
class FakeStore : public ArticleStore {
 public:
  void Put(pb::Article article) { articles_[article.id()] = std::move(article); }
  std::atomic<int> loads{0};
  std::atomic<int> delay_ms{0};

  absl::StatusOr<pb::Article> GetById(int64_t id) override {
    ++loads;
    if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    auto it = articles_.find(id);
    if (it == articles_.end()) return absl::NotFoundError("absent");
    return it->second;
  }
  absl::StatusOr<pb::Article> GetBySlug(const std::string& slug) override {
    ++loads;
    for (const auto& [id, article] : articles_) {
      if (article.slug() == slug) return article;
      for (const std::string& old : article.previous_slugs()) {
        if (old == slug) return article;
      }
    }
    return absl::NotFoundError("absent");
  }
  absl::StatusOr<std::vector<pb::Article>> GetByIds(const std::vector<int64_t>& ids) override {
    ++loads;
    std::vector<pb::Article> found;
    for (int64_t id : ids) {
      if (articles_.count(id)) found.push_back(articles_[id]);
    }
    return found;
  }
  absl::StatusOr<ListPage> List(const ListFilter&) override { return ListPage{}; }
  absl::StatusOr<WriteResult> Create(const ArticleInput& input, const std::string&) override {
    created.push_back(input);
    WriteResult result;
    result.article = input.article;
    result.article.set_id(100);
    pb::ArticleEvent event;
    event.set_article_id(100);
    event.add_slugs(input.article.slug());
    result.events.push_back(event);
    return result;
  }
  absl::StatusOr<WriteResult> Update(int64_t, const ArticleInput&, const std::vector<std::string>&,
                                     int64_t) override {
    ++updates;
    return absl::UnimplementedError("fake");
  }
  absl::StatusOr<WriteResult> ApplyTransition(const TransitionInput&) override {
    return absl::UnimplementedError("fake");
  }
  absl::StatusOr<ImportWrite> Import(const ArticleInput&, pb::ArticleStatus, int64_t,
                                     const std::string&) override {
    return absl::UnimplementedError("fake");
  }
  absl::StatusOr<std::vector<pb::ArticleEvent>> PublishDue() override {
    return std::vector<pb::ArticleEvent>{};
  }
  absl::StatusOr<std::vector<pb::Section>> ListSections() override {
    return std::vector<pb::Section>{};
  }
  absl::StatusOr<pb::Section> CreateSection(const pb::Section& s) override { return s; }
  absl::StatusOr<TagPage> ListTags(const std::string&, int, const std::string&) override {
    return TagPage{};
  }
  absl::StatusOr<pb::Tag> GetTag(const std::string&, const std::string&) override {
    return absl::NotFoundError("fake");
  }
  absl::StatusOr<MergeResult> MergeTags(const TagInput&, const TagInput&) override {
    return absl::UnimplementedError("fake");
  }

  std::vector<ArticleInput> created;
  int updates = 0;

 private:
  std::map<int64_t, pb::Article> articles_;
};

class FakeCache : public ArticleCache {
 public:
  bool down = false;
  std::map<std::string, std::string> entries;
  std::vector<std::string> deleted;

  absl::StatusOr<std::optional<std::string>> Get(const std::string& key) override {
    std::lock_guard lock(mu_);
    if (down) return absl::UnavailableError("down");
    auto it = entries.find(key);
    if (it == entries.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  absl::StatusOr<std::vector<std::optional<std::string>>> MGet(
      const std::vector<std::string>& keys) override {
    std::vector<std::optional<std::string>> values;
    for (const std::string& key : keys) {
      absl::StatusOr<std::optional<std::string>> value = Get(key);
      if (!value.ok()) return value.status();
      values.push_back(*value);
    }
    return values;
  }
  absl::Status Set(const std::string& key, const std::string& value,
                   std::chrono::milliseconds) override {
    std::lock_guard lock(mu_);
    if (down) return absl::UnavailableError("down");
    entries[key] = value;
    return absl::OkStatus();
  }
  absl::Status Del(const std::vector<std::string>& keys) override {
    std::lock_guard lock(mu_);
    if (down) return absl::UnavailableError("down");
    for (const std::string& key : keys) {
      entries.erase(key);
      deleted.push_back(key);
    }
    return absl::OkStatus();
  }

 private:
  std::mutex mu_;
};

pb::Article Published(int64_t id, const std::string& slug) {
  pb::Article article;
  article.set_id(id);
  article.set_slug(slug);
  article.set_title("عنوان");
  article.set_status(pb::ARTICLE_STATUS_PUBLISHED);
  return article;
}

class ArticleLogicTest : public ::testing::Test {
 protected:
  FakeStore store_;
  FakeCache cache_;
  ArticleLogic logic_{store_, cache_};
  Viewer reader_{false};
  Viewer editor_{true};
};

TEST_F(ArticleLogicTest, SecondReadComesFromTheCache) {
  store_.Put(Published(1, "قمة-الرياض"));
  ASSERT_TRUE(logic_.GetById(1, reader_).ok());
  absl::StatusOr<GetResult> again = logic_.GetById(1, reader_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->article.slug(), "قمة-الرياض");
  EXPECT_EQ(store_.loads, 1);
}

TEST_F(ArticleLogicTest, NotFoundIsCachedBriefly) {
  EXPECT_TRUE(absl::IsNotFound(logic_.GetById(7, reader_).status()));
  EXPECT_TRUE(absl::IsNotFound(logic_.GetById(7, reader_).status()));
  EXPECT_EQ(store_.loads, 1);
  EXPECT_EQ(cache_.entries[CacheKeyForId(7)], "");
}

TEST_F(ArticleLogicTest, CacheDownMeansReadsFromTheStoreWithoutErrors) {
  store_.Put(Published(1, "a"));
  cache_.down = true;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(logic_.GetById(1, reader_).ok());
  EXPECT_EQ(store_.loads, 3);
}

TEST_F(ArticleLogicTest, ConcurrentMissesLoadOnce) {
  store_.Put(Published(1, "a"));
  store_.delay_ms = 100;
  std::vector<std::thread> readers;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    readers.emplace_back([&] { ok += logic_.GetById(1, reader_).ok() ? 1 : 0; });
  }
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(ok, 8);
  EXPECT_EQ(store_.loads, 1);
}

TEST_F(ArticleLogicTest, ReadersDoNotSeeDraftsEditorsDo) {
  pb::Article draft = Published(2, "مسودة");
  draft.set_status(pb::ARTICLE_STATUS_DRAFT);
  store_.Put(draft);
  EXPECT_TRUE(absl::IsNotFound(logic_.GetById(2, reader_).status()));
  EXPECT_TRUE(absl::IsNotFound(logic_.GetBySlug("مسودة", reader_).status()));
  EXPECT_TRUE(logic_.GetById(2, editor_).ok());
}

TEST_F(ArticleLogicTest, OldSlugResolvesAndIsFlaggedOutdated) {
  pb::Article article = Published(3, "الاسم-الجديد");
  article.add_previous_slugs("الاسم-القديم");
  store_.Put(article);
  absl::StatusOr<GetResult> result = logic_.GetBySlug("الاسم-القديم", reader_);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->slug_is_outdated);
  EXPECT_FALSE(logic_.GetBySlug("الاسم-الجديد", reader_)->slug_is_outdated);
}

TEST_F(ArticleLogicTest, SlugLookupFoldsHamza) {
  store_.Put(Published(4, "منظمة-التعاون-الاسلامي"));
  absl::StatusOr<GetResult> result = logic_.GetBySlug("منظمة-التعاون-الإسلامي", reader_);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->article.id(), 4);
}

TEST_F(ArticleLogicTest, ALookupWithAControlCharacterOrTooLongIsRefusedBeforeTheStore) {
  store_.Put(Published(5, "قمة-جدة"));
  const int loads = store_.loads;
  // PostgreSQL's driver would stop at the NUL and find "قمة-جدة".
  for (const std::string& slug :
       {std::string("قمة-جدة") + '\0' + "x", std::string("قمة\nجدة"), std::string(401, 'a')}) {
    EXPECT_EQ(logic_.GetBySlug(slug, reader_).status().code(), absl::StatusCode::kInvalidArgument);
    // A not-found message quoting 9 KB would not fit in gRPC's metadata.
    EXPECT_EQ(logic_.GetTag(slug).status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(store_.loads, loads);
  EXPECT_TRUE(logic_.GetBySlug("قمة-جدة", reader_).ok());
}

TEST_F(ArticleLogicTest, BatchKeepsOrderAndReportsMissing) {
  store_.Put(Published(1, "a"));
  store_.Put(Published(2, "b"));
  absl::StatusOr<BatchResult> result = logic_.BatchGet({2, 9, 1}, reader_);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->articles.size(), 2u);
  EXPECT_EQ(result->articles[0].id(), 2);
  EXPECT_EQ(result->articles[1].id(), 1);
  EXPECT_EQ(result->missing_ids, std::vector<int64_t>{9});
  // Everything is cached now, including the miss.
  ASSERT_TRUE(logic_.BatchGet({1, 2, 9}, reader_).ok());
  EXPECT_EQ(store_.loads, 1);
}

TEST_F(ArticleLogicTest, CreateDerivesSlugAndDropsStaleCacheEntries) {
  cache_.entries[CacheKeyForId(100)] = "";  // a remembered "not found"
  pb::Article article;
  article.set_section("سياسة");
  article.set_title("قمة «الرياض»: ما الجديد؟");
  article.add_tags()->set_name("منظمة التعاون الإسلامي");
  absl::StatusOr<pb::Article> created = logic_.Create(article, "req-1");
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_EQ(store_.created.size(), 1u);
  EXPECT_FALSE(store_.created[0].slug_chosen_by_editor);
  EXPECT_EQ(store_.created[0].article.slug(), "قمة-الرياض-ما-الجديد");
  EXPECT_EQ(store_.created[0].article.status(), pb::ARTICLE_STATUS_DRAFT);
  EXPECT_EQ(cache_.entries.count(CacheKeyForId(100)), 0u);
}

TEST_F(ArticleLogicTest, InvalidCreateNeverReachesTheStore) {
  pb::Article article;
  article.set_section("سياسة");
  article.set_title("");
  EXPECT_EQ(logic_.Create(article, "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_.created.empty());
}

TEST_F(ArticleLogicTest, UpdateNeedsMaskAndVersion) {
  pb::Article article = Published(1, "a");
  EXPECT_EQ(logic_.Update(article, {}, 1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(logic_.Update(article, {"title"}, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(logic_.Update(article, {"status"}, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_.updates, 0);
}

// In production `cache` is the in-process layer and `editor_cache` Redis.
TEST(ArticleLogicEditorCache, EditorsReadAroundTheReadersCacheWritesGoThroughIt) {
  FakeStore store;
  FakeCache readers;
  FakeCache editors;
  ArticleLogic logic(store, readers, {}, &editors);
  store.Put(Published(1, "a"));
  ASSERT_TRUE(logic.GetById(1, Viewer{false}).ok());
  EXPECT_EQ(readers.entries.count(CacheKeyForId(1)), 1u);
  EXPECT_EQ(editors.entries.count(CacheKeyForId(1)), 0u);

  // An editor is not answered from the readers' cache, even when it holds
  // the article: there it may be a moment old.
  readers.entries[CacheKeyForId(1)] = Published(1, "old-in-memory").SerializeAsString();
  editors.entries[CacheKeyForId(1)] = Published(1, "in-redis").SerializeAsString();
  absl::StatusOr<GetResult> seen = logic.GetById(1, Viewer{true});
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->article.slug(), "in-redis");
  ASSERT_TRUE(logic.BatchGet({1}, Viewer{true}).ok());
  EXPECT_EQ(logic.BatchGet({1}, Viewer{true})->articles.at(0).slug(), "in-redis");
  EXPECT_EQ(logic.BatchGet({1}, Viewer{false})->articles.at(0).slug(), "old-in-memory");

  // Invalidation goes through the readers' cache (which passes it on).
  pb::Article article;
  article.set_section("سياسة");
  article.set_title("خبر جديد");
  ASSERT_TRUE(logic.Create(article, "").ok());
  EXPECT_FALSE(readers.deleted.empty());
  EXPECT_TRUE(editors.deleted.empty());
}

TEST(PageToken, RoundTripsAndRejectsForgeries) {
  Cursor cursor{1764300000000000, 42};
  absl::StatusOr<Cursor> decoded = DecodePageToken(EncodePageToken(cursor));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->sort_at_us, cursor.sort_at_us);
  EXPECT_EQ(decoded->id, 42);
  for (const char* forged : {"", "abc", "YTE6eDox", "!!!"}) {
    EXPECT_EQ(DecodePageToken(forged).status().code(), absl::StatusCode::kInvalidArgument)
        << forged;
  }
}

// The warm GetArticle path: answers only what a reader may see, exactly as
// the full path would encode it, and leaves everything else to that path.
class TryGetEncodedTest : public ::testing::Test {
 protected:
  static pb::GetArticleRequest ById(int64_t id) {
    pb::GetArticleRequest request;
    request.set_id(id);
    return request;
  }
  static pb::GetArticleRequest BySlug(const std::string& slug) {
    pb::GetArticleRequest request;
    request.set_slug(slug);
    return request;
  }

  FakeStore store_;
  FakeCache redis_;
  LocalArticleCache memory_{
      redis_,
      LocalCacheOptions{.max_age = std::chrono::seconds(60), .max_entries = 100, .now = {}}};
  ArticleLogic logic_{store_, memory_, {}, &redis_};
};

TEST_F(TryGetEncodedTest, AWarmPublishedArticleIsAnsweredAsTheFullPathWouldEncodeIt) {
  pb::Article article = Published(1, "قمة-الرياض");
  article.add_tags()->set_name("منظمة التعاون الإسلامي");
  store_.Put(article);
  EXPECT_EQ(logic_.TryGetEncoded(ById(1), Viewer{false}), nullptr) << "cold: nothing held";
  absl::StatusOr<GetResult> full = logic_.GetById(1, Viewer{false});
  ASSERT_TRUE(full.ok());

  std::shared_ptr<const HeldArticle> warm = logic_.TryGetEncoded(ById(1), Viewer{false});
  ASSERT_NE(warm, nullptr);
  pb::GetArticleResponse expected;
  *expected.mutable_article() = full->article;
  EXPECT_EQ(warm->response, expected.SerializeAsString());
  EXPECT_EQ(std::string(warm->article_bytes()), full->article.SerializeAsString());
  EXPECT_EQ(logic_.TryGetEncoded(BySlug("قمة-الرياض"), Viewer{false}), nullptr)
      << "the slug's key is a different entry, not yet read";
  ASSERT_TRUE(logic_.GetBySlug("قمة-الرياض", Viewer{false}).ok());
  std::shared_ptr<const HeldArticle> by_slug =
      logic_.TryGetEncoded(BySlug("قمة-الرياض"), Viewer{false});
  ASSERT_NE(by_slug, nullptr);
  EXPECT_EQ(by_slug->response, warm->response);
  EXPECT_EQ(store_.loads, 2);
}

TEST_F(TryGetEncodedTest, EverythingButAWarmReaderReadIsLeftToTheFullPath) {
  pb::Article draft = Published(2, "مسودة");
  draft.set_status(pb::ARTICLE_STATUS_DRAFT);
  store_.Put(draft);
  pb::Article renamed = Published(3, "الاسم-الجديد");
  renamed.add_previous_slugs("الاسم-القديم");
  store_.Put(renamed);
  ASSERT_TRUE(absl::IsNotFound(logic_.GetById(2, Viewer{false}).status()));
  ASSERT_TRUE(logic_.GetById(3, Viewer{false}).ok());
  ASSERT_TRUE(logic_.GetBySlug("الاسم-القديم", Viewer{false}).ok());
  ASSERT_TRUE(absl::IsNotFound(logic_.GetById(4, Viewer{false}).status()));

  EXPECT_EQ(logic_.TryGetEncoded(ById(2), Viewer{false}), nullptr) << "a draft, to a reader";
  EXPECT_EQ(logic_.TryGetEncoded(ById(3), Viewer{true}), nullptr) << "editors read around";
  EXPECT_EQ(logic_.TryGetEncoded(BySlug("الاسم-القديم"), Viewer{false}), nullptr)
      << "an old slug needs slug_is_outdated";
  EXPECT_EQ(logic_.TryGetEncoded(ById(4), Viewer{false}), nullptr) << "\"not found\" held";
  EXPECT_EQ(logic_.TryGetEncoded(ById(0), Viewer{false}), nullptr) << "a bad id";
  EXPECT_EQ(logic_.TryGetEncoded(BySlug(""), Viewer{false}), nullptr) << "a bad slug";
  EXPECT_EQ(logic_.TryGetEncoded(pb::GetArticleRequest(), Viewer{false}), nullptr);
  EXPECT_NE(logic_.TryGetEncoded(ById(3), Viewer{false}), nullptr);

  // A change drops what memory holds: the next read must go the full way.
  memory_.DropAll();
  EXPECT_EQ(logic_.TryGetEncoded(ById(3), Viewer{false}), nullptr);
}
}  // namespace
}  // namespace akhbar::article
