#include "services/article/change_follower.h"

#include <string>
#include <utility>

namespace akhbar::article {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kPollInterval{100};
constexpr milliseconds kRetryInterval{1000};
// A Redis that failed over or restarted without us seeing an error numbers
// the stream afresh, below our position; XREAD then answers nothing.
constexpr milliseconds kPositionCheckInterval{1000};

}  // namespace

ChangeFollower::ChangeFollower(cache::Redis& redis, std::function<void()> on_change)
    : on_change_(std::move(on_change)),
      follower_(redis, [this](const article::v1::ArticleEvent&) { changed_ = true; }),
      periodic_("article-events", [this] { return Tick(); }) {}

ChangeFollower::~ChangeFollower() { Stop(); }

void ChangeFollower::Start() { periodic_.Start(); }

void ChangeFollower::Stop() { periodic_.Stop(); }

milliseconds ChangeFollower::Tick() {
  const auto now = std::chrono::steady_clock::now();
  if (!following_) {
    if (!follower_.StartFromNow().ok()) return kRetryInterval;
    following_ = true;
    next_position_check_ = now + kPositionCheckInterval;
    on_change_();  // whatever changed while we were not following
  }
  if (now >= next_position_check_) {
    next_position_check_ = now + kPositionCheckInterval;
    const std::string before = follower_.position();
    if (absl::Status s = follower_.CheckPosition(); !s.ok()) {
      following_ = false;
      on_change_();
      return kRetryInterval;
    }
    if (follower_.position() != before) on_change_();  // it starts again from the beginning
  }
  changed_ = false;
  absl::StatusOr<int> delivered = follower_.Poll();
  if (!delivered.ok()) {
    // Events may be lost from here on: drop now, and again once following.
    following_ = false;
    on_change_();
    return kRetryInterval;
  }
  if (changed_) on_change_();
  return *delivered > 0 ? milliseconds(0) : kPollInterval;
}

}  // namespace akhbar::article
