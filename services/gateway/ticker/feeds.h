#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "akhbar/ticker/v1/ticker.grpc.pb.h"
#include "libs/task/periodic.h"
#include "services/gateway/ticker/feed.h"

namespace prometheus {
class Registry;
}

namespace akhbar::gateway {

// The gateway's ticker feeds: one Watch stream to the ticker service per
// section (opened on first use, up to a cap), each read on its own thread and
// fanned out to any number of browsers, so that the ticker service sees one
// watcher per section per gateway however many readers there are. A stream
// that ends is reopened from the feed's last sequence with a capped backoff;
// one that stays silent longer than the service's heartbeats allow (a peer
// gone without a word) is cancelled and reopened the same way.
class TickerFeeds {
 public:
  struct Options {
    std::size_t max_sections = 64;
    std::chrono::milliseconds heartbeat{15000};  // SSE heartbeats to every browser
    // A Watch with no message (the service heartbeats every 15 s by default)
    // for this long is reopened; 0 turns the check off. Checked on each
    // heartbeat, so it may take up to one heartbeat longer.
    std::chrono::milliseconds idle_timeout{60000};
    std::chrono::milliseconds backoff_initial{100};
    std::chrono::milliseconds backoff_max{5000};
    TickerFeed::Options feed;
  };

  TickerFeeds(std::shared_ptr<ticker::v1::TickerService::StubInterface> stub, Options options,
              prometheus::Registry* registry = nullptr);
  ~TickerFeeds();  // Stop()
  TickerFeeds(const TickerFeeds&) = delete;
  TickerFeeds& operator=(const TickerFeeds&) = delete;

  // The feed of `section` ("" = site-wide items only; the gateway has
  // validated the slug), valid until this object is destroyed.
  // RESOURCE_EXHAUSTED beyond max_sections; UNAVAILABLE after Stop.
  absl::StatusOr<TickerFeed*> Feed(const std::string& section);

  // Called (from a watch thread) after every applied change with its section,
  // so that the gateway can drop cached pages that show the ticker. Set before
  // the first Feed.
  // `withdrew`: an item left the ticker (see TickerFeed::Change).
  void SetOnChange(std::function<void(const std::string& section, bool withdrew)> on_change);

  // Cancels every Watch, joins the threads and closes every browser's stream.
  // Idempotent.
  void Stop();

  std::size_t section_count() const;

 private:
  struct Metrics;
  struct Watcher;

  void Run(Watcher& watcher);
  // Reads one Watch stream to its end; returns whether it delivered anything.
  bool ReadStream(Watcher& watcher, grpc::ClientContext& context);
  // Sleeps `delay` unless stopped first; returns false when stopped.
  static bool Pause(Watcher& watcher, std::chrono::milliseconds delay);
  std::chrono::milliseconds Tick();

  const std::shared_ptr<ticker::v1::TickerService::StubInterface> stub_;
  const Options options_;
  std::unique_ptr<Metrics> metrics_;

  mutable std::mutex mu_;
  bool stopped_ = false;
  std::function<void(const std::string&, bool)> on_change_;
  std::map<std::string, std::unique_ptr<Watcher>> watchers_;  // by section; never erased

  task::Periodic heartbeat_;
};

}  // namespace akhbar::gateway
