// Push-to-receive latency of the ticker's Watch fan-out:
//   ticker_watch_latency ADDRESS WATCHERS PUSHES EDITOR_TOKEN [SERVER_PID]
// Opens WATCHERS streams (callback API, spread over several connections),
// waits for every snapshot, then pushes PUSHES items 200 ms apart and records
// when each watcher receives each one, and retracts them at the end. Prints p50/p99, lost events, and the
// server's resident memory per watcher when SERVER_PID is given.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "akhbar/ticker/v1/ticker.grpc.pb.h"

namespace pb = akhbar::ticker::v1;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kStreamsPerConnection = 250;

class BenchWatcher : public grpc::ClientReadReactor<pb::WatchResponse> {
 public:
  BenchWatcher(pb::TickerService::Stub* stub, int pushes, std::atomic<int>* snapshots)
      : received_(pushes), snapshots_(snapshots) {
    stub->async()->Watch(&context_, &request_, this);
    StartRead(&message_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    if (message_.has_snapshot()) {
      ++*snapshots_;
    } else if (message_.has_event() && message_.event().kind() == pb::TickerEvent::KIND_ADDED) {
      const std::string& text = message_.event().item().text();
      if (text.rfind("bench-", 0) == 0) {
        std::size_t k = std::stoul(text.substr(6, text.find(' ') - 6));
        if (k < received_.size()) received_[k] = Clock::now();
      }
    }
    StartRead(&message_);
  }
  void OnDone(const grpc::Status&) override { done_ = true; }
  void Cancel() { context_.TryCancel(); }
  bool done() const { return done_; }
  const std::vector<Clock::time_point>& received() const { return received_; }

 private:
  grpc::ClientContext context_;
  pb::WatchRequest request_;
  pb::WatchResponse message_;
  std::vector<Clock::time_point> received_;
  std::atomic<int>* snapshots_;
  std::atomic<bool> done_{false};
};

long ResidentKb(const std::string& pid) {
  std::ifstream status("/proc/" + pid + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s ADDRESS WATCHERS PUSHES EDITOR_TOKEN [SERVER_PID]\n", argv[0]);
    return 2;
  }
  // As in the services (libs/grpc/server.cc): the harness should spend its
  // cores on gRPC, not on Abseil's lock-order bookkeeping.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  const std::string address = argv[1];
  const int watchers = std::atoi(argv[2]);
  const int pushes = std::atoi(argv[3]);
  const std::string token = argv[4];
  const std::string pid = argc > 5 ? argv[5] : "";
  const long rss_before = pid.empty() ? -1 : ResidentKb(pid);

  std::vector<std::unique_ptr<pb::TickerService::Stub>> stubs;
  for (int c = 0; c * kStreamsPerConnection < watchers; ++c) {
    grpc::ChannelArguments args;
    args.SetInt("akhbar.bench.connection", c);  // a distinct connection per channel
    stubs.push_back(pb::TickerService::NewStub(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args)));
  }
  std::atomic<int> snapshots{0};
  std::vector<std::unique_ptr<BenchWatcher>> all;
  for (int i = 0; i < watchers; ++i) {
    all.push_back(
        std::make_unique<BenchWatcher>(stubs[i / kStreamsPerConnection].get(), pushes, &snapshots));
  }
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (snapshots < watchers && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const long rss_watching = pid.empty() ? -1 : ResidentKb(pid);
  std::printf("watchers connected: %d of %d\n", snapshots.load(), watchers);

  auto pusher =
      pb::TickerService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  std::vector<Clock::time_point> sent(pushes);
  std::vector<pb::TickerItem> pushed;
  for (int k = 0; k < pushes; ++k) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    pb::PushTickerItemRequest request;
    request.mutable_item()->set_text(
        "bench-" + std::to_string(k) + " " +
        std::to_string(std::chrono::system_clock::now().time_since_epoch().count()));
    request.mutable_item()->set_priority(pb::PRIORITY_NORMAL);
    pb::PushTickerItemResponse response;
    sent[k] = Clock::now();
    grpc::Status status = pusher->PushTickerItem(&context, request, &response);
    if (status.ok()) {
      pushed.push_back(response.item());
    } else {
      std::fprintf(stderr, "push failed: %s\n", status.error_message().c_str());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));

  std::vector<double> latencies_ms;
  long lost = 0;
  for (const auto& watcher : all) {
    for (int k = 0; k < pushes; ++k) {
      Clock::time_point at = watcher->received()[k];
      if (at == Clock::time_point{}) {
        ++lost;
      } else {
        latencies_ms.push_back(std::chrono::duration<double, std::milli>(at - sent[k]).count());
      }
    }
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto q = [&](double p) {
    return latencies_ms.empty() ? -1.0
                                : latencies_ms[static_cast<size_t>(p * (latencies_ms.size() - 1))];
  };
  std::printf("watchers=%d pushes=%d deliveries=%zu lost=%ld p50=%.1fms p99=%.1fms max=%.1fms\n",
              watchers, pushes, latencies_ms.size(), lost, q(0.5), q(0.99), q(1.0));
  if (rss_before > 0 && rss_watching > 0 && watchers > 0) {
    std::printf("server RSS %ld KB idle, %ld KB with watchers: %.1f KB per watcher\n", rss_before,
                rss_watching, static_cast<double>(rss_watching - rss_before) / watchers);
  }
  for (auto& watcher : all) watcher->Cancel();
  // Off the air again, so that repeated runs measure the same snapshot size.
  for (const pb::TickerItem& item : pushed) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    pb::RetractTickerItemRequest request;
    request.set_id(item.id());
    request.set_expected_version(item.version());
    pb::RetractTickerItemResponse response;
    grpc::Status status = pusher->RetractTickerItem(&context, request, &response);
    if (!status.ok()) std::fprintf(stderr, "retract failed: %s\n", status.error_message().c_str());
  }
  auto until = Clock::now() + std::chrono::seconds(10);
  for (auto& watcher : all) {
    while (!watcher->done() && Clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  return lost == 0 ? 0 : 1;
}
