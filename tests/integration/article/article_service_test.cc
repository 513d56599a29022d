// The article service as a real process, against real PostgreSQL and Redis
// started privately for this test, through its gRPC API.
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <set>
#include <thread>

#include "akhbar/article/v1/article.grpc.pb.h"
#include "akhbar/article/v1/events.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "libs/cache/redis.h"
#include "libs/crypto/sha256.h"
#include "tests/support/http_client.h"
#include "tests/support/local_servers.h"
#include "tests/support/service_process.h"

namespace akhbar::article {
namespace {

namespace pb = ::akhbar::article::v1;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kEditorToken[] = "editor-token-for-tests";
constexpr char kAdminToken[] = "admin-token-for-tests";

class ArticleServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(postgres_.Start());
    ASSERT_TRUE(redis_.Start());
    port_ = testing::FreePort();
    address_ = "127.0.0.1:" + std::to_string(port_);
    service_ = std::make_unique<testing::ServiceProcess>(AKHBAR_ARTICLE_BINARY,
                                                         ServiceEnv(port_, testing::FreePort()),
                                                         postgres_.dir() + "/article.log");
    ASSERT_TRUE(service_->Start());
    ASSERT_TRUE(service_->WaitServing(address_, seconds(30))) << service_->LogTail();
    channel_ = grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
    stub_ = pb::ArticleService::NewStub(channel_);
    pb::CreateSectionRequest section;
    section.mutable_section()->set_slug("اتحاد-العالم-الاسلامي");
    section.mutable_section()->set_name("اتحاد العالم الإسلامي");
    pb::CreateSectionResponse created;
    ASSERT_TRUE(
        Call(&pb::ArticleService::Stub::CreateSection, section, &created, kAdminToken).ok());
  }

  std::map<std::string, std::string> ServiceEnv(int port, int metrics_port) {
    std::string tokens = std::string("editor:") + crypto::Sha256Hex(kEditorToken) +
                         ",admin:" + crypto::Sha256Hex(kAdminToken);
    return {
        {"AKHBAR_LISTEN_HOST", "127.0.0.1"},
        {"AKHBAR_ARTICLE_PORT", std::to_string(port)},
        {"AKHBAR_ARTICLE_METRICS_PORT", std::to_string(metrics_port)},
        {"AKHBAR_PG_DSN", postgres_.dsn()},
        {"AKHBAR_PG_POOL_SIZE", "4"},
        {"AKHBAR_REDIS_ADDR", "127.0.0.1:" + std::to_string(redis_.port())},
        {"AKHBAR_TOKENS", tokens},
        {"AKHBAR_DRAIN_GRACE_MS", "200"},
    };
  }

  void TearDown() override {
    if (HasFailure() && service_) std::cerr << "--- service log ---\n" << service_->LogTail();
  }

