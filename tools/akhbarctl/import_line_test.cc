#include "tools/akhbarctl/import_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <string>

#include "google/protobuf/util/time_util.h"
#include "libs/text/arabic.h"

namespace akhbar::ctl {
namespace {

namespace pb = akhbar::article::v1;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Message(const ParsedImportLine& parsed) { return std::string(parsed.status.message()); }

TEST(ImportLineTest, MapsEveryField) {
  ParsedImportLine parsed = ParseImportLine(R"({
      "externalId": "wafa-1001", "section": "politics", "title": "قمة منظمة التعاون الإسلامي",
      "summary": "ملخص", "body": ["الفقرة الأولى", "الفقرة الثانية"],
      "tags": ["منظمة التعاون الإسلامي", "السعودية"], "author": "مراسلنا",
      "publishedAt": "2024-05-01T09:30:00+03:00", "status": "DRAFT", "slug": "qimma",
      "image": {"url": "/media/a.jpg", "caption": "القمة", "alt": "قاعة", "credit": "واس"}})");
  ASSERT_TRUE(parsed.status.ok()) << parsed.status;
  const pb::ImportArticlesRequest& request = parsed.request;
  EXPECT_EQ(parsed.external_id, "wafa-1001");
  EXPECT_EQ(request.external_id(), "wafa-1001");
  EXPECT_EQ(request.section(), "politics");
  EXPECT_EQ(request.title(), "قمة منظمة التعاون الإسلامي");
  EXPECT_EQ(request.summary(), "ملخص");
  ASSERT_EQ(request.body_size(), 2);
  EXPECT_EQ(request.body(0).paragraph().text(), "الفقرة الأولى");
  EXPECT_EQ(request.body(1).paragraph().text(), "الفقرة الثانية");
  ASSERT_EQ(request.tags_size(), 2);
  EXPECT_EQ(request.tags(0), "منظمة التعاون الإسلامي");
  EXPECT_EQ(request.author(), "مراسلنا");
  EXPECT_EQ(request.status(), pb::ARTICLE_STATUS_DRAFT);
  EXPECT_EQ(request.slug(), "qimma");
  EXPECT_EQ(request.image().url(), "/media/a.jpg");
  EXPECT_EQ(request.image().caption(), "القمة");
  EXPECT_EQ(request.image().alt(), "قاعة");
  EXPECT_EQ(request.image().credit(), "واس");
}

TEST(ImportLineTest, BodyAsArraySkipsBlankParagraphs) {
  ParsedImportLine parsed =
      ParseImportLine(R"({"externalId": "a", "body": ["  أولى  ", "", "   ", "ثانية"]})");
  ASSERT_TRUE(parsed.status.ok()) << parsed.status;
  ASSERT_EQ(parsed.request.body_size(), 2);
  EXPECT_EQ(parsed.request.body(0).paragraph().text(), "أولى");
  EXPECT_EQ(parsed.request.body(1).paragraph().text(), "ثانية");
}

TEST(ImportLineTest, BodyAsStringSplitsOnNonBlankLines) {
  ParsedImportLine parsed = ParseImportLine(
      R"({"externalId": "a", "body": "الفقرة الأولى\n\n  \r\nالفقرة الثانية\r\n\nالثالثة\n"})");
  ASSERT_TRUE(parsed.status.ok()) << parsed.status;
  ASSERT_EQ(parsed.request.body_size(), 3);
  EXPECT_EQ(parsed.request.body(0).paragraph().text(), "الفقرة الأولى");
  EXPECT_EQ(parsed.request.body(1).paragraph().text(), "الفقرة الثانية");
  EXPECT_EQ(parsed.request.body(2).paragraph().text(), "الثالثة");
}

TEST(ImportLineTest, BodyOfWrongTypeFails) {
  EXPECT_THAT(Message(ParseImportLine(R"({"externalId": "a", "body": 7})")),
              HasSubstr("\"body\" must be an array of strings or a string, not a number"));
  EXPECT_THAT(Message(ParseImportLine(R"({"externalId": "a", "body": ["x", {"p": 1}]})")),
              HasSubstr("\"body[1]\" must be a string, not an object"));
}

TEST(ImportLineTest, MissingExternalIdFails) {
  ParsedImportLine parsed = ParseImportLine(R"({"title": "عنوان"})");
  EXPECT_EQ(parsed.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(parsed), HasSubstr("\"externalId\" is required"));
  EXPECT_THAT(Message(ParseImportLine(R"({"externalId": "  "})")),
              HasSubstr("\"externalId\" is required"));
  EXPECT_THAT(Message(ParseImportLine(R"({"externalId": null})")),
              HasSubstr("\"externalId\" is required"));
}

TEST(ImportLineTest, ExternalIdOfWrongTypeIsReportedOnce) {
  std::string message = Message(ParseImportLine(R"({"externalId": 42})"));
  EXPECT_THAT(message, HasSubstr("\"externalId\" must be a string, not a number"));
  EXPECT_THAT(message, Not(HasSubstr("required")));
}

TEST(ImportLineTest, WrongTypeForTagsFails) {
  ParsedImportLine parsed = ParseImportLine(R"({"externalId": "x-7", "tags": "سياسة"})");
  EXPECT_FALSE(parsed.status.ok());
  EXPECT_THAT(Message(parsed), HasSubstr("\"tags\" must be an array of strings, not a string"));
  // The failure can still name the article.
  EXPECT_EQ(parsed.external_id, "x-7");
  EXPECT_THAT(Message(ParseImportLine(R"({"externalId": "a", "tags": ["ok", 3, ""]})")),
              HasSubstr("\"tags[1]\" must be a string, not a number; \"tags[2]\" is empty"));
}

TEST(ImportLineTest, UnknownFieldFailsWithSuggestion) {
  ParsedImportLine parsed = ParseImportLine(R"({"externalId": "a", "titel": "عنوان"})");
  EXPECT_FALSE(parsed.status.ok());
  EXPECT_THAT(Message(parsed), HasSubstr("unknown field \"titel\" (did you mean \"title\"?)"));
  EXPECT_THAT(Message(ParseImportLine(R"({"external_id": "a"})")),
              HasSubstr("unknown field \"external_id\" (did you mean \"externalId\"?)"));
  EXPECT_THAT(Message(ParseImportLine(R"({"externalId": "a", "zzzzzz": 1})")),
              HasSubstr("unknown field \"zzzzzz\""));
  EXPECT_THAT(Message(ParseImportLine(R"({"externalId": "a", "zzzzzz": 1})")),
              Not(HasSubstr("did you mean")));
  EXPECT_THAT(Message(ParseImportLine(
                  R"({"externalId": "a", "image": {"url": "/m.jpg", "captoin": "x"}})")),
              HasSubstr("unknown field \"image.captoin\" (did you mean \"image.caption\"?)"));
}

// Found by tests/fuzz (import_line). The gateway parses an import before it
// asks for a token, and a misspelling used to be looked for with a matrix row
// per byte of every unknown key, for each field name: an 8 MB key cost more
// than a gigabyte per field name, and seconds.
TEST(ImportLineTest, HugeUnknownKeyCostsNoMoreThanTheLine) {
  const std::string key(8 << 20, 'k');
  const std::string line = R"({"externalId": "a", ")" + key + R"(": 1})";
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  ParsedImportLine parsed = ParseImportLine(line);
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  EXPECT_THAT(Message(parsed), HasSubstr("unknown field"));
  EXPECT_THAT(Message(parsed), Not(HasSubstr("did you mean")));
  EXPECT_LT(Message(parsed).size(), 200u) << "the answer quotes only the key's beginning";
  // The line's own copies (parsed, the key) are tens of MB.
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 256 * 1024) << "KB more at peak";
}

