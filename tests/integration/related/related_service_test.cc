// The related service as a real process beside a real article service, both
// on private PostgreSQL and Redis: what editors do through the article API
// must show in «موضوعات متعلقة» within two seconds, cached lists included.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "akhbar/article/v1/article.grpc.pb.h"
#include "akhbar/related/v1/related.grpc.pb.h"
#include "libs/crypto/sha256.h"
#include "tests/support/local_servers.h"
#include "tests/support/service_process.h"

namespace akhbar::related {
namespace {

namespace article_pb = ::akhbar::article::v1;
namespace pb = ::akhbar::related::v1;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kEditorToken[] = "editor-token-for-tests";
constexpr char kAdminToken[] = "admin-token-for-tests";
constexpr char kSection[] = "اقتصاد";
// The promise: a change shows in every list within this.
constexpr milliseconds kFreshness{2000};

class RelatedServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(postgres_.Start());
    ASSERT_TRUE(redis_.Start());
    const std::string tokens = std::string("editor:") + crypto::Sha256Hex(kEditorToken) +
                               ",admin:" + crypto::Sha256Hex(kAdminToken);
    const std::string article_address = "127.0.0.1:" + std::to_string(testing::FreePort());
    article_ = std::make_unique<testing::ServiceProcess>(AKHBAR_ARTICLE_BINARY,
                                                         Env("ARTICLE", article_address, tokens),
                                                         postgres_.dir() + "/article.log");
    ASSERT_TRUE(article_->Start());
    ASSERT_TRUE(article_->WaitServing(article_address, seconds(30))) << article_->LogTail();
    articles_ = article_pb::ArticleService::NewStub(
        grpc::CreateChannel(article_address, grpc::InsecureChannelCredentials()));
    article_pb::CreateSectionRequest section;
    section.mutable_section()->set_slug(kSection);
    section.mutable_section()->set_name("اقتصاد");
    article_pb::CreateSectionResponse created;
    ASSERT_TRUE(Call(*articles_, &article_pb::ArticleService::Stub::CreateSection, section,
                     &created, kAdminToken)
                    .ok());

    related_address_ = "127.0.0.1:" + std::to_string(testing::FreePort());
    related_env_ = Env("RELATED", related_address_, tokens);
    related_env_["AKHBAR_RELATED_RECONCILE_MS"] = "500";
    StartRelated();
  }

  std::map<std::string, std::string> Env(const std::string& service, const std::string& address,
                                         const std::string& tokens) {
    return {
        {"AKHBAR_LISTEN_HOST", "127.0.0.1"},
        {"AKHBAR_" + service + "_PORT", address.substr(address.rfind(':') + 1)},
        {"AKHBAR_" + service + "_METRICS_PORT", std::to_string(testing::FreePort())},
        {"AKHBAR_PG_DSN", postgres_.dsn()},
        {"AKHBAR_PG_POOL_SIZE", "4"},
        {"AKHBAR_REDIS_ADDR", "127.0.0.1:" + std::to_string(redis_.port())},
        {"AKHBAR_TOKENS", tokens},
        {"AKHBAR_DRAIN_GRACE_MS", "100"},
    };
  }

  void StartRelated() {
    related_ = std::make_unique<testing::ServiceProcess>(AKHBAR_RELATED_BINARY, related_env_,
                                                         postgres_.dir() + "/related.log");
    ASSERT_TRUE(related_->Start());
    ASSERT_TRUE(related_->WaitServing(related_address_, seconds(30))) << related_->LogTail();
    related_stub_ = pb::RelatedService::NewStub(
        grpc::CreateChannel(related_address_, grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (HasFailure() && related_) std::cerr << "--- related log ---\n" << related_->LogTail();
  }

  template <typename Stub, typename Method, typename Request, typename Response>
  static grpc::Status Call(Stub& stub, Method method, const Request& request, Response* response,
                           const char* token = nullptr) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + seconds(10));
    if (token) context.AddMetadata("authorization", std::string("Bearer ") + token);
    return (stub.*method)(&context, request, response);
  }

  int64_t Publish(const std::string& title, const std::string& body,
                  const std::vector<std::string>& tags) {
    article_pb::CreateArticleRequest request;
    article_pb::Article* article = request.mutable_article();
    article->set_section(kSection);
    article->set_title(title);
    article->add_body()->mutable_paragraph()->set_text(body);
    article->set_status(article_pb::ARTICLE_STATUS_PUBLISHED);
    for (const std::string& tag : tags) article->add_tags()->set_name(tag);
    article_pb::CreateArticleResponse response;
    grpc::Status status = Call(*articles_, &article_pb::ArticleService::Stub::CreateArticle,
                               request, &response, kEditorToken);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.article().id();
  }

