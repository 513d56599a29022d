#pragma once

#include <string>
#include <string_view>

namespace akhbar::gateway::pages {

// Appends `text` with & < > " ' escaped: safe in element content and in
// double-quoted attribute values alike, so there is one function for both.
void AppendEscaped(std::string& out, std::string_view text);

// Whether an image or link URL may appear on a page: http(s) or site-relative
// ("/media/…", not "//host"), with no control character in it;
// javascript:, data: and the like are dropped.
bool IsSafeUrl(std::string_view url);

}  // namespace akhbar::gateway::pages
