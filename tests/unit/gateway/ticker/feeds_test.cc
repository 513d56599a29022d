// The gateway's Watch streams to the ticker service: one per section, resumed
// where they left off, cancelled when silent or on Stop.
#include "services/gateway/ticker/feeds.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/gateway/ticker/fake_ticker_stub.h"
#include "tests/unit/gateway/ticker/recording_sink.h"
#include "tests/unit/gateway/ticker/ticker_messages.h"

namespace akhbar::gateway {
namespace {

using std::chrono::milliseconds;
using ticker::v1::PRIORITY_NORMAL;
using ticker::v1::PRIORITY_URGENT;
using ticker::v1::TickerEvent;

// The sections on_change was called with, waited on from the test's thread.
class ChangeLog {
 public:
  void Record(const std::string& section) {
    {
      std::lock_guard lock(mu_);
      sections_.push_back(section);
    }
    changed_.notify_all();
  }
  bool WaitFor(const std::string& section, std::size_t count) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, std::chrono::seconds(5),
                             [&] { return CountLocked(section) >= count; });
  }
  std::size_t CountOf(const std::string& section) const {
    std::lock_guard lock(mu_);
    return CountLocked(section);
  }

 private:
  std::size_t CountLocked(const std::string& section) const {
    return static_cast<std::size_t>(std::count(sections_.begin(), sections_.end(), section));
  }
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::string> sections_;
};

// Quick retries and no timers unless a test asks for them.
TickerFeeds::Options QuietOptions() {
  TickerFeeds::Options options;
  options.heartbeat = std::chrono::hours(1);
  options.idle_timeout = milliseconds(0);
  options.backoff_initial = milliseconds(1);
  options.backoff_max = milliseconds(4);
  return options;
}

double MetricValue(prometheus::Registry& registry, const std::string& name) {
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name != name || family.metric.empty()) continue;
    return family.type == prometheus::MetricType::Counter ? family.metric[0].counter.value
                                                          : family.metric[0].gauge.value;
  }
  return -1;
}

class TickerFeedsTest : public ::testing::Test {
 protected:
  // Declared before `feeds`, which calls into them until it stops.
  std::shared_ptr<FakeTickerStub> stub_ = std::make_shared<FakeTickerStub>();
  ChangeLog changes_;
  prometheus::Registry registry_;

  std::unique_ptr<TickerFeeds> Start(TickerFeeds::Options options = QuietOptions()) {
    auto feeds = std::make_unique<TickerFeeds>(stub_, options, &registry_);
    feeds->SetOnChange([this](const std::string& section, bool) { changes_.Record(section); });
    return feeds;
  }
};

TEST_F(TickerFeedsTest, OneWatchPerSectionHoweverManyReaders) {
  auto feeds = Start();
  absl::StatusOr<TickerFeed*> site = feeds->Feed("");
  absl::StatusOr<TickerFeed*> sport = feeds->Feed("sport");
  absl::StatusOr<TickerFeed*> sport_again = feeds->Feed("sport");
  ASSERT_TRUE(site.ok() && sport.ok() && sport_again.ok());
  EXPECT_EQ(*sport, *sport_again);
  EXPECT_NE(*site, *sport);
  EXPECT_EQ((*sport)->section(), "sport");
  EXPECT_EQ(feeds->section_count(), 2u);

  std::shared_ptr<FakeWatch> sport_watch = stub_->WaitForWatch("sport", 0);
  ASSERT_NE(sport_watch, nullptr);
  EXPECT_EQ(sport_watch->request().after_sequence(), 0u) << "a new feed starts from a snapshot";
  ASSERT_NE(stub_->WaitForWatch("", 0), nullptr);

  sport_watch->Send(Snapshot(7, {Item("goal", PRIORITY_URGENT)}));
  ASSERT_TRUE(changes_.WaitFor("sport", 1));
  EXPECT_TRUE((*sport)->Current()->ready);
  ASSERT_EQ((*sport)->Current()->items.size(), 1u);
  EXPECT_EQ((*sport)->Current()->items[0].id(), "goal");
  EXPECT_FALSE((*site)->Current()->ready) << "each section has its own stream";
  EXPECT_EQ(changes_.CountOf(""), 0u);
  EXPECT_EQ(stub_->watch_count(), 2u);
  EXPECT_EQ(MetricValue(registry_, "akhbar_gateway_ticker_sections"), 2);
}

