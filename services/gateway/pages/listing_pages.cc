// The pages that list articles (home, section, tag) and the error page.
#include "services/gateway/pages/html.h"
#include "services/gateway/pages/layout.h"
#include "services/gateway/pages/pages.h"
#include "services/gateway/url.h"

namespace akhbar::gateway::pages {
namespace {

namespace v1 = article::v1;

void AppendArticleList(std::string& out, const std::vector<v1::Article>& articles) {
  if (articles.empty()) {
    out += "<p class=\"empty\">لا توجد أخبار بعد.</p>\n";
    return;
  }
  out += "<ul class=\"articles\">";
  for (const v1::Article& article : articles) {
    AppendArticleItem(out, article.id(), article.slug(), article.title(), article.published_at());
  }
  out += "</ul>\n";
}

void AppendMoreLink(std::string& out, std::string_view next_page_token) {
  if (next_page_token.empty()) return;
  out += "<p class=\"more\"><a rel=\"next\" href=\"?pageToken=";
  out += PercentEncode(next_page_token);
  out += "\">المزيد</a></p>\n";
}

std::string Listing(const Chrome& chrome, std::string_view heading, std::string_view canonical,
                    const std::vector<v1::Article>& articles, std::string_view next_page_token) {
  std::string out;
  out.reserve(8192 + articles.size() * 256);
  BeginPage(out, chrome, heading, canonical);
  out += "<h1>";
  AppendEscaped(out, heading);
  out += "</h1>\n";
  AppendArticleList(out, articles);
  AppendMoreLink(out, next_page_token);
  EndPage(out, chrome);
  return out;
}

// A reader never meets an empty error page, nor one in English.
std::string_view DefaultErrorMessage(unsigned status) {
  switch (status) {
    case 404:
      return "لم نجد هذه الصفحة";
    case 410:
      return "لم تعد هذه الصفحة متاحة";
    case 429:
      return "طلبات كثيرة في وقت قصير، حاول بعد قليل";
    default:
      return status >= 500 ? "تعذر عرض الصفحة الآن، حاول بعد قليل" : "تعذر فتح هذه الصفحة";
  }
}

}  // namespace

std::string RenderHomePage(const Chrome& chrome, const std::vector<SectionBlock>& latest) {
  std::string out;
  out.reserve(16384);
  BeginPage(out, chrome, "", "/");
  for (const SectionBlock& block : latest) {
    out += "<section class=\"block\"><h2><a href=\"/section/";
    out += PercentEncode(block.section.slug());
    out += "\">";
    AppendEscaped(out, block.section.name());
    out += "</a></h2>\n";
    AppendArticleList(out, block.articles);
    out += "</section>\n";
  }
  if (latest.empty()) out += "<p class=\"empty\">لا توجد أخبار بعد.</p>\n";
  EndPage(out, chrome);
  return out;
}

std::string RenderSectionPage(const Chrome& chrome, const v1::Section& section,
                              const std::vector<v1::Article>& articles,
                              std::string_view next_page_token) {
  return Listing(chrome, section.name(), "/section/" + PercentEncode(section.slug()), articles,
                 next_page_token);
}

std::string RenderTagPage(const Chrome& chrome, const v1::Tag& tag,
                          const std::vector<v1::Article>& articles,
                          std::string_view next_page_token) {
  return Listing(chrome, tag.name(), "/tag/" + PercentEncode(tag.slug()), articles,
                 next_page_token);
}

std::string RenderErrorPage(const Chrome& chrome, unsigned status, std::string_view message) {
  if (message.empty()) message = DefaultErrorMessage(status);
  std::string out;
  out.reserve(8192);
  BeginPage(out, chrome, message);
  out += "<h1>";
  AppendEscaped(out, message);
  out += "</h1>\n<p class=\"status\">" + std::to_string(status) +
         "</p>\n<p><a href=\"/\">إلى الصفحة الرئيسية</a></p>\n";
  EndPage(out, chrome);
  return out;
}

}  // namespace akhbar::gateway::pages
