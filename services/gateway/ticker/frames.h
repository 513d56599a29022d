#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "akhbar/ticker/v1/ticker.pb.h"

namespace akhbar::gateway {

// Server-Sent Events frames of the ticker. The data line is the proto3 JSON
// mapping (the same JSON as GET /api/v1/ticker), printed on one line so that
// a frame is exactly one SSE message. Each frame is built once and shared by
// every browser that receives it.

// "id: {sequence}\nevent: snapshot\ndata: {"items":[…],"sequence":"{sequence}"}\n\n";
// `items` are sent in the order given (the display order).
std::shared_ptr<const std::string> SnapshotFrame(const std::vector<ticker::v1::TickerItem>& items,
                                                 uint64_t sequence);

// "id: {sequence}\nevent: added|updated|removed|expired\ndata: {TickerItem}\n\n",
// or null for an event of no known kind.
std::shared_ptr<const std::string> EventFrame(const ticker::v1::TickerEvent& event,
                                              uint64_t sequence);

// ": heartbeat\n\n", a comment that keeps proxies from closing an idle stream.
std::shared_ptr<const std::string> HeartbeatFrame();

}  // namespace akhbar::gateway
