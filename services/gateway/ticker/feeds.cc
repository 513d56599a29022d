#include "services/gateway/ticker/feeds.h"

#include <grpcpp/client_context.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/log/log.h"

namespace akhbar::gateway {
namespace {

using Clock = std::chrono::steady_clock;

int64_t NowTicks() { return Clock::now().time_since_epoch().count(); }

}  // namespace

struct TickerFeeds::Metrics {
  explicit Metrics(prometheus::Registry& registry)
      : sections(prometheus::BuildGauge()
                     .Name("akhbar_gateway_ticker_sections")
                     .Help("Sections whose ticker this gateway watches")
                     .Register(registry)
                     .Add({})),
        rejected(prometheus::BuildCounter()
                     .Name("akhbar_gateway_ticker_sections_rejected_total")
                     .Help("Ticker feeds refused at the section cap")
                     .Register(registry)
                     .Add({})),
        reconnects(prometheus::BuildCounter()
                       .Name("akhbar_gateway_ticker_watch_reconnects_total")
                       .Help("Watch streams to the ticker service that ended and were reopened")
                       .Register(registry)
                       .Add({})),
        clients(prometheus::BuildGauge()
                    .Name("akhbar_gateway_ticker_sse_clients")
                    .Help("Browsers following the ticker over SSE (as of the last heartbeat)")
                    .Register(registry)
                    .Add({})) {}
  prometheus::Gauge& sections;
  prometheus::Counter& rejected;
  prometheus::Counter& reconnects;
  prometheus::Gauge& clients;
};

// One section: its feed, and the thread that keeps its Watch stream open.
struct TickerFeeds::Watcher {
  Watcher(std::string section, TickerFeed::Options options)
      : feed(std::move(section), options), last_message(NowTicks()) {}

