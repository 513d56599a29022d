#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "services/related/cache.h"
#include "services/related/index_keeper.h"
#include "services/related/store.h"

namespace akhbar::related {

// Tails the editorial settings' change log, so that a pin or an opt-out made
// through any replica drops this replica's cached lists it affects (lists are
// kept per process: see RedisRelatedCache). Not thread-safe: one caller.
class SettingsFollower {
 public:
  SettingsFollower(SettingsStore& settings, IndexKeeper& keeper, RelatedCache& cache)
      : settings_(settings), keeper_(keeper), cache_(cache) {}

  // From the latest change on: nothing is cached before the service starts.
  absl::Status StartFromNow();
  // Drops the lists of the articles whose settings changed since last time.
  absl::Status Poll();

 private:
  SettingsStore& settings_;
  IndexKeeper& keeper_;
  RelatedCache& cache_;
  int64_t position_ = 0;
};

}  // namespace akhbar::related
