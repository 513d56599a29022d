#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "akhbar/ticker/v1/ticker.pb.h"

namespace akhbar::gateway {

// Builders for the messages of the ticker service's Watch stream.

inline ticker::v1::TickerItem Item(const std::string& id, ticker::v1::Priority priority,
                                   int64_t starts_at_s = 0, int64_t created_at_s = 0) {
  ticker::v1::TickerItem item;
  item.set_id(id);
  item.set_text("خبر " + id);
  item.set_priority(priority);
  if (starts_at_s != 0) item.mutable_starts_at()->set_seconds(starts_at_s);
  if (created_at_s != 0) item.mutable_created_at()->set_seconds(created_at_s);
  return item;
}

inline ticker::v1::WatchResponse Snapshot(uint64_t sequence,
                                          const std::vector<ticker::v1::TickerItem>& items) {
  ticker::v1::WatchResponse message;
  message.set_sequence(sequence);
  ticker::v1::Snapshot* snapshot = message.mutable_snapshot();
  for (const ticker::v1::TickerItem& item : items) *snapshot->add_items() = item;
  return message;
}

inline ticker::v1::WatchResponse Event(uint64_t sequence, ticker::v1::TickerEvent::Kind kind,
                                       const ticker::v1::TickerItem& item) {
  ticker::v1::WatchResponse message;
  message.set_sequence(sequence);
  message.mutable_event()->set_kind(kind);
  *message.mutable_event()->mutable_item() = item;
  return message;
}

inline ticker::v1::WatchResponse Heartbeat(uint64_t sequence) {
  ticker::v1::WatchResponse message;
  message.set_sequence(sequence);
  message.mutable_heartbeat()->mutable_server_time()->set_seconds(1700000000);
  return message;
}

}  // namespace akhbar::gateway
