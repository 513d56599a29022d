#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "akhbar/article/v1/article.pb.h"
#include "akhbar/related/v1/related.pb.h"
#include "akhbar/ticker/v1/ticker.pb.h"

// The server-rendered pages: right to left, in Arabic, readable without
// JavaScript, every text escaped. Pure functions of their data.
namespace akhbar::gateway::pages {

// The masthead (deploy/seed/site.json).
struct Site {
  std::string name;
  std::string tagline;
  std::string chairman;
  std::string editor_in_chief;
};

// What every page shows around its content. Every string is untrusted.
struct Chrome {
  const Site* site = nullptr;
  std::vector<article::v1::Section> sections;  // the navigation, in position order
  std::vector<ticker::v1::TickerItem> ticker;  // in display order («عاجل» first)
  std::string ticker_section;  // "" = site-wide: the stream the page's script follows
};

struct SectionBlock {
  article::v1::Section section;
  std::vector<article::v1::Article> articles;
};

std::string RenderArticlePage(const Chrome& chrome, const article::v1::Article& article,
                              const std::vector<related::v1::RelatedArticle>& related);
std::string RenderHomePage(const Chrome& chrome, const std::vector<SectionBlock>& latest);
std::string RenderSectionPage(const Chrome& chrome, const article::v1::Section& section,
                              const std::vector<article::v1::Article>& articles,
                              std::string_view next_page_token);
std::string RenderTagPage(const Chrome& chrome, const article::v1::Tag& tag,
                          const std::vector<article::v1::Article>& articles,
                          std::string_view next_page_token);
// 404 and the like; `message` is shown as it is (escaped), or a standard
// Arabic one for `status` when empty.
std::string RenderErrorPage(const Chrome& chrome, unsigned status, std::string_view message);

// "/news/{id}/{percent-encoded slug}": an article's one address.
std::string ArticlePath(int64_t id, std::string_view slug);

std::string_view SiteCss();   // /static/site.css
std::string_view TickerJs();  // /static/ticker.js

}  // namespace akhbar::gateway::pages
