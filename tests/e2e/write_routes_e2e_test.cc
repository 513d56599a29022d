// Every write the OpenAPI document lists, sent without a token, with a wrong
// one and with a reader's: refused each time (401, 401, 403) and nothing
// changes. The routes come from the running gateway's own /openapi.json, so a
// new write route is covered, or fails this test, the day it is documented.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "tests/e2e/hostile_fixture.h"

namespace akhbar::e2e {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

// A body for each write operation that an editor's token gets accepted
// (WriteRoutes.TheBodiesOfTheTableAreAcceptedFromAnEditor proves it), so that
// a refusal below can only be about the token. "" for none. Every text says
// «دخيل» (intruder), which must never show anywhere.
const std::map<std::string, std::string>& Bodies() {
  static const std::map<std::string, std::string> bodies = {
      {"createArticle",
       "{\"section\":\"politics\",\"title\":\"مقال دخيل\",\"body\":[{\"paragraph\":{\"text\":"
       "\"نص دخيل\"}}],\"status\":\"ARTICLE_STATUS_PUBLISHED\"}"},
      {"updateArticle", "{\"title\":\"عنوان دخيل\"}"},
      {"takedownArticle", "{\"reason\":\"سبب دخيل\"}"},
      {"publishArticle", "{}"},
      {"unpublishArticle", ""},
      {"importArticles",
       "{\"externalId\":\"intruder-1\",\"section\":\"politics\",\"title\":\"مستورد دخيل\","
       "\"body\":\"نص دخيل\"}\n"},
      {"pushTickerItem", "{\"text\":\"خبر دخيل\",\"priority\":\"PRIORITY_URGENT\"}"},
      {"updateTickerItem", "{\"text\":\"تغيير دخيل\"}"},
      {"retractTickerItem", ""},
  };
  return bodies;
}

struct Operation {
  std::string id;      // operationId
  std::string method;  // upper case
  std::string path;    // with {placeholders}
  std::vector<std::string> path_params;
  bool sends_if_match = false;
  std::string content_type;  // of the request body, "" for none
};

// A parameter, following "$ref" into components.parameters.
const Struct& Resolve(const Struct& document, const Struct& parameter) {
  auto ref = parameter.fields().find("$ref");
  if (ref == parameter.fields().end()) return parameter;
  const std::string name =
      ref->second.string_value().substr(ref->second.string_value().rfind('/') + 1);
  return document.fields()
      .at("components")
      .struct_value()
      .fields()
      .at("parameters")
      .struct_value()
      .fields()
      .at(name)
      .struct_value();
}

std::string Field(const Struct& object, const std::string& name) {
  auto it = object.fields().find(name);
  return it == object.fields().end() ? "" : it->second.string_value();
}

std::vector<Operation> WriteOperations(const Struct& document) {
  std::vector<Operation> operations;
  for (const auto& [path, item] : document.fields().at("paths").struct_value().fields()) {
    for (const auto& [method, value] : item.struct_value().fields()) {
      if (method != "post" && method != "put" && method != "patch" && method != "delete") continue;
      const Struct& spec = value.struct_value();
      Operation operation;
      operation.id = Field(spec, "operationId");
      operation.method = absl::AsciiStrToUpper(method);
      operation.path = path;
      auto parameters = spec.fields().find("parameters");
      if (parameters != spec.fields().end()) {
        for (const Value& entry : parameters->second.list_value().values()) {
          const Struct& parameter = Resolve(document, entry.struct_value());
          const std::string where = Field(parameter, "in"), name = Field(parameter, "name");
          if (where == "path") operation.path_params.push_back(name);
          if (where == "header" && name == "If-Match") operation.sends_if_match = true;
          const auto required = parameter.fields().find("required");
          const bool is_required =
              required != parameter.fields().end() && required->second.bool_value();
          EXPECT_TRUE(!is_required || where == "path")
              << operation.id << " requires " << where << " parameter " << name
              << ", which this test does not know how to send";
        }
      }
      auto body = spec.fields().find("requestBody");
      if (body != spec.fields().end()) {
        const auto& content = body->second.struct_value().fields().at("content").struct_value();
        if (!content.fields().empty()) operation.content_type = content.fields().begin()->first;
      }
      operations.push_back(std::move(operation));
    }
  }
  return operations;
}

class WriteRoutes : public HostileE2e {
 protected:
  std::vector<Operation> Documented() {
    testing::HttpReply reply = Get("/openapi.json");
    EXPECT_EQ(reply.status, 200);
    Struct document;
    EXPECT_TRUE(ParseJson(reply.body, &document)) << "/openapi.json is not JSON";
    if (!document.fields().contains("paths")) {
      ADD_FAILURE() << "/openapi.json has no paths";
      return {};
    }
    std::vector<Operation> operations = WriteOperations(document);
    std::set<std::string> documented;
    for (const Operation& operation : operations) {
      documented.insert(operation.id);
      EXPECT_TRUE(Bodies().contains(operation.id))
          << operation.method << " " << operation.path << " (" << operation.id
          << ") is a write with no body in this test's table: add one, so that the route's "
             "refusal of intruders is checked";
    }
    for (const auto& [id, body] : Bodies()) {
      EXPECT_TRUE(documented.contains(id)) << id << " is in the table but not in /openapi.json";
    }
    return operations;
  }

