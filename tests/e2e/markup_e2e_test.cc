// Markup in every text an editor (or an admin) can set — each string field
// of Article, its blocks, images and tags, of TickerItem, and a section's
// name — comes back as text on every page that shows it: /, the article's
// page, its section's and each tag's. Never live markup, never an attribute
// broken out of.
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/text/utf8.h"
#include "services/gateway/url.h"
#include "tests/e2e/hostile_fixture.h"

namespace akhbar::e2e {
namespace {

using gateway::PercentEncode;
using std::chrono::milliseconds;
using testing::HttpReply;

// Script, event handlers, attribute and element breakers, javascript: links.
const std::vector<std::string>& Payloads() {
  static const std::vector<std::string> payloads = {
      "<script>window.__pwned=1</script>",
      "<img src=x onerror=window.__pwned=2>",
      "\"><svg onload=window.__pwned=3>",
      "</title><script>window.__pwned=4</script>",
      "' onmouseover='window.__pwned=5' x='",
      "\" autofocus onfocus=\"window.__pwned=6\" x=\"",
      "<a href=\"javascript:window.__pwned=7\">رابط</a>",
      "<iframe src=\"javascript:alert(8)\"></iframe>",
  };
  return payloads;
}

// `label`, then payloads from the `first` on, as many as fit in `max`
// characters (the field's limit), so that every field carries several.
std::string Fill(const std::string& label, std::size_t first, std::size_t max) {
  std::string value = label;
  for (std::size_t k = 0; k < Payloads().size(); ++k) {
    const std::string& next = Payloads()[(first + k) % Payloads().size()];
    if (text::utf8::CodePointCount(value) + 1 + next.size() > max) break;
    value += " " + next;
  }
  return value;
}

// The page's escaping (pages/html.cc): & < > " ' as entities.
std::string Escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

class Markup : public HostileE2e {
 protected:
  // On `page` every payload is absent as markup, and each of `shown` is there
  // as text.
  void ExpectInert(const std::string& target, const std::vector<std::string>& shown) {
    HttpReply page = Get(target);
    ASSERT_EQ(page.status, 200) << target;
    for (const std::string& payload : Payloads()) {
      EXPECT_FALSE(absl::StrContains(page.body, payload)) << target << " has live " << payload;
    }
    for (const std::string& text : shown) {
      EXPECT_TRUE(absl::StrContains(page.body, Escaped(text)))
          << target << " does not show, escaped: " << text;
      if (Escaped(text) != text) {
        EXPECT_FALSE(absl::StrContains(page.body, text)) << target << " has unescaped: " << text;
      }
    }
    // The page's own script is its only one.
    std::size_t scripts = 0;
    for (std::size_t at = page.body.find("<script"); at != std::string::npos;
         at = page.body.find("<script", at + 1)) {
      ++scripts;
    }
    EXPECT_EQ(scripts, 1u) << target;
    EXPECT_EQ(page.Header("X-Content-Type-Options"), "nosniff") << target;
    EXPECT_TRUE(absl::StrContains(page.Header("Content-Security-Policy"), "script-src 'self'"))
        << target;
  }
};

TEST_F(Markup, EveryEditableTextIsEscapedOnEveryPageThatShowsIt) {
  const std::string section_name = Fill("قسم", 4, 60);
  ASSERT_TRUE(stack_.CreateSection("xss", section_name));

  article::v1::Article input;
  input.set_section("xss");
  input.set_status(article::v1::ARTICLE_STATUS_PUBLISHED);
  input.set_title(Fill("عنوان", 0, 200));
  input.set_summary(Fill("ملخص", 1, 600));
  input.set_author(Fill("كاتب", 2, 120));
  input.add_body()->mutable_paragraph()->set_text(Fill("فقرة", 3, 2000));
  auto* heading = input.add_body()->mutable_heading();
  heading->set_text(Fill("عنوان فرعي", 4, 300));
  heading->set_level(2);
  auto* quote = input.add_body()->mutable_quote();
  quote->set_text(Fill("اقتباس", 5, 2000));
  quote->set_attribution(Fill("قائل", 6, 300));
  auto fill_image = [](article::v1::Image* image, const std::string& url, std::size_t first) {
    image->set_url(url);
    image->set_caption(Fill("تعليق", first, 500));
    image->set_alt(Fill("وصف", first + 1, 500));
    image->set_credit(Fill("مصور", first + 2, 500));
  };
  // Site-relative links may hold anything but spaces and control characters.
  fill_image(input.add_body()->mutable_image(), "/media/a.jpg?\"><script>window.__pwned=9</script>",
             7);
  fill_image(input.mutable_image(), "/media/b.jpg?'onerror='window.__pwned=10'", 2);
  for (std::size_t i = 0; i < Payloads().size(); ++i) {
    input.add_tags()->set_name(absl::StrCat("وسم", i + 1, " ", Payloads()[i]));
  }
  const article::v1::Article article = CreateArticle(input);
  ASSERT_GT(article.id(), 0);
  ASSERT_EQ(article.tags_size(), input.tags_size());

  ticker::v1::TickerItem item;
  item.set_text(Fill("خبر", 3, 280));
  item.set_url("/x?'\"><svg/onload=window.__pwned=11>");
  item.set_author(Fill("محرر", 5, 120));
  item.set_priority(ticker::v1::PRIORITY_URGENT);
  const ticker::v1::TickerItem pushed = PushTicker(item);
  ASSERT_FALSE(pushed.id().empty());

  const std::string page = PagePath(article.id());
  // Pages are made fresh once the ticker's change has reached the gateway.
  const auto deadline = std::chrono::steady_clock::now() + milliseconds(3000);
  while (!absl::StrContains(Get("/").body, Escaped(item.text())) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }

  const std::vector<std::string> everywhere = {section_name, item.text(), item.url(),
                                               article.title()};
  ExpectInert("/", everywhere);
  ExpectInert("/section/xss", everywhere);
  std::vector<std::string> on_article = everywhere;
  for (const std::string& text :
       {input.summary(), input.author(), input.body(0).paragraph().text(),
        input.body(1).heading().text(), input.body(2).quote().text(),
        input.body(2).quote().attribution(), input.body(3).image().url(),
        input.body(3).image().caption(), input.body(3).image().alt(),
        input.body(3).image().credit(), input.image().url(), input.image().caption(),
        input.image().alt(), input.image().credit()}) {
    on_article.push_back(text);
  }
  for (const article::v1::Tag& tag : input.tags()) on_article.push_back(tag.name());
  ExpectInert(page, on_article);
  for (const article::v1::Tag& tag : article.tags()) {
    ExpectInert("/tag/" + PercentEncode(tag.slug()), {tag.name(), article.title(), item.text()});
  }
}

TEST_F(Markup, JavascriptAndOtherSchemesAreRefusedAsLinks) {
  const int64_t before = ArticleCount();
  for (const std::string url : {"javascript:window.__pwned=1", "JaVaScRiPt:alert(1)",
                                "data:text/html,<script>alert(1)</script>", "//evil.example/x",
                                "/\\evil.example/x", "vbscript:msgbox(1)"}) {
    article::v1::Article with_image = Simple("مقال بصورة");
    with_image.mutable_image()->set_url(url);
    HttpReply article = Send("POST", "/api/v1/articles", As(kEditorToken), Json(with_image));
    EXPECT_EQ(article.status, 400) << url << ": " << article.body;
    ticker::v1::TickerItem linked;
    linked.set_text("خبر برابط " + url);
    linked.set_url(url);
    HttpReply item = Send("POST", "/api/v1/ticker", As(kEditorToken), Json(linked));
    EXPECT_EQ(item.status, 400) << url << ": " << item.body;
  }
  EXPECT_EQ(ArticleCount(), before);
}

}  // namespace
}  // namespace akhbar::e2e
