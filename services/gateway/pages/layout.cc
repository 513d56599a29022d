#include "services/gateway/pages/layout.h"

#include "services/gateway/pages/arabic_date.h"
#include "services/gateway/pages/html.h"
#include "services/gateway/url.h"

namespace akhbar::gateway::pages {
namespace {

void AppendMasthead(std::string& out, const Site& site) {
  out += "<header class=\"masthead\"><a class=\"site-name\" href=\"/\">";
  AppendEscaped(out, site.name);
  out += "</a><p class=\"tagline\">";
  AppendEscaped(out, site.tagline);
  out += "</p><p class=\"board\"><span>رئيس مجلس الإدارة: ";
  AppendEscaped(out, site.chairman);
  out += "</span> <span>رئيس التحرير: ";
  AppendEscaped(out, site.editor_in_chief);
  out += "</span></p></header>\n";
}

void AppendNavigation(std::string& out, const Chrome& chrome) {
  if (chrome.sections.empty()) return;
  out += "<nav class=\"sections\" aria-label=\"الأقسام\"><ul>";
  for (const article::v1::Section& section : chrome.sections) {
    out += "<li><a href=\"/section/";
    out += PercentEncode(section.slug());
    out += "\">";
    AppendEscaped(out, section.name());
    out += "</a></li>";
  }
  out += "</ul></nav>\n";
}

// The same markup as ticker.js builds for a live item.
void AppendTickerItem(std::string& out, const ticker::v1::TickerItem& item) {
  out += "<li data-id=\"";
  AppendEscaped(out, item.id());
  out += "\"";
  if (item.priority() == ticker::v1::PRIORITY_URGENT) out += " class=\"urgent\"";
  if (item.priority() == ticker::v1::PRIORITY_IMPORTANT) out += " class=\"important\"";
  out += ">";
  if (item.priority() == ticker::v1::PRIORITY_URGENT) out += "<span class=\"badge\">عاجل</span> ";
  // "/news/{id}" redirects to the article's canonical address.
  const bool to_article =
      item.link_case() == ticker::v1::TickerItem::kArticleId && item.article_id() > 0;
  const bool to_url = item.link_case() == ticker::v1::TickerItem::kUrl && IsSafeUrl(item.url());
  if (to_article) {
    out += "<a href=\"/news/";
    out += std::to_string(item.article_id());
    out += "\">";
  } else if (to_url) {
    out += "<a href=\"";
    AppendEscaped(out, item.url());
    out += "\">";
  }
  AppendEscaped(out, item.text());
  if (to_article || to_url) out += "</a>";
  out += "</li>";
}

void AppendTicker(std::string& out, const Chrome& chrome) {
  out += "<section id=\"ticker\" class=\"ticker\" aria-label=\"شريط الأخبار\" data-section=\"";
  AppendEscaped(out, chrome.ticker_section);
  out += "\"><h2 class=\"ticker-title\">آخر الأخبار</h2><ul aria-live=\"polite\">";
  for (const ticker::v1::TickerItem& item : chrome.ticker) AppendTickerItem(out, item);
  out += "</ul></section>\n";
}

}  // namespace

void BeginPage(std::string& out, const Chrome& chrome, std::string_view title,
               std::string_view canonical_path) {
  const Site empty_site;
  const Site& site = chrome.site != nullptr ? *chrome.site : empty_site;
  out +=
      "<!doctype html>\n<html lang=\"ar\" dir=\"rtl\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  AppendEscaped(out, title);
  if (!title.empty()) out += " — ";
  AppendEscaped(out, site.name);
  out += "</title>\n";
  if (!canonical_path.empty()) {
    out += "<link rel=\"canonical\" href=\"";
    AppendEscaped(out, canonical_path);
    out += "\">\n";
  }
  // No favicon yet: an empty one spares every browser a request that 404s.
  out +=
      "<link rel=\"icon\" href=\"data:,\">\n"
      "<link rel=\"stylesheet\" href=\"/static/site.css\">\n"
      "<script src=\"/static/ticker.js\" defer></script>\n</head>\n<body>\n";
  AppendMasthead(out, site);
  AppendNavigation(out, chrome);
  AppendTicker(out, chrome);
  out += "<main>\n";
}

void EndPage(std::string& out, const Chrome& chrome) {
  out += "</main>\n<footer class=\"footer\"><p>© ";
  if (chrome.site != nullptr) AppendEscaped(out, chrome.site->name);
  out += "</p></footer>\n</body>\n</html>\n";
}

void AppendArticleItem(std::string& out, int64_t id, std::string_view slug, std::string_view title,
                       const google::protobuf::Timestamp& published_at) {
  out += "<li><a href=\"";
  out += ArticlePath(id, slug);
  out += "\">";
  AppendEscaped(out, title);
  out += "</a> ";
  AppendTime(out, published_at);
  out += "</li>";
}

std::string_view SectionName(const Chrome& chrome, std::string_view slug) {
  for (const article::v1::Section& section : chrome.sections) {
    if (section.slug() == slug) return section.name();
  }
  return slug;
}

std::string ArticlePath(int64_t id, std::string_view slug) {
  std::string path = "/news/" + std::to_string(id) + "/";
  path += PercentEncode(slug);
  return path;
}

}  // namespace akhbar::gateway::pages
