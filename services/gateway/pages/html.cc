#include "services/gateway/pages/html.h"

namespace akhbar::gateway::pages {

void AppendEscaped(std::string& out, std::string_view text) {
  std::size_t plain = 0;  // start of the run not yet copied
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string_view entity;
    switch (text[i]) {
      case '&':
        entity = "&amp;";
        break;
      case '<':
        entity = "&lt;";
        break;
      case '>':
        entity = "&gt;";
        break;
      case '"':
        entity = "&quot;";
        break;
      case '\'':
        entity = "&#39;";
        break;
      default:
        continue;
    }
    out.append(text.substr(plain, i - plain));
    out.append(entity);
    plain = i + 1;
  }
  out.append(text.substr(plain));
}

bool IsSafeUrl(std::string_view url) {
  // Browsers drop tabs and newlines from a URL before parsing it, so "/\n/evil"
  // would become the off-site "//evil": no control character passes.
  for (const char c : url) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  if (url.starts_with("https://") || url.starts_with("http://")) return true;
  return url.starts_with('/') && !url.starts_with("//") && !url.starts_with("/\\");
}

}  // namespace akhbar::gateway::pages