  // The request for `operation` on the given article and ticker item.
  struct Request {
    std::string target, body;
    Headers headers;
  };
  Request For(const Operation& operation, const article::v1::Article& article,
              const ticker::v1::TickerItem& item) {
    const bool on_ticker = absl::StartsWith(operation.path, "/api/v1/ticker");
    Request request;
    request.target = operation.path;
    if (Bodies().contains(operation.id)) request.body = Bodies().at(operation.id);
    for (const std::string& name : operation.path_params) {
      EXPECT_EQ(name, "id") << operation.id << ": no value for path parameter " << name;
      request.target = absl::StrReplaceAll(
          request.target,
          {{"{" + name + "}", on_ticker ? item.id() : std::to_string(article.id())}});
    }
    if (operation.sends_if_match) {
      request.headers["If-Match"] =
          "\"v" + std::to_string(on_ticker ? item.version() : article.version()) + "\"";
    }
    if (!operation.content_type.empty()) request.headers["Content-Type"] = operation.content_type;
    return request;
  }
};

TEST_F(WriteRoutes, EveryDocumentedWriteRefusesNoWrongOrReaderTokenAndChangesNothing) {
  const article::v1::Article article = CreateArticle(Simple("مقال محمي"));
  ticker::v1::TickerItem guarded;
  guarded.set_text("خبر محمي");
  guarded.set_priority(ticker::v1::PRIORITY_IMPORTANT);
  const ticker::v1::TickerItem item = PushTicker(guarded);
  const std::vector<Operation> operations = Documented();
  ASSERT_GE(operations.size(), Bodies().size());

  const int64_t count_before = ArticleCount();
  const std::string published_before = Get("/api/v1/articles?pageSize=1").body;
  const std::vector<ticker::v1::TickerItem> ticker_before = SettledTicker();

  struct Intruder {
    std::optional<std::string> authorization;
    int status;
    std::string code;
  };
  std::vector<Intruder> intruders = {
      {std::nullopt, 401, "UNAUTHENTICATED"},
      {std::string("Bearer ") + kReaderToken, 403, "PERMISSION_DENIED"},
  };
  for (const std::string& wrong : kWrongAuthorizations) {
    intruders.push_back({wrong, 401, "UNAUTHENTICATED"});
  }
  for (const Operation& operation : operations) {
    for (const Intruder& intruder : intruders) {
      Request request = For(operation, article, item);
      if (intruder.authorization) request.headers["Authorization"] = *intruder.authorization;
      testing::HttpReply reply =
          Send(operation.method, request.target, request.headers, request.body);
      const std::string who = intruder.authorization.value_or("no token");
      EXPECT_EQ(reply.status, intruder.status)
          << operation.method << " " << request.target << " with " << who << ": " << reply.body;
      EXPECT_EQ(ErrorCodeOf(reply.body), intruder.code)
          << operation.method << " " << request.target << " with " << who << ": " << reply.body;
    }
  }

  const article::v1::Article now = EditorGet(article.id());
  EXPECT_EQ(now.version(), article.version());
  EXPECT_EQ(now.title(), article.title());
  EXPECT_EQ(now.status(), article::v1::ARTICLE_STATUS_PUBLISHED);
  EXPECT_EQ(ArticleCount(), count_before);
  EXPECT_EQ(Get("/api/v1/articles?pageSize=1").body, published_before);
  const std::vector<ticker::v1::TickerItem> ticker_after = SettledTicker();
  ASSERT_EQ(ticker_after.size(), ticker_before.size());
  for (std::size_t i = 0; i < ticker_after.size(); ++i) {
    EXPECT_TRUE(
        google::protobuf::util::MessageDifferencer::Equals(ticker_after[i], ticker_before[i]))
        << ticker_after[i].DebugString() << " was " << ticker_before[i].DebugString();
  }
  EXPECT_FALSE(absl::StrContains(Get("/api/v1/ticker").body, "دخيل"));
}

TEST_F(WriteRoutes, TheBodiesOfTheTableAreAcceptedFromAnEditor) {
  // Without this, a body the gateway refuses as malformed would make the
  // refusals above prove nothing about tokens.
  int index = 0;
  for (const Operation& operation : Documented()) {
    const article::v1::Article article =
        CreateArticle(Simple("مقال رقم " + std::to_string(++index)));
    ticker::v1::TickerItem fresh;
    fresh.set_text("خبر رقم " + std::to_string(index));
    fresh.set_priority(ticker::v1::PRIORITY_NORMAL);
    const ticker::v1::TickerItem item = PushTicker(fresh);
    Request request = For(operation, article, item);
    request.headers["Authorization"] = std::string("Bearer ") + kEditorToken;
    testing::HttpReply reply =
        Send(operation.method, request.target, request.headers, request.body);
    EXPECT_TRUE(reply.status >= 200 && reply.status < 300)
        << operation.method << " " << request.target << " answered " << reply.status << " "
        << reply.body;
  }
}

TEST_F(WriteRoutes, AReaderTokenReadsWhatAnyoneReadsAndNoDrafts) {
  const article::v1::Article published = CreateArticle(Simple("مقال منشور للقراء"));
  article::v1::Article draft_input = Simple("مسودة لا يراها القراء");
  draft_input.set_status(article::v1::ARTICLE_STATUS_DRAFT);
  const article::v1::Article draft = CreateArticle(draft_input);
  const Headers reader = As(kReaderToken);
  const std::string published_path = "/api/v1/articles/" + std::to_string(published.id());
  const std::string draft_path = "/api/v1/articles/" + std::to_string(draft.id());

  testing::HttpReply read = Get(published_path, reader);
  EXPECT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.body, Get(published_path).body) << "a reader sees what anyone sees";
  EXPECT_EQ(Get(draft_path, reader).status, 404);
  EXPECT_EQ(Get(draft_path).status, 404);
  EXPECT_EQ(Get(draft_path, As(kEditorToken)).status, 200);  // the draft does exist
  const std::string list = "/api/v1/articles?section=politics";
  EXPECT_EQ(Get(list, reader).body, Get(list).body);
  EXPECT_FALSE(absl::StrContains(Get(list, reader).body, "مسودة"));
  EXPECT_EQ(Get(PagePath(published.id()), reader).status, 200);
}

}  // namespace
}  // namespace akhbar::e2e
