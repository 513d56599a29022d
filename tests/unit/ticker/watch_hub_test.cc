#include "services/ticker/watch_hub.h"

#include <gtest/gtest.h>

#include <mutex>

namespace akhbar::ticker {
namespace {

pb::TickerItem Item(const std::string& id, pb::Priority priority,
                    std::vector<std::string> sections = {}, int64_t starts_at_s = 100) {
  pb::TickerItem item;
  item.set_id(id);
  item.set_text("خبر " + id);
  item.set_priority(priority);
  for (const std::string& s : sections) item.add_sections(s);
  item.mutable_starts_at()->set_seconds(starts_at_s);
  return item;
}

StoredEvent Event(uint64_t sequence, pb::TickerEvent::Kind kind, pb::TickerItem item) {
  StoredEvent event;
  event.sequence = sequence;
  event.event.set_kind(kind);
  *event.event.mutable_item() = std::move(item);
  return event;
}

class FakeSource : public EventLog {
 public:
  ItemList state;
  absl::StatusOr<ItemList> LoadOnAir() override { return state; }
  absl::StatusOr<std::vector<StoredEvent>> EventsAfter(uint64_t, int) override {
    return std::vector<StoredEvent>{};
  }
};

class RecordingSink : public WatchSink {
 public:
  void Offer(std::shared_ptr<const pb::WatchResponse> message) override {
    std::lock_guard lock(mu);
    messages.push_back(*message);
  }
  void End(const absl::Status& status) override {
    std::lock_guard lock(mu);
    ended = status;
  }
  std::mutex mu;
  std::vector<pb::WatchResponse> messages;
  std::optional<absl::Status> ended;
};

class WatchHubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_.state.sequence = 10;
    source_.state.items = {Item("normal-site", pb::PRIORITY_NORMAL, {}, 300),
                           Item("urgent-site", pb::PRIORITY_URGENT, {}, 100),
                           Item("sport", pb::PRIORITY_IMPORTANT, {"رياضة"})};
    HubOptions options;
    options.history = 3;
    options.max_watchers = 3;
    options.heartbeat = std::chrono::hours(1);  // the test sends its own
    hub_ = std::make_unique<WatchHub>(source_, options);
    ASSERT_TRUE(hub_->Start().ok());
  }

  std::shared_ptr<RecordingSink> Watch(const std::string& section, uint64_t after = 0) {
    auto sink = std::make_shared<RecordingSink>();
    EXPECT_TRUE(hub_->Subscribe(sink, section, after).ok());
    return sink;
  }

  FakeSource source_;
  std::unique_ptr<WatchHub> hub_;
};

TEST_F(WatchHubTest, SnapshotShowsWhatTheSectionSeesUrgentFirst) {
  auto home = Watch("");
  ASSERT_EQ(home->messages.size(), 1u);
  const pb::WatchResponse& snapshot = home->messages[0];
  EXPECT_EQ(snapshot.sequence(), 10u);
  ASSERT_EQ(snapshot.snapshot().items_size(), 2);  // the sport item is not on the home page
  EXPECT_EQ(snapshot.snapshot().items(0).id(), "urgent-site");
  EXPECT_EQ(snapshot.snapshot().items(1).id(), "normal-site");

  auto sport = Watch("رياضة");
  EXPECT_EQ(sport->messages[0].snapshot().items_size(), 3);
}

TEST_F(WatchHubTest, AnEmptyTickerStillGivesASnapshot) {
  auto economy = Watch("اقتصاد");
  hub_->Apply({Event(11, pb::TickerEvent::KIND_EXPIRED, Item("urgent-site", pb::PRIORITY_URGENT)),
               Event(12, pb::TickerEvent::KIND_EXPIRED, Item("normal-site", pb::PRIORITY_NORMAL))});
  auto later = Watch("اقتصاد");
  ASSERT_EQ(later->messages.size(), 1u);
  EXPECT_TRUE(later->messages[0].has_snapshot());
  EXPECT_EQ(later->messages[0].snapshot().items_size(), 0);
}

TEST_F(WatchHubTest, EventsReachOnlyTheSectionsThatSeeThem) {
  auto home = Watch("");
  auto sport = Watch("رياضة");
  hub_->Apply(
      {Event(11, pb::TickerEvent::KIND_ADDED, Item("goal", pb::PRIORITY_URGENT, {"رياضة"}))});
  EXPECT_EQ(home->messages.size(), 1u);
  ASSERT_EQ(sport->messages.size(), 2u);
  EXPECT_EQ(sport->messages[1].sequence(), 11u);
  EXPECT_EQ(sport->messages[1].event().kind(), pb::TickerEvent::KIND_ADDED);
}

