#include "services/gateway/ticker_api.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "services/gateway/call_args.h"
#include "services/gateway/errors.h"
#include "services/gateway/json.h"
#include "services/gateway/url.h"

namespace akhbar::gateway {
namespace {

namespace v1 = ticker::v1;

// How long a request waits for a newly opened feed's first snapshot.
constexpr auto kFirstSnapshotWait = std::chrono::milliseconds(500);

Response Written(Response response) {
  response.cache_control = "no-store";
  return response;
}

}  // namespace

absl::StatusOr<TickerFeed*> TickerApi::FeedOf(const std::string& section) {
  if (!section.empty()) {
    std::shared_ptr<const SectionDirectory::Sections> holder;
    absl::StatusOr<const article::v1::Section*> found = sections_.Find(section, &holder);
    if (!found.ok()) return found.status();
    if (*found == nullptr) {
      return absl::NotFoundError(absl::StrCat("there is no section \"", section, "\""));
    }
  }
  return feeds_.Feed(section);
}

std::shared_ptr<const TickerFeed::State> TickerApi::Current(const std::string& section) {
  absl::StatusOr<TickerFeed*> feed = FeedOf(section);
  if (!feed.ok()) return std::make_shared<TickerFeed::State>();
  const auto until = std::chrono::steady_clock::now() + kFirstSnapshotWait;
  std::shared_ptr<const TickerFeed::State> state = (*feed)->Current();
  while (!state->ready && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    state = (*feed)->Current();
  }
  return state;
}

Response TickerApi::Get(const Call& call) {
  auto section = StringParam(call, "section");
  if (auto* e = ErrorOf(section)) return std::move(*e);
  absl::StatusOr<TickerFeed*> feed = FeedOf(std::get<std::string>(section));
  if (!feed.ok()) return ErrorFromStatus(feed.status());
  std::shared_ptr<const TickerFeed::State> state = Current(std::get<std::string>(section));
  if (!state->ready) {
    return ErrorResponse(503, "UNAVAILABLE", "the ticker is unavailable for a moment; try again");
  }
  v1::ListTickerItemsResponse reply;
  for (const v1::TickerItem& item : state->items) *reply.add_items() = item;
  reply.set_sequence(state->sequence);
  return JsonResponse(reply);
}

Response TickerApi::Push(const Call& call) {
  v1::PushTickerItemRequest request;
  if (auto error = ParseJsonBody(call, request.mutable_item())) return std::move(*error);
  request.set_request_id(call.idempotency_key);
  v1::PushTickerItemResponse reply;
  grpc::Status status = backends_.ticker().PushTickerItem(
      backends_.WriteContext(call.authorization).get(), request, &reply);
  if (!status.ok()) return ErrorFromStatus(status);
  Response response = JsonResponse(reply.item(), 201);
  response.etag = VersionEtag(reply.item().version());
  response.headers.emplace_back("Location", "/api/v1/ticker/" + PercentEncode(reply.item().id()));
  return Written(std::move(response));
}

Response TickerApi::Update(const Call& call) {
  auto id = SlugOf(call.first, "ticker item id");
  auto version = ExpectedVersionOf(call);
  if (auto* e = ErrorOf(id)) return std::move(*e);
  if (auto* e = ErrorOf(version)) return std::move(*e);
  v1::UpdateTickerItemRequest request;
  std::vector<std::string> fields;
  if (auto error = ParseJsonBody(call, request.mutable_item(), &fields)) return std::move(*error);
  const std::string& item_id = std::get<std::string>(id);
  if (!request.item().id().empty() && request.item().id() != item_id) {
    return ErrorResponse(400, "INVALID_ARGUMENT", "the body's id differs from the path's");
  }
  std::erase(fields, "id");
  if (fields.empty()) return ErrorResponse(400, "INVALID_ARGUMENT", "the body changes no field");
  request.mutable_item()->set_id(item_id);
  for (const std::string& field : fields) request.mutable_update_mask()->add_paths(field);
  request.set_expected_version(std::get<std::optional<int64_t>>(version).value_or(0));
  v1::UpdateTickerItemResponse reply;
  grpc::Status status = backends_.ticker().UpdateTickerItem(
      backends_.WriteContext(call.authorization).get(), request, &reply);
  if (!status.ok()) return ErrorFromStatus(status);
  Response response = JsonResponse(reply.item());
  response.etag = VersionEtag(reply.item().version());
  return Written(std::move(response));
}

Response TickerApi::Retract(const Call& call) {
  auto id = SlugOf(call.first, "ticker item id");
  auto version = ExpectedVersionOf(call);
  if (auto* e = ErrorOf(id)) return std::move(*e);
  if (auto* e = ErrorOf(version)) return std::move(*e);
  v1::RetractTickerItemRequest request;
  request.set_id(std::get<std::string>(id));
  request.set_expected_version(std::get<std::optional<int64_t>>(version).value_or(0));
  v1::RetractTickerItemResponse reply;
  grpc::Status status = backends_.ticker().RetractTickerItem(
      backends_.WriteContext(call.authorization).get(), request, &reply);
  if (!status.ok()) return ErrorFromStatus(status);
  Response response;
  response.status = 204;
  return Written(std::move(response));
}

}  // namespace akhbar::gateway
