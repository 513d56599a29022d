#pragma once

#include "akhbar/related/v1/related.grpc.pb.h"
#include "libs/grpc/auth.h"
#include "services/related/logic.h"

namespace akhbar::related {

// gRPC adapter: proto ⇄ logic, auth, status mapping; no rules of its own.
// GetRelated is open to every caller; the editor aids (drafts, tag
// suggestions) and the editorial settings need an editor token.
class RelatedService final : public pb::RelatedService::Service {
 public:
  RelatedService(RelatedLogic& logic, const grpc_util::TokenVerifier& tokens)
      : logic_(logic), tokens_(tokens) {}

  grpc::Status GetRelated(grpc::ServerContext* context, const pb::GetRelatedRequest* request,
                          pb::GetRelatedResponse* response) override;
  grpc::Status GetRelatedForDraft(grpc::ServerContext* context,
                                  const pb::GetRelatedForDraftRequest* request,
                                  pb::GetRelatedForDraftResponse* response) override;
  grpc::Status SuggestTags(grpc::ServerContext* context, const pb::SuggestTagsRequest* request,
                           pb::SuggestTagsResponse* response) override;
  grpc::Status SetPins(grpc::ServerContext* context, const pb::SetPinsRequest* request,
                       pb::SetPinsResponse* response) override;
  grpc::Status SetOptOut(grpc::ServerContext* context, const pb::SetOptOutRequest* request,
                         pb::SetOptOutResponse* response) override;

 private:
  RelatedLogic& logic_;
  const grpc_util::TokenVerifier& tokens_;
};

}  // namespace akhbar::related
