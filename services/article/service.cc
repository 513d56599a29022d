#include "services/article/service.h"

#include <google/protobuf/util/time_util.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/proto_buffer_writer.h>

#include <memory>

#include "libs/grpc/status.h"

namespace akhbar::article {
namespace {

using google::protobuf::util::TimeUtil;
using grpc_util::Role;
using grpc_util::ToGrpcStatus;

}  // namespace

ArticleService::ArticleService(ArticleLogic& logic, const grpc_util::TokenVerifier& tokens,
                               task::BoundedPool& blocking_reads, std::function<void()> on_write)
    : logic_(logic),
      tokens_(tokens),
      blocking_reads_(blocking_reads),
      on_write_(std::move(on_write)) {}

Viewer ArticleService::ViewerOf(const grpc::ServerContextBase& context) const {
  return Viewer{tokens_.IsAtLeast(context, Role::kEditor)};
}

namespace {

grpc::Status Answer(absl::StatusOr<GetResult> result, grpc::ByteBuffer* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  pb::GetArticleResponse message;
  *message.mutable_article() = std::move(result->article);
  message.set_slug_is_outdated(result->slug_is_outdated);
  bool own_buffer = false;
  return grpc::GenericSerialize<grpc::ProtoBufferWriter, pb::GetArticleResponse>(message, response,
                                                                                 &own_buffer);
}

// The held encoding itself goes out, kept alive by the slice that points
// into it rather than copied.
grpc::ByteBuffer Encoded(std::shared_ptr<const HeldArticle> held) {
  auto* keep = new std::shared_ptr<const HeldArticle>(std::move(held));
  grpc::Slice slice(
      const_cast<char*>((*keep)->response.data()), (*keep)->response.size(),
      [](void* kept) { delete static_cast<std::shared_ptr<const HeldArticle>*>(kept); }, keep);
  return grpc::ByteBuffer(&slice, 1);
}

}  // namespace

grpc::ServerUnaryReactor* ArticleService::GetArticle(grpc::CallbackServerContext* context,
                                                     const grpc::ByteBuffer* request_bytes,
                                                     grpc::ByteBuffer* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto request = std::make_shared<pb::GetArticleRequest>();
  grpc::ByteBuffer copy(*request_bytes);  // GenericDeserialize consumes its buffer
  if (grpc::Status parsed =
          grpc::GenericDeserialize<grpc::ProtoBufferReader, pb::GetArticleRequest>(&copy,
                                                                                   request.get());
      !parsed.ok()) {
    reactor->Finish(parsed);
    return reactor;
  }
  if (request->key_case() == pb::GetArticleRequest::KEY_NOT_SET) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "set id or slug"));
    return reactor;
  }
  const Viewer viewer = ViewerOf(*context);
  if (std::shared_ptr<const HeldArticle> warm = logic_.TryGetEncoded(*request, viewer)) {
    *response = Encoded(std::move(warm));
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  // Redis or PostgreSQL it is: not on gRPC's threads.
  const bool taken = blocking_reads_.TrySubmit([this, request, response, reactor, viewer] {
    reactor->Finish(Answer(request->key_case() == pb::GetArticleRequest::kId
                               ? logic_.GetById(request->id(), viewer)
                               : logic_.GetBySlug(request->slug(), viewer),
                           response));
  });
  if (!taken) {
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                 "the article service is at capacity; retry shortly"));
  }
  return reactor;
}

grpc::Status ArticleService::BatchGetArticles(grpc::ServerContext* context,
                                              const pb::BatchGetArticlesRequest* request,
                                              pb::BatchGetArticlesResponse* response) {
  absl::StatusOr<BatchResult> result = logic_.BatchGet(
      std::vector<int64_t>(request->ids().begin(), request->ids().end()), ViewerOf(*context));
  if (!result.ok()) return ToGrpcStatus(result.status());
  for (pb::Article& article : result->articles) *response->add_articles() = std::move(article);
  for (int64_t id : result->missing_ids) response->add_missing_ids(id);
  return grpc::Status::OK;
}

grpc::Status ArticleService::ListArticles(grpc::ServerContext* context,
                                          const pb::ListArticlesRequest* request,
                                          pb::ListArticlesResponse* response) {
  absl::StatusOr<ListResult> result = logic_.List(*request, ViewerOf(*context));
  if (!result.ok()) return ToGrpcStatus(result.status());
  for (pb::Article& article : result->articles) *response->add_articles() = std::move(article);
  response->set_next_page_token(result->next_page_token);
  response->set_total_size(result->total);
  return grpc::Status::OK;
}

