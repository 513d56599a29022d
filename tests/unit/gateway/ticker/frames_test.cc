// The SSE frames browsers parse: exact bytes, one JSON line, id = sequence.
#include "services/gateway/ticker/frames.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "tests/unit/gateway/ticker/ticker_messages.h"

namespace akhbar::gateway {
namespace {

using ticker::v1::PRIORITY_IMPORTANT;
using ticker::v1::PRIORITY_URGENT;
using ticker::v1::TickerEvent;

TickerEvent EventOf(TickerEvent::Kind kind, const ticker::v1::TickerItem& item) {
  TickerEvent event;
  event.set_kind(kind);
  *event.mutable_item() = item;
  return event;
}

TEST(TickerFramesTest, AnEventFrameIsItsSequenceItsKindAndTheItemAsOneJsonLine) {
  ticker::v1::TickerItem item = Item("x", PRIORITY_URGENT, 1700000000);
  // A newline in the text must not end the data line early.
  item.set_text("سطر\nثان");
  item.set_article_id(7);
  const std::string frame = *EventFrame(EventOf(TickerEvent::KIND_UPDATED, item), 42);
  const std::string head = "id: 42\nevent: updated\ndata: ";
  ASSERT_EQ(frame.substr(0, head.size()), head);
  ASSERT_EQ(frame.substr(frame.size() - 2), "\n\n");
  const std::string data = frame.substr(head.size(), frame.size() - head.size() - 2);
  EXPECT_EQ(data.find('\n'), std::string::npos) << data;
  // The proto3 JSON mapping, as GET /api/v1/ticker writes it: camelCase
  // names, int64 as strings, RFC 3339 times, and empty fields present.
  EXPECT_NE(data.find("\"text\":\"سطر\\nثان\""), std::string::npos) << data;
  EXPECT_NE(data.find("\"articleId\":\"7\""), std::string::npos) << data;
  EXPECT_NE(data.find("\"startsAt\":\"2023-11-14T22:13:20Z\""), std::string::npos) << data;
  EXPECT_NE(data.find("\"author\":\"\""), std::string::npos) << data;
  ticker::v1::TickerItem parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(data, &parsed).ok()) << data;
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(parsed, item))
      << parsed.DebugString();
}

TEST(TickerFramesTest, EveryKindHasItsEventName) {
  const ticker::v1::TickerItem item = Item("x", PRIORITY_URGENT);
  const std::pair<TickerEvent::Kind, std::string> kinds[] = {
      {TickerEvent::KIND_ADDED, "added"},
      {TickerEvent::KIND_UPDATED, "updated"},
      {TickerEvent::KIND_REMOVED, "removed"},
      {TickerEvent::KIND_EXPIRED, "expired"},
  };
  for (const auto& [kind, name] : kinds) {
    const std::string frame = *EventFrame(EventOf(kind, item), 5);
    EXPECT_EQ(frame.rfind("id: 5\nevent: " + name + "\ndata: {", 0), 0u) << frame;
  }
  EXPECT_EQ(EventFrame(EventOf(TickerEvent::KIND_UNSPECIFIED, item), 5), nullptr);
}

TEST(TickerFramesTest, ASnapshotFrameKeepsTheGivenOrderAndCarriesItsSequence) {
  const std::string frame = *SnapshotFrame(
      {Item("b", PRIORITY_URGENT), Item("a", PRIORITY_IMPORTANT)}, 18446744073709551615u);
  EXPECT_EQ(frame,
            "id: 18446744073709551615\nevent: snapshot\ndata: {\"items\":["
            "{\"id\":\"b\",\"text\":\"خبر b\",\"priority\":\"PRIORITY_URGENT\",\"sections\":[],"
            "\"version\":\"0\",\"author\":\"\"},"
            "{\"id\":\"a\",\"text\":\"خبر a\",\"priority\":\"PRIORITY_IMPORTANT\",\"sections\":[],"
            "\"version\":\"0\",\"author\":\"\"}],"
            "\"sequence\":\"18446744073709551615\"}\n\n");
}

TEST(TickerFramesTest, AnEmptyTickerIsAnEmptyListNotAMissingOne) {
  EXPECT_EQ(*SnapshotFrame({}, 0),
            "id: 0\nevent: snapshot\ndata: {\"items\":[],\"sequence\":\"0\"}\n\n");
}

TEST(TickerFramesTest, AHeartbeatIsACommentBrowsersIgnore) {
  EXPECT_EQ(*HeartbeatFrame(), ": heartbeat\n\n");
  EXPECT_EQ(HeartbeatFrame().get(), HeartbeatFrame().get()) << "built once, shared";
}

}  // namespace
}  // namespace akhbar::gateway
