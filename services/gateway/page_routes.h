#pragma once

#include <string>

#include "services/gateway/backends.h"
#include "services/gateway/call.h"
#include "services/gateway/pages/pages.h"
#include "services/gateway/response.h"
#include "services/gateway/section_directory.h"
#include "services/gateway/ticker_api.h"

namespace akhbar::gateway {

// The server-rendered pages: gathers what a page shows from the services
// and hands it to the renderers. Blocking: runs on a backend thread.
class PageRoutes {
 public:
  PageRoutes(Backends& backends, TickerApi& ticker, SectionDirectory& sections,
             const pages::Site& site)
      : backends_(backends), ticker_(ticker), sections_(sections), site_(site) {}

  Response Home(const Call& call);
  Response Article(const Call& call);
  Response ShortLink(const Call& call);  // /news/{id} → 301 /news/{id}/{slug}
  Response Section(const Call& call);
  Response Tag(const Call& call);
  // For any path no route matches.
  Response NotFound();

 private:
  // The article with the id in the path (a malformed id is NOT_FOUND: a
  // reader followed a broken link).
  grpc::Status GetArticle(std::string_view id_text, article::v1::GetArticleResponse* reply);
  // Navigation and the ticker strip of `ticker_section`.
  pages::Chrome ChromeFor(const std::string& ticker_section);
  Response Html(unsigned status, std::string body) const;
  Response Error(unsigned status, std::string_view message);
  Response ErrorFrom(const grpc::Status& status);

  Backends& backends_;
  TickerApi& ticker_;
  SectionDirectory& sections_;
  const pages::Site& site_;
};

}  // namespace akhbar::gateway
