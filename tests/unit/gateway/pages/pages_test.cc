#include "services/gateway/pages/pages.h"

#include <gtest/gtest.h>

#include "services/gateway/pages/arabic_date.h"
#include "services/gateway/pages/html.h"

namespace akhbar::gateway::pages {
namespace {

constexpr char kPayload[] = "<script>alert(1)</script>";

class PagesTest : public ::testing::Test {
 protected:
  PagesTest() {
    site_ = {"نبأ الضاد", "الخبر كما هو", "د. سليم النقيب", "هالة الكردي"};
    chrome_.site = &site_;
    article::v1::Section politics;
    politics.set_slug("سياسة");
    politics.set_name("سياسة");
    chrome_.sections.push_back(politics);
    chrome_.ticker.push_back(Item("u", ticker::v1::PRIORITY_URGENT, "زلزال"));
    chrome_.ticker.push_back(Item("n", ticker::v1::PRIORITY_NORMAL, "طقس"));
    chrome_.ticker_section = "سياسة";
    article_.set_id(12);
    article_.set_slug("قمة-جدة");
    article_.set_section("سياسة");
    article_.set_title("قمة في جدة");
    article_.set_author("سامر");
    article_.mutable_published_at()->set_seconds(1796256000);  // 2026-12-03T00:00:00Z
    article_.add_body()->mutable_paragraph()->set_text("فقرة أولى");
    auto* heading = article_.add_body()->mutable_heading();
    heading->set_text("عنوان فرعي");
    heading->set_level(1);  // clamped: the title is the only h1
    auto* tag = article_.add_tags();
    tag->set_slug("منظمة-التعاون");
    tag->set_name("منظمة التعاون");
  }

  static ticker::v1::TickerItem Item(const std::string& id, ticker::v1::Priority priority,
                                     const std::string& text) {
    ticker::v1::TickerItem item;
    item.set_id(id);
    item.set_priority(priority);
    item.set_text(text);
    return item;
  }

