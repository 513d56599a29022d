// Watch across two ticker replicas, against real PostgreSQL and Redis: a push
// accepted by one reaches the watchers of the other, a reconnect resumes
// exactly, expiry is announced by itself, and a stalled watcher is cut off
// without holding anyone else up.
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "akhbar/ticker/v1/ticker.grpc.pb.h"
#include "libs/crypto/sha256.h"
#include "tests/support/local_servers.h"
#include "tests/support/service_process.h"

namespace akhbar::ticker {
namespace {

namespace pb = ::akhbar::ticker::v1;
using google::protobuf::util::TimeUtil;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kEditorToken[] = "editor-token-for-tests";

// Reads one Watch stream on its own thread and keeps every message.
class Watcher {
 public:
  Watcher(std::shared_ptr<grpc::Channel> channel, uint64_t after_sequence)
      : stub_(pb::TickerService::NewStub(channel)) {
    pb::WatchRequest request;
    request.set_after_sequence(after_sequence);
    reader_ = stub_->Watch(&context_, request);
    thread_ = std::thread([this] {
      pb::WatchResponse message;
      while (reader_->Read(&message)) {
        std::lock_guard lock(mu_);
        messages_.push_back(message);
        changed_.notify_all();
      }
      grpc::Status status = reader_->Finish();
      std::lock_guard lock(mu_);
      status_ = status;
      done_ = true;
      changed_.notify_all();
    });
  }
  ~Watcher() {
    context_.TryCancel();
    thread_.join();
  }

  // Waits until `ready` holds for the messages so far (true) or time runs out.
  bool WaitFor(const std::function<bool(const std::vector<pb::WatchResponse>&)>& ready,
               milliseconds timeout = seconds(10)) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, timeout, [&] { return ready(messages_); });
  }
  std::vector<pb::WatchResponse> Events() {
    std::lock_guard lock(mu_);
    std::vector<pb::WatchResponse> events;
    for (const auto& m : messages_) {
      if (m.has_event()) events.push_back(m);
    }
    return events;
  }
  std::vector<pb::WatchResponse> Messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }

 private:
  std::unique_ptr<pb::TickerService::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<pb::WatchResponse>> reader_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<pb::WatchResponse> messages_;
  grpc::Status status_;
  bool done_ = false;
};

bool HasEventFor(const std::vector<pb::WatchResponse>& messages, const std::string& id,
                 pb::TickerEvent::Kind kind) {
  for (const auto& m : messages) {
    if (m.has_event() && m.event().item().id() == id && m.event().kind() == kind) return true;
  }
  return false;
}

class TickerWatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(postgres_.Start());
    ASSERT_TRUE(redis_.Start());
    for (int i = 0; i < 2; ++i) {
      int port = testing::FreePort();
      addresses_.push_back("127.0.0.1:" + std::to_string(port));
      replicas_.push_back(std::make_unique<testing::ServiceProcess>(
          AKHBAR_TICKER_BINARY,
          std::map<std::string, std::string>{
              {"AKHBAR_LISTEN_HOST", "127.0.0.1"},
              {"AKHBAR_TICKER_PORT", std::to_string(port)},
              {"AKHBAR_TICKER_METRICS_PORT", std::to_string(testing::FreePort())},
              {"AKHBAR_PG_DSN", postgres_.dsn()},
              {"AKHBAR_PG_POOL_SIZE", "4"},
              {"AKHBAR_REDIS_ADDR", "127.0.0.1:" + std::to_string(redis_.port())},
              {"AKHBAR_TOKENS", std::string("editor:") + crypto::Sha256Hex(kEditorToken)},
              {"AKHBAR_TICKER_WATCHER_BUFFER", "32"},
              {"AKHBAR_DRAIN_GRACE_MS", "200"},
          },
          postgres_.dir() + "/ticker-" + std::to_string(i) + ".log"));
      ASSERT_TRUE(replicas_.back()->Start());
    }
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(replicas_[i]->WaitServing(addresses_[i], seconds(30))) << replicas_[i]->LogTail();
      channels_.push_back(grpc::CreateChannel(addresses_[i], grpc::InsecureChannelCredentials()));
    }
  }

  void TearDown() override {
    if (HasFailure()) {
      for (auto& replica : replicas_) std::cerr << "--- replica log ---\n" << replica->LogTail();
    }
  }

  pb::TickerItem Push(int replica, const std::string& text,
                      std::chrono::milliseconds lifetime = std::chrono::hours(1)) {
    auto stub = pb::TickerService::NewStub(channels_[replica]);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + seconds(10));
    context.AddMetadata("authorization", std::string("Bearer ") + kEditorToken);
    pb::PushTickerItemRequest request;
    request.mutable_item()->set_text(text);
    request.mutable_item()->set_priority(pb::PRIORITY_URGENT);
    *request.mutable_item()->mutable_expires_at() = TimeUtil::MillisecondsToTimestamp(
        TimeUtil::TimestampToMilliseconds(TimeUtil::GetCurrentTime()) + lifetime.count());
    pb::PushTickerItemResponse response;
    grpc::Status status = stub->PushTickerItem(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.item();
  }

  void Retract(int replica, const std::string& id) {
    auto stub = pb::TickerService::NewStub(channels_[replica]);
    grpc::ClientContext context;
    context.AddMetadata("authorization", std::string("Bearer ") + kEditorToken);
    pb::RetractTickerItemRequest request;
    request.set_id(id);
    pb::RetractTickerItemResponse response;
    ASSERT_TRUE(stub->RetractTickerItem(&context, request, &response).ok());
  }

  testing::LocalPostgres postgres_;
  testing::LocalRedis redis_;
  std::vector<std::string> addresses_;
  std::vector<std::unique_ptr<testing::ServiceProcess>> replicas_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
};

