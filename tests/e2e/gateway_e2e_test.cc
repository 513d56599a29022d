// The reader's and the editor's view of akhbar, through the gateway's HTTP
// API and pages, against the whole stack running for real.
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "akhbar/article/v1/article.pb.h"
#include "tests/e2e/stack.h"
#include "tests/support/http_client.h"

namespace akhbar::e2e {
namespace {

using std::chrono::milliseconds;
using testing::Fetch;
using testing::HttpReply;
using Clock = std::chrono::steady_clock;

constexpr char kSection[] = "politics";
constexpr char kSectionName[] = "سياسة";
// The promise to editors: a change is visible at the gateway within this.
constexpr milliseconds kFreshness{1000};

std::map<std::string, std::string> Editor() {
  return {{"Authorization", std::string("Bearer ") + kEditorToken},
          {"Content-Type", "application/json"}};
}

article::v1::Article ParseArticle(const std::string& json) {
  article::v1::Article article;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &article, options).ok()) << json;
  return article;
}

std::string ArticleJson(const std::string& title, const std::string& body,
                        const std::vector<std::string>& tags) {
  std::string json = "{\"section\":\"" + std::string(kSection) + "\",\"title\":\"" + title +
                     "\",\"body\":[{\"paragraph\":{\"text\":\"" + body +
                     "\"}}],\"status\":\"ARTICLE_STATUS_PUBLISHED\",\"tags\":[";
  for (std::size_t i = 0; i < tags.size(); ++i) {
    json += (i ? "," : "") + std::string("{\"name\":\"") + tags[i] + "\"}";
  }
  return json + "]}";
}

class GatewayEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(stack_.Start());
    ASSERT_TRUE(stack_.CreateSection(kSection, kSectionName));
  }
  void TearDown() override {
    stack_.ExpectNoTokensLogged();
    if (HasFailure()) stack_.PrintLogs();
  }

  HttpReply Get(const std::string& target, std::map<std::string, std::string> headers = {}) {
    return Fetch(stack_.gateway_port(), "GET", target, headers);
  }

  article::v1::Article Create(const std::string& title, const std::string& body,
                              const std::vector<std::string>& tags) {
    HttpReply reply = Fetch(stack_.gateway_port(), "POST", "/api/v1/articles", Editor(),
                            ArticleJson(title, body, tags));
    EXPECT_EQ(reply.status, 201) << reply.body;
    article::v1::Article article = ParseArticle(reply.body);
    EXPECT_EQ(reply.Header("Location"), "/api/v1/articles/" + std::to_string(article.id()));
    return article;
  }

  // The article's page, following /news/{id} to its canonical address.
  std::string PagePath(int64_t id) {
    HttpReply moved = Get("/news/" + std::to_string(id));
    EXPECT_EQ(moved.status, 301) << moved.body;
    return moved.Header("Location");
  }

  // Polls `target` until `predicate` holds; how long it took, or nullopt.
  template <typename Predicate>
  std::optional<milliseconds> Within(milliseconds limit, const std::string& target,
                                     Predicate predicate) {
    const auto start = Clock::now();
    while (Clock::now() - start < limit) {
      if (predicate(Get(target))) {
        return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
    return std::nullopt;
  }

  Stack stack_;
};

TEST_F(GatewayEndToEnd, AnArticleIsOnItsPageItsEditShowsWithinASecondAndATakedownRemovesIt) {
  const article::v1::Article first =
      Create("البرلمان يقر موازنة العام الجديد", "أقر البرلمان الموازنة العامة بعد نقاش طويل",
             {"البرلمان", "الموازنة"});
  const article::v1::Article second =
      Create("جدل في البرلمان حول الموازنة", "تواصل الجدل في البرلمان حول بنود الموازنة",
             {"البرلمان", "الموازنة"});
  const std::string page = PagePath(first.id());
  ASSERT_EQ(page.rfind("/news/" + std::to_string(first.id()) + "/", 0), 0u) << page;

  HttpReply shown = Get(page);
  ASSERT_EQ(shown.status, 200);
  EXPECT_NE(shown.body.find("البرلمان يقر موازنة العام الجديد"), std::string::npos);
  EXPECT_NE(shown.body.find("dir=\"rtl\""), std::string::npos);
  EXPECT_NE(shown.Header("Content-Security-Policy").find("script-src 'self'"), std::string::npos);
  ASSERT_EQ(Get(page).status, 200);  // now warm in the gateway's cache

  HttpReply edited = Fetch(
      stack_.gateway_port(), "PATCH", "/api/v1/articles/" + std::to_string(first.id()),
      [&] {
        auto headers = Editor();
        headers["If-Match"] = "\"v" + std::to_string(first.version()) + "\"";
        return headers;
      }(),
      "{\"title\":\"البرلمان يقر الموازنة بالإجماع\"}");
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(edited.Header("ETag"), "\"v" + std::to_string(first.version() + 1) + "\"");
  const auto edit_seen = Within(kFreshness, page, [](const HttpReply& reply) {
    return reply.body.find("البرلمان يقر الموازنة بالإجماع") != std::string::npos;
  });
  ASSERT_TRUE(edit_seen.has_value()) << "the edited title did not show within a second";
  std::cout << "edit visible on the page after " << edit_seen->count() << " ms\n";

  const std::string second_related = "/api/v1/articles/" + std::to_string(second.id()) + "/related";
  const std::string first_id = "\"articleId\":\"" + std::to_string(first.id()) + "\"";
  ASSERT_TRUE(Within(milliseconds(3000), second_related, [&](const HttpReply& reply) {
    return reply.body.find(first_id) != std::string::npos;
  })) << Get(second_related).body;

  HttpReply taken_down =
      Fetch(stack_.gateway_port(), "DELETE", "/api/v1/articles/" + std::to_string(first.id()),
            Editor(), "{\"reason\":\"طلب قضائي\"}");
  ASSERT_EQ(taken_down.status, 200) << taken_down.body;
  EXPECT_TRUE(Within(kFreshness, page, [](const HttpReply& reply) { return reply.status == 404; }))
      << "the page still answers after the takedown";
  EXPECT_EQ(Get("/api/v1/articles/" + std::to_string(first.id())).status, 404);
  EXPECT_TRUE(Within(milliseconds(2000), second_related,
                     [&](const HttpReply& reply) {
                       return reply.status == 200 && reply.body.find(first_id) == std::string::npos;
                     }))
      << "the taken-down article is still related: " << Get(second_related).body;
  const std::string second_page = PagePath(second.id());
  EXPECT_TRUE(Within(milliseconds(2000), second_page, [](const HttpReply& reply) {
    return reply.status == 200 && reply.body.find("البرلمان يقر") == std::string::npos;
  }));
}

TEST_F(GatewayEndToEnd, AMatchingEtagAnswers304WithoutABody) {
  const article::v1::Article article = Create("عنوان للتخزين", "نص المقال", {"اختبار"});
  const std::string target = "/api/v1/articles/" + std::to_string(article.id());
  HttpReply first = Get(target);
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.Header("ETag"), "\"v" + std::to_string(article.version()) + "\"");
  EXPECT_NE(first.Header("Cache-Control").find("stale-while-revalidate"), std::string::npos);
  HttpReply again = Get(target, {{"If-None-Match", first.Header("ETag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(Get(target, {{"If-None-Match", "\"v999\""}}).status, 200);

  const std::string page = PagePath(article.id());
  HttpReply html = Get(page);
  ASSERT_EQ(html.status, 200);
  ASSERT_FALSE(html.Header("ETag").empty());
  EXPECT_EQ(Get(page, {{"If-None-Match", html.Header("ETag")}}).status, 304);
}

