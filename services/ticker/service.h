#pragma once

#include "akhbar/ticker/v1/ticker.grpc.pb.h"
#include "libs/grpc/auth.h"
#include "services/ticker/logic.h"
#include "services/ticker/watch_hub.h"

namespace akhbar::ticker {

// The generated base: the unary RPCs on the synchronous API (every handler
// blocks on PostgreSQL, and the sync server's capped thread pool is the
// bounded worker pool for that), Watch on the callback API (a stream must not
// hold a thread).
using TickerServiceBase = pb::TickerService::WithCallbackMethod_Watch<pb::TickerService::Service>;

// gRPC adapter: proto ⇄ logic, auth, status mapping; no rules of its own.
// Reads are open; writes need an editor token.
//
// Watch streams are served by `hub`, each with a queue of `watcher_buffer`
// messages.
class TickerService : public TickerServiceBase {
 public:
  TickerService(TickerLogic& logic, const grpc_util::TokenVerifier& tokens, WatchHub& hub,
                std::size_t watcher_buffer);

  grpc::ServerWriteReactor<pb::WatchResponse>* Watch(grpc::CallbackServerContext* context,
                                                     const pb::WatchRequest* request) override;

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
  WatchHub& hub_;
  std::size_t watcher_buffer_;
};

}  // namespace akhbar::ticker