TEST_F(TickerWatchTest, PushOnOneReplicaReachesWatchersOfTheOther) {
  Watcher watcher(channels_[1], 0);
  ASSERT_TRUE(watcher.WaitFor([](const auto& m) { return !m.empty() && m[0].has_snapshot(); }));
  pb::TickerItem pushed = Push(0, "انعقاد قمة طارئة في جدة");
  EXPECT_TRUE(watcher.WaitFor([&](const auto& m) {
    return HasEventFor(m, pushed.id(), pb::TickerEvent::KIND_ADDED);
  })) << "the other replica's watcher never saw the push";
}

TEST_F(TickerWatchTest, ReconnectingWithASequenceGetsExactlyWhatWasMissed) {
  uint64_t last_seen = 0;
  pb::TickerItem first = Push(0, "الخبر الأول");
  {
    // Replica 1 may take a moment to tail the push: wait until this watcher
    // has seen the first item, in its snapshot or as an event.
    Watcher watcher(channels_[1], 0);
    ASSERT_TRUE(watcher.WaitFor([&](const auto& m) {
      for (const auto& x : m) {
        for (const auto& item : x.snapshot().items()) {
          if (item.id() == first.id()) return true;
        }
      }
      return HasEventFor(m, first.id(), pb::TickerEvent::KIND_ADDED);
    }));
    for (const auto& x : watcher.Messages()) last_seen = std::max(last_seen, x.sequence());
  }
  pb::TickerItem second = Push(0, "الخبر الثاني");
  Retract(0, first.id());
  pb::TickerItem third = Push(1, "الخبر الثالث");

  Watcher resumed(channels_[1], last_seen);
  ASSERT_TRUE(resumed.WaitFor([](const auto& m) {
    int events = 0;
    for (const auto& x : m) events += x.has_event() ? 1 : 0;
    return events >= 3;
  }));
  std::this_thread::sleep_for(milliseconds(300));  // nothing more may arrive
  EXPECT_FALSE(resumed.Messages()[0].has_snapshot());
  std::vector<pb::WatchResponse> events = resumed.Events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].event().item().id(), second.id());
  EXPECT_EQ(events[0].event().kind(), pb::TickerEvent::KIND_ADDED);
  EXPECT_EQ(events[1].event().item().id(), first.id());
  EXPECT_EQ(events[1].event().kind(), pb::TickerEvent::KIND_REMOVED);
  EXPECT_EQ(events[2].event().item().id(), third.id());
  EXPECT_LT(events[0].sequence(), events[1].sequence());
  EXPECT_LT(events[1].sequence(), events[2].sequence());
  EXPECT_GT(events[0].sequence(), last_seen);
}

TEST_F(TickerWatchTest, ExpiryReachesWatchersWithoutAnyAction) {
  Watcher watcher(channels_[0], 0);
  ASSERT_TRUE(watcher.WaitFor([](const auto& m) { return !m.empty(); }));
  pb::TickerItem brief = Push(1, "خبر قصير العمر", milliseconds(1500));
  EXPECT_TRUE(watcher.WaitFor(
      [&](const auto& m) { return HasEventFor(m, brief.id(), pb::TickerEvent::KIND_EXPIRED); },
      seconds(10)));
}

TEST_F(TickerWatchTest, AStalledWatcherIsCutOffWithoutDelayingOthers) {
  // A client that never reads: once the flow-control window is full the
  // server's writes stall, so its queue (32 messages here) fills up.
  grpc::ChannelArguments args;
  args.SetInt("grpc.http2.lookahead_bytes", 1024);
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  auto stalled_channel =
      grpc::CreateCustomChannel(addresses_[0], grpc::InsecureChannelCredentials(), args);
  auto stalled_stub = pb::TickerService::NewStub(stalled_channel);
  grpc::ClientContext stalled_context;
  stalled_context.set_deadline(std::chrono::system_clock::now() + seconds(60));
  pb::WatchRequest request;
  auto stalled = stalled_stub->Watch(&stalled_context, request);

  Watcher healthy(channels_[0], 0);
  ASSERT_TRUE(healthy.WaitFor([](const auto& m) { return !m.empty(); }));
  // ~500 bytes each, so that even the default 64 KB window fills.
  std::string long_text;
  for (int i = 0; i < 250; ++i) long_text += "خ";
  std::vector<std::string> ids;
  for (int i = 0; i < 250; ++i) ids.push_back(Push(1, std::to_string(i) + long_text).id());
  EXPECT_TRUE(healthy.WaitFor([&](const auto& m) {
    return HasEventFor(m, ids.back(), pb::TickerEvent::KIND_ADDED);
  })) << "a stalled watcher held up a healthy one";

  // Now drain the stalled stream: it ends telling the client where to resume.
  pb::WatchResponse message;
  int read = 0;
  while (stalled->Read(&message)) ++read;
  grpc::Status status = stalled->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_NE(status.error_message().find("after_sequence="), std::string::npos);
  EXPECT_LT(read, 251);
}

}  // namespace
}  // namespace akhbar::ticker