TEST_F(GatewayEndToEnd, ATickerStreamResumesFromLastEventIdWithExactlyWhatWasMissed) {
  auto push = [&](const std::string& text) {
    HttpReply reply = Fetch(stack_.gateway_port(), "POST", "/api/v1/ticker", Editor(),
                            "{\"text\":\"" + text + "\",\"priority\":\"PRIORITY_URGENT\"}");
    EXPECT_EQ(reply.status, 201) << reply.body;
  };
  auto stream = testing::SseStream::Open(stack_.gateway_port(), "/api/v1/ticker/stream");
  ASSERT_NE(stream, nullptr);
  auto snapshot = stream->Next(milliseconds(5000));
  ASSERT_TRUE(snapshot.has_value());
  EXPECT_EQ(snapshot->event, "snapshot");
  push("عاجل: الخبر الأول");
  auto added = stream->Next(milliseconds(5000));
  ASSERT_TRUE(added.has_value());
  EXPECT_EQ(added->event, "added");
  EXPECT_NE(added->data.find("الخبر الأول"), std::string::npos);
  const std::string last_seen = added->id;
  stream.reset();  // the reader's phone goes through a tunnel

  push("عاجل: الخبر الثاني");
  push("عاجل: الخبر الثالث");
  auto resumed = testing::SseStream::Open(stack_.gateway_port(), "/api/v1/ticker/stream",
                                          {{"Last-Event-ID", last_seen}});
  ASSERT_NE(resumed, nullptr);
  std::vector<testing::SseEvent> missed;
  while (missed.size() < 2) {
    auto event = resumed->Next(milliseconds(5000));
    ASSERT_TRUE(event.has_value()) << "got " << missed.size() << " of the 2 missed events";
    missed.push_back(*event);
  }
  EXPECT_EQ(missed[0].event, "added");
  EXPECT_NE(missed[0].data.find("الخبر الثاني"), std::string::npos);
  EXPECT_NE(missed[1].data.find("الخبر الثالث"), std::string::npos);
  EXPECT_GT(std::stoull(missed[0].id), std::stoull(last_seen));
  EXPECT_GT(std::stoull(missed[1].id), std::stoull(missed[0].id));
}

TEST_F(GatewayEndToEnd, ReadsAnswerWithTheirDocumentedShapesAndErrors) {
  const article::v1::Article article = Create("قراءة عبر الواجهة", "نص", {"واجهة"});
  HttpReply by_slug = Get("/api/v1/articles/by-slug/" + article.slug());
  EXPECT_EQ(by_slug.status, 200) << by_slug.body;
  HttpReply missing = Get("/api/v1/articles/987654");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("{\"error\":{\"code\":\"NOT_FOUND\",\"message\":"), std::string::npos)
      << missing.body;
  HttpReply bad_id = Get("/api/v1/articles/abc");
  EXPECT_EQ(bad_id.status, 400);
  EXPECT_NE(bad_id.body.find("INVALID_ARGUMENT"), std::string::npos);
  HttpReply sections = Get("/api/v1/sections");
  EXPECT_NE(sections.body.find(kSectionName), std::string::npos) << sections.body;
  HttpReply bad_size = Get("/api/v1/articles?pageSize=1000");
  EXPECT_EQ(bad_size.status, 400);
  EXPECT_NE(bad_size.body.find("pageSize"), std::string::npos);
  EXPECT_EQ(Get("/api/v1/nothing-here").status, 404);
  EXPECT_EQ(Get("/section/no-such-section").status, 404);
  HttpReply wrong_method = Fetch(stack_.gateway_port(), "PUT", "/api/v1/sections");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.Header("Allow"), "GET, HEAD");
  HttpReply openapi = Get("/openapi.json");
  EXPECT_EQ(openapi.status, 200);
  EXPECT_NE(openapi.body.find("\"openapi\""), std::string::npos);
  EXPECT_EQ(Get("/").status, 200);
  EXPECT_EQ(Get("/section/politics").status, 200);
}