TEST_F(TickerFeedsTest, SectionsBeyondTheCapAreRefused) {
  TickerFeeds::Options options = QuietOptions();
  options.max_sections = 1;
  auto feeds = Start(options);
  ASSERT_TRUE(feeds->Feed("a").ok());
  absl::StatusOr<TickerFeed*> refused = feeds->Feed("b");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(feeds->Feed("a").ok()) << "a section already watched is still served";
  EXPECT_EQ(feeds->section_count(), 1u);
  EXPECT_EQ(MetricValue(registry_, "akhbar_gateway_ticker_sections_rejected_total"), 1);
}

TEST_F(TickerFeedsTest, AnEndedWatchIsReopenedWhereItLeftOff) {
  auto feeds = Start();
  TickerFeed* feed = *feeds->Feed("");
  std::shared_ptr<FakeWatch> first = stub_->WaitForWatch("", 0);
  ASSERT_NE(first, nullptr);
  first->Send(Snapshot(10, {Item("a", PRIORITY_URGENT)}));
  first->Send(Event(11, TickerEvent::KIND_ADDED, Item("b", PRIORITY_NORMAL)));
  ASSERT_TRUE(changes_.WaitFor("", 2));
  auto browser = std::make_shared<RecordingSink>();
  feed->Subscribe(browser, std::nullopt);

  // A quiet stretch the service vouches for, then a replica restarting.
  first->Send(Heartbeat(15));
  first->End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is restarting"));
  std::shared_ptr<FakeWatch> second = stub_->WaitForWatch("", 1);
  ASSERT_NE(second, nullptr);
  EXPECT_TRUE(first->WaitFinished(milliseconds(0))) << "the old stream was finished first";
  EXPECT_EQ(second->request().section(), "");
  EXPECT_EQ(second->request().after_sequence(), 15u);

  second->Send(Event(16, TickerEvent::KIND_ADDED, Item("c", PRIORITY_NORMAL)));
  ASSERT_TRUE(changes_.WaitFor("", 3));
  EXPECT_EQ(changes_.CountOf(""), 3u) << "a heartbeat changes nothing";
  EXPECT_EQ(feed->Current()->sequence, 16u);
  EXPECT_EQ(feed->Current()->items.size(), 3u);
  // The browser never noticed: no second snapshot, just the next event.
  ASSERT_TRUE(browser->WaitForFrames(2));
  const std::vector<std::string> frames = browser->Frames();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(ParseFrame(frames[0]).event, "snapshot");
  EXPECT_EQ(ParseFrame(frames[0]).id, "11");
  EXPECT_EQ(ParseFrame(frames[1]).event, "added");
  EXPECT_EQ(ParseFrame(frames[1]).id, "16");
  EXPECT_GE(MetricValue(registry_, "akhbar_gateway_ticker_watch_reconnects_total"), 1);
}

TEST_F(TickerFeedsTest, AWatchRefusedBeforeItsSnapshotAsksForOneAgain) {
  auto feeds = Start();
  TickerFeed* feed = *feeds->Feed("");
  std::shared_ptr<FakeWatch> first = stub_->WaitForWatch("", 0);
  ASSERT_NE(first, nullptr);
  first->End(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "too many watchers"));
  std::shared_ptr<FakeWatch> second = stub_->WaitForWatch("", 1);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->request().after_sequence(), 0u);
  second->Send(Snapshot(3, {}));
  ASSERT_TRUE(changes_.WaitFor("", 1));
  EXPECT_TRUE(feed->Current()->ready);
}

