#include "services/ticker/watch_hub.h"

#include <google/protobuf/util/time_util.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/log/log.h"

namespace akhbar::ticker {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kTailBatch = 500;

bool IsRemoval(pb::TickerEvent::Kind kind) {
  return kind == pb::TickerEvent::KIND_REMOVED || kind == pb::TickerEvent::KIND_EXPIRED;
}

// Urgent first, then newest.
bool ShownBefore(const pb::TickerItem& a, const pb::TickerItem& b) {
  if (a.priority() != b.priority()) return a.priority() < b.priority();
  return TimeUtil::TimestampToMicroseconds(a.starts_at()) >
         TimeUtil::TimestampToMicroseconds(b.starts_at());
}

}  // namespace

bool VisibleIn(const pb::TickerItem& item, const std::string& section) {
  if (item.sections().empty()) return true;
  return std::find(item.sections().begin(), item.sections().end(), section) !=
         item.sections().end();
}

struct WatchHub::Metrics {
  explicit Metrics(prometheus::Registry& registry)
      : watchers(prometheus::BuildGauge()
                     .Name("akhbar_ticker_watchers")
                     .Help("Open Watch streams in this process")
                     .Register(registry)
                     .Add({})),
        rejected(prometheus::BuildCounter()
                     .Name("akhbar_ticker_watchers_rejected_total")
                     .Help("Watch calls refused at the watcher cap")
                     .Register(registry)
                     .Add({})),
        events(prometheus::BuildCounter()
                   .Name("akhbar_ticker_events_applied_total")
                   .Help("Ticker events taken from the source and fanned out")
                   .Register(registry)
                   .Add({})),
        lag(prometheus::BuildHistogram()
                .Name("akhbar_ticker_fanout_lag_seconds")
                .Help("From an event's commit to its hand-off to this process's watchers")
                .Register(registry)
                .Add({},
                     prometheus::Histogram::BucketBoundaries{0.001, 0.0025, 0.005, 0.01, 0.025,
                                                             0.05, 0.1, 0.25, 0.5, 1, 2.5, 5})) {}
  prometheus::Gauge& watchers;
  prometheus::Counter& rejected;
  prometheus::Counter& events;
  prometheus::Histogram& lag;
};

WatchHub::WatchHub(EventLog& source, HubOptions options, prometheus::Registry* registry)
    : source_(source),
      options_(options),
      metrics_(registry ? std::make_unique<Metrics>(*registry) : nullptr),
      tailer_("ticker-tailer", [this] { return Tail(); }),
      heartbeat_("ticker-heartbeat", [this] {
        SendHeartbeat();
        return options_.heartbeat;
      }) {}

WatchHub::~WatchHub() { Stop(); }

absl::Status WatchHub::Start() {
  absl::StatusOr<ItemList> state = source_.LoadOnAir();
  if (!state.ok()) return state.status();
  {
    std::lock_guard lock(mu_);
    sequence_ = state->sequence;
    for (pb::TickerItem& item : state->items) {
      std::string id = item.id();
      active_[id] = std::move(item);
    }
  }
  tailer_.Start();
  heartbeat_.Start(options_.heartbeat);
  return absl::OkStatus();
}

void WatchHub::Stop() {
  tailer_.Stop();
  heartbeat_.Stop();
  std::vector<std::shared_ptr<WatchSink>> all;
  uint64_t sequence;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    sequence = sequence_;
    for (auto& [section, sinks] : watchers_) all.insert(all.end(), sinks.begin(), sinks.end());
    watchers_.clear();
    watcher_count_ = 0;
  }
  if (metrics_) metrics_->watchers.Set(0);
  for (const auto& sink : all) {
    sink->End(absl::UnavailableError(
        absl::StrCat("the server is restarting; reconnect with after_sequence set to the last "
                     "sequence you received (at most ",
                     sequence, ")")));
  }
}

std::chrono::milliseconds WatchHub::Tail() {
  absl::StatusOr<std::vector<StoredEvent>> events = source_.EventsAfter(sequence(), kTailBatch);
  if (!events.ok()) {
    log::Warning("ticker tail failed; retrying", {{"error", events.status().ToString()}});
    return std::chrono::milliseconds(500);
  }
  Apply(*events);
  return static_cast<int>(events->size()) == kTailBatch ? std::chrono::milliseconds(0)
                                                        : options_.poll;
}

WatchHub::Change WatchHub::Record(const StoredEvent& event) {
  Change change;
  change.sequence = event.sequence;
  change.kind = event.event.kind();
  change.after = event.event.item();
  auto it = active_.find(change.after.id());
  if (it != active_.end()) change.before = it->second;
  if (IsRemoval(change.kind)) {
    if (it != active_.end()) active_.erase(it);
  } else {
    active_[change.after.id()] = change.after;
  }
  history_.push_back(change);
  while (history_.size() > options_.history) history_.pop_front();
  sequence_ = event.sequence;
  return change;
}