TEST_F(GatewayEndToEnd, AnImportChecksEveryLineFirstAndAnswersASummary) {
  const std::string good =
      "{\"externalId\":\"wire-1\",\"section\":\"politics\",\"title\":\"خبر مستورد أول\","
      "\"body\":\"فقرة\"}\n"
      "{\"externalId\":\"wire-2\",\"section\":\"politics\",\"title\":\"خبر مستورد ثان\","
      "\"body\":\"فقرة\"}\n";
  HttpReply bad = Fetch(stack_.gateway_port(), "POST", "/api/v1/articles:import", Editor(),
                        good + "{\"externalId\":\"wire-3\",\"titel\":\"خطأ\"}\n");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("line 3"), std::string::npos) << bad.body;
  EXPECT_EQ(Get("/api/v1/articles?section=politics").body.find("خبر مستورد"), std::string::npos);
  HttpReply imported =
      Fetch(stack_.gateway_port(), "POST", "/api/v1/articles:import", Editor(), good);
  ASSERT_EQ(imported.status, 200) << imported.body;
  EXPECT_NE(imported.body.find("\"created\":2"), std::string::npos) << imported.body;
}

TEST_F(GatewayEndToEnd, AClientOverItsRateIsToldToComeBackLater) {
  int refused = 0;
  std::string retry_after;
  for (int i = 0; i < 600 && refused == 0; ++i) {
    HttpReply reply = Get("/api/v1/sections", {{kClientHeader, "203.0.113.7"}});
    if (reply.status == 429) {
      ++refused;
      retry_after = reply.Header("Retry-After");
    }
  }
  EXPECT_EQ(refused, 1);
  EXPECT_FALSE(retry_after.empty());
  // Another client is not held back by this one.
  EXPECT_EQ(Get("/api/v1/sections", {{kClientHeader, "203.0.113.8"}}).status, 200);
}

TEST_F(GatewayEndToEnd, EveryProcessServesMetricsThatPromtoolAccepts) {
  ASSERT_EQ(Get("/api/v1/sections").status, 200);  // some traffic to count
  for (const auto& [service, port] : stack_.metrics_ports()) {
    HttpReply metrics = Fetch(port, "GET", "/metrics");
    ASSERT_EQ(metrics.status, 200) << service;
    EXPECT_NE(metrics.body.find("akhbar_build_info"), std::string::npos) << service;
    // promtool reads the exposition from its standard input; its findings
    // (names, units, help) come back on standard output.
    const std::string path = ::testing::TempDir() + "/metrics-" + service + ".txt";
    { std::ofstream(path) << metrics.body; }
    FILE* lint = ::popen(("promtool check metrics < " + path + " 2>&1").c_str(), "r");
    ASSERT_NE(lint, nullptr);
    std::string findings;
    char chunk[4096];
    for (std::size_t n; (n = std::fread(chunk, 1, sizeof(chunk), lint)) > 0;)
      findings.append(chunk, n);
    EXPECT_EQ(::pclose(lint), 0) << service << ": " << findings;
    EXPECT_EQ(findings, "") << service;
  }
  EXPECT_NE(
      Fetch(stack_.metrics_ports().at("GATEWAY"), "GET", "/metrics")
          .body.find("akhbar_http_requests_total{code=\"200\",route=\"GET /api/v1/sections\"}"),
      std::string::npos);
}

TEST_F(GatewayEndToEnd, SigtermEndsTheEventStreamsAndExitsCleanly) {
  auto stream = testing::SseStream::Open(stack_.gateway_port(), "/api/v1/ticker/stream");
  ASSERT_NE(stream, nullptr);
  ASSERT_TRUE(stream->Next(milliseconds(5000)).has_value());  // the snapshot
  EXPECT_EQ(stack_.TerminateGateway(), 0);
  // The stream ended (a browser reconnects elsewhere) rather than hang.
  const auto start = Clock::now();
  EXPECT_FALSE(stream->Next(milliseconds(5000)).has_value());
  EXPECT_LT(Clock::now() - start, milliseconds(5000));
  EXPECT_EQ(Get("/readyz").status, 0) << "nothing listens any more";
}

}  // namespace
}  // namespace akhbar::e2e