  template <typename Method, typename Request, typename Response>
  grpc::Status Call(Method method, const Request& request, Response* response,
                    const char* token = nullptr, milliseconds timeout = seconds(10)) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout);
    if (token) context.AddMetadata("authorization", std::string("Bearer ") + token);
    return ((*stub_).*method)(&context, request, response);
  }

  pb::Article Create(const std::string& title, const std::vector<std::string>& tags,
                     pb::ArticleStatus status = pb::ARTICLE_STATUS_PUBLISHED) {
    pb::CreateArticleRequest request;
    pb::Article* article = request.mutable_article();
    article->set_section("اتحاد-العالم-الاسلامي");
    article->set_title(title);
    article->set_summary("ملخص الخبر");
    article->add_body()->mutable_paragraph()->set_text("الفقرة الأولى من الخبر.");
    article->set_status(status);
    for (const std::string& tag : tags) article->add_tags()->set_name(tag);
    pb::CreateArticleResponse response;
    grpc::Status status_code =
        Call(&pb::ArticleService::Stub::CreateArticle, request, &response, kEditorToken);
    EXPECT_TRUE(status_code.ok()) << status_code.error_message();
    return response.article();
  }

  grpc::Status GetById(int64_t id, pb::GetArticleResponse* response, const char* token = nullptr) {
    pb::GetArticleRequest request;
    request.set_id(id);
    return Call(&pb::ArticleService::Stub::GetArticle, request, response, token);
  }

  grpc::Status GetBySlug(const std::string& slug, pb::GetArticleResponse* response) {
    pb::GetArticleRequest request;
    request.set_slug(slug);
    return Call(&pb::ArticleService::Stub::GetArticle, request, response);
  }

  int64_t CountAll() {
    int64_t total = 0;
    for (pb::ArticleStatus status : {pb::ARTICLE_STATUS_DRAFT, pb::ARTICLE_STATUS_PUBLISHED}) {
      pb::ListArticlesRequest request;
      request.set_status(status);
      pb::ListArticlesResponse response;
      EXPECT_TRUE(
          Call(&pb::ArticleService::Stub::ListArticles, request, &response, kEditorToken).ok());
      total += response.total_size();
    }
    return total;
  }

  cache::Redis MakeRedisClient() {
    cache::RedisOptions options;
    options.port = redis_.port();
    options.pool_size = 1;
    return cache::Redis(options);
  }

  testing::LocalPostgres postgres_;
  testing::LocalRedis redis_;
  int port_ = 0;
  std::string address_;
  std::unique_ptr<testing::ServiceProcess> service_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::ArticleService::Stub> stub_;
};

TEST_F(ArticleServiceTest, ReflectionListsTheArticleService) {
  auto reflection = grpc::reflection::v1alpha::ServerReflection::NewStub(channel_);
  grpc::ClientContext context;
  auto stream = reflection->ServerReflectionInfo(&context);
  grpc::reflection::v1alpha::ServerReflectionRequest request;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  stream->WritesDone();
  std::set<std::string> names;
  for (const auto& service : response.list_services_response().service()) {
    names.insert(service.name());
  }
  EXPECT_TRUE(names.count("akhbar.article.v1.ArticleService"));
  EXPECT_TRUE(names.count("grpc.health.v1.Health"));
}

TEST_F(ArticleServiceTest, CreatedArticleIsReadableByIdAndArabicSlug) {
  pb::Article created = Create("قمة منظمة التعاون الإسلامي تختتم أعمالها في جدة", {"قمة"});
  ASSERT_GT(created.id(), 0);
  EXPECT_EQ(created.slug(), "قمة-منظمة-التعاون-الاسلامي-تختتم-اعمالها-في-جدة");
  EXPECT_EQ(created.status(), pb::ARTICLE_STATUS_PUBLISHED);
  EXPECT_EQ(created.version(), 1);

  pb::GetArticleResponse by_id;
  ASSERT_TRUE(GetById(created.id(), &by_id).ok());
  EXPECT_EQ(by_id.article().title(), created.title());
  ASSERT_EQ(by_id.article().body_size(), 1);
  EXPECT_EQ(by_id.article().body(0).paragraph().text(), "الفقرة الأولى من الخبر.");

  pb::GetArticleResponse by_slug;
  ASSERT_TRUE(GetBySlug(created.slug(), &by_slug).ok());
  EXPECT_EQ(by_slug.article().id(), created.id());
  EXPECT_FALSE(by_slug.slug_is_outdated());
  // The hamza spelling of the same words leads to the same article.
  ASSERT_TRUE(GetBySlug("قمة-منظمة-التعاون-الإسلامي-تختتم-أعمالها-في-جدة", &by_slug).ok());
  EXPECT_EQ(by_slug.article().id(), created.id());
}

TEST_F(ArticleServiceTest, RetriedCreateWithSameRequestIdReturnsTheFirst) {
  pb::CreateArticleRequest request;
  request.set_request_id("retry-1");
  request.mutable_article()->set_section("اتحاد-العالم-الاسلامي");
  request.mutable_article()->set_title("خبر يرسل مرتين");
  pb::CreateArticleResponse first, second;
  ASSERT_TRUE(Call(&pb::ArticleService::Stub::CreateArticle, request, &first, kEditorToken).ok());
  ASSERT_TRUE(Call(&pb::ArticleService::Stub::CreateArticle, request, &second, kEditorToken).ok());
  EXPECT_EQ(first.article().id(), second.article().id());
  EXPECT_EQ(CountAll(), 1);
}