  void Unpublish(int64_t id) {
    article_pb::UnpublishArticleRequest request;
    request.set_id(id);
    article_pb::UnpublishArticleResponse response;
    grpc::Status status = Call(*articles_, &article_pb::ArticleService::Stub::UnpublishArticle,
                               request, &response, kEditorToken);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status Related(int64_t id, pb::GetRelatedResponse* response, int limit = 5) {
    pb::GetRelatedRequest request;
    request.set_article_id(id);
    request.set_limit(limit);
    return Call(*related_stub_, &pb::RelatedService::Stub::GetRelated, request, response);
  }

  std::vector<int64_t> RelatedIds(int64_t id, int limit = 5) {
    pb::GetRelatedResponse response;
    grpc::Status status = Related(id, &response, limit);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<int64_t> ids;
    for (const pb::RelatedArticle& article : response.articles())
      ids.push_back(article.article_id());
    return ids;
  }

  // False also while `list_of` is not indexed yet (NOT_FOUND): for polling.
  bool Shows(int64_t list_of, int64_t article) { return Shows(*related_stub_, list_of, article); }
  static bool Shows(pb::RelatedService::Stub& stub, int64_t list_of, int64_t article) {
    pb::GetRelatedRequest request;
    request.set_article_id(list_of);
    pb::GetRelatedResponse response;
    if (!Call(stub, &pb::RelatedService::Stub::GetRelated, request, &response).ok()) return false;
    for (const pb::RelatedArticle& item : response.articles()) {
      if (item.article_id() == article) return true;
    }
    return false;
  }

  // Waits up to `timeout` for `condition`; returns how long it took, or
  // nullopt.
  static std::optional<milliseconds> Within(milliseconds timeout,
                                            const std::function<bool()>& condition) {
    auto start = std::chrono::steady_clock::now();
    while (true) {
      if (condition()) {
        return std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
      }
      if (std::chrono::steady_clock::now() - start > timeout) return std::nullopt;
      std::this_thread::sleep_for(milliseconds(50));
    }
  }

  // Three stories on the same subject and one on another.
  void PublishCorpus() {
    wheat_ = Publish("ارتفاع أسعار القمح في الأسواق العالمية بسبب الجفاف",
                     "ارتفعت أسعار القمح والحبوب في الأسواق العالمية بعد موجة جفاف ضربت مناطق "
                     "زراعية واسعة، وحذر خبراء من أثر ذلك على الأمن الغذائي.",
                     {"الأمن الغذائي", "القمح"});
    grain_ = Publish("الحكومة تزيد مخزون القمح لمواجهة غلاء الحبوب",
                     "قررت الحكومة زيادة مخزون القمح الاستراتيجي بعد ارتفاع أسعار الحبوب في "
                     "الأسواق العالمية، حماية للأمن الغذائي.",
                     {"الامن الغذائي"});
    football_ = Publish("المنتخب يفوز في مباراة كرة القدم الودية",
                        "فاز المنتخب الوطني لكرة القدم في مباراة ودية استعدادا للبطولة القارية، "
                        "وسجل المهاجم هدفين في الشوط الثاني.",
                        {"كرة القدم"});
    // Events are indexed in order: once the last is in, all are (a pin or
    // an opt-out names an article the index must already hold).
    ASSERT_TRUE(Within(kFreshness, [&] {
      pb::GetRelatedResponse response;
      return Related(football_, &response).ok();
    }));
  }

  testing::LocalPostgres postgres_;
  testing::LocalRedis redis_;
  std::unique_ptr<testing::ServiceProcess> article_;
  std::unique_ptr<testing::ServiceProcess> related_;
  std::unique_ptr<article_pb::ArticleService::Stub> articles_;
  std::unique_ptr<pb::RelatedService::Stub> related_stub_;
  std::string related_address_;
  std::map<std::string, std::string> related_env_;
  int64_t wheat_ = 0, grain_ = 0, football_ = 0;
};

TEST_F(RelatedServiceTest, RelatedArticlesComeFirstWithTheirReasons) {
  PublishCorpus();
  pb::GetRelatedResponse response;
  ASSERT_TRUE(Within(kFreshness, [&] {
    return Related(wheat_, &response).ok() && response.articles_size() > 0 &&
           response.articles(0).article_id() == grain_;
  })) << response.DebugString();
  const pb::RelatedArticle& first = response.articles(0);
  EXPECT_GT(first.score(), 0);
  EXPECT_FALSE(first.reasons().fallback());
  // «الامن الغذائي» and «الأمن الغذائي» are one canonical tag.
  ASSERT_EQ(first.reasons().shared_tags_size(), 1);
  EXPECT_TRUE(first.reasons().same_section());
  EXPECT_GT(first.reasons().shared_terms_size(), 0);
  EXPECT_FALSE(first.title().empty());
  EXPECT_FALSE(first.slug().empty());
  // The unrelated story is at most filler, below the related one.
  for (int i = 0; i < response.articles_size(); ++i) {
    if (response.articles(i).article_id() == football_) {
      EXPECT_TRUE(response.articles(i).reasons().fallback());
      EXPECT_GT(i, 0);
    }
  }
}

TEST_F(RelatedServiceTest, ANewArticleShowsUnderTheOlderOnesWithinTwoSecondsDespiteTheCache) {
  PublishCorpus();
  ASSERT_TRUE(Within(kFreshness, [&] { return Shows(wheat_, grain_); }));
  RelatedIds(wheat_);  // cached now
  int64_t fresh = Publish("خبراء: أسعار القمح والحبوب تواصل الارتفاع مع استمرار الجفاف",
                          "توقع خبراء أن تواصل أسعار القمح والحبوب ارتفاعها في الأسواق "
                          "العالمية مع استمرار الجفاف.",
                          {"القمح"});
  std::optional<milliseconds> took = Within(seconds(5), [&] { return Shows(wheat_, fresh); });
  ASSERT_TRUE(took.has_value());
  EXPECT_LE(*took, kFreshness);
}

TEST_F(RelatedServiceTest, AnUnpublishedArticleLeavesEveryListWithinTwoSeconds) {
  PublishCorpus();
  ASSERT_TRUE(Within(kFreshness, [&] { return Shows(wheat_, grain_); }));
  RelatedIds(football_);  // cached too, whatever it holds
  Unpublish(grain_);
  std::optional<milliseconds> took =
      Within(seconds(5), [&] { return !Shows(wheat_, grain_) && !Shows(football_, grain_); });
  ASSERT_TRUE(took.has_value());
  EXPECT_LE(*took, kFreshness);
  pb::GetRelatedResponse response;
  EXPECT_EQ(Related(grain_, &response).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(RelatedServiceTest, PinsComeFirstAndAnOptedOutArticleAppearsNowhere) {
  PublishCorpus();
  ASSERT_TRUE(Within(kFreshness, [&] { return Shows(wheat_, grain_); }));
  pb::SetPinsRequest pins;
  pins.set_article_id(wheat_);
  pins.add_pinned_ids(football_);
  pb::SetPinsResponse pinned;
  EXPECT_EQ(Call(*related_stub_, &pb::RelatedService::Stub::SetPins, pins, &pinned).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  const grpc::Status set =
      Call(*related_stub_, &pb::RelatedService::Stub::SetPins, pins, &pinned, kEditorToken);
  ASSERT_TRUE(set.ok()) << set.error_message();
  pb::GetRelatedResponse response;
  ASSERT_TRUE(Related(wheat_, &response).ok());
  ASSERT_GT(response.articles_size(), 1);
  EXPECT_EQ(response.articles(0).article_id(), football_);
  EXPECT_TRUE(response.articles(0).reasons().pinned());

  pb::SetOptOutRequest opt_out;
  opt_out.set_article_id(grain_);
  opt_out.set_opt_out(true);
  pb::SetOptOutResponse done;
  ASSERT_TRUE(
      Call(*related_stub_, &pb::RelatedService::Stub::SetOptOut, opt_out, &done, kEditorToken)
          .ok());
  EXPECT_FALSE(Shows(wheat_, grain_));
  EXPECT_FALSE(Shows(football_, grain_));
  EXPECT_TRUE(RelatedIds(grain_).empty());  // no automatic list of its own either
}

TEST_F(RelatedServiceTest, AnOptOutThroughOneReplicaReachesTheOthersCachedLists) {
  PublishCorpus();
  const std::string second_address = "127.0.0.1:" + std::to_string(testing::FreePort());
  std::map<std::string, std::string> env = related_env_;
  env["AKHBAR_RELATED_PORT"] = second_address.substr(second_address.rfind(':') + 1);
  env["AKHBAR_RELATED_METRICS_PORT"] = std::to_string(testing::FreePort());
  testing::ServiceProcess second(AKHBAR_RELATED_BINARY, env, postgres_.dir() + "/related-2.log");
  ASSERT_TRUE(second.Start());
  ASSERT_TRUE(second.WaitServing(second_address, seconds(30))) << second.LogTail();
  auto second_stub = pb::RelatedService::NewStub(
      grpc::CreateChannel(second_address, grpc::InsecureChannelCredentials()));
  auto second_shows = [&](int64_t list_of, int64_t article) {
    return Shows(*second_stub, list_of, article);
  };
  ASSERT_TRUE(Within(kFreshness, [&] { return second_shows(wheat_, grain_); }));  // cached there

  pb::SetOptOutRequest opt_out;
  opt_out.set_article_id(grain_);
  opt_out.set_opt_out(true);
  pb::SetOptOutResponse done;
  ASSERT_TRUE(
      Call(*related_stub_, &pb::RelatedService::Stub::SetOptOut, opt_out, &done, kEditorToken)
          .ok());
  std::optional<milliseconds> took =
      Within(seconds(5), [&] { return !second_shows(wheat_, grain_); });
  ASSERT_TRUE(took.has_value());
  EXPECT_LE(*took, kFreshness);
}

TEST_F(RelatedServiceTest, BadRequestsAreRefusedWithClearMessages) {
  PublishCorpus();
  ASSERT_TRUE(Within(kFreshness, [&] { return Shows(wheat_, grain_); }));
  pb::GetRelatedResponse response;
  grpc::Status too_many = Related(wheat_, &response, 500);
  EXPECT_EQ(too_many.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(too_many.error_message().find("limit"), std::string::npos);
  EXPECT_EQ(Related(987654, &response).error_code(), grpc::StatusCode::NOT_FOUND);

  pb::SetPinsRequest pins;
  pins.set_article_id(wheat_);
  pins.add_pinned_ids(wheat_);
  pb::SetPinsResponse pinned;
  EXPECT_EQ(Call(*related_stub_, &pb::RelatedService::Stub::SetPins, pins, &pinned, kEditorToken)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  pb::GetRelatedForDraftRequest empty;
  pb::GetRelatedForDraftResponse draft;
  EXPECT_EQ(Call(*related_stub_, &pb::RelatedService::Stub::GetRelatedForDraft, empty, &draft,
                 kEditorToken)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(RelatedServiceTest, DraftsFindRelatedArticlesAndSuggestExistingTags) {
  PublishCorpus();
  ASSERT_TRUE(Within(kFreshness, [&] { return Shows(wheat_, grain_); }));
  pb::GetRelatedForDraftRequest request;
  request.set_title("أسعار القمح ترتفع من جديد");
  request.set_body("عاد القمح والحبوب إلى الارتفاع في الأسواق العالمية.");
  pb::GetRelatedForDraftResponse response;
  EXPECT_EQ(Call(*related_stub_, &pb::RelatedService::Stub::GetRelatedForDraft, request, &response)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(Call(*related_stub_, &pb::RelatedService::Stub::GetRelatedForDraft, request,
                   &response, kEditorToken)
                  .ok());
  ASSERT_GT(response.articles_size(), 0);
  EXPECT_NE(response.articles(0).article_id(), football_);

  pb::SuggestTagsRequest suggest;
  suggest.set_title(request.title());
  suggest.set_body(request.body());
  pb::SuggestTagsResponse tags;
  ASSERT_TRUE(
      Call(*related_stub_, &pb::RelatedService::Stub::SuggestTags, suggest, &tags, kEditorToken)
          .ok());
  ASSERT_GT(tags.tags_size(), 0);
  std::vector<std::string> names;
  for (const pb::TagSuggestion& tag : tags.tags()) names.push_back(tag.name());
  EXPECT_NE(std::find(names.begin(), names.end(), "القمح"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "كرة القدم"), names.end());
}

TEST_F(RelatedServiceTest, WithRedisDownListsAreStillRightOnlySlower) {
  PublishCorpus();
  ASSERT_TRUE(Within(kFreshness, [&] { return Shows(wheat_, grain_); }));
  std::vector<int64_t> with_cache = RelatedIds(wheat_);
  ASSERT_TRUE(redis_.Kill());
  EXPECT_EQ(RelatedIds(wheat_), with_cache);
  ASSERT_TRUE(redis_.Start());
}

TEST_F(RelatedServiceTest, ChangesWithoutEventsAndWhileStoppedAreCaughtUp) {
  PublishCorpus();
  ASSERT_TRUE(Within(kFreshness, [&] { return Shows(wheat_, grain_); }));
  // A change whose event never came: reconciliation with PostgreSQL finds it.
  {
    pqxx::connection conn(postgres_.dsn());
    pqxx::work tx(conn);
    tx.exec_params0(
        "UPDATE articles SET status = 'unpublished', version = version + 1 WHERE id = $1", grain_);
    tx.commit();
  }
  EXPECT_TRUE(Within(seconds(5), [&] { return !Shows(wheat_, grain_); }));

  // Published while the related service was down: there after its restart.
  ASSERT_EQ(related_->Terminate(seconds(10)), 0);
  int64_t later = Publish("القمح يواصل الصعود في البورصات العالمية وسط الجفاف",
                          "واصلت أسعار القمح والحبوب صعودها في البورصات العالمية.", {"القمح"});
  ASSERT_NO_FATAL_FAILURE(StartRelated());
  EXPECT_TRUE(Shows(wheat_, later));
}

}  // namespace
}  // namespace akhbar::related
