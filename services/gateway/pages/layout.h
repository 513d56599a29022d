#pragma once

#include <string>
#include <string_view>

#include "services/gateway/pages/pages.h"

namespace akhbar::gateway::pages {

// What every page shares: the head, masthead, section navigation and ticker
// strip before the page's own <main>, and the footer after it.
void BeginPage(std::string& out, const Chrome& chrome, std::string_view title,
               std::string_view canonical_path = {});
void EndPage(std::string& out, const Chrome& chrome);

// One article in a list: its linked title and date.
void AppendArticleItem(std::string& out, int64_t id, std::string_view slug, std::string_view title,
                       const google::protobuf::Timestamp& published_at);

// The name of the section with `slug`, or the slug itself when unknown.
std::string_view SectionName(const Chrome& chrome, std::string_view slug);

}  // namespace akhbar::gateway::pages
