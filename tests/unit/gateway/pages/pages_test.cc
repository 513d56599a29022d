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
  EXPECT_NE(html.find("<time datetime=\"2026-12-03T00:00:00Z\">3 ديسمبر 2026</time>"),
            std::string::npos);
  EXPECT_NE(html.find("href=\"/tag/" + std::string("%D9%85")), std::string::npos);
  EXPECT_NE(html.find("موضوعات متعلقة"), std::string::npos);
  EXPECT_NE(html.find("href=\"" + ArticlePath(7, "قمة-ثانية") + "\""), std::string::npos);
  EXPECT_NE(html.find("rel=\"canonical\" href=\"" + ArticlePath(12, "قمة-جدة")), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos) << "no inline script";
  EXPECT_EQ(html.find("style="), std::string::npos) << "no inline style";
}

TEST_F(PagesTest, BodyBlocksKeepTheirShape) {
  auto* deep = article_.add_body()->mutable_heading();
  deep->set_text("تفاصيل");
  deep->set_level(5);  // clamped to h3
  auto* quote = article_.add_body()->mutable_quote();
  quote->set_text("لا تراجع");
  quote->set_attribution("الوزير");
  auto* image = article_.add_body()->mutable_image();
  image->set_url("https://img.example/a.jpg");
  image->set_alt("الوفود");
  image->set_caption("صورة الوفود");
  const std::string html = RenderArticlePage(chrome_, article_, {});
  EXPECT_NE(html.find("<h3>تفاصيل</h3>"), std::string::npos);
  EXPECT_NE(html.find("<blockquote><p>لا تراجع</p><footer>الوزير</footer></blockquote>"),
            std::string::npos);
  EXPECT_NE(
      html.find("<figure class=\"inline\"><img src=\"https://img.example/a.jpg\" alt=\"الوفود\""),
      std::string::npos);
  EXPECT_NE(html.find("<figcaption>صورة الوفود</figcaption>"), std::string::npos);
  EXPECT_NE(html.find("<p class=\"section-name\"><a href=\"/section/%D8%B3"), std::string::npos);
  EXPECT_EQ(html.find("id=\"related\""), std::string::npos) << "no empty related box";
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
  EXPECT_EQ(html.find("<li data-id=\"n\" class=\"urgent\""), std::string::npos);
}

TEST_F(PagesTest, TickerItemsLinkToTheirArticleOrASafeUrl) {
  chrome_.ticker[0].set_article_id(7);
  chrome_.ticker[1].set_priority(ticker::v1::PRIORITY_IMPORTANT);
  chrome_.ticker[1].set_url("/live");
  chrome_.ticker_section = "\"><script>";
  const std::string html = RenderHomePage(chrome_, {});
  EXPECT_NE(html.find("<a href=\"/news/7\">زلزال</a>"), std::string::npos) << html;
  EXPECT_NE(html.find("<li data-id=\"n\" class=\"important\"><a href=\"/live\">طقس</a>"),
            std::string::npos);
  EXPECT_NE(html.find("data-section=\"&quot;&gt;&lt;script&gt;\""), std::string::npos);
  EXPECT_EQ(html.find("\"><script>"), std::string::npos);
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
  EXPECT_TRUE(IsSafeUrl("/media/صورة 1.jpg"));
  EXPECT_FALSE(IsSafeUrl("/\\evil"));
  EXPECT_FALSE(IsSafeUrl(""));
  EXPECT_FALSE(IsSafeUrl("JavaScript:alert(1)"));
  EXPECT_FALSE(IsSafeUrl(" javascript:alert(1)"));
  // Browsers drop tabs and newlines, which would make these "//evil".
  EXPECT_FALSE(IsSafeUrl("/\n/evil.example/x.png"));
  EXPECT_FALSE(IsSafeUrl("/\t/evil.example/x.png"));
  EXPECT_FALSE(IsSafeUrl("https://ok.example/\r"));
}

TEST_F(PagesTest, ListingsLinkTheirArticlesAndTheNextPage) {
  std::vector<article::v1::Article> articles = {article_};
  article::v1::Section section = chrome_.sections[0];
  const std::string html = RenderSectionPage(chrome_, section, articles, "tok/+=");
  EXPECT_NE(html.find("<h1>سياسة</h1>"), std::string::npos);
  EXPECT_NE(html.find("href=\"" + ArticlePath(12, "قمة-جدة") + "\""), std::string::npos);
  EXPECT_NE(html.find("href=\"?pageToken=tok%2F%2B%3D\""), std::string::npos);
  EXPECT_EQ(RenderSectionPage(chrome_, section, articles, "").find("pageToken"), std::string::npos);
}

