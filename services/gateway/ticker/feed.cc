#include "services/gateway/ticker/feed.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "libs/log/log.h"
#include "services/gateway/ticker/display_order.h"
#include "services/gateway/ticker/frames.h"

namespace akhbar::gateway {
namespace {

bool IsRemoval(ticker::v1::TickerEvent::Kind kind) {
  return kind == ticker::v1::TickerEvent::KIND_REMOVED ||
         kind == ticker::v1::TickerEvent::KIND_EXPIRED;
}

}  // namespace

TickerFeed::TickerFeed(std::string section, Options options)
    : section_(std::move(section)), options_(options), state_(std::make_shared<const State>()) {}

TickerFeed::Change TickerFeed::Apply(const ticker::v1::WatchResponse& message) {
  std::lock_guard lock(mu_);
  switch (message.payload_case()) {
    case ticker::v1::WatchResponse::kSnapshot:
      return ApplySnapshot(message);
    case ticker::v1::WatchResponse::kEvent:
      return ApplyEvent(message);
    case ticker::v1::WatchResponse::kHeartbeat:
      // The service sends a heartbeat only after every earlier event, so this
      // section has missed nothing up to its sequence.
      if (ready_ && message.sequence() > confirmed_) confirmed_ = message.sequence();
      return {};
    default:
      return {};
  }
}

TickerFeed::Change TickerFeed::ApplySnapshot(const ticker::v1::WatchResponse& message) {
  // Always taken, even at an older sequence: a snapshot is what the service
  // holds now (a replica that lags behind the one we watched before, say), and
  // everything after it will be relative to it.
  std::map<std::string, ticker::v1::TickerItem> previous = std::move(items_);
  items_.clear();
  for (const ticker::v1::TickerItem& item : message.snapshot().items()) items_[item.id()] = item;
  const bool withdrew = std::any_of(previous.begin(), previous.end(), [&](const auto& entry) {
    return !items_.contains(entry.first);
  });
  ready_ = true;
  sequence_ = message.sequence();
  confirmed_ = message.sequence();
  coverage_start_ = message.sequence();
  history_.clear();
  Publish();
  if (!sinks_.empty()) SendToAll(CurrentSnapshotFrame());
  return {.changed = true, .withdrew = withdrew};
}

TickerFeed::Change TickerFeed::ApplyEvent(const ticker::v1::WatchResponse& message) {
  // Before the first snapshot there is nothing to apply an event to; the
  // service always starts a fresh stream with a snapshot anyway.
  if (!ready_ || message.sequence() <= confirmed_) return {};
  const ticker::v1::TickerEvent& event = message.event();
  std::shared_ptr<const std::string> frame = EventFrame(event, message.sequence());
  if (frame == nullptr) {
    log::Warning("ticker event of unknown kind ignored",
                 {{"section", section_}, {"sequence", message.sequence()}});
    return {};
  }
  const bool withdrew = IsRemoval(event.kind());
  if (withdrew) {
    items_.erase(event.item().id());
  } else {
    items_[event.item().id()] = event.item();
  }
  sequence_ = message.sequence();
  confirmed_ = message.sequence();
  history_.push_back(Frame{.sequence = message.sequence(), .text = frame});
  while (history_.size() > options_.history) {
    coverage_start_ = history_.front().sequence;
    history_.pop_front();
  }
  Publish();
  SendToAll(frame);
  return {.changed = true, .withdrew = withdrew};
}

void TickerFeed::Publish() {
  auto state = std::make_shared<State>();
  state->items.reserve(items_.size());
  for (const auto& [id, item] : items_) state->items.push_back(item);
  SortForDisplay(state->items);
  state->sequence = sequence_;
  state->ready = ready_;
  snapshot_frame_.reset();
  std::lock_guard lock(state_mu_);
  state_ = std::move(state);
}

std::shared_ptr<const std::string> TickerFeed::CurrentSnapshotFrame() {
  if (snapshot_frame_ == nullptr) {
    std::shared_ptr<const State> state = Current();
    snapshot_frame_ = SnapshotFrame(state->items, state->sequence);
  }
  return snapshot_frame_;
}

void TickerFeed::SendToAll(const std::shared_ptr<const std::string>& frame) {
  for (const std::shared_ptr<SseSink>& sink : sinks_) sink->Send(frame);
}

void TickerFeed::Subscribe(std::shared_ptr<SseSink> sink, std::optional<uint64_t> last_event_id) {
  {
    std::lock_guard lock(mu_);
    if (!closed_) {
      if (ready_) {
        const bool covered = last_event_id.has_value() && *last_event_id >= coverage_start_ &&
                             *last_event_id <= sequence_;
        if (covered) {
          for (const Frame& frame : history_) {
            if (frame.sequence > *last_event_id) sink->Send(frame.text);
          }
        } else {
          sink->Send(CurrentSnapshotFrame());
        }
      }
      sinks_.insert(std::move(sink));
      return;
    }
  }
  // Draining: outside the lock, as Close may unsubscribe.
  sink->Close();
}

void TickerFeed::Unsubscribe(const std::shared_ptr<SseSink>& sink) {
  std::lock_guard lock(mu_);
  sinks_.erase(sink);
}

void TickerFeed::SendHeartbeat() {
  std::lock_guard lock(mu_);
  if (!sinks_.empty()) SendToAll(HeartbeatFrame());
}

void TickerFeed::CloseAll() {
  std::set<std::shared_ptr<SseSink>> sinks;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    sinks.swap(sinks_);
  }
  // Outside the lock: a sink's Close may call Unsubscribe.
  for (const std::shared_ptr<SseSink>& sink : sinks) sink->Close();
}

std::shared_ptr<const TickerFeed::State> TickerFeed::Current() const {
  std::lock_guard lock(state_mu_);
  return state_;
}

std::size_t TickerFeed::subscriber_count() const {
  std::lock_guard lock(mu_);
  return sinks_.size();
}

uint64_t TickerFeed::resume_sequence() const {
  std::lock_guard lock(mu_);
  return confirmed_;
}

}  // namespace akhbar::gateway