TEST_F(ArticleServiceTest, StaleUpdateIsRefusedAndChangesNothing) {
  pb::Article created = Create("خبر أول", {});
  pb::UpdateArticleRequest update;
  update.mutable_article()->set_id(created.id());
  update.mutable_article()->set_title("عنوان معدل");
  update.mutable_update_mask()->add_paths("title");
  update.set_expected_version(created.version());
  pb::UpdateArticleResponse updated;
  ASSERT_TRUE(Call(&pb::ArticleService::Stub::UpdateArticle, update, &updated, kEditorToken).ok());
  EXPECT_EQ(updated.article().version(), created.version() + 1);

  update.mutable_article()->set_title("تعديل متأخر");  // still at the old version
  grpc::Status stale =
      Call(&pb::ArticleService::Stub::UpdateArticle, update, &updated, kEditorToken);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_NE(stale.error_message().find("reload"), std::string::npos);

  pb::GetArticleResponse current;
  ASSERT_TRUE(GetById(created.id(), &current).ok());
  EXPECT_EQ(current.article().title(), "عنوان معدل");
}

TEST_F(ArticleServiceTest, OldSlugKeepsResolving) {
  pb::Article created = Create("عنوان قديم", {});
  pb::UpdateArticleRequest update;
  update.mutable_article()->set_id(created.id());
  update.mutable_article()->set_slug("عنوان-جديد");
  update.mutable_update_mask()->add_paths("slug");
  update.set_expected_version(created.version());
  pb::UpdateArticleResponse updated;
  ASSERT_TRUE(Call(&pb::ArticleService::Stub::UpdateArticle, update, &updated, kEditorToken).ok());
  pb::GetArticleResponse old;
  ASSERT_TRUE(GetBySlug(created.slug(), &old).ok());
  EXPECT_TRUE(old.slug_is_outdated());
  EXPECT_EQ(old.article().slug(), "عنوان-جديد");
}

TEST_F(ArticleServiceTest, RetriedImportCreatesNothingNew) {
  auto run_import = [&](pb::ImportArticlesResponse* response) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", std::string("Bearer ") + kEditorToken);
    auto writer = stub_->ImportArticles(&context, response);
    for (int i = 0; i < 3; ++i) {
      pb::ImportArticlesRequest item;
      item.set_external_id("ext-" + std::to_string(i));
      item.set_section("اتحاد-العالم-الاسلامي");
      item.set_title("خبر مستورد رقم " + std::to_string(i));
      item.add_body()->mutable_paragraph()->set_text("نص");
      item.add_tags("منظمة التعاون الإسلامي");
      EXPECT_TRUE(writer->Write(item));
    }
    pb::ImportArticlesRequest bad;
    bad.set_external_id("ext-bad");
    bad.set_section("اتحاد-العالم-الاسلامي");
    EXPECT_TRUE(writer->Write(bad));  // no title
    writer->WritesDone();
    return writer->Finish();
  };
  pb::ImportArticlesResponse first;
  ASSERT_TRUE(run_import(&first).ok());
  EXPECT_EQ(first.created(), 3);
  EXPECT_EQ(first.failed(), 1);
  ASSERT_EQ(first.results_size(), 4);
  EXPECT_EQ(first.results(3).index(), 3);
  EXPECT_NE(first.results(3).error().find("title is required"), std::string::npos);

  pb::ImportArticlesResponse second;
  ASSERT_TRUE(run_import(&second).ok());
  EXPECT_EQ(second.created(), 0);
  EXPECT_EQ(second.unchanged(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(second.results(i).article_id(), first.results(i).article_id());
  }
  EXPECT_EQ(CountAll(), 3);
}