  TickerFeed feed;
  std::atomic<int64_t> last_message;  // steady clock ticks; for the idle check
  std::mutex mu;
  std::condition_variable wake;
  bool stopping = false;                   // guarded by mu
  grpc::ClientContext* context = nullptr;  // the open stream's, guarded by mu
  std::thread thread;
};

TickerFeeds::TickerFeeds(std::shared_ptr<ticker::v1::TickerService::StubInterface> stub,
                         Options options, prometheus::Registry* registry)
    : stub_(std::move(stub)),
      options_(options),
      metrics_(registry ? std::make_unique<Metrics>(*registry) : nullptr),
      heartbeat_("ticker-sse-beat", [this] { return Tick(); }) {
  heartbeat_.Start(options_.heartbeat);
}

TickerFeeds::~TickerFeeds() { Stop(); }

void TickerFeeds::SetOnChange(
    std::function<void(const std::string& section, bool withdrew)> on_change) {
  std::lock_guard lock(mu_);
  on_change_ = std::move(on_change);
}

absl::StatusOr<TickerFeed*> TickerFeeds::Feed(const std::string& section) {
  std::lock_guard lock(mu_);
  if (stopped_) return absl::UnavailableError("the gateway is shutting down; reconnect");
  auto it = watchers_.find(section);
  if (it != watchers_.end()) return &it->second->feed;
  if (watchers_.size() >= options_.max_sections) {
    if (metrics_) metrics_->rejected.Increment();
    return absl::ResourceExhaustedError(
        "the live ticker is not available for this section right now; reload the page later");
  }
  auto watcher = std::make_unique<Watcher>(section, options_.feed);
  Watcher* raw = watcher.get();
  watchers_.emplace(section, std::move(watcher));
  raw->thread = std::thread([this, raw] { Run(*raw); });
  // Named threads make `top -H` and gdb readable at 3 a.m.
  pthread_setname_np(raw->thread.native_handle(), "ticker-watch");
  if (metrics_) metrics_->sections.Set(static_cast<double>(watchers_.size()));
  return &raw->feed;
}

void TickerFeeds::Run(Watcher& watcher) {
  std::chrono::milliseconds delay = options_.backoff_initial;
  while (true) {
    grpc::ClientContext context;  // no deadline: a watch lasts
    {
      std::lock_guard lock(watcher.mu);
      if (watcher.stopping) return;
      watcher.context = &context;
    }
    const bool delivered = ReadStream(watcher, context);
    {
      std::lock_guard lock(watcher.mu);
      watcher.context = nullptr;
      if (watcher.stopping) return;
    }
    // A stream that worked for a while says the service is back: start over
    // from the shortest wait.
    if (delivered) delay = options_.backoff_initial;
    if (metrics_) metrics_->reconnects.Increment();
    if (!Pause(watcher, delay)) return;
    delay = std::min(delay * 2, options_.backoff_max);
  }
}

bool TickerFeeds::ReadStream(Watcher& watcher, grpc::ClientContext& context) {
  const std::string& section = watcher.feed.section();
  ticker::v1::WatchRequest request;
  request.set_section(section);
  request.set_after_sequence(watcher.feed.resume_sequence());
  watcher.last_message.store(NowTicks());
  std::unique_ptr<grpc::ClientReaderInterface<ticker::v1::WatchResponse>> reader =
      stub_->Watch(&context, request);
  ticker::v1::WatchResponse message;
  bool delivered = false;
  while (reader->Read(&message)) {
    watcher.last_message.store(NowTicks());
    delivered = true;
    // on_change_ is set before the first Feed, so before this thread exists.
    const TickerFeed::Change change = watcher.feed.Apply(message);
    if (change && on_change_) on_change_(section, change.withdrew);
  }
  grpc::Status status = reader->Finish();
  // RESOURCE_EXHAUSTED (we fell behind) and UNAVAILABLE (a replica restarting)
  // are routine; anything else deserves a look, but retrying is still right.
  const bool routine = status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
                       status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                       status.error_code() == grpc::StatusCode::CANCELLED;
  log::Write(routine ? log::Level::kInfo : log::Level::kWarning, "ticker watch ended; reopening it",
             {{"section", section},
              {"code", static_cast<int>(status.error_code())},
              {"error", status.error_message()},
              {"resume_after", watcher.feed.resume_sequence()}});
  return delivered;
}

bool TickerFeeds::Pause(Watcher& watcher, std::chrono::milliseconds delay) {
  std::unique_lock lock(watcher.mu);
  watcher.wake.wait_for(lock, delay, [&watcher] { return watcher.stopping; });
  return !watcher.stopping;
}

std::chrono::milliseconds TickerFeeds::Tick() {
  std::vector<Watcher*> watchers;
  {
    std::lock_guard lock(mu_);
    for (auto& [section, watcher] : watchers_) watchers.push_back(watcher.get());
  }
  std::size_t clients = 0;
  const int64_t idle_limit =
      std::chrono::duration_cast<Clock::duration>(options_.idle_timeout).count();
  for (Watcher* watcher : watchers) {
    watcher->feed.SendHeartbeat();
    clients += watcher->feed.subscriber_count();
    if (idle_limit <= 0 || NowTicks() - watcher->last_message.load() <= idle_limit) continue;
    std::lock_guard lock(watcher->mu);
    if (watcher->context == nullptr) continue;
    log::Warning("ticker watch silent for too long; reopening it",
                 {{"section", watcher->feed.section()},
                  {"idle_ms", static_cast<int64_t>(options_.idle_timeout.count())}});
    // Once per silence: the stream's own thread resets the clock on reopening.
    watcher->last_message.store(NowTicks());
    watcher->context->TryCancel();
  }
  if (metrics_) metrics_->clients.Set(static_cast<double>(clients));
  return options_.heartbeat;
}

void TickerFeeds::Stop() {
  std::vector<Watcher*> watchers;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    for (auto& [section, watcher] : watchers_) watchers.push_back(watcher.get());
  }
  heartbeat_.Stop();
  for (Watcher* watcher : watchers) {
    std::lock_guard lock(watcher->mu);
    watcher->stopping = true;
    if (watcher->context != nullptr) watcher->context->TryCancel();
    watcher->wake.notify_all();
  }
  for (Watcher* watcher : watchers) {
    if (watcher->thread.joinable()) watcher->thread.join();
    watcher->feed.CloseAll();
  }
}

std::size_t TickerFeeds::section_count() const {
  std::lock_guard lock(mu_);
  return watchers_.size();
}

}  // namespace akhbar::gateway
