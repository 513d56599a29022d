#include "tests/e2e/hostile_fixture.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <thread>

#include "absl/strings/match.h"

namespace akhbar::e2e {
namespace {

using std::chrono::milliseconds;

constexpr char kSentinelPrefix[] = "علامة-تزامن-";

}  // namespace

bool ParseJson(const std::string& json, google::protobuf::Message* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  return google::protobuf::util::JsonStringToMessage(json, message, options).ok();
}

std::string ErrorCodeOf(const std::string& body) {
  google::protobuf::Struct parsed;
  if (!ParseJson(body, &parsed)) return "";
  auto error = parsed.fields().find("error");
  if (error == parsed.fields().end() || !error->second.has_struct_value()) return "";
  const auto& fields = error->second.struct_value().fields();
  auto code = fields.find("code");
  auto message = fields.find("message");
  if (code == fields.end() || message == fields.end()) return "";
  if (message->second.string_value().empty()) return "";  // an error must say what is wrong
  return code->second.string_value();
}

void HostileE2e::SetUp() {
  // Hundreds of hostile requests come from one address here: the rate limit
  // has a test of its own.
  ASSERT_TRUE(
      stack_.Start({{"AKHBAR_LOG_LEVEL", "debug"}, {"AKHBAR_GATEWAY_RATE_PER_SECOND", "0"}}));
  ASSERT_TRUE(stack_.CreateSection(kSection, "سياسة"));
}

void HostileE2e::TearDown() {
  std::vector<std::string> wrong_tokens;
  for (const std::string& wrong : kWrongAuthorizations) {
    wrong_tokens.push_back(wrong.substr(wrong.find(' ') + 1));
  }
  stack_.ExpectNoTokensLogged(wrong_tokens);
  if (HasFailure()) stack_.PrintLogs();
}

testing::HttpReply HostileE2e::Send(const std::string& method, const std::string& target,
                                    const Headers& headers, const std::string& body) {
  return testing::Fetch(stack_.gateway_port(), method, target, headers, body);
}

Headers HostileE2e::As(const char* token) {
  Headers headers = {{"Content-Type", "application/json"}};
  if (token != nullptr) headers["Authorization"] = std::string("Bearer ") + token;
  return headers;
}

std::string HostileE2e::Json(const google::protobuf::Message& message) {
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(message, &json).ok());
  return json;
}

article::v1::Article HostileE2e::Simple(const std::string& title) {
  article::v1::Article article;
  article.set_section(kSection);
  article.set_title(title);
  article.add_body()->mutable_paragraph()->set_text("فقرة أولى من المقال.");
  article.set_status(article::v1::ARTICLE_STATUS_PUBLISHED);
  return article;
}

article::v1::Article HostileE2e::CreateArticle(const article::v1::Article& article) {
  testing::HttpReply reply = Send("POST", "/api/v1/articles", As(kEditorToken), Json(article));
  EXPECT_EQ(reply.status, 201) << reply.body;
  article::v1::Article created;
  EXPECT_TRUE(ParseJson(reply.body, &created)) << reply.body;
  return created;
}

ticker::v1::TickerItem HostileE2e::PushTicker(const ticker::v1::TickerItem& item) {
  testing::HttpReply reply = Send("POST", "/api/v1/ticker", As(kEditorToken), Json(item));
  EXPECT_EQ(reply.status, 201) << reply.body;
  ticker::v1::TickerItem pushed;
  EXPECT_TRUE(ParseJson(reply.body, &pushed)) << reply.body;
  return pushed;
}

article::v1::Article HostileE2e::EditorGet(int64_t id) {
  testing::HttpReply reply = Get("/api/v1/articles/" + std::to_string(id), As(kEditorToken));
  EXPECT_EQ(reply.status, 200) << reply.body;
  article::v1::Article article;
  EXPECT_TRUE(ParseJson(reply.body, &article)) << reply.body;
  return article;
}

int64_t HostileE2e::ArticleCount() {
  // The HTTP list shows published articles only; a write that slipped
  // through could have left a draft, so every status is counted.
  int64_t total = 0;
  for (auto status :
       {article::v1::ARTICLE_STATUS_DRAFT, article::v1::ARTICLE_STATUS_SCHEDULED,
        article::v1::ARTICLE_STATUS_PUBLISHED, article::v1::ARTICLE_STATUS_UNPUBLISHED,
        article::v1::ARTICLE_STATUS_TAKEN_DOWN}) {
    article::v1::ListArticlesRequest request;
    request.set_status(status);
    request.set_page_size(1);
    article::v1::ListArticlesResponse response;
    grpc::ClientContext context;
    context.AddMetadata("authorization", std::string("Bearer ") + kEditorToken);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status rpc = stack_.articles().ListArticles(&context, request, &response);
    EXPECT_TRUE(rpc.ok()) << rpc.error_message();
    total += response.total_size();
  }
  return total;
}

std::vector<ticker::v1::TickerItem> HostileE2e::SettledTicker() {
  // The gateway's ticker follows the service's ordered change log: once an
  // item pushed now shows, every earlier change shows too.
  static int sentinels = 0;
  ticker::v1::TickerItem sentinel;
  sentinel.set_text(kSentinelPrefix + std::to_string(++sentinels));
  sentinel.set_priority(ticker::v1::PRIORITY_NORMAL);
  const std::string text = PushTicker(sentinel).text();
  const auto deadline = std::chrono::steady_clock::now() + milliseconds(5000);
  while (std::chrono::steady_clock::now() < deadline) {
    ticker::v1::ListTickerItemsResponse listed;
    testing::HttpReply reply = Get("/api/v1/ticker", As(kEditorToken));
    if (reply.status == 200 && ParseJson(reply.body, &listed)) {
      std::vector<ticker::v1::TickerItem> items;
      bool seen = false;
      for (const ticker::v1::TickerItem& item : listed.items()) {
        seen = seen || item.text() == text;
        if (!absl::StartsWith(item.text(), kSentinelPrefix)) items.push_back(item);
      }
      if (seen) return items;
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  ADD_FAILURE() << "the ticker never showed the item pushed to settle it";
  return {};
}

std::string HostileE2e::PagePath(int64_t id) {
  testing::HttpReply moved = Get("/news/" + std::to_string(id));
  EXPECT_EQ(moved.status, 301) << moved.body;
  return moved.Header("Location");
}

}  // namespace akhbar::e2e
