#include "services/article/validation.h"

#include <gtest/gtest.h>

#include <string>

namespace akhbar::article {
namespace {

pb::Article ValidArticle() {
  pb::Article article;
  article.set_section("سياسة");
  article.set_title("قمة منظمة التعاون الإسلامي تختتم أعمالها");
  article.set_summary("ملخص قصير");
  article.add_body()->mutable_paragraph()->set_text("فقرة أولى.");
  return article;
}

struct Case {
  const char* name;
  void (*mutate)(pb::Article&);
  const char* message_part;  // nullptr: valid
};

class ValidateArticleTest : public ::testing::TestWithParam<Case> {};

TEST_P(ValidateArticleTest, AcceptsOrExplains) {
  pb::Article article = ValidArticle();
  GetParam().mutate(article);
  absl::Status status = ValidateArticle(article, {});
  if (GetParam().message_part == nullptr) {
    EXPECT_TRUE(status.ok()) << status;
  } else {
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(status.message().find(GetParam().message_part), std::string::npos) << status;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rules, ValidateArticleTest,
    ::testing::Values(
        Case{"valid", [](pb::Article&) {}, nullptr},
        Case{"empty_title", [](pb::Article& a) { a.set_title("  "); }, "title is required"},
        Case{"long_title", [](pb::Article& a) { a.set_title(std::string(201, 'x')); },
             "the limit is 200"},
        Case{"title_counts_code_points_not_bytes",
             [](pb::Article& a) {
               std::string title;
               for (int i = 0; i < 200; ++i) title += "ع";  // 400 bytes, 200 letters
               a.set_title(title);
             },
             nullptr},
        Case{"invalid_utf8", [](pb::Article& a) { a.set_title("\xc3\x28"); }, "not valid UTF-8"},
        Case{"control_character", [](pb::Article& a) { a.set_summary("a\x01z"); },
             "control characters"},
        Case{"no_section", [](pb::Article& a) { a.clear_section(); }, "section is required"},
        Case{"bad_slug", [](pb::Article& a) { a.set_slug("../etc"); }, "is not valid"},
        Case{"empty_block", [](pb::Article& a) { a.add_body(); }, "body[1] is empty"},
        Case{"heading_level_one",
             [](pb::Article& a) { a.add_body()->mutable_heading()->set_text("x"); },
             "level must be 2 or 3"},
        Case{"javascript_image",
             [](pb::Article& a) { a.mutable_image()->set_url("javascript:alert(1)"); },
             "must start with https://"},
        Case{"protocol_relative_image",
             [](pb::Article& a) { a.mutable_image()->set_url("//evil.example/x.png"); },
             "must start with https://"},
        Case{"site_relative_image",
             [](pb::Article& a) { a.mutable_image()->set_url("/media/a.jpg"); }, nullptr},
        Case{"too_many_tags",
             [](pb::Article& a) {
               for (int i = 0; i < 21; ++i) a.add_tags()->set_name("وسم" + std::to_string(i));
             },
             "at most 20 tags"},
        Case{"body_too_large",
             [](pb::Article& a) {
               for (int i = 0; i < 30; ++i) {
                 a.add_body()->mutable_paragraph()->set_text(std::string(8000, 'x'));
               }
             },
             "body text is"}),
    [](const ::testing::TestParamInfo<Case>& param_info) {
      return std::string(param_info.param.name);
    });

TEST(ValidateArticle, ChecksOnlyTheNamedFields) {
  pb::Article article;
  article.set_summary("ملخص");
  EXPECT_TRUE(ValidateArticle(article, {"summary"}).ok());
  EXPECT_FALSE(ValidateArticle(article, {"summary", "title"}).ok());
}

TEST(ToTagInputs, MergesSpellingsOfOneIdentityKeepingTheFirst) {
  absl::StatusOr<std::vector<TagInput>> tags =
      ToTagInputs({"منظمة التعاون الإسلامي", "منظمة التعاون الاسلامي", " اقتصاد "});
  ASSERT_TRUE(tags.ok()) << tags.status();
  ASSERT_EQ(tags->size(), 2u);
  EXPECT_EQ((*tags)[0].name, "منظمة التعاون الإسلامي");
  EXPECT_EQ((*tags)[0].identity_key, "منظمة التعاون الاسلامي");
  EXPECT_EQ((*tags)[1].name, "اقتصاد");
}

TEST(ToTagInputs, KeepsAlaAndAliDistinct) {
  absl::StatusOr<std::vector<TagInput>> tags = ToTagInputs({"على", "علي"});
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(tags->size(), 2u);
}

TEST(ToTagInputs, RefusesPunctuationOnly) {
  absl::StatusOr<std::vector<TagInput>> tags = ToTagInputs({"؟!"});
  EXPECT_EQ(tags.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ValidateLink, AcceptsWebAndSiteRelativeOnly) {
  EXPECT_TRUE(ValidateLink("url", "https://example.com/a").ok());
  EXPECT_TRUE(ValidateLink("url", "http://example.com").ok());
  EXPECT_TRUE(ValidateLink("url", "/news/1").ok());
  for (const char* bad : {"ftp://x", "data:text/html,x", "javascript:x", "//x", "/\\x", "https://",
                          "relative/path", "/a b"}) {
    EXPECT_FALSE(ValidateLink("url", bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace akhbar::article
