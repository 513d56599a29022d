// The embedded OpenAPI document parses, and it and the router agree: every
// route is documented, and every documented operation is routed.
#include "services/gateway/openapi/openapi_document.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <string>

#include "services/gateway/router.h"

namespace akhbar::gateway {
namespace {

google::protobuf::Struct Document() {
  google::protobuf::Struct document;
  const std::string_view text = OpenApiDocument();
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(std::string(text), &document).ok());
  return document;
}

// The object at `key` of `value` (an empty one when there is none).
const google::protobuf::Struct& Field(const google::protobuf::Struct& value,
                                      const std::string& key) {
  auto it = value.fields().find(key);
  return it == value.fields().end() ? google::protobuf::Struct::default_instance()
                                    : it->second.struct_value();
}

http::verb VerbOf(const std::string& method) {
  if (method == "get") return http::verb::get;
  if (method == "post") return http::verb::post;
  if (method == "patch") return http::verb::patch;
  if (method == "delete") return http::verb::delete_;
  return http::verb::unknown;
}

// "/api/v1/articles/{id}:publish" → "/api/v1/articles/12:publish".
std::string Example(std::string path) {
  for (const auto& [name, value] : {std::pair<std::string, std::string>{"{id}", "12"},
                                    {"{slug}", "%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9"}}) {
    for (std::size_t at; (at = path.find(name)) != std::string::npos;)
      path.replace(at, name.size(), value);
  }
  return path;
}

TEST(OpenApiDocumentTest, IsOpenApi3WithBearerAuth) {
  const google::protobuf::Struct document = Document();
  EXPECT_EQ(document.fields().at("openapi").string_value(), "3.0.3");
  EXPECT_TRUE(document.fields()
                  .at("components")
                  .struct_value()
                  .fields()
                  .at("securitySchemes")
                  .struct_value()
                  .fields()
                  .contains("bearerAuth"));
}

TEST(OpenApiDocumentTest, EveryDocumentedOperationIsRouted) {
  const google::protobuf::Struct document = Document();
  int operations = 0;
  for (const auto& [path, item] : document.fields().at("paths").struct_value().fields()) {
    for (const auto& [method, operation] : item.struct_value().fields()) {
      const Route route = Match(VerbOf(method), Example(path));
      EXPECT_NE(route.id, RouteId::kNotFound) << method << " " << path;
      EXPECT_NE(route.id, RouteId::kMethodNotAllowed) << method << " " << path;
      ++operations;
    }
  }
  // One operation per route but the stylesheet and the script.
  EXPECT_EQ(operations, static_cast<int>(RouteId::kNotFound) - 2);
}

TEST(OpenApiDocumentTest, EveryRouteIsDocumented) {
  const google::protobuf::Struct document = Document();
  const auto& paths = document.fields().at("paths").struct_value().fields();
  for (int id = 0; id < static_cast<int>(RouteId::kNotFound); ++id) {
    const std::string name(RouteName(static_cast<RouteId>(id)));  // "GET /api/v1/…"
    const std::string path = name.substr(name.find(' ') + 1);
    if (path.starts_with("/static/")) continue;  // the page's own stylesheet and script
    std::string method = name.substr(0, name.find(' '));
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto it = paths.find(path);
    ASSERT_NE(it, paths.end()) << name << " is not in openapi.json";
    EXPECT_TRUE(it->second.struct_value().fields().contains(method)) << name;
  }
}

// Reads are open and every write needs a token, so clients and the lint see
// which calls send Authorization.
TEST(OpenApiDocumentTest, EveryWriteAndOnlyWritesNeedBearerAuth) {
  const google::protobuf::Struct document = Document();
  int writes = 0;
  for (const auto& [path, item] : Field(document, "paths").fields()) {
    for (const auto& [method, operation] : item.struct_value().fields()) {
      const auto& security = operation.struct_value().fields();
      const bool needs_token = security.contains("security") &&
                               security.at("security").list_value().values_size() == 1 &&
                               security.at("security")
                                   .list_value()
                                   .values(0)
                                   .struct_value()
                                   .fields()
                                   .contains("bearerAuth");
      EXPECT_EQ(needs_token, method != "get") << method << " " << path;
      writes += method != "get";
    }
  }
  EXPECT_EQ(writes, 9);
}

// Every JSON error a route documents has the one error body.
TEST(OpenApiDocumentTest, JsonErrorsUseTheErrorSchema) {
  const google::protobuf::Struct document = Document();
  const auto& shared = Field(Field(document, "components"), "responses");
  int errors = 0;
  for (const auto& [path, item] : Field(document, "paths").fields()) {
    for (const auto& [method, operation] : item.struct_value().fields()) {
      for (const auto& [status, answer] : Field(operation.struct_value(), "responses").fields()) {
        if (status < "400") continue;
        const google::protobuf::Struct* response = &answer.struct_value();
        if (response->fields().contains("$ref")) {
          const std::string ref = response->fields().at("$ref").string_value();
          response = &Field(shared, ref.substr(ref.rfind('/') + 1));
        }
        const auto& json = Field(Field(*response, "content"), "application/json");
        if (json.fields().empty()) continue;  // the pages answer their errors in HTML
        EXPECT_EQ(Field(json, "schema").fields().at("$ref").string_value(),
                  "#/components/schemas/Error")
            << method << " " << path << " " << status;
        ++errors;
      }
    }
  }
  EXPECT_GT(errors, 100);
}

// Edits of a thing that can no longer change (a taken-down article, a
// retracted or expired ticker item) answer 412, and a version clash 409.
TEST(OpenApiDocumentTest, EditsDocumentConflictsAndPreconditions) {
  const google::protobuf::Struct document = Document();
  for (const std::string path : {"/api/v1/articles/{id}", "/api/v1/ticker/{id}"}) {
    const auto& responses =
        Field(Field(Field(Field(document, "paths"), path), "patch"), "responses");
    for (const std::string status :
         {"200", "400", "401", "403", "404", "409", "412", "413", "415", "429", "503", "504"}) {
      EXPECT_TRUE(responses.fields().contains(status)) << "PATCH " << path << " " << status;
    }
  }
}

}  // namespace
}  // namespace akhbar::gateway