TEST_F(PagesTest, TagAndHomePagesLinkTheirListsAndSections) {
  article::v1::Tag tag;
  tag.set_slug("منظمة-التعاون");
  tag.set_name(kPayload);
  const std::string tag_page = RenderTagPage(chrome_, tag, {article_}, "");
  EXPECT_NE(tag_page.find("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"), std::string::npos);
  EXPECT_EQ(tag_page.find(kPayload), std::string::npos);
  EXPECT_NE(tag_page.find("href=\"" + ArticlePath(12, "قمة-جدة") + "\""), std::string::npos);
  EXPECT_EQ(tag_page.find("pageToken"), std::string::npos);

  SectionBlock block;
  block.section = chrome_.sections[0];
  block.articles.push_back(article_);
  const std::string home = RenderHomePage(chrome_, {block});
  const std::size_t heading = home.find("<h2><a href=\"/section/%D8%B3");
  const std::size_t link = home.find("href=\"" + ArticlePath(12, "قمة-جدة") + "\"");
  ASSERT_NE(heading, std::string::npos) << home;
  ASSERT_NE(link, std::string::npos);
  EXPECT_LT(heading, link);
  EXPECT_LT(home.find("id=\"ticker\""), heading) << "the ticker comes before the sections";
}

TEST_F(PagesTest, ErrorPagesSpeakArabic) {
  const std::string error = RenderErrorPage(chrome_, 404, "لم نجد هذه الصفحة");
  EXPECT_NE(error.find("<h1>لم نجد هذه الصفحة</h1>"), std::string::npos);
  EXPECT_NE(error.find("<html lang=\"ar\" dir=\"rtl\">"), std::string::npos);
  EXPECT_NE(RenderErrorPage(chrome_, 404, "").find("<h1>لم نجد هذه الصفحة</h1>"),
            std::string::npos);
  EXPECT_NE(RenderErrorPage(chrome_, 503, "").find("<h1>تعذر عرض الصفحة الآن"), std::string::npos);
  EXPECT_NE(RenderErrorPage(chrome_, 500, kPayload).find("&lt;script&gt;"), std::string::npos);
}

TEST_F(PagesTest, ArticlePathsPercentEncodeArabicSlugs) {
  EXPECT_EQ(ArticlePath(5, "سياسة"), "/news/5/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9");
}

TEST_F(PagesTest, TheStylesheetPrintsTheArticleAndTheScriptNeverWritesMarkup) {
  const std::string css(SiteCss());
  EXPECT_NE(css.find("@media print"), std::string::npos);
  EXPECT_NE(css.find("direction: rtl"), std::string::npos);
  EXPECT_NE(css.find("max-width"), std::string::npos) << "a readable column on wide screens";
  EXPECT_NE(css.find(".urgent"), std::string::npos);
  const std::string js(TickerJs());
  for (const char* markup : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                             "eval(", "new Function"}) {
    EXPECT_EQ(js.find(markup), std::string::npos) << markup;
  }
  EXPECT_NE(js.find("textContent"), std::string::npos);
  EXPECT_NE(js.find("'/api/v1/ticker/stream?section=' + encodeURIComponent(strip.dataset.section"),
            std::string::npos)
      << "the stream URL is built from the strip's data-section";
  for (const char* event : {"'snapshot'", "'added'", "'updated'", "'removed'", "'expired'"}) {
    EXPECT_NE(js.find(event), std::string::npos) << event;
  }
}

TEST(ArabicDateTest, DatesReadInArabicAndIsoForMachines) {
  google::protobuf::Timestamp time;
  EXPECT_EQ(ArabicDate(time), "");
  std::string unset;
  AppendTime(unset, time);
  EXPECT_EQ(unset, "");
  time.set_seconds(1767225600);  // 2026-01-01T00:00:00Z
  EXPECT_EQ(ArabicDate(time), "1 يناير 2026");
  EXPECT_EQ(IsoTime(time), "2026-01-01T00:00:00Z");
  time.set_seconds(1798759799);  // 2026-12-31T23:29:59Z
  EXPECT_EQ(ArabicDate(time), "31 ديسمبر 2026");
  std::string element = "x";
  AppendTime(element, time);
  EXPECT_EQ(element, "x<time datetime=\"2026-12-31T23:29:59Z\">31 ديسمبر 2026</time>");
}

}  // namespace
}  // namespace akhbar::gateway::pages
