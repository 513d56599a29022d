// One section's ticker as browsers see it: frames in order, resume from
// Last-Event-ID out of the feed's memory, a snapshot when that is not enough.
#include "services/gateway/ticker/feed.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

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

TEST(TickerFeedTest, TellsWhenAHeadlineLeft) {
  TickerFeed feed("", {});
  EXPECT_FALSE(feed.Apply(Snapshot(10, {Item("a", PRIORITY_URGENT)})).withdrew);
  EXPECT_FALSE(feed.Apply(Event(11, TickerEvent::KIND_ADDED, Item("b", PRIORITY_NORMAL))).withdrew);
  EXPECT_FALSE(
      feed.Apply(Event(12, TickerEvent::KIND_UPDATED, Item("b", PRIORITY_URGENT))).withdrew);
  EXPECT_TRUE(
      feed.Apply(Event(13, TickerEvent::KIND_REMOVED, Item("a", PRIORITY_URGENT))).withdrew);
  EXPECT_TRUE(
      feed.Apply(Event(14, TickerEvent::KIND_EXPIRED, Item("b", PRIORITY_URGENT))).withdrew);
  EXPECT_FALSE(feed.Apply(Snapshot(20, {Item("c", PRIORITY_NORMAL)})).withdrew)
      << "nothing that was shown is missing";
  const TickerFeed::Change resumed = feed.Apply(Snapshot(21, {Item("d", PRIORITY_NORMAL)}));
  EXPECT_TRUE(resumed.changed);
  EXPECT_TRUE(resumed.withdrew) << "c is gone from the new snapshot";
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

TEST(TickerFeedTest, UpdatesReplaceAnItemAndMayMoveIt) {
  TickerFeed feed("", {});
  feed.Apply(Snapshot(1, {Item("a", PRIORITY_NORMAL, 100), Item("b", PRIORITY_NORMAL, 50)}));
  const std::shared_ptr<const TickerFeed::State> before = feed.Current();
  ticker::v1::TickerItem promoted = Item("b", PRIORITY_URGENT, 50);
  promoted.set_text("عاجل: نص جديد");
  EXPECT_TRUE(feed.Apply(Event(2, TickerEvent::KIND_UPDATED, promoted)));
  EXPECT_EQ(Ids(feed), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(feed.Current()->items[0].text(), "عاجل: نص جديد");
  EXPECT_EQ(feed.Current()->items.size(), 2u) << "an update is not a second item";
  // A reader holding the old state keeps a consistent picture.
  EXPECT_EQ(before->sequence, 1u);
  EXPECT_EQ(before->items[0].id(), "a");
}

TEST(TickerFeedTest, RemovedAndExpiredItemsLeaveTheTicker) {
  TickerFeed feed("", {});
  feed.Apply(Snapshot(
      1, {Item("a", PRIORITY_URGENT), Item("b", PRIORITY_NORMAL), Item("c", PRIORITY_IMPORTANT)}));
  feed.Apply(Event(2, TickerEvent::KIND_REMOVED, Item("a", PRIORITY_URGENT)));
  EXPECT_EQ(Ids(feed), (std::vector<std::string>{"c", "b"}));
  feed.Apply(Event(3, TickerEvent::KIND_EXPIRED, Item("c", PRIORITY_IMPORTANT)));
  EXPECT_EQ(Ids(feed), (std::vector<std::string>{"b"}));
  EXPECT_EQ(feed.Current()->sequence, 3u);
}

TEST(TickerFeedTest, NothingCountsBeforeTheFirstSnapshot) {
  TickerFeed feed("", {});
  EXPECT_FALSE(feed.Apply(Event(5, TickerEvent::KIND_ADDED, Item("a", PRIORITY_URGENT))));
  EXPECT_FALSE(feed.Apply(Heartbeat(9)));
  EXPECT_FALSE(feed.Current()->ready);
  EXPECT_TRUE(feed.Current()->items.empty());
  EXPECT_EQ(feed.resume_sequence(), 0u) << "so that the next Watch starts with a snapshot";
  feed.Apply(Snapshot(4, {}));
  EXPECT_EQ(feed.resume_sequence(), 4u);
}

TEST(TickerFeedTest, AnEventOfUnknownKindChangesNothing) {
  TickerFeed feed("", {});
  feed.Apply(Snapshot(1, {}));
  auto sink = std::make_shared<RecordingSink>();
  feed.Subscribe(sink, std::nullopt);
  EXPECT_FALSE(feed.Apply(Event(2, TickerEvent::KIND_UNSPECIFIED, Item("a", PRIORITY_URGENT))));
  EXPECT_TRUE(feed.Current()->items.empty());
  EXPECT_EQ(sink->frame_count(), 1u);
}

TEST(TickerFeedTest, ANewSnapshotReplacesEverythingAndTellsEveryBrowser) {
  TickerFeed feed("", {});
  feed.Apply(Snapshot(10, {Item("gone", PRIORITY_URGENT)}));
  feed.Apply(Event(11, TickerEvent::KIND_ADDED, Item("a", PRIORITY_NORMAL)));
  auto sink = std::make_shared<RecordingSink>();
  feed.Subscribe(sink, std::nullopt);
  // The service restarted and the gateway's Watch began again with a snapshot.
  EXPECT_TRUE(feed.Apply(Snapshot(20, {Item("new", PRIORITY_NORMAL)})));
  EXPECT_EQ(Ids(feed), (std::vector<std::string>{"new"}));
  ASSERT_EQ(sink->frame_count(), 2u);
  const ParsedFrame snapshot = ParseFrame(sink->Frames()[1]);
  EXPECT_EQ(snapshot.event, "snapshot");
  EXPECT_EQ(snapshot.id, "20");
  // The events before it are forgotten: a browser that saw 11 is caught up
  // with the new snapshot, not with frames of the old state.
  auto back = std::make_shared<RecordingSink>();
  feed.Subscribe(back, 11);
  ASSERT_EQ(back->frame_count(), 1u);
  EXPECT_EQ(ParseFrame(back->Frames()[0]).event, "snapshot");
}

TEST(TickerFeedTest, HeartbeatsConfirmQuietStretchesForTheGatewaysOwnResume) {
  TickerFeed feed("sport", {});
  feed.Apply(Snapshot(10, {}));
  feed.Apply(Heartbeat(30));
  EXPECT_EQ(feed.resume_sequence(), 30u);
  EXPECT_EQ(feed.Current()->sequence, 10u) << "no item changed";
  feed.Apply(Heartbeat(25));
  EXPECT_EQ(feed.resume_sequence(), 30u) << "never backwards";
  EXPECT_FALSE(feed.Apply(Event(30, TickerEvent::KIND_ADDED, Item("old", PRIORITY_NORMAL))));
  EXPECT_TRUE(feed.Apply(Event(31, TickerEvent::KIND_ADDED, Item("a", PRIORITY_NORMAL))));
  EXPECT_EQ(feed.resume_sequence(), 31u);
  // A browser's Last-Event-ID is an event's sequence, never a heartbeat's.
  auto sink = std::make_shared<RecordingSink>();
  feed.Subscribe(sink, 10);
  ASSERT_EQ(sink->frame_count(), 1u);
  EXPECT_EQ(ParseFrame(sink->Frames()[0]).id, "31");
}

TEST(TickerFeedTest, HeartbeatsReachEveryBrowser) {
  TickerFeed feed("", {});
  feed.SendHeartbeat();  // nobody listening: nothing to do
  auto first = std::make_shared<RecordingSink>();
  auto second = std::make_shared<RecordingSink>();
  feed.Subscribe(first, std::nullopt);
  feed.Subscribe(second, std::nullopt);
  feed.SendHeartbeat();
  EXPECT_EQ(first->Frames(), (std::vector<std::string>{": heartbeat\n\n"}));
  EXPECT_EQ(second->Frames(), (std::vector<std::string>{": heartbeat\n\n"}));
}

// Whatever the interleaving of a browser's arrival with the events, it gets
// one starting point and then every event after it exactly once, in order.
TEST(TickerFeedTest, SubscribingWhileEventsFlowNeitherLosesNorRepeatsAFrame) {
  TickerFeed feed("", {.history = 64});
  feed.Apply(Snapshot(0, {}));
  constexpr uint64_t kLast = 400;
  std::thread writer([&feed] {
    for (uint64_t s = 1; s <= kLast; ++s) {
      feed.Apply(Event(s, TickerEvent::KIND_ADDED, Item("i" + std::to_string(s), PRIORITY_NORMAL)));
    }
  });
  struct Browser {
    std::shared_ptr<RecordingSink> sink;
    std::optional<uint64_t> last_event_id;
  };
  std::vector<Browser> browsers;
  for (int i = 0; i < 200; ++i) {
    Browser browser{std::make_shared<RecordingSink>(), std::nullopt};
    if (i % 2 == 0) browser.last_event_id = feed.Current()->sequence;
    feed.Subscribe(browser.sink, browser.last_event_id);
    browsers.push_back(browser);
  }
  writer.join();
  for (const Browser& browser : browsers) {
    const std::vector<std::string> frames = browser.sink->Frames();
    uint64_t expected = browser.last_event_id.value_or(0);
    std::size_t next = 0;
    if (!frames.empty() && ParseFrame(frames[0]).event == "snapshot") {
      const ParsedFrame snapshot = ParseFrame(frames[0]);
      expected = std::stoull(snapshot.id);
      // The snapshot shows exactly the items of its sequence.
      std::size_t items = 0;
      for (std::size_t at = 0; (at = snapshot.data.find("\"id\":\"i", at)) != std::string::npos;
           ++at) {
        ++items;
      }
      ASSERT_EQ(items, expected);
      next = 1;
    } else {
      ASSERT_TRUE(browser.last_event_id.has_value()) << "a new browser starts with a snapshot";
    }
    for (; next < frames.size(); ++next) {
      ASSERT_EQ(ParseFrame(frames[next]).id, std::to_string(++expected)) << next;
      ASSERT_EQ(ParseFrame(frames[next]).event, "added");
    }
    EXPECT_EQ(expected, kLast);
  }
}

}  // namespace
}  // namespace akhbar::gateway
