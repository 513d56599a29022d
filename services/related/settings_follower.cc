#include "services/related/settings_follower.h"

namespace akhbar::related {

absl::Status SettingsFollower::StartFromNow() {
  absl::StatusOr<int64_t> latest = settings_.LatestChange();
  if (!latest.ok()) return latest.status();
  position_ = *latest;
  return absl::OkStatus();
}

absl::Status SettingsFollower::Poll() {
  absl::StatusOr<SettingsStore::Changes> changes = settings_.ChangesAfter(position_);
  if (!changes.ok()) return changes.status();
  position_ = changes->last;
  if (changes->article_ids.empty()) return absl::OkStatus();
  keeper_.SettingsChanged();
  if (!cache_.Invalidate(changes->article_ids)) keeper_.RetryLater(changes->article_ids);
  return absl::OkStatus();
}

}  // namespace akhbar::related
