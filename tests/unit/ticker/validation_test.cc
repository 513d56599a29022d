#include "services/ticker/validation.h"

#include <gtest/gtest.h>

#include <string>

namespace akhbar::ticker {
namespace {

constexpr int64_t kNow = 1'800'000'000'000'000;
constexpr int64_t kHour = int64_t{3600} * 1'000'000;

struct LinkCase {
  const char* name;
  const char* url;
  const char* message_part;  // nullptr: valid
};

class TickerLinkTest : public ::testing::TestWithParam<LinkCase> {};

TEST_P(TickerLinkTest, AcceptsOrExplains) {
  pb::TickerItem item;
  item.set_url(GetParam().url);
  absl::Status status = ValidateLink(item);
  if (GetParam().message_part == nullptr) {
    EXPECT_TRUE(status.ok()) << status;
  } else {
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(status.message().find(GetParam().message_part), std::string::npos) << status;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Urls, TickerLinkTest,
    ::testing::Values(LinkCase{"HttpsWithQuery", "https://example.com/a?b=c", nullptr},
                      LinkCase{"UpperCaseScheme", "HTTP://example.com", nullptr},
                      LinkCase{"ArabicSitePath", "/اقتصاد/خبر", nullptr},
                      LinkCase{"SiteRoot", "/", nullptr},
                      LinkCase{"Javascript", "javascript:alert(1)", "javascript:"},
                      LinkCase{"MixedCaseJavascript", "JavaScript:alert(1)", "is not allowed"},
                      LinkCase{"Data", "data:text/html;base64,PGI+", "is not allowed"},
                      LinkCase{"Ftp", "ftp://files.example.com/x", "is not allowed"},
                      LinkCase{"ProtocolRelative", "//evil.example.com/x", "single /"},
                      LinkCase{"BackslashPath", "/\\evil.example.com", "is not allowed"},
                      LinkCase{"SchemeWithoutHost", "https://", "is not allowed"},
                      LinkCase{"EmptyHost", "https:///path", "is not allowed"},
                      LinkCase{"NoScheme", "example.com", "is not allowed"},
                      LinkCase{"EmptyMeansNone", "", nullptr},
                      LinkCase{"Space", "/a b", "without spaces"},
                      LinkCase{"Newline", "/a\nb", "without spaces"}),
    [](const ::testing::TestParamInfo<LinkCase>& param_info) { return param_info.param.name; });

TEST(TickerValidationTest, ArticleLinksArePositiveIds) {
  pb::TickerItem item;
  EXPECT_TRUE(ValidateLink(item).ok());  // no link at all
  item.set_article_id(12);
  EXPECT_TRUE(ValidateLink(item).ok());
  item.set_article_id(0);
  EXPECT_EQ(ValidateLink(item).code(), absl::StatusCode::kInvalidArgument);
  item.set_article_id(-1);
  EXPECT_EQ(ValidateLink(item).code(), absl::StatusCode::kInvalidArgument);
}

TEST(TickerValidationTest, TextRules) {
  std::string at_limit, over_limit;
  for (std::size_t i = 0; i < Limits::kTextMax; ++i) at_limit += "ع";
  over_limit = at_limit + "ع";
  EXPECT_TRUE(ValidateText("text", at_limit, Limits::kTextMax, true).ok());
  absl::Status too_long = ValidateText("text", over_limit, Limits::kTextMax, true);
  EXPECT_EQ(too_long.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(too_long.message().find("281 characters long; the limit is 280"), std::string::npos)
      << too_long;
  EXPECT_NE(ValidateText("text", "", 280, true).message().find("text is required"),
            std::string::npos);
  EXPECT_TRUE(ValidateText("author", "", 120, false).ok());
  EXPECT_NE(ValidateText("text", "\xc3\x28", 280, true).message().find("not valid UTF-8"),
            std::string::npos);
  for (const char* control : {"a\tb", "a\nb", "a\x7f", "a\xc2\x85", "a\xe2\x80\xa8"}) {
    EXPECT_NE(ValidateText("text", control, 280, true).message().find("control characters"),
              std::string::npos)
        << control;
  }
}

TEST(TickerValidationTest, PriorityIsRequired) {
  EXPECT_EQ(ValidatePriority(pb::PRIORITY_UNSPECIFIED).message(),
            "priority is required: URGENT, IMPORTANT or NORMAL");
  EXPECT_EQ(ValidatePriority(9).code(), absl::StatusCode::kInvalidArgument);
  for (int priority : {pb::PRIORITY_URGENT, pb::PRIORITY_IMPORTANT, pb::PRIORITY_NORMAL}) {
    EXPECT_TRUE(ValidatePriority(priority).ok());
  }
}

TEST(TickerValidationTest, SectionsAreSlugsAndAtMostTwenty) {
  google::protobuf::RepeatedPtrField<std::string> sections;
  *sections.Add() = "عربي-ودولي";
  *sections.Add() = "اتحاد-العالم-الإسلامي";
  absl::StatusOr<std::vector<std::string>> slugs = NormalizeSections(sections);
  ASSERT_TRUE(slugs.ok()) << slugs.status();
  EXPECT_EQ(*slugs, (std::vector<std::string>{"اتحاد-العالم-الاسلامي", "عربي-ودولي"}));

  *sections.Add() = "not/a/slug";
  absl::Status bad = NormalizeSections(sections).status();
  EXPECT_NE(bad.message().find("sections[2]"), std::string::npos) << bad;
  EXPECT_NE(bad.message().find("not a section slug"), std::string::npos) << bad;

  google::protobuf::RepeatedPtrField<std::string> many;
  for (int i = 0; i < 21; ++i) *many.Add() = "s" + std::to_string(i);
  EXPECT_NE(NormalizeSections(many).status().message().find("at most 20 sections"),
            std::string::npos);
  EXPECT_TRUE(NormalizeSections({}).ok());
}

TEST(TickerValidationTest, ScheduleRules) {
  EXPECT_TRUE(ValidateSchedule(kNow, kNow + kHour, kNow).ok());
  EXPECT_TRUE(ValidateSchedule(kNow - kHour, kNow + kHour, kNow).ok());  // started earlier
  EXPECT_TRUE(ValidateSchedule(kNow, kNow + 7 * 24 * kHour, kNow).ok());
  EXPECT_EQ(ValidateSchedule(kNow, kNow, kNow).message(), "expires_at must be after starts_at");
  EXPECT_NE(
      ValidateSchedule(kNow, kNow + 7 * 24 * kHour + 1, kNow).message().find("at most 7 days"),
      std::string::npos);
  EXPECT_NE(ValidateSchedule(kNow - 2 * kHour, kNow - kHour, kNow).message().find("in the past"),
            std::string::npos);
}

TEST(TickerValidationTest, TimestampsMustBeValid) {
  google::protobuf::Timestamp t;
  t.set_seconds(1'800'000'000);
  t.set_nanos(999'999'999);
  absl::StatusOr<int64_t> micros = TimestampMicros("starts_at", t);
  ASSERT_TRUE(micros.ok());
  EXPECT_EQ(*micros, int64_t{1'800'000'000} * 1'000'000 + 999'999);
  t.set_nanos(-1);
  EXPECT_NE(
      TimestampMicros("starts_at", t).status().message().find("starts_at is not a valid time"),
      std::string::npos);
  t.set_nanos(0);
  t.set_seconds(int64_t{1} << 50);
  EXPECT_FALSE(TimestampMicros("expires_at", t).ok());
}

TEST(TickerValidationTest, ItemIds) {
  EXPECT_TRUE(IsItemId("0123456789abcdef"));
  EXPECT_FALSE(IsItemId("0123456789ABCDEF"));
  EXPECT_FALSE(IsItemId("0123456789abcde"));
  EXPECT_FALSE(IsItemId("0123456789abcdefa"));
  EXPECT_FALSE(IsItemId("' OR 1=1 --xxxxx"));
}

}  // namespace
}  // namespace akhbar::ticker