TEST_F(WatchHubTest, AnItemMovedOutOfASectionIsRemovedThere) {
  auto sport = Watch("رياضة");
  auto economy = Watch("اقتصاد");
  hub_->Apply({Event(11, pb::TickerEvent::KIND_UPDATED,
                     Item("sport", pb::PRIORITY_IMPORTANT, {"اقتصاد"}))});
  ASSERT_EQ(sport->messages.size(), 2u);
  EXPECT_EQ(sport->messages[1].event().kind(), pb::TickerEvent::KIND_REMOVED);
  ASSERT_EQ(economy->messages.size(), 2u);
  EXPECT_EQ(economy->messages[1].event().kind(), pb::TickerEvent::KIND_ADDED);
}

TEST_F(WatchHubTest, ResumingGetsExactlyTheMissedEvents) {
  hub_->Apply({Event(11, pb::TickerEvent::KIND_ADDED, Item("a", pb::PRIORITY_NORMAL)),
               Event(12, pb::TickerEvent::KIND_EXPIRED, Item("urgent-site", pb::PRIORITY_URGENT)),
               Event(13, pb::TickerEvent::KIND_ADDED, Item("b", pb::PRIORITY_NORMAL))});
  auto resumed = Watch("", 11);
  ASSERT_EQ(resumed->messages.size(), 2u);
  EXPECT_EQ(resumed->messages[0].sequence(), 12u);
  EXPECT_EQ(resumed->messages[0].event().kind(), pb::TickerEvent::KIND_EXPIRED);
  EXPECT_EQ(resumed->messages[1].sequence(), 13u);
  // Already up to date: nothing to send until something happens.
  auto current = Watch("", 13);
  EXPECT_TRUE(current->messages.empty());
}

TEST_F(WatchHubTest, ResumingFromBeyondTheHistoryGetsASnapshot) {
  for (uint64_t s = 11; s <= 15; ++s) {
    hub_->Apply({Event(s, pb::TickerEvent::KIND_ADDED,
                       Item("x" + std::to_string(s), pb::PRIORITY_NORMAL))});
  }
  auto old = Watch("", 10);  // history keeps 13..15 only
  ASSERT_EQ(old->messages.size(), 1u);
  EXPECT_TRUE(old->messages[0].has_snapshot());
  EXPECT_EQ(old->messages[0].sequence(), 15u);
  auto future = Watch("", 99);  // a sequence this server never issued
  EXPECT_TRUE(future->messages[0].has_snapshot());
}

TEST_F(WatchHubTest, ReplayedOrAppliedEventsAreNeverSentTwice) {
  auto home = Watch("");
  auto event = Event(11, pb::TickerEvent::KIND_ADDED, Item("a", pb::PRIORITY_NORMAL));
  hub_->Apply({event});
  hub_->Apply({event});
  EXPECT_EQ(home->messages.size(), 2u);
}

TEST_F(WatchHubTest, RefusesWatchersBeyondTheCapAndCountsThem) {
  auto a = Watch("");
  auto b = Watch("");
  auto c = Watch("");
  auto d = std::make_shared<RecordingSink>();
  EXPECT_EQ(hub_->Subscribe(d, "", 0).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(hub_->watcher_count(), 3u);
  hub_->Unsubscribe(a);
  EXPECT_EQ(hub_->watcher_count(), 2u);
  EXPECT_TRUE(hub_->Subscribe(d, "", 0).ok());
}

TEST_F(WatchHubTest, HeartbeatsCarryTheCurrentSequence) {
  auto home = Watch("");
  hub_->SendHeartbeat();
  ASSERT_EQ(home->messages.size(), 2u);
  EXPECT_TRUE(home->messages[1].has_heartbeat());
  EXPECT_EQ(home->messages[1].sequence(), 10u);
}

TEST_F(WatchHubTest, StopTellsEveryWatcherWhereToResume) {
  auto home = Watch("");
  hub_->Stop();
  ASSERT_TRUE(home->ended.has_value());
  EXPECT_EQ(home->ended->code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(std::string(home->ended->message()).find("after_sequence"), std::string::npos);
}

}  // namespace
}  // namespace akhbar::ticker
