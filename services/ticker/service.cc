#include "services/ticker/service.h"

#include "libs/grpc/status.h"
#include "services/ticker/watch_reactor.h"

namespace akhbar::ticker {
namespace {

using grpc_util::Role;
using grpc_util::ToGrpcStatus;

}  // namespace

TickerService::TickerService(TickerLogic& logic, const grpc_util::TokenVerifier& tokens,
                             WatchHub& hub, std::size_t watcher_buffer)
    : logic_(logic), tokens_(tokens), hub_(hub), watcher_buffer_(watcher_buffer) {}

grpc::ServerWriteReactor<pb::WatchResponse>* TickerService::Watch(grpc::CallbackServerContext*,
                                                                  const pb::WatchRequest* request) {
  return WatchReactor::Create(hub_, *request, watcher_buffer_);
}

grpc::Status TickerService::ListTickerItems(grpc::ServerContext*,
                                            const pb::ListTickerItemsRequest* request,
                                            pb::ListTickerItemsResponse* response) {
  absl::StatusOr<ItemList> list = logic_.List(request->section());
  if (!list.ok()) return ToGrpcStatus(list.status());
  for (pb::TickerItem& item : list->items) *response->add_items() = std::move(item);
  response->set_sequence(list->sequence);
  return grpc::Status::OK;
}

grpc::Status TickerService::PushTickerItem(grpc::ServerContext* context,
                                           const pb::PushTickerItemRequest* request,
                                           pb::PushTickerItemResponse* response) {
  if (absl::Status s = tokens_.Require(*context, Role::kEditor); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<pb::TickerItem> item = logic_.Push(request->item(), request->request_id());
  if (!item.ok()) return ToGrpcStatus(item.status());
  *response->mutable_item() = *std::move(item);
  return grpc::Status::OK;
}

grpc::Status TickerService::UpdateTickerItem(grpc::ServerContext* context,
                                             const pb::UpdateTickerItemRequest* request,
                                             pb::UpdateTickerItemResponse* response) {
  if (absl::Status s = tokens_.Require(*context, Role::kEditor); !s.ok()) return ToGrpcStatus(s);
  std::vector<std::string> paths(request->update_mask().paths().begin(),
                                 request->update_mask().paths().end());
  absl::StatusOr<pb::TickerItem> item =
      logic_.Update(request->item(), paths, request->expected_version());
  if (!item.ok()) return ToGrpcStatus(item.status());
  *response->mutable_item() = *std::move(item);
  return grpc::Status::OK;
}

grpc::Status TickerService::RetractTickerItem(grpc::ServerContext* context,
                                              const pb::RetractTickerItemRequest* request,
                                              pb::RetractTickerItemResponse*) {
  if (absl::Status s = tokens_.Require(*context, Role::kEditor); !s.ok()) return ToGrpcStatus(s);
  return ToGrpcStatus(logic_.Retract(request->id(), request->expected_version()));
}

}  // namespace akhbar::ticker
