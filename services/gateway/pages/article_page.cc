// The article page: the article in full, its tags, and «موضوعات متعلقة».
#include <algorithm>

#include "services/gateway/pages/arabic_date.h"
#include "services/gateway/pages/html.h"
#include "services/gateway/pages/layout.h"
#include "services/gateway/pages/pages.h"
#include "services/gateway/url.h"

namespace akhbar::gateway::pages {
namespace {

namespace v1 = article::v1;

void AppendImage(std::string& out, const v1::Image& image, std::string_view css_class) {
  if (!IsSafeUrl(image.url())) return;
  out += "<figure class=\"";
  out += css_class;
  out += "\"><img src=\"";
  AppendEscaped(out, image.url());
  out += "\" alt=\"";
  AppendEscaped(out, image.alt());
  out += "\" loading=\"lazy\">";
  if (!image.caption().empty() || !image.credit().empty()) {
    out += "<figcaption>";
    AppendEscaped(out, image.caption());
    if (!image.credit().empty()) {
      out += " <span class=\"credit\">";
      AppendEscaped(out, image.credit());
      out += "</span>";
    }
    out += "</figcaption>";
  }
  out += "</figure>";
}

void AppendBlock(std::string& out, const v1::Block& block) {
  switch (block.kind_case()) {
    case v1::Block::kParagraph:
      out += "<p>";
      AppendEscaped(out, block.paragraph().text());
      out += "</p>\n";
      break;
    case v1::Block::kHeading: {
      // The title is the page's only h1.
      const char* tag = block.heading().level() >= 3 ? "h3" : "h2";
      out += "<";
      out += tag;
      out += ">";
      AppendEscaped(out, block.heading().text());
      out += "</";
      out += tag;
      out += ">\n";
      break;
    }
    case v1::Block::kQuote:
      out += "<blockquote><p>";
      AppendEscaped(out, block.quote().text());
      out += "</p>";
      if (!block.quote().attribution().empty()) {
        out += "<footer>";
        AppendEscaped(out, block.quote().attribution());
        out += "</footer>";
      }
      out += "</blockquote>\n";
      break;
    case v1::Block::kImage:
      AppendImage(out, block.image(), "inline");
      out += "\n";
      break;
    case v1::Block::KIND_NOT_SET:
      break;
  }
}

void AppendTags(std::string& out, const v1::Article& article) {
  if (article.tags().empty()) return;
  out += "<ul class=\"tags\" aria-label=\"الوسوم\">";
  for (const v1::Tag& tag : article.tags()) {
    out += "<li><a href=\"/tag/";
    out += PercentEncode(tag.slug());
    out += "\">";
    AppendEscaped(out, tag.name());
    out += "</a></li>";
  }
  out += "</ul>\n";
}

void AppendRelated(std::string& out, const std::vector<related::v1::RelatedArticle>& related) {
  if (related.empty()) return;
  out += "<aside id=\"related\" class=\"related\"><h2>موضوعات متعلقة</h2><ul>";
  for (const related::v1::RelatedArticle& item : related) {
    AppendArticleItem(out, item.article_id(), item.slug(), item.title(), item.published_at());
  }
  out += "</ul></aside>\n";
}

}  // namespace

std::string RenderArticlePage(const Chrome& chrome, const v1::Article& article,
                              const std::vector<related::v1::RelatedArticle>& related) {
  std::string out;
  out.reserve(8192 + article.ByteSizeLong() * 2);
  BeginPage(out, chrome, article.title(), ArticlePath(article.id(), article.slug()));
  out += "<article class=\"article\">\n<p class=\"section-name\"><a href=\"/section/";
  out += PercentEncode(article.section());
  out += "\">";
  AppendEscaped(out, SectionName(chrome, article.section()));
  out += "</a></p>\n<h1>";
  AppendEscaped(out, article.title());
  out += "</h1>\n<p class=\"meta\">";
  AppendTime(out, article.published_at());
  if (!article.author().empty()) {
    out += " <span class=\"author\">";
    AppendEscaped(out, article.author());
    out += "</span>";
  }
  out += "</p>\n";
  if (!article.summary().empty()) {
    out += "<p class=\"summary\">";
    AppendEscaped(out, article.summary());
    out += "</p>\n";
  }
  if (article.has_image()) AppendImage(out, article.image(), "lead");
  out += "<div class=\"body\">\n";
  for (const v1::Block& block : article.body()) AppendBlock(out, block);
  out += "</div>\n";
  AppendTags(out, article);
  out += "</article>\n";
  AppendRelated(out, related);
  EndPage(out, chrome);
  return out;
}

}  // namespace akhbar::gateway::pages
