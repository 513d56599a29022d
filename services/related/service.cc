#include "services/related/service.h"

#include "libs/grpc/status.h"

namespace akhbar::related {
namespace {

using grpc_util::Role;
using grpc_util::ToGrpcStatus;

}  // namespace

grpc::Status RelatedService::GetRelated(grpc::ServerContext*, const pb::GetRelatedRequest* request,
                                        pb::GetRelatedResponse* response) {
  absl::StatusOr<pb::GetRelatedResponse> related =
      logic_.GetRelated(request->article_id(), request->limit());
  if (!related.ok()) return ToGrpcStatus(related.status());
  *response = *std::move(related);
  return grpc::Status::OK;
}

grpc::Status RelatedService::GetRelatedForDraft(grpc::ServerContext* context,
                                                const pb::GetRelatedForDraftRequest* request,
                                                pb::GetRelatedForDraftResponse* response) {
  if (absl::Status s = tokens_.Require(*context, Role::kEditor); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<pb::GetRelatedForDraftResponse> related = logic_.GetRelatedForDraft(*request);
  if (!related.ok()) return ToGrpcStatus(related.status());
  *response = *std::move(related);
  return grpc::Status::OK;
}

grpc::Status RelatedService::SuggestTags(grpc::ServerContext* context,
                                         const pb::SuggestTagsRequest* request,
                                         pb::SuggestTagsResponse* response) {
  if (absl::Status s = tokens_.Require(*context, Role::kEditor); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<pb::SuggestTagsResponse> tags = logic_.SuggestTags(*request);
  if (!tags.ok()) return ToGrpcStatus(tags.status());
  *response = *std::move(tags);
  return grpc::Status::OK;
}

grpc::Status RelatedService::SetPins(grpc::ServerContext* context,
                                     const pb::SetPinsRequest* request, pb::SetPinsResponse*) {
  if (absl::Status s = tokens_.Require(*context, Role::kEditor); !s.ok()) return ToGrpcStatus(s);
  return ToGrpcStatus(logic_.SetPins(
      request->article_id(),
      std::vector<int64_t>(request->pinned_ids().begin(), request->pinned_ids().end())));
}

grpc::Status RelatedService::SetOptOut(grpc::ServerContext* context,
                                       const pb::SetOptOutRequest* request,
                                       pb::SetOptOutResponse*) {
  if (absl::Status s = tokens_.Require(*context, Role::kEditor); !s.ok()) return ToGrpcStatus(s);
  return ToGrpcStatus(logic_.SetOptOut(request->article_id(), request->opt_out()));
}

}  // namespace akhbar::related