std::shared_ptr<const pb::WatchResponse> WatchHub::MessageFor(const Change& change,
                                                              const std::string& section) {
  bool was_visible = change.before && VisibleIn(*change.before, section);
  bool is_visible = VisibleIn(change.after, section);
  pb::TickerEvent::Kind kind;
  if (IsRemoval(change.kind)) {
    if (!was_visible && !is_visible) return nullptr;
    kind = change.kind;
  } else if (is_visible) {
    kind = was_visible ? change.kind : pb::TickerEvent::KIND_ADDED;
    if (was_visible && kind == pb::TickerEvent::KIND_ADDED) kind = pb::TickerEvent::KIND_UPDATED;
  } else if (was_visible) {
    kind = pb::TickerEvent::KIND_REMOVED;  // moved out of this section
  } else {
    return nullptr;
  }
  auto message = std::make_shared<pb::WatchResponse>();
  message->set_sequence(change.sequence);
  message->mutable_event()->set_kind(kind);
  *message->mutable_event()->mutable_item() = change.after;
  return message;
}

std::shared_ptr<const pb::WatchResponse> WatchHub::SnapshotFor(const std::string& section) const {
  std::vector<const pb::TickerItem*> visible;
  for (const auto& [id, item] : active_) {
    if (VisibleIn(item, section)) visible.push_back(&item);
  }
  std::sort(visible.begin(), visible.end(),
            [](const pb::TickerItem* a, const pb::TickerItem* b) { return ShownBefore(*a, *b); });
  auto message = std::make_shared<pb::WatchResponse>();
  message->set_sequence(sequence_);
  // Set even when empty: "nothing on air" is a snapshot too.
  pb::Snapshot* snapshot = message->mutable_snapshot();
  for (const pb::TickerItem* item : visible) *snapshot->add_items() = *item;
  return message;
}

void WatchHub::Apply(const std::vector<StoredEvent>& events) {
  if (events.empty()) return;
  int64_t now_us = TimeUtil::TimestampToMicroseconds(TimeUtil::GetCurrentTime());
  std::lock_guard lock(mu_);
  for (const StoredEvent& event : events) {
    if (event.sequence <= sequence_) continue;  // already applied
    Change change = Record(event);
    for (const auto& [section, sinks] : watchers_) {
      std::shared_ptr<const pb::WatchResponse> message = MessageFor(change, section);
      if (!message) continue;
      for (const auto& sink : sinks) sink->Offer(message);
    }
    if (metrics_) {
      metrics_->events.Increment();
      if (event.created_at_us > 0) {
        metrics_->lag.Observe(
            static_cast<double>(std::max<int64_t>(0, now_us - event.created_at_us)) / 1e6);
      }
    }
  }
}

void WatchHub::SendHeartbeat() {
  std::lock_guard lock(mu_);
  if (watcher_count_ == 0) return;
  auto message = std::make_shared<pb::WatchResponse>();
  message->set_sequence(sequence_);
  *message->mutable_heartbeat()->mutable_server_time() = TimeUtil::GetCurrentTime();
  for (const auto& [section, sinks] : watchers_) {
    for (const auto& sink : sinks) sink->Offer(message);
  }
}

absl::Status WatchHub::Subscribe(std::shared_ptr<WatchSink> sink, const std::string& section,
                                 uint64_t after_sequence) {
  std::lock_guard lock(mu_);
  if (stopped_) return absl::UnavailableError("the server is shutting down; reconnect");
  if (watcher_count_ >= options_.max_watchers) {
    if (metrics_) metrics_->rejected.Increment();
    return absl::ResourceExhaustedError(
        "this server has as many watchers as it takes; retry in a few seconds");
  }
  bool can_replay = after_sequence != 0 && after_sequence <= sequence_ &&
                    (after_sequence == sequence_ ||
                     (!history_.empty() && history_.front().sequence <= after_sequence + 1));
  if (can_replay) {
    for (const Change& change : history_) {
      if (change.sequence <= after_sequence) continue;
      if (auto message = MessageFor(change, section)) sink->Offer(message);
    }
  } else {
    sink->Offer(SnapshotFor(section));
  }
  watchers_[section].insert(std::move(sink));
  ++watcher_count_;
  if (metrics_) metrics_->watchers.Set(static_cast<double>(watcher_count_));
  return absl::OkStatus();
}

void WatchHub::Unsubscribe(const std::shared_ptr<WatchSink>& sink) {
  std::lock_guard lock(mu_);
  for (auto it = watchers_.begin(); it != watchers_.end(); ++it) {
    if (it->second.erase(sink) > 0) {
      --watcher_count_;
      if (it->second.empty()) watchers_.erase(it);
      break;
    }
  }
  if (metrics_) metrics_->watchers.Set(static_cast<double>(watcher_count_));
}

uint64_t WatchHub::sequence() const {
  std::lock_guard lock(mu_);
  return sequence_;
}

std::size_t WatchHub::watcher_count() const {
  std::lock_guard lock(mu_);
  return watcher_count_;
}

}  // namespace akhbar::ticker