TEST(ImportLineTest, ALongUnknownKeyIsShownCutOnACharacterBoundary) {
  std::string key;
  for (int i = 0; i < 30; ++i) key += "حقل";  // 6 bytes each
  ParsedImportLine parsed = ParseImportLine(R"({"externalId": "a", ")" + key + R"(": 1})");
  const std::string message = Message(parsed);
  EXPECT_THAT(message, HasSubstr("unknown field \"حقلحقلحقلحقلحقلحقل"));
  EXPECT_THAT(message, HasSubstr("…"));
  EXPECT_EQ(message.find(key), std::string::npos);
  EXPECT_TRUE(text::IsValidUtf8(message)) << message;
}

TEST(ImportLineTest, InvalidJsonFails) {
  for (const char* line : {R"({"externalId": "a",)", R"({"externalId": "a"} trailing)",
                           R"({"externalId": "\ud800"})"}) {
    ParsedImportLine parsed = ParseImportLine(line);
    EXPECT_EQ(parsed.status.code(), absl::StatusCode::kInvalidArgument) << line;
    EXPECT_THAT(Message(parsed), HasSubstr("invalid JSON: ")) << line;
    // Protobuf's multi-line message (input and caret) is cut to its first line.
    EXPECT_THAT(Message(parsed), Not(HasSubstr("\n"))) << line;
    EXPECT_THAT(Message(parsed), Not(HasSubstr("^"))) << line;
  }
}