grpc::Status ArticleService::CreateArticle(grpc::ServerContext* context,
                                           const pb::CreateArticleRequest* request,
                                           pb::CreateArticleResponse* response) {
  if (absl::Status s = tokens_.Require(*context, Role::kEditor); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<pb::Article> article = logic_.Create(request->article(), request->request_id());
  if (!article.ok()) return ToGrpcStatus(article.status());
  on_write_();
  *response->mutable_article() = *std::move(article);
  return grpc::Status::OK;
}

grpc::Status ArticleService::UpdateArticle(grpc::ServerContext* context,
                                           const pb::UpdateArticleRequest* request,
                                           pb::UpdateArticleResponse* response) {
  if (absl::Status s = tokens_.Require(*context, Role::kEditor); !s.ok()) return ToGrpcStatus(s);
  std::vector<std::string> paths(request->update_mask().paths().begin(),
                                 request->update_mask().paths().end());
  absl::StatusOr<pb::Article> article =
      logic_.Update(request->article(), paths, request->expected_version());
  if (!article.ok()) return ToGrpcStatus(article.status());
  on_write_();
  *response->mutable_article() = *std::move(article);
  return grpc::Status::OK;
}

grpc::Status ArticleService::Transition(grpc::ServerContext* context, const TransitionInput& input,
                                        pb::Article* article) {
  if (absl::Status s = tokens_.Require(*context, Role::kEditor); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<pb::Article> result = logic_.Transition(input);
  if (!result.ok()) return ToGrpcStatus(result.status());
  on_write_();
  *article = *std::move(result);
  return grpc::Status::OK;
}

grpc::Status ArticleService::PublishArticle(grpc::ServerContext* context,
                                            const pb::PublishArticleRequest* request,
                                            pb::PublishArticleResponse* response) {
  TransitionInput input{
      request->id(), Transition::kPublish,
      request->has_publish_at() ? TimeUtil::TimestampToMicroseconds(request->publish_at()) : 0,
      request->expected_version(), ""};
  return Transition(context, input, response->mutable_article());
}

grpc::Status ArticleService::UnpublishArticle(grpc::ServerContext* context,
                                              const pb::UnpublishArticleRequest* request,
                                              pb::UnpublishArticleResponse* response) {
  TransitionInput input{request->id(), Transition::kUnpublish, 0, request->expected_version(), ""};
  return Transition(context, input, response->mutable_article());
}

grpc::Status ArticleService::TakedownArticle(grpc::ServerContext* context,
                                             const pb::TakedownArticleRequest* request,
                                             pb::TakedownArticleResponse* response) {
  TransitionInput input{request->id(), Transition::kTakedown, 0, 0, request->reason()};
  return Transition(context, input, response->mutable_article());
}

grpc::Status ArticleService::ImportArticles(grpc::ServerContext* context,
                                            grpc::ServerReader<pb::ImportArticlesRequest>* reader,
                                            pb::ImportArticlesResponse* response) {
  if (absl::Status s = tokens_.Require(*context, Role::kEditor); !s.ok()) return ToGrpcStatus(s);
  pb::ImportArticlesRequest item;
  for (int index = 0; reader->Read(&item); ++index) {
    pb::ImportResult result = logic_.Import(index, item);
    switch (result.outcome()) {
      case pb::ImportResult::OUTCOME_CREATED:
        response->set_created(response->created() + 1);
        break;
      case pb::ImportResult::OUTCOME_UPDATED:
        response->set_updated(response->updated() + 1);
        break;
      case pb::ImportResult::OUTCOME_UNCHANGED:
        response->set_unchanged(response->unchanged() + 1);
        break;
      default:
        response->set_failed(response->failed() + 1);
    }
    *response->add_results() = std::move(result);
    if (index % 64 == 0) on_write_();
  }
  on_write_();
  return grpc::Status::OK;
}

grpc::Status ArticleService::ListSections(grpc::ServerContext*, const pb::ListSectionsRequest*,
                                          pb::ListSectionsResponse* response) {
  absl::StatusOr<std::vector<pb::Section>> sections = logic_.ListSections();
  if (!sections.ok()) return ToGrpcStatus(sections.status());
  for (pb::Section& section : *sections) *response->add_sections() = std::move(section);
  return grpc::Status::OK;
}

grpc::Status ArticleService::CreateSection(grpc::ServerContext* context,
                                           const pb::CreateSectionRequest* request,
                                           pb::CreateSectionResponse* response) {
  if (absl::Status s = tokens_.Require(*context, Role::kAdmin); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<pb::Section> section = logic_.CreateSection(request->section());
  if (!section.ok()) return ToGrpcStatus(section.status());
  *response->mutable_section() = *std::move(section);
  return grpc::Status::OK;
}

grpc::Status ArticleService::ListTags(grpc::ServerContext*, const pb::ListTagsRequest* request,
                                      pb::ListTagsResponse* response) {
  absl::StatusOr<pb::ListTagsResponse> result = logic_.ListTags(*request);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

grpc::Status ArticleService::GetTag(grpc::ServerContext*, const pb::GetTagRequest* request,
                                    pb::GetTagResponse* response) {
  absl::StatusOr<pb::Tag> tag = logic_.GetTag(request->slug());
  if (!tag.ok()) return ToGrpcStatus(tag.status());
  *response->mutable_tag() = *std::move(tag);
  return grpc::Status::OK;
}

grpc::Status ArticleService::MergeTags(grpc::ServerContext* context,
                                       const pb::MergeTagsRequest* request,
                                       pb::MergeTagsResponse* response) {
  if (absl::Status s = tokens_.Require(*context, Role::kAdmin); !s.ok()) return ToGrpcStatus(s);
  absl::StatusOr<pb::MergeTagsResponse> result =
      logic_.MergeTags(request->source(), request->target());
  if (!result.ok()) return ToGrpcStatus(result.status());
  on_write_();
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace akhbar::article
