#pragma once

#include "akhbar/ticker/v1/ticker.grpc.pb.h"
#include "libs/grpc/auth.h"
#include "services/ticker/logic.h"

namespace akhbar::ticker {

// The generated base: the unary RPCs on the synchronous API (every handler
// blocks on PostgreSQL, and the sync server's capped thread pool is the
// bounded worker pool for that), Watch on the callback API (a stream must not
// hold a thread).
using TickerServiceBase = pb::TickerService::WithCallbackMethod_Watch<pb::TickerService::Service>;

// gRPC adapter: proto ⇄ logic, auth, status mapping; no rules of its own.
// Reads are open; writes need an editor token.
//
// Watch is not implemented here: the base answers it with UNIMPLEMENTED. A
// subclass adds it by overriding
//   grpc::ServerWriteReactor<pb::WatchResponse>* Watch(grpc::CallbackServerContext*,
//                                                      const pb::WatchRequest*) override;
class TickerService : public TickerServiceBase {
 public:
  TickerService(TickerLogic& logic, const grpc_util::TokenVerifier& tokens);

  grpc::Status ListTickerItems(grpc::ServerContext* context,
                               const pb::ListTickerItemsRequest* request,
                               pb::ListTickerItemsResponse* response) override;
  grpc::Status PushTickerItem(grpc::ServerContext* context,
                              const pb::PushTickerItemRequest* request,
                              pb::PushTickerItemResponse* response) override;
  grpc::Status UpdateTickerItem(grpc::ServerContext* context,
                                const pb::UpdateTickerItemRequest* request,
                                pb::UpdateTickerItemResponse* response) override;
  grpc::Status RetractTickerItem(grpc::ServerContext* context,
                                 const pb::RetractTickerItemRequest* request,
                                 pb::RetractTickerItemResponse* response) override;

 protected:
  TickerLogic& logic() { return logic_; }
  const grpc_util::TokenVerifier& tokens() const { return tokens_; }

 private:
  TickerLogic& logic_;
  const grpc_util::TokenVerifier& tokens_;
};

}  // namespace akhbar::ticker
