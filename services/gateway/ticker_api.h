#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/gateway/backends.h"
#include "services/gateway/call.h"
#include "services/gateway/response.h"
#include "services/gateway/section_directory.h"
#include "services/gateway/ticker/feeds.h"

namespace akhbar::gateway {

// /api/v1/ticker: reads come from the gateway's own Watch of each section
// (TickerFeeds), so a ticker read never calls the ticker service; writes go
// to the service, and come back to every reader through the Watch.
class TickerApi {
 public:
  TickerApi(Backends& backends, TickerFeeds& feeds, SectionDirectory& sections)
      : backends_(backends), feeds_(feeds), sections_(sections) {}

  Response Get(const Call& call);
  Response Push(const Call& call);
  Response Update(const Call& call);
  Response Retract(const Call& call);

  // The feed of `section` ("" = site-wide), after checking that the section
  // exists: NOT_FOUND names it otherwise.
  absl::StatusOr<TickerFeed*> FeedOf(const std::string& section);

  // The items on air in `section`, waiting a moment for a feed that has just
  // been opened; empty (not ready) when the ticker service is away.
  std::shared_ptr<const TickerFeed::State> Current(const std::string& section);

 private:
  Backends& backends_;
  TickerFeeds& feeds_;
  SectionDirectory& sections_;
};

}  // namespace akhbar::gateway