TEST_F(ArticleServiceTest, BothSpellingsOfTheOicTagAreOneTag) {
  pb::Article hamza = Create("خبر أول عن المنظمة", {"منظمة التعاون الإسلامي"});
  pb::Article plain = Create("خبر ثان عن المنظمة", {"منظمة التعاون الاسلامي"});
  ASSERT_EQ(hamza.tags_size(), 1);
  ASSERT_EQ(plain.tags_size(), 1);
  EXPECT_EQ(hamza.tags(0).slug(), plain.tags(0).slug());
  // The first spelling is the one shown.
  EXPECT_EQ(plain.tags(0).name(), "منظمة التعاون الإسلامي");

  for (const char* spelling : {"منظمة التعاون الإسلامي", "منظمة التعاون الاسلامي"}) {
    pb::GetTagRequest request;
    request.set_slug(spelling);
    pb::GetTagResponse response;
    ASSERT_TRUE(Call(&pb::ArticleService::Stub::GetTag, request, &response).ok()) << spelling;
    EXPECT_EQ(response.tag().slug(), hamza.tags(0).slug());
    EXPECT_EQ(response.tag().article_count(), 2);
    ASSERT_EQ(response.tag().aliases_size(), 1);
    EXPECT_EQ(response.tag().aliases(0), "منظمة التعاون الاسلامي");
  }
  pb::ListArticlesRequest list;
  list.set_tag("منظمة التعاون الاسلامي");
  pb::ListArticlesResponse listed;
  ASSERT_TRUE(Call(&pb::ArticleService::Stub::ListArticles, list, &listed).ok());
  EXPECT_EQ(listed.total_size(), 2);
}

TEST_F(ArticleServiceTest, MergeTagsMovesArticlesAndSpellings) {
  pb::Article a = Create("خبر عن التعاون", {"التعاون الإسلامي"});
  pb::Article b = Create("خبر عن المنظمة", {"منظمة التعاون"});
  pb::MergeTagsRequest merge;
  merge.set_source("منظمة التعاون");
  merge.set_target("التعاون الإسلامي");
  pb::MergeTagsResponse merged;
  EXPECT_EQ(Call(&pb::ArticleService::Stub::MergeTags, merge, &merged, kEditorToken).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&pb::ArticleService::Stub::MergeTags, merge, &merged, kAdminToken).ok());
  EXPECT_EQ(merged.articles_moved(), 1);
  pb::GetArticleResponse moved;
  ASSERT_TRUE(GetById(b.id(), &moved).ok());
  ASSERT_EQ(moved.article().tags_size(), 1);
  EXPECT_EQ(moved.article().tags(0).slug(), a.tags(0).slug());
  pb::GetTagRequest old_spelling;
  old_spelling.set_slug("منظمة التعاون");
  pb::GetTagResponse tag;
  ASSERT_TRUE(Call(&pb::ArticleService::Stub::GetTag, old_spelling, &tag).ok());
  EXPECT_EQ(tag.tag().slug(), a.tags(0).slug());
  EXPECT_EQ(tag.tag().article_count(), 2);
}