TEST_F(TickerFeedsTest, StopCancelsEveryWatchJoinsAndClosesEveryBrowser) {
  auto feeds = Start();
  TickerFeed* site = *feeds->Feed("");
  TickerFeed* sport = *feeds->Feed("sport");
  std::shared_ptr<FakeWatch> site_watch = stub_->WaitForWatch("", 0);
  std::shared_ptr<FakeWatch> sport_watch = stub_->WaitForWatch("sport", 0);
  ASSERT_NE(site_watch, nullptr);
  ASSERT_NE(sport_watch, nullptr);
  site_watch->Send(Snapshot(1, {}));
  ASSERT_TRUE(changes_.WaitFor("", 1));
  auto reader = std::make_shared<RecordingSink>();
  auto early = std::make_shared<RecordingSink>();  // waiting for sport's first snapshot
  site->Subscribe(reader, std::nullopt);
  sport->Subscribe(early, std::nullopt);

  // Both streams are open and silent: only cancelling them lets Stop return.
  std::promise<void> stopped;
  std::future<void> done = stopped.get_future();
  std::thread stopper([&] {
    feeds->Stop();
    stopped.set_value();
  });
  const bool in_time = done.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  if (!in_time) {
    // Let the stuck threads go so that the failure is reported, not a hang.
    site_watch->End(grpc::Status::OK);
    sport_watch->End(grpc::Status::OK);
  }
  stopper.join();
  ASSERT_TRUE(in_time) << "Stop did not cancel the open watches";
  EXPECT_TRUE(site_watch->WaitFinished(milliseconds(0)));
  EXPECT_TRUE(sport_watch->WaitFinished(milliseconds(0)));
  EXPECT_EQ(reader->closes(), 1);
  EXPECT_EQ(early->closes(), 1);
  EXPECT_EQ(stub_->watch_count(), 2u) << "a cancelled watch is not reopened";
  EXPECT_EQ(feeds->Feed("").status().code(), absl::StatusCode::kUnavailable);
  auto late = std::make_shared<RecordingSink>();
  site->Subscribe(late, std::nullopt);
  EXPECT_EQ(late->closes(), 1) << "the feed stays valid, and closed";
  feeds->Stop();  // idempotent
  EXPECT_EQ(reader->closes(), 1);
}

TEST_F(TickerFeedsTest, StopDoesNotWaitOutAReconnectDelay) {
  TickerFeeds::Options options = QuietOptions();
  options.backoff_initial = std::chrono::minutes(1);
  options.backoff_max = std::chrono::minutes(1);
  auto feeds = Start(options);
  ASSERT_TRUE(feeds->Feed("").ok());
  std::shared_ptr<FakeWatch> watch = stub_->WaitForWatch("", 0);
  ASSERT_NE(watch, nullptr);
  watch->End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "gone"));
  ASSERT_TRUE(watch->WaitFinished(std::chrono::seconds(5)));
  const auto started = std::chrono::steady_clock::now();
  feeds->Stop();
  // Generous: the point is that Stop does not sit out the minute.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30));
  EXPECT_EQ(stub_->watch_count(), 1u);
}

TEST_F(TickerFeedsTest, AWatchSilentForTooLongIsCancelledAndReopened) {
  TickerFeeds::Options options = QuietOptions();
  options.heartbeat = milliseconds(5);
  options.idle_timeout = milliseconds(20);
  // A snapshot, then nothing, not even heartbeats: a peer gone without a word.
  stub_->Preload("", {Snapshot(3, {})});
  auto feeds = Start(options);
  ASSERT_TRUE(feeds->Feed("").ok());
  std::shared_ptr<FakeWatch> silent = stub_->WaitForWatch("", 0);
  ASSERT_NE(silent, nullptr);
  std::shared_ptr<FakeWatch> reopened = stub_->WaitForWatch("", 1);
  ASSERT_NE(reopened, nullptr);
  EXPECT_TRUE(silent->WaitFinished(milliseconds(0)));
  EXPECT_EQ(reopened->request().after_sequence(), 3u);
}

TEST_F(TickerFeedsTest, BrowsersOfEverySectionGetHeartbeats) {
  TickerFeeds::Options options = QuietOptions();
  options.heartbeat = milliseconds(5);
  auto feeds = Start(options);
  std::vector<std::shared_ptr<RecordingSink>> browsers;
  for (const std::string section : {"", "sport"}) {
    TickerFeed* feed = *feeds->Feed(section);
    std::shared_ptr<FakeWatch> watch = stub_->WaitForWatch(section, 0);
    ASSERT_NE(watch, nullptr);
    watch->Send(Snapshot(1, {}));
    ASSERT_TRUE(changes_.WaitFor(section, 1));
    auto browser = std::make_shared<RecordingSink>();
    feed->Subscribe(browser, std::nullopt);
    browsers.push_back(browser);
  }
  for (const auto& browser : browsers) {
    ASSERT_TRUE(browser->WaitForFrames(2));
    EXPECT_EQ(ParseFrame(browser->Frames()[0]).event, "snapshot");
    EXPECT_EQ(browser->Frames()[1], ": heartbeat\n\n");
  }
}

}  // namespace
}  // namespace akhbar::gateway
