#include "services/gateway/ticker/frames.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "libs/log/log.h"

namespace akhbar::gateway {
namespace {

std::string Json(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    // Only invalid UTF-8 gets here, and the ticker service validates text.
    log::Error("ticker frame could not be printed as JSON", {{"error", status.ToString()}});
    return "{}";
  }
  return json;
}

const char* KindName(ticker::v1::TickerEvent::Kind kind) {
  switch (kind) {
    case ticker::v1::TickerEvent::KIND_ADDED:
      return "added";
    case ticker::v1::TickerEvent::KIND_UPDATED:
      return "updated";
    case ticker::v1::TickerEvent::KIND_REMOVED:
      return "removed";
    case ticker::v1::TickerEvent::KIND_EXPIRED:
      return "expired";
    default:
      return nullptr;
  }
}

}  // namespace

std::shared_ptr<const std::string> SnapshotFrame(const std::vector<ticker::v1::TickerItem>& items,
                                                 uint64_t sequence) {
  ticker::v1::ListTickerItemsResponse response;
  response.mutable_items()->Reserve(static_cast<int>(items.size()));
  for (const ticker::v1::TickerItem& item : items) *response.add_items() = item;
  response.set_sequence(sequence);
  return std::make_shared<const std::string>(
      absl::StrCat("id: ", sequence, "\nevent: snapshot\ndata: ", Json(response), "\n\n"));
}

std::shared_ptr<const std::string> EventFrame(const ticker::v1::TickerEvent& event,
                                              uint64_t sequence) {
  const char* kind = KindName(event.kind());
  if (kind == nullptr) return nullptr;
  return std::make_shared<const std::string>(
      absl::StrCat("id: ", sequence, "\nevent: ", kind, "\ndata: ", Json(event.item()), "\n\n"));
}

std::shared_ptr<const std::string> HeartbeatFrame() {
  static const auto* const kFrame = new std::shared_ptr<const std::string>(
      std::make_shared<const std::string>(": heartbeat\n\n"));
  return *kFrame;
}

}  // namespace akhbar::gateway