TEST_F(ArticleServiceTest, WritesNeedAValidTokenOfTheRightRole) {
  pb::CreateArticleRequest request;
  request.mutable_article()->set_section("اتحاد-العالم-الاسلامي");
  request.mutable_article()->set_title("خبر");
  pb::CreateArticleResponse response;
  EXPECT_EQ(Call(&pb::ArticleService::Stub::CreateArticle, request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(
      Call(&pb::ArticleService::Stub::CreateArticle, request, &response, "wrong").error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
  pb::CreateSectionRequest section;
  section.mutable_section()->set_slug("رياضة");
  section.mutable_section()->set_name("رياضة");
  pb::CreateSectionResponse created;
  EXPECT_EQ(
      Call(&pb::ArticleService::Stub::CreateSection, section, &created, kEditorToken).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CountAll(), 0);
}

TEST_F(ArticleServiceTest, InvalidInputGetsAClearErrorAndChangesNothing) {
  struct Case {
    std::function<void(pb::Article*)> mutate;
    const char* expected;
  };
  std::vector<Case> cases = {
      {[](pb::Article* a) { a->mutable_image()->set_url("javascript:alert(1)"); },
       "a link must start with"},
      {[](pb::Article* a) { a->set_title(std::string(201, 'x')); }, "the limit is 200"},
      {[](pb::Article* a) { a->set_section("لا-يوجد"); }, "does not exist"},
      {[](pb::Article* a) { a->set_slug("a/../b"); }, "slug"},
      {[](pb::Article* a) { a->set_title("سطر\nثان"); }, "control characters"},
  };
  for (const Case& c : cases) {
    pb::CreateArticleRequest request;
    request.mutable_article()->set_section("اتحاد-العالم-الاسلامي");
    request.mutable_article()->set_title("خبر");
    c.mutate(request.mutable_article());
    pb::CreateArticleResponse response;
    grpc::Status status =
        Call(&pb::ArticleService::Stub::CreateArticle, request, &response, kEditorToken);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.expected;
    EXPECT_NE(status.error_message().find(c.expected), std::string::npos) << status.error_message();
  }
  EXPECT_EQ(CountAll(), 0);
}

TEST_F(ArticleServiceTest, DraftsAndTakenDownArticlesAreHiddenFromReaders) {
  pb::Article draft = Create("مسودة لم تنشر", {}, pb::ARTICLE_STATUS_DRAFT);
  pb::GetArticleResponse response;
  EXPECT_EQ(GetById(draft.id(), &response).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(GetById(draft.id(), &response, kEditorToken).ok());

  pb::Article live = Create("خبر منشور", {});
  ASSERT_TRUE(GetById(live.id(), &response).ok());  // now cached
  pb::TakedownArticleRequest takedown;
  takedown.set_id(live.id());
  takedown.set_reason("طلب قانوني");
  pb::TakedownArticleResponse taken;
  ASSERT_TRUE(
      Call(&pb::ArticleService::Stub::TakedownArticle, takedown, &taken, kEditorToken).ok());
  EXPECT_EQ(GetById(live.id(), &response).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetBySlug(live.slug(), &response).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ArticleServiceTest, ScheduledArticleAppearsByItself) {
  pb::Article draft = Create("خبر مجدول", {}, pb::ARTICLE_STATUS_DRAFT);
  pb::PublishArticleRequest publish;
  publish.set_id(draft.id());
  *publish.mutable_publish_at() = google::protobuf::util::TimeUtil::GetCurrentTime() +
                                  google::protobuf::util::TimeUtil::SecondsToDuration(2);
  pb::PublishArticleResponse scheduled;
  ASSERT_TRUE(
      Call(&pb::ArticleService::Stub::PublishArticle, publish, &scheduled, kEditorToken).ok());
  EXPECT_EQ(scheduled.article().status(), pb::ARTICLE_STATUS_SCHEDULED);
  pb::GetArticleResponse response;
  EXPECT_EQ(GetById(draft.id(), &response).error_code(), grpc::StatusCode::NOT_FOUND);
  auto deadline = std::chrono::steady_clock::now() + seconds(15);
  bool visible = false;
  while (!visible && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(200));
    visible = GetById(draft.id(), &response).ok();
  }
  EXPECT_TRUE(visible);
  EXPECT_EQ(response.article().status(), pb::ARTICLE_STATUS_PUBLISHED);
}

TEST_F(ArticleServiceTest, ListPagesThroughEverythingOnceWithATotal) {
  std::set<int64_t> created;
  for (int i = 0; i < 5; ++i) created.insert(Create("خبر رقم " + std::to_string(i), {}).id());
  std::set<int64_t> seen;
  pb::ListArticlesRequest request;
  request.set_section("اتحاد-العالم-الاسلامي");
  request.set_page_size(2);
  int pages = 0;
  do {
    pb::ListArticlesResponse response;
    ASSERT_TRUE(Call(&pb::ArticleService::Stub::ListArticles, request, &response).ok());
    EXPECT_EQ(response.total_size(), 5);
    for (const pb::Article& article : response.articles()) {
      EXPECT_TRUE(seen.insert(article.id()).second) << "seen twice: " << article.id();
    }
    request.set_page_token(response.next_page_token());
    ++pages;
  } while (!request.page_token().empty() && pages < 10);
  EXPECT_EQ(seen, created);
  EXPECT_EQ(pages, 3);
}

TEST_F(ArticleServiceTest, ChangeEventsReachTheRedisStream) {
  pb::Article created = Create("خبر يولد حدثا", {"حدث"});
  cache::Redis redis = MakeRedisClient();
  bool found = false;
  auto deadline = std::chrono::steady_clock::now() + seconds(10);
  while (!found && std::chrono::steady_clock::now() < deadline) {
    absl::StatusOr<cache::Reply> entries =
        redis.Command({"XRANGE", "akhbar:article:events", "-", "+"});
    ASSERT_TRUE(entries.ok()) << entries.status();
    for (const cache::Reply& entry : entries->elements) {
      pb::ArticleEvent event;
      ASSERT_EQ(entry.elements.size(), 2u);
      ASSERT_TRUE(event.ParseFromString(entry.elements[1].elements[1].str));
      if (event.article_id() == created.id() && event.kind() == pb::ArticleEvent::KIND_PUBLISHED) {
        found = true;
        EXPECT_EQ(event.slugs(0), created.slug());
      }
    }
    if (!found) std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_TRUE(found);
}

// The counter's value in a Prometheus text exposition, or -1.
double MetricValue(const std::string& exposition, const std::string& series) {
  std::size_t at = exposition.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(exposition.substr(at + series.size() + 2));
}

// Two replicas. Readers of the second hold the article in its in-process
// cache, with a max age far beyond the deadline below, so only the change
// event the first one's relay appends can bring them the edit; an editor on
// the second replica reads around that cache and sees the edit at once.
TEST_F(ArticleServiceTest, AnotherReplicasEditReachesReadersHeldInMemory) {
  const int port = testing::FreePort();
  const int metrics_port = testing::FreePort();
  std::map<std::string, std::string> env = ServiceEnv(port, metrics_port);
  env["AKHBAR_ARTICLE_LOCAL_CACHE_TTL_MS"] = "60000";
  testing::ServiceProcess other(AKHBAR_ARTICLE_BINARY, env, postgres_.dir() + "/article-2.log");
  ASSERT_TRUE(other.Start());
  const std::string other_address = "127.0.0.1:" + std::to_string(port);
  ASSERT_TRUE(other.WaitServing(other_address, seconds(30))) << other.LogTail();
  std::unique_ptr<pb::ArticleService::Stub> other_stub = pb::ArticleService::NewStub(
      grpc::CreateChannel(other_address, grpc::InsecureChannelCredentials()));
  auto get_other = [&](int64_t id, pb::GetArticleResponse* response, const char* token) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + seconds(10));
    if (token) context.AddMetadata("authorization", std::string("Bearer ") + token);
    pb::GetArticleRequest request;
    request.set_id(id);
    return other_stub->GetArticle(&context, request, response);
  };

  pb::Article created = Create("خبر تقرؤه نسختان", {});
  pb::GetArticleResponse response;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(get_other(created.id(), &response, nullptr).ok());
    EXPECT_EQ(response.article().title(), created.title());
  }
  testing::HttpReply metrics = testing::Fetch(metrics_port, "GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_GE(MetricValue(metrics.body, "akhbar_article_local_cache_requests_total{result=\"hit\"}"),
            2);

  pb::UpdateArticleRequest update;
  update.mutable_article()->set_id(created.id());
  update.mutable_article()->set_title("عنوان بعد التعديل");
  update.mutable_update_mask()->add_paths("title");
  update.set_expected_version(created.version());
  pb::UpdateArticleResponse updated;
  ASSERT_TRUE(Call(&pb::ArticleService::Stub::UpdateArticle, update, &updated, kEditorToken).ok());
  const auto edited_at = std::chrono::steady_clock::now();

  ASSERT_TRUE(get_other(created.id(), &response, kEditorToken).ok());
  EXPECT_EQ(response.article().title(), "عنوان بعد التعديل");

  bool fresh = false;
  while (!fresh && std::chrono::steady_clock::now() < edited_at + seconds(5)) {
    ASSERT_TRUE(get_other(created.id(), &response, nullptr).ok());
    fresh = response.article().title() == "عنوان بعد التعديل";
    if (!fresh) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(fresh) << "the other replica's readers still see the old title";
  std::cout << "edit reached the other replica's readers after "
            << std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() -
                                                        edited_at)
                   .count()
            << " ms\n";
  EXPECT_EQ(other.Terminate(), 0);
}

TEST_F(ArticleServiceTest, ReadsKeepSucceedingWithRedisKilled) {
  pb::Article created = Create("خبر يقرأ بلا ذاكرة مؤقتة", {});
  pb::GetArticleResponse response;
  ASSERT_TRUE(GetById(created.id(), &response).ok());
  redis_.Kill();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(GetById(created.id(), &response).ok()) << i;
    ASSERT_TRUE(GetBySlug(created.slug(), &response).ok()) << i;
  }
  // Writes need only PostgreSQL; their events wait in the outbox.
  pb::Article during = Create("خبر أثناء العطل", {});
  ASSERT_GT(during.id(), 0);
  ASSERT_TRUE(redis_.Start());
  cache::Redis redis = MakeRedisClient();
  bool relayed = false;
  auto deadline = std::chrono::steady_clock::now() + seconds(15);
  while (!relayed && std::chrono::steady_clock::now() < deadline) {
    absl::StatusOr<cache::Reply> length = redis.Command({"XLEN", "akhbar:article:events"});
    relayed = length.ok() && length->integer >= 1;
    if (!relayed) std::this_thread::sleep_for(milliseconds(200));
  }
  EXPECT_TRUE(relayed) << "the outbox was not relayed after Redis came back";
  ASSERT_TRUE(GetById(during.id(), &response).ok());
}

TEST_F(ArticleServiceTest, PostgresDownServesCachedReadsAndFailsWritesFast) {
  cache::Redis redis = MakeRedisClient();
  const auto events = [&] {
    absl::StatusOr<cache::Reply> length = redis.Command({"XLEN", "akhbar:article:events"});
    return length.ok() ? length->integer : -1;
  };
  const auto before = events();
  pb::Article created = Create("خبر في الذاكرة المؤقتة", {});
  // The relay deletes the keys the creation made stale when it relays its
  // event: the reads below must come after that, or they fill a cache the
  // relay then empties.
  const auto relayed_by = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (events() <= before && std::chrono::steady_clock::now() < relayed_by) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_GT(events(), before) << "the creation's event was not relayed";
  pb::GetArticleResponse response;
  ASSERT_TRUE(GetById(created.id(), &response).ok());
  ASSERT_TRUE(GetBySlug(created.slug(), &response).ok());
  postgres_.Stop();
  EXPECT_TRUE(GetById(created.id(), &response).ok());
  EXPECT_TRUE(GetBySlug(created.slug(), &response).ok());

  pb::CreateArticleRequest request;
  request.mutable_article()->set_section("اتحاد-العالم-الاسلامي");
  request.mutable_article()->set_title("كتابة أثناء العطل");
  pb::CreateArticleResponse write;
  auto started = std::chrono::steady_clock::now();
  grpc::Status failed =
      Call(&pb::ArticleService::Stub::CreateArticle, request, &write, kEditorToken);
  EXPECT_EQ(failed.error_code(), grpc::StatusCode::UNAVAILABLE) << failed.error_message();
  // A sanity bound, not a performance claim: "fast" means no hang.
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(8));

  ASSERT_TRUE(postgres_.Start());
  auto deadline = std::chrono::steady_clock::now() + seconds(20);
  grpc::Status recovered;
  do {
    std::this_thread::sleep_for(milliseconds(200));
    recovered = Call(&pb::ArticleService::Stub::CreateArticle, request, &write, kEditorToken);
  } while (!recovered.ok() && std::chrono::steady_clock::now() < deadline);
  EXPECT_TRUE(recovered.ok()) << recovered.error_message();
}

TEST_F(ArticleServiceTest, SigtermDrainsAndExitsCleanly) { EXPECT_EQ(service_->Terminate(), 0); }

}  // namespace
}  // namespace akhbar::article
