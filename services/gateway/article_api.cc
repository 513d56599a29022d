#include "services/gateway/article_api.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "services/gateway/call_args.h"
#include "services/gateway/errors.h"
#include "services/gateway/json.h"
#include "services/gateway/url.h"

namespace akhbar::gateway {
namespace {

namespace v1 = article::v1;

// An article as the API answers it: its version is its ETag, so that a
// client can send it back in If-Match.
Response ArticleResponse(const v1::Article& article, unsigned status = 200) {
  Response response = JsonResponse(article, status);
  response.etag = VersionEtag(article.version());
  return response;
}

// Writes are answered fresh to the writer and never shared.
Response Written(Response response) {
  response.cache_control = "no-store";
  return response;
}

Response PrivateIfAuthorized(const Call& call, Response response) {
  // An editor may see drafts: what they get is theirs alone.
  if (!call.authorization.empty()) response.cache_control = "private, no-store";
  return response;
}

}  // namespace

Response ArticleApi::Get(const Call& call) {
  auto id = ArticleIdOf(call.first);
  if (auto* e = ErrorOf(id)) return std::move(*e);
  v1::GetArticleRequest request;
  request.set_id(std::get<int64_t>(id));
  v1::GetArticleResponse reply;
  grpc::Status status = backends_.article().GetArticle(
      backends_.ReadContext(call.authorization).get(), request, &reply);
  if (!status.ok()) return ErrorFromStatus(status);
  return PrivateIfAuthorized(call, ArticleResponse(reply.article()));
}

Response ArticleApi::GetBySlug(const Call& call) {
  auto slug = SlugOf(call.first, "slug");
  if (auto* e = ErrorOf(slug)) return std::move(*e);
  v1::GetArticleRequest request;
  request.set_slug(std::get<std::string>(slug));
  v1::GetArticleResponse reply;
  grpc::Status status = backends_.article().GetArticle(
      backends_.ReadContext(call.authorization).get(), request, &reply);
  if (!status.ok()) return ErrorFromStatus(status);
  if (reply.slug_is_outdated()) {
    Response moved;
    moved.status = 301;
    moved.headers.emplace_back("Location",
                               "/api/v1/articles/by-slug/" + PercentEncode(reply.article().slug()));
    return PrivateIfAuthorized(call, std::move(moved));
  }
  return PrivateIfAuthorized(call, ArticleResponse(reply.article()));
}

Response ArticleApi::List(const Call& call) {
  v1::ListArticlesRequest request;
  auto section = StringParam(call, "section");
  auto tag = StringParam(call, "tag");
  auto author = StringParam(call, "author");
  auto token = StringParam(call, "pageToken");
  auto size = IntParam(call, "pageSize", 1, 100);
  if (auto* e = ErrorOf(section)) return std::move(*e);
  if (auto* e = ErrorOf(tag)) return std::move(*e);
  if (auto* e = ErrorOf(author)) return std::move(*e);
  if (auto* e = ErrorOf(token)) return std::move(*e);
  if (auto* e = ErrorOf(size)) return std::move(*e);
  request.set_section(std::get<std::string>(section));
  request.set_tag(std::get<std::string>(tag));
  request.set_author(std::get<std::string>(author));
  request.set_page_token(std::get<std::string>(token));
  if (auto page_size = std::get<std::optional<int64_t>>(size)) {
    request.set_page_size(static_cast<int32_t>(*page_size));
  }
  v1::ListArticlesResponse reply;
  grpc::Status status = backends_.article().ListArticles(
      backends_.ReadContext(call.authorization).get(), request, &reply);
  if (!status.ok()) return ErrorFromStatus(status);
  return PrivateIfAuthorized(call, JsonResponse(reply));
}

Response ArticleApi::Related(const Call& call) {
  auto id = ArticleIdOf(call.first);
  auto limit = IntParam(call, "limit", 1, 20);
  if (auto* e = ErrorOf(id)) return std::move(*e);
  if (auto* e = ErrorOf(limit)) return std::move(*e);
  related::v1::GetRelatedRequest request;
  request.set_article_id(std::get<int64_t>(id));
  if (auto n = std::get<std::optional<int64_t>>(limit)) request.set_limit(static_cast<int32_t>(*n));
  related::v1::GetRelatedResponse reply;
  grpc::Status status = backends_.related().GetRelated(
      backends_.ReadContext(call.authorization).get(), request, &reply);
  if (!status.ok()) return ErrorFromStatus(status);
  return JsonResponse(reply);
}

Response ArticleApi::Sections(const Call& call) {
  v1::ListSectionsResponse reply;
  grpc::Status status = backends_.article().ListSections(
      backends_.ReadContext(call.authorization).get(), v1::ListSectionsRequest(), &reply);
  if (!status.ok()) return ErrorFromStatus(status);
  return JsonResponse(reply);
}

Response ArticleApi::Tag(const Call& call) {
  auto slug = SlugOf(call.first, "tag");
  if (auto* e = ErrorOf(slug)) return std::move(*e);
  v1::GetTagRequest request;
  request.set_slug(std::get<std::string>(slug));
  v1::GetTagResponse reply;
  grpc::Status status =
      backends_.article().GetTag(backends_.ReadContext(call.authorization).get(), request, &reply);
  if (!status.ok()) return ErrorFromStatus(status);
  return JsonResponse(reply);
}

Response ArticleApi::Create(const Call& call) {
  v1::CreateArticleRequest request;
  if (auto error = ParseJsonBody(call, request.mutable_article())) return std::move(*error);
  request.set_request_id(call.idempotency_key);
  v1::CreateArticleResponse reply;
  grpc::Status status = backends_.article().CreateArticle(
      backends_.WriteContext(call.authorization).get(), request, &reply);
  if (!status.ok()) return ErrorFromStatus(status);
  Response response = ArticleResponse(reply.article(), 201);
  response.headers.emplace_back("Location",
                                absl::StrCat("/api/v1/articles/", reply.article().id()));
  return Written(std::move(response));
}

Response ArticleApi::Update(const Call& call) {
  auto id = ArticleIdOf(call.first);
  auto version = ExpectedVersionOf(call);
  if (auto* e = ErrorOf(id)) return std::move(*e);
  if (auto* e = ErrorOf(version)) return std::move(*e);
  const std::optional<int64_t> expected = std::get<std::optional<int64_t>>(version);
  if (!expected) {
    return ErrorResponse(428, "FAILED_PRECONDITION",
                         "say which version you edited: If-Match: \"v<version>\" (the ETag of "
                         "GET /api/v1/articles/{id}) or ?version=<version>");
  }
  v1::UpdateArticleRequest request;
  std::vector<std::string> fields;
  if (auto error = ParseJsonBody(call, request.mutable_article(), &fields)) {
    return std::move(*error);
  }
  if (request.article().id() != 0 && request.article().id() != std::get<int64_t>(id)) {
    return ErrorResponse(400, "INVALID_ARGUMENT", "the body's id differs from the path's");
  }
  std::erase(fields, "id");
  if (fields.empty()) {
    return ErrorResponse(400, "INVALID_ARGUMENT", "the body changes no field");
  }
  request.mutable_article()->set_id(std::get<int64_t>(id));
  for (const std::string& field : fields) request.mutable_update_mask()->add_paths(field);
  request.set_expected_version(*expected);
  v1::UpdateArticleResponse reply;
  grpc::Status status = backends_.article().UpdateArticle(
      backends_.WriteContext(call.authorization).get(), request, &reply);
  if (!status.ok()) return ErrorFromStatus(status);
  return Written(ArticleResponse(reply.article()));
}

Response ArticleApi::Publish(const Call& call) {
  auto id = ArticleIdOf(call.first);
  auto version = ExpectedVersionOf(call);
  if (auto* e = ErrorOf(id)) return std::move(*e);
  if (auto* e = ErrorOf(version)) return std::move(*e);
  v1::PublishArticleRequest request;
  // {"publishAt": "…"} schedules; no body publishes now.
  if (!call.body.empty()) {
    if (auto error = ParseJsonBody(call, &request)) return std::move(*error);
  }
  request.set_id(std::get<int64_t>(id));
  request.set_expected_version(std::get<std::optional<int64_t>>(version).value_or(0));
  v1::PublishArticleResponse reply;
  grpc::Status status = backends_.article().PublishArticle(
      backends_.WriteContext(call.authorization).get(), request, &reply);
  if (!status.ok()) return ErrorFromStatus(status);
  return Written(ArticleResponse(reply.article()));
}

Response ArticleApi::Unpublish(const Call& call) {
  auto id = ArticleIdOf(call.first);
  auto version = ExpectedVersionOf(call);
  if (auto* e = ErrorOf(id)) return std::move(*e);
  if (auto* e = ErrorOf(version)) return std::move(*e);
  v1::UnpublishArticleRequest request;
  request.set_id(std::get<int64_t>(id));
  request.set_expected_version(std::get<std::optional<int64_t>>(version).value_or(0));
  v1::UnpublishArticleResponse reply;
  grpc::Status status = backends_.article().UnpublishArticle(
      backends_.WriteContext(call.authorization).get(), request, &reply);
  if (!status.ok()) return ErrorFromStatus(status);
  return Written(ArticleResponse(reply.article()));
}

Response ArticleApi::Takedown(const Call& call) {
  auto id = ArticleIdOf(call.first);
  if (auto* e = ErrorOf(id)) return std::move(*e);
  v1::TakedownArticleRequest request;
  // {"reason": "…"} is kept with the takedown.
  if (!call.body.empty()) {
    if (auto error = ParseJsonBody(call, &request)) return std::move(*error);
  }
  request.set_id(std::get<int64_t>(id));
  v1::TakedownArticleResponse reply;
  grpc::Status status = backends_.article().TakedownArticle(
      backends_.WriteContext(call.authorization).get(), request, &reply);
  if (!status.ok()) return ErrorFromStatus(status);
  return Written(ArticleResponse(reply.article()));
}

}  // namespace akhbar::gateway
