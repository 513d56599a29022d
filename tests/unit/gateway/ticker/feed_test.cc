// One section's ticker as browsers see it: frames in order, resume from
// Last-Event-ID out of the feed's memory, a snapshot when that is not enough.
#include "services/gateway/ticker/feed.h"

#include <gtest/gtest.h>

#include "services/gateway/ticker/frames.h"
#include "tests/unit/gateway/ticker/recording_sink.h"
#include "tests/unit/gateway/ticker/ticker_messages.h"

namespace akhbar::gateway {
namespace {

using ticker::v1::PRIORITY_IMPORTANT;
using ticker::v1::PRIORITY_NORMAL;
using ticker::v1::PRIORITY_URGENT;
using ticker::v1::TickerEvent;

std::vector<std::string> Ids(const TickerFeed& feed) {
  std::vector<std::string> ids;
  for (const auto& item : feed.Current()->items) ids.push_back(item.id());
  return ids;
}

TEST(TickerFeedTest, ASnapshotThenEventsKeepTheItemsInDisplayOrder) {
  TickerFeed feed("", {});
  EXPECT_FALSE(feed.Current()->ready);
  EXPECT_TRUE(
      feed.Apply(Snapshot(10, {Item("n", PRIORITY_NORMAL, 100), Item("u", PRIORITY_URGENT, 50)})));
  EXPECT_TRUE(feed.Current()->ready);
  EXPECT_EQ(Ids(feed), (std::vector<std::string>{"u", "n"}));
  EXPECT_TRUE(feed.Apply(Event(11, TickerEvent::KIND_ADDED, Item("i", PRIORITY_IMPORTANT, 200))));
  EXPECT_TRUE(feed.Apply(Event(12, TickerEvent::KIND_EXPIRED, Item("n", PRIORITY_NORMAL, 100))));
  EXPECT_EQ(Ids(feed), (std::vector<std::string>{"u", "i"}));
  EXPECT_EQ(feed.Current()->sequence, 12u);
  EXPECT_FALSE(feed.Apply(Event(12, TickerEvent::KIND_REMOVED, Item("u", PRIORITY_URGENT))))
      << "an event already applied is ignored";
  EXPECT_FALSE(feed.Apply(Heartbeat(15)));
  EXPECT_EQ(feed.resume_sequence(), 15u);
}

TEST(TickerFeedTest, ABrowserGetsASnapshotAndThenEveryEventAsOneSharedFrame) {
  TickerFeed feed("", {});
  feed.Apply(Snapshot(10, {Item("a", PRIORITY_URGENT)}));
  auto first = std::make_shared<RecordingSink>();
  auto second = std::make_shared<RecordingSink>();
  feed.Subscribe(first, std::nullopt);
  feed.Subscribe(second, std::nullopt);
  ASSERT_EQ(first->frame_count(), 1u);
  EXPECT_EQ(ParseFrame(first->Frames()[0]).event, "snapshot");
  EXPECT_EQ(ParseFrame(first->Frames()[0]).id, "10");
  feed.Apply(Event(11, TickerEvent::KIND_ADDED, Item("b", PRIORITY_NORMAL)));
  ASSERT_EQ(first->frame_count(), 2u);
  EXPECT_EQ(first->SharedFrames()[1].get(), second->SharedFrames()[1].get());
  const ParsedFrame added = ParseFrame(first->Frames()[1]);
  EXPECT_EQ(added.id, "11");
  EXPECT_EQ(added.event, "added");
  EXPECT_NE(added.data.find("\"id\":\"b\""), std::string::npos);
  feed.Unsubscribe(first);
  feed.Apply(Event(12, TickerEvent::KIND_REMOVED, Item("b", PRIORITY_NORMAL)));
  EXPECT_EQ(first->frame_count(), 2u);
  EXPECT_EQ(second->frame_count(), 3u);
}

TEST(TickerFeedTest, ABrowserComingBackGetsExactlyWhatItMissed) {
  TickerFeed feed("", {});
  feed.Apply(Snapshot(10, {}));
  for (uint64_t s = 11; s <= 14; ++s) {
    feed.Apply(Event(s, TickerEvent::KIND_ADDED, Item("i" + std::to_string(s), PRIORITY_NORMAL)));
  }
  auto back = std::make_shared<RecordingSink>();
  feed.Subscribe(back, 12);
  ASSERT_EQ(back->frame_count(), 2u);
  EXPECT_EQ(ParseFrame(back->Frames()[0]).id, "13");
  EXPECT_EQ(ParseFrame(back->Frames()[1]).id, "14");
  auto current = std::make_shared<RecordingSink>();
  feed.Subscribe(current, 14);
  EXPECT_EQ(current->frame_count(), 0u) << "nothing missed, nothing sent";
}

TEST(TickerFeedTest, ABrowserTooFarBehindOrFromAnotherTimelineGetsASnapshot) {
  TickerFeed feed("", {.history = 2});
  feed.Apply(Snapshot(10, {}));
  for (uint64_t s = 11; s <= 15; ++s) {
    feed.Apply(Event(s, TickerEvent::KIND_ADDED, Item("i" + std::to_string(s), PRIORITY_NORMAL)));
  }
  for (uint64_t last : {11u, 99u}) {
    auto sink = std::make_shared<RecordingSink>();
    feed.Subscribe(sink, last);
    ASSERT_EQ(sink->frame_count(), 1u) << last;
    const ParsedFrame snapshot = ParseFrame(sink->Frames()[0]);
    EXPECT_EQ(snapshot.event, "snapshot");
    EXPECT_EQ(snapshot.id, "15");
    EXPECT_NE(snapshot.data.find("\"id\":\"i15\""), std::string::npos);
  }
}

TEST(TickerFeedTest, ABrowserBeforeTheFirstSnapshotGetsItWhenItComes) {
  TickerFeed feed("", {});
  auto early = std::make_shared<RecordingSink>();
  feed.Subscribe(early, 5);
  EXPECT_EQ(early->frame_count(), 0u);
  feed.Apply(Snapshot(10, {Item("a", PRIORITY_URGENT)}));
  ASSERT_EQ(early->frame_count(), 1u);
  EXPECT_EQ(ParseFrame(early->Frames()[0]).event, "snapshot");
}

TEST(TickerFeedTest, DrainClosesEveryBrowserAndLateComersAtOnce) {
  TickerFeed feed("", {});
  feed.Apply(Snapshot(1, {}));
  auto sink = std::make_shared<RecordingSink>();
  feed.Subscribe(sink, std::nullopt);
  feed.SendHeartbeat();
  EXPECT_EQ(sink->Frames().back(), ": heartbeat\n\n");
  feed.CloseAll();
  EXPECT_EQ(sink->closes(), 1);
  EXPECT_EQ(feed.subscriber_count(), 0u);
  auto late = std::make_shared<RecordingSink>();
  feed.Subscribe(late, std::nullopt);
  EXPECT_EQ(late->closes(), 1);
}

TEST(TickerFramesTest, FramesAreSingleLineJsonUnderTheirSequence) {
  ticker::v1::TickerItem item = Item("x", PRIORITY_URGENT);
  item.set_text("سطر\nثان");
  TickerEvent event;
  event.set_kind(TickerEvent::KIND_UPDATED);
  *event.mutable_item() = item;
  const std::string frame = *EventFrame(event, 42);
  EXPECT_EQ(frame.rfind("id: 42\nevent: updated\ndata: {", 0), 0u) << frame;
  EXPECT_EQ(frame.find('\n', frame.find("data: ")), frame.size() - 2) << "one data line";
  EXPECT_EQ(EventFrame(TickerEvent(), 1), nullptr);
  const std::string snapshot = *SnapshotFrame({item}, 7);
  EXPECT_NE(snapshot.find("\"sequence\":\"7\""), std::string::npos);
}

}  // namespace
}  // namespace akhbar::gateway
