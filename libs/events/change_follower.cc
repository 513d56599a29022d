#include "libs/events/change_follower.h"

#include <algorithm>
#include <string>
#include <utility>

namespace akhbar::events {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kPollInterval{100};
constexpr milliseconds kRetryInterval{1000};
// A Redis that failed over or restarted without us seeing an error numbers
// the stream afresh, below our position; XREAD then answers nothing.
constexpr milliseconds kPositionCheckInterval{1000};

// Removes the moments up to `now` from the front of `queue`; whether any.
bool PopDue(std::deque<std::chrono::steady_clock::time_point>& queue,
            std::chrono::steady_clock::time_point now) {
  bool any = false;
  while (!queue.empty() && queue.front() <= now) {
    queue.pop_front();
    any = true;
  }
  return any;
}

bool Withdraws(const article::v1::ArticleEvent& event) {
  return event.kind() == article::v1::ArticleEvent::KIND_UNPUBLISHED ||
         event.kind() == article::v1::ArticleEvent::KIND_TAKEN_DOWN;
}

}  // namespace

ChangeFollower::ChangeFollower(cache::Redis& redis, OnChange on_change,
                               std::vector<milliseconds> echoes)
    : on_change_(std::move(on_change)),
      echo_delays_(std::move(echoes)),
      follower_(redis,
                [this](const article::v1::ArticleEvent& event) {
                  changed_ = true;
                  withdrawn_ = withdrawn_ || Withdraws(event);
                }),
      periodic_("article-events", [this] { return Tick(); }) {}

ChangeFollower::~ChangeFollower() { Stop(); }

void ChangeFollower::Start() { periodic_.Start(); }

void ChangeFollower::Stop() { periodic_.Stop(); }

void ChangeFollower::Tell(std::chrono::steady_clock::time_point now, bool withdrawn) {
  on_change_(withdrawn);
  // This call covers a withdrawal echo due by now (also while Redis is away
  // and echoes are not run): the queue holds no more than the longest delay.
  if (withdrawn) PopDue(withdrawal_echoes_, now);
  echoes_.clear();  // the latest change's echoes cover the earlier ones'
  for (milliseconds delay : echo_delays_) {
    echoes_.push_back(now + delay);
    if (withdrawn) withdrawal_echoes_.push_back(now + delay);
  }
  std::sort(withdrawal_echoes_.begin(), withdrawal_echoes_.end());
}

milliseconds ChangeFollower::Tick() {
  const auto now = std::chrono::steady_clock::now();
  if (!following_) {
    if (!follower_.StartFromNow().ok()) return kRetryInterval;
    following_ = true;
    next_position_check_ = now + kPositionCheckInterval;
    Tell(now, true);  // whatever changed while we were not following
  }
  if (now >= next_position_check_) {
    next_position_check_ = now + kPositionCheckInterval;
    const std::string before = follower_.position();
    if (absl::Status s = follower_.CheckPosition(); !s.ok()) {
      following_ = false;
      Tell(now, true);
      return kRetryInterval;
    }
    if (follower_.position() != before) Tell(now, true);  // it starts again from the beginning
  }
  changed_ = withdrawn_ = false;
  absl::StatusOr<int> delivered = follower_.Poll();
  if (!delivered.ok()) {
    // Events may be lost from here on: tell now, and again once following.
    following_ = false;
    Tell(now, true);
    return kRetryInterval;
  }
  if (changed_) Tell(now, withdrawn_);
  const bool echoed = PopDue(echoes_, now);
  const bool withdrawal_echoed = PopDue(withdrawal_echoes_, now);
  if (echoed || withdrawal_echoed) on_change_(withdrawal_echoed);
  milliseconds next = *delivered > 0 ? milliseconds(0) : kPollInterval;
  if (!withdrawal_echoes_.empty()) {
    next =
        std::min(next, std::chrono::duration_cast<milliseconds>(withdrawal_echoes_.front() - now));
  }
  if (!echoes_.empty()) {
    next = std::min(next, std::chrono::duration_cast<milliseconds>(echoes_.front() - now));
  }
  return std::max(next, milliseconds(0));
}

}  // namespace akhbar::events