TEST(ImportLineTest, LineThatIsNotAnObjectFails) {
  for (const char* line : {"not json", R"(["a", "b"])", "42", R"("text")"}) {
    EXPECT_EQ(Message(ParseImportLine(line)), "the line is not a JSON object") << line;
  }
}

TEST(ImportLineTest, InvalidUtf8Fails) {
  std::string line = "{\"externalId\": \"a\", \"title\": \"\xD8\"}";
  EXPECT_THAT(Message(ParseImportLine(line)), HasSubstr("not valid UTF-8"));
}

TEST(ImportLineTest, PublishedAtAcceptsRfc3339WithOffset) {
  ParsedImportLine parsed =
      ParseImportLine(R"({"externalId": "a", "publishedAt": "2024-05-01T09:30:00+03:00"})");
  ASSERT_TRUE(parsed.status.ok()) << parsed.status;
  ASSERT_TRUE(parsed.request.has_published_at());
  EXPECT_EQ(google::protobuf::util::TimeUtil::ToString(parsed.request.published_at()),
            "2024-05-01T06:30:00Z");

  parsed = ParseImportLine(R"({"externalId": "a", "publishedAt": "2024-05-01T06:30:00.250Z"})");
  ASSERT_TRUE(parsed.status.ok()) << parsed.status;
  EXPECT_EQ(parsed.request.published_at().nanos(), 250'000'000);

  parsed = ParseImportLine(R"({"externalId": "a"})");
  ASSERT_TRUE(parsed.status.ok());
  EXPECT_FALSE(parsed.request.has_published_at());
}

TEST(ImportLineTest, PublishedAtRejectsOtherFormats) {
  for (const char* value :
       {"2024-05-01", "2024-05-01 09:30:00", "yesterday", "2024-13-01T00:00:00Z"}) {
    std::string line = std::string(R"({"externalId": "a", "publishedAt": ")") + value + "\"}";
    EXPECT_THAT(Message(ParseImportLine(line)),
                HasSubstr("\"publishedAt\" is not an RFC 3339 time"))
        << value;
  }
  EXPECT_THAT(Message(ParseImportLine(R"({"externalId": "a", "publishedAt": 1714545000})")),
              HasSubstr("\"publishedAt\" must be a string, not a number"));
}

TEST(ImportLineTest, StatusValues) {
  auto status_of = [](const std::string& json_value) {
    return ParseImportLine(R"({"externalId": "a", "status": )" + json_value + "}");
  };
  EXPECT_EQ(ParseImportLine(R"({"externalId": "a"})").request.status(),
            pb::ARTICLE_STATUS_PUBLISHED);
  EXPECT_EQ(status_of("\"PUBLISHED\"").request.status(), pb::ARTICLE_STATUS_PUBLISHED);
  EXPECT_EQ(status_of("\"DRAFT\"").request.status(), pb::ARTICLE_STATUS_DRAFT);
  EXPECT_EQ(status_of("\"draft\"").request.status(), pb::ARTICLE_STATUS_DRAFT);
  EXPECT_TRUE(status_of("null").status.ok());
  EXPECT_EQ(status_of("null").request.status(), pb::ARTICLE_STATUS_PUBLISHED);
  EXPECT_THAT(Message(status_of("\"SCHEDULED\"")),
              HasSubstr("\"status\" must be \"PUBLISHED\" or \"DRAFT\", not \"SCHEDULED\""));
  EXPECT_THAT(Message(status_of("3")), HasSubstr("\"status\" must be a string, not a number"));
}

TEST(ImportLineTest, ImageNeedsAnObjectWithUrl) {
  EXPECT_THAT(Message(ParseImportLine(R"({"externalId": "a", "image": "/m.jpg"})")),
              HasSubstr("\"image\" must be an object, not a string"));
  EXPECT_THAT(Message(ParseImportLine(R"({"externalId": "a", "image": {"caption": "x"}})")),
              HasSubstr("\"image.url\" is required"));
}

TEST(ImportLineTest, ReportsEveryProblemAtOnce) {
  std::string message = Message(ParseImportLine(R"({"titel": "x", "tags": 1, "status": "LIVE"})"));
  EXPECT_THAT(message, HasSubstr("unknown field \"titel\""));
  EXPECT_THAT(message, HasSubstr("\"externalId\" is required"));
  EXPECT_THAT(message, HasSubstr("\"tags\" must be an array"));
  EXPECT_THAT(message, HasSubstr("\"status\" must be"));
}

TEST(ImportLineTest, BlankLines) {
  EXPECT_TRUE(IsBlankLine(""));
  EXPECT_TRUE(IsBlankLine("  \t\r"));
  EXPECT_FALSE(IsBlankLine(" {} "));
}

}  // namespace
}  // namespace akhbar::ctl