  Site site_;
  Chrome chrome_;
  article::v1::Article article_;
};

TEST_F(PagesTest, AnArticlePageIsArabicRightToLeftWithItsMastheadTagsAndRelated) {
  related::v1::RelatedArticle related;
  related.set_article_id(7);
  related.set_slug("قمة-ثانية");
  related.set_title("قمة ثانية");
  const std::string html = RenderArticlePage(chrome_, article_, {related});
  EXPECT_NE(html.find("<html lang=\"ar\" dir=\"rtl\">"), std::string::npos);
  EXPECT_NE(html.find("نبأ الضاد"), std::string::npos);
  EXPECT_NE(html.find("رئيس مجلس الإدارة: د. سليم النقيب"), std::string::npos);
  EXPECT_NE(html.find("رئيس التحرير: هالة الكردي"), std::string::npos);
  EXPECT_NE(html.find("<h1>قمة في جدة</h1>"), std::string::npos);
  EXPECT_NE(html.find("<h2>عنوان فرعي</h2>"), std::string::npos);
  EXPECT_NE(html.find("3 ديسمبر 2026"), std::string::npos);
  EXPECT_NE(html.find("href=\"/tag/" + std::string("%D9%85")), std::string::npos);
  EXPECT_NE(html.find("موضوعات متعلقة"), std::string::npos);
  EXPECT_NE(html.find("href=\"" + ArticlePath(7, "قمة-ثانية") + "\""), std::string::npos);
  EXPECT_NE(html.find("rel=\"canonical\" href=\"" + ArticlePath(12, "قمة-جدة")), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos) << "no inline script";
  EXPECT_EQ(html.find("style="), std::string::npos) << "no inline style";
}

TEST_F(PagesTest, TheTickerStripPutsUrgentFirstAndNamesItsStream) {
  const std::string html = RenderHomePage(chrome_, {});
  const std::size_t urgent =
      html.find("<li data-id=\"u\" class=\"urgent\"><span class=\"badge\">عاجل</span>");
  const std::size_t normal = html.find("<li data-id=\"n\">");
  ASSERT_NE(urgent, std::string::npos) << html;
  ASSERT_NE(normal, std::string::npos);
  EXPECT_LT(urgent, normal);
  EXPECT_NE(html.find("data-section=\"سياسة\""), std::string::npos);
}

TEST_F(PagesTest, MarkupInAnyTextStaysText) {
  article_.set_title(kPayload);
  article_.mutable_tags(0)->set_name(kPayload);
  article_.add_body()->mutable_quote()->set_attribution(kPayload);
  chrome_.ticker[0].set_text(kPayload);
  site_.name = kPayload;
  related::v1::RelatedArticle related;
  related.set_article_id(7);
  related.set_slug("\"><script>");
  related.set_title(kPayload);
  const std::string html = RenderArticlePage(chrome_, article_, {related});
  EXPECT_EQ(html.find("<script>alert"), std::string::npos) << html;
  EXPECT_EQ(html.find("\"><script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  std::string escaped;
  AppendEscaped(escaped, "a&b<c>d\"e'f");
  EXPECT_EQ(escaped, "a&amp;b&lt;c&gt;d&quot;e&#39;f");
}

TEST_F(PagesTest, OnlyWebAndSiteLinksBecomeImagesOrLinks) {
  article_.add_body()->mutable_image()->set_url("javascript:alert(1)");
  article_.add_body()->mutable_image()->set_url("data:text/html,x");
  article_.add_body()->mutable_image()->set_url("//evil.example/x.png");
  article_.add_body()->mutable_image()->set_url("/media/ok.jpg");
  chrome_.ticker[1].set_url("javascript:alert(2)");
  const std::string html = RenderArticlePage(chrome_, article_, {});
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
  EXPECT_EQ(html.find("data:text"), std::string::npos);
  EXPECT_EQ(html.find("evil.example"), std::string::npos);
  EXPECT_NE(html.find("<img src=\"/media/ok.jpg\""), std::string::npos);
  EXPECT_TRUE(IsSafeUrl("https://example.com/a.jpg"));
  EXPECT_FALSE(IsSafeUrl("/\\evil"));
}

TEST_F(PagesTest, ListingsLinkTheirArticlesAndTheNextPage) {
  std::vector<article::v1::Article> articles = {article_};
  article::v1::Section section = chrome_.sections[0];
  const std::string html = RenderSectionPage(chrome_, section, articles, "tok/+=");
  EXPECT_NE(html.find("<h1>سياسة</h1>"), std::string::npos);
  EXPECT_NE(html.find("href=\"" + ArticlePath(12, "قمة-جدة") + "\""), std::string::npos);
  EXPECT_NE(html.find("href=\"?pageToken=tok%2F%2B%3D\""), std::string::npos);
  EXPECT_EQ(RenderSectionPage(chrome_, section, articles, "").find("pageToken"), std::string::npos);
  const std::string error = RenderErrorPage(chrome_, 404, "لم نجد هذه الصفحة");
  EXPECT_NE(error.find("<h1>لم نجد هذه الصفحة</h1>"), std::string::npos);
}

TEST_F(PagesTest, ArticlePathsPercentEncodeArabicSlugs) {
  EXPECT_EQ(ArticlePath(5, "سياسة"), "/news/5/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9");
}

TEST_F(PagesTest, TheStylesheetPrintsTheArticleAndTheScriptNeverWritesMarkup) {
  const std::string css(SiteCss());
  EXPECT_NE(css.find("@media print"), std::string::npos);
  EXPECT_NE(css.find("direction: rtl"), std::string::npos);
  const std::string js(TickerJs());
  EXPECT_EQ(js.find("innerHTML"), std::string::npos);
  EXPECT_EQ(js.find("eval("), std::string::npos);
  EXPECT_NE(js.find("textContent"), std::string::npos);
  EXPECT_NE(js.find("EventSource"), std::string::npos);
}

TEST(ArabicDateTest, DatesReadInArabicAndIsoForMachines) {
  google::protobuf::Timestamp time;
  EXPECT_EQ(ArabicDate(time), "");
  time.set_seconds(1767225600);  // 2026-01-01T00:00:00Z
  EXPECT_EQ(ArabicDate(time), "1 يناير 2026");
  EXPECT_EQ(IsoTime(time), "2026-01-01T00:00:00Z");
}

}  // namespace
}  // namespace akhbar::gateway::pages
