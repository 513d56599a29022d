#include "services/gateway/article_changes.h"

#include <algorithm>

namespace akhbar::gateway {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kPollInterval{100};
constexpr milliseconds kRetryInterval{1000};
// When the related service has applied an event: it polls every 100 ms and
// rebuilds the lists it touches within a few hundred more.
constexpr milliseconds kEchoes[] = {milliseconds(400), milliseconds(1200)};

}  // namespace

ArticleChanges::ArticleChanges(cache::Redis& redis, std::function<void()> on_change)
    : on_change_(std::move(on_change)),
      follower_(redis, [this](const article::v1::ArticleEvent&) { changed_ = true; }),
      periodic_("gateway-article-events", [this] { return Tick(); }) {}

ArticleChanges::~ArticleChanges() { Stop(); }

void ArticleChanges::Start() { periodic_.Start(); }

void ArticleChanges::Stop() { periodic_.Stop(); }

milliseconds ArticleChanges::Tick() {
  const auto now = std::chrono::steady_clock::now();
  if (!following_) {
    if (!follower_.StartFromNow().ok()) return kRetryInterval;
    following_ = true;
    on_change_();  // whatever changed while Redis was away
  }
  changed_ = false;
  absl::StatusOr<int> delivered = follower_.Poll();
  if (!delivered.ok()) {
    following_ = false;
    return kRetryInterval;
  }
  if (changed_) {
    on_change_();
    echoes_.clear();  // the latest event's echoes cover the earlier ones'
    for (milliseconds delay : kEchoes) echoes_.push_back(now + delay);
  }
  bool echoed = false;
  while (!echoes_.empty() && echoes_.front() <= now) {
    echoes_.pop_front();
    echoed = true;
  }
  if (echoed) on_change_();
  milliseconds next = kPollInterval;
  if (!echoes_.empty()) {
    next = std::min(next, std::chrono::duration_cast<milliseconds>(echoes_.front() - now));
  }
  return std::max(next, milliseconds(0));
}

}  // namespace akhbar::gateway
