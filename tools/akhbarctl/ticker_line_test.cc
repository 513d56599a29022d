#include "tools/akhbarctl/ticker_line.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "google/protobuf/util/time_util.h"

namespace akhbar::ctl {
namespace {

namespace pb = akhbar::ticker::v1;
using google::protobuf::util::TimeUtil;

google::protobuf::Timestamp Now() { return TimeUtil::SecondsToTimestamp(1'800'000'000); }

TEST(TickerLineTest, ParsesTheSeedFormat) {
  ParsedTickerLine parsed = ParseTickerLine(
      R"({"text": "البنك المركزي يثبت سعر الفائدة", "priority": "URGENT", "sections": ["اقتصاد"],)"
      R"( "articleExternalId": "demo-019", "expiresInMinutes": 120})",
      Now());
  ASSERT_TRUE(parsed.status.ok()) << parsed.status;
  const pb::TickerItem& item = parsed.request.item();
  EXPECT_EQ(item.text(), "البنك المركزي يثبت سعر الفائدة");
  EXPECT_EQ(item.priority(), pb::PRIORITY_URGENT);
  ASSERT_EQ(item.sections_size(), 1);
  EXPECT_EQ(item.sections(0), "اقتصاد");
  EXPECT_EQ(parsed.article_external_id, "demo-019");
  EXPECT_EQ(item.link_case(), pb::TickerItem::LINK_NOT_SET);  // resolved by the caller
  EXPECT_FALSE(item.has_starts_at());
  EXPECT_EQ(item.expires_at().seconds(), 1'800'000'000 + 120 * 60);
}

TEST(TickerLineTest, EverySeedLineParses) {
  std::ifstream file(std::string(AKHBAR_SOURCE_DIR) + "/deploy/seed/ticker.jsonl");
  ASSERT_TRUE(file.good());
  std::string line;
  int lines = 0;
  while (std::getline(file, line)) {
    ParsedTickerLine parsed = ParseTickerLine(line, Now());
    EXPECT_TRUE(parsed.status.ok()) << parsed.status << "\n" << line;
    ++lines;
  }
  EXPECT_EQ(lines, 12);
}

TEST(TickerLineTest, OtherFields) {
  ParsedTickerLine parsed = ParseTickerLine(
      R"({"text": "t", "priority": "normal", "url": "/x", "startsAt": "2026-11-28T09:30:00+03:00",)"
      R"( "expiresAt": "2026-11-28T12:30:00Z", "author": "قسم الأخبار", "requestId": "r1"})",
      Now());
  ASSERT_TRUE(parsed.status.ok()) << parsed.status;
  EXPECT_EQ(parsed.request.item().url(), "/x");
  EXPECT_EQ(parsed.request.item().priority(), pb::PRIORITY_NORMAL);
  EXPECT_EQ(TimeUtil::ToString(parsed.request.item().starts_at()), "2026-11-28T06:30:00Z");
  EXPECT_EQ(parsed.request.item().author(), "قسم الأخبار");
  EXPECT_EQ(parsed.request.request_id(), "r1");

  parsed = ParseTickerLine(R"({"text": "t", "priority": "IMPORTANT", "articleId": 7})", Now());
  ASSERT_TRUE(parsed.status.ok()) << parsed.status;
  EXPECT_EQ(parsed.request.item().article_id(), 7);
}

TEST(TickerLineTest, ReportsEveryProblem) {
  ParsedTickerLine parsed = ParseTickerLine(
      R"({"txt": "t", "priority": "breaking", "articleId": 1.5, "url": "/x", "url2": 1})", Now());
  ASSERT_FALSE(parsed.status.ok());
  std::string message(parsed.status.message());
  for (const char* part :
       {"unknown field \"txt\"", "unknown field \"url2\"", "\"text\" is required",
        "\"priority\" must be URGENT, IMPORTANT or NORMAL",
        "\"articleId\" must be a whole number"}) {
    EXPECT_NE(message.find(part), std::string::npos) << part << " in " << message;
  }
  EXPECT_FALSE(ParseTickerLine("not json", Now()).status.ok());
  EXPECT_NE(ParseTickerLine(R"({"text":"t","priority":"URGENT","expiresAt":"2026-11-28T12:30:00Z",)"
                            R"("expiresInMinutes":5})",
                            Now())
                .status.message()
                .find("not both"),
            std::string::npos);
  EXPECT_NE(ParseTickerLine(R"({"text":"t","priority":"URGENT","articleId":3,"url":"/x"})", Now())
                .status.message()
                .find("give one of"),
            std::string::npos);
}

TEST(TickerLineTest, Priorities) {
  EXPECT_EQ(ParsePriority("urgent"), pb::PRIORITY_URGENT);
  EXPECT_EQ(ParsePriority("PRIORITY_IMPORTANT"), pb::PRIORITY_IMPORTANT);
  EXPECT_EQ(ParsePriority("Normal"), pb::PRIORITY_NORMAL);
  EXPECT_EQ(ParsePriority("unspecified"), std::nullopt);
  EXPECT_EQ(ParsePriority("عاجل"), std::nullopt);
}

}  // namespace
}  // namespace akhbar::ctl
