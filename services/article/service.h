#pragma once

#include <functional>

#include "akhbar/article/v1/article.grpc.pb.h"
#include "libs/grpc/auth.h"
#include "libs/task/bounded_pool.h"
#include "services/article/logic.h"

namespace akhbar::article {

// gRPC adapter: proto ⇄ logic, auth, status mapping; no rules of its own.
// Handlers block on PostgreSQL or Redis, so most use the synchronous API,
// whose capped thread pool is the bounded worker pool for that. GetArticle,
// the hot read, uses the callback API: a warm reader's article is answered
// on gRPC's own thread with no hand-over, and only a miss is passed to
// `blocking_reads` (which sheds calls beyond its cap with RESOURCE_EXHAUSTED,
// as the sync server does).
class ArticleService final
    : public pb::ArticleService::WithRawCallbackMethod_GetArticle<pb::ArticleService::Service> {
 public:
  // `on_write` runs after every committed write (it wakes the outbox relay).
  ArticleService(ArticleLogic& logic, const grpc_util::TokenVerifier& tokens,
                 task::BoundedPool& blocking_reads, std::function<void()> on_write);

  // Raw bytes both ways: a warm answer is the cached article's encoding,
  // sent without being parsed or serialised again.
  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::Status BatchGetArticles(grpc::ServerContext* context,
                                const pb::BatchGetArticlesRequest* request,
                                pb::BatchGetArticlesResponse* response) override;
  grpc::Status ListArticles(grpc::ServerContext* context, const pb::ListArticlesRequest* request,
                            pb::ListArticlesResponse* response) override;
  grpc::Status CreateArticle(grpc::ServerContext* context, const pb::CreateArticleRequest* request,
                             pb::CreateArticleResponse* response) override;
  grpc::Status UpdateArticle(grpc::ServerContext* context, const pb::UpdateArticleRequest* request,
                             pb::UpdateArticleResponse* response) override;
  grpc::Status PublishArticle(grpc::ServerContext* context,
                              const pb::PublishArticleRequest* request,
                              pb::PublishArticleResponse* response) override;
  grpc::Status UnpublishArticle(grpc::ServerContext* context,
                                const pb::UnpublishArticleRequest* request,
                                pb::UnpublishArticleResponse* response) override;
  grpc::Status TakedownArticle(grpc::ServerContext* context,
                               const pb::TakedownArticleRequest* request,
                               pb::TakedownArticleResponse* response) override;
  grpc::Status ImportArticles(grpc::ServerContext* context,
                              grpc::ServerReader<pb::ImportArticlesRequest>* reader,
                              pb::ImportArticlesResponse* response) override;
  grpc::Status ListSections(grpc::ServerContext* context, const pb::ListSectionsRequest* request,
                            pb::ListSectionsResponse* response) override;
  grpc::Status CreateSection(grpc::ServerContext* context, const pb::CreateSectionRequest* request,
                             pb::CreateSectionResponse* response) override;
  grpc::Status ListTags(grpc::ServerContext* context, const pb::ListTagsRequest* request,
                        pb::ListTagsResponse* response) override;
  grpc::Status GetTag(grpc::ServerContext* context, const pb::GetTagRequest* request,
                      pb::GetTagResponse* response) override;
  grpc::Status MergeTags(grpc::ServerContext* context, const pb::MergeTagsRequest* request,
                         pb::MergeTagsResponse* response) override;

 private:
  Viewer ViewerOf(const grpc::ServerContextBase& context) const;
  grpc::Status Transition(grpc::ServerContext* context, const TransitionInput& input,
                          pb::Article* article);

  ArticleLogic& logic_;
  const grpc_util::TokenVerifier& tokens_;
  task::BoundedPool& blocking_reads_;
  std::function<void()> on_write_;
};

}  // namespace akhbar::article
