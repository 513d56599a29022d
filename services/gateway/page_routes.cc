#include "services/gateway/page_routes.h"

#include "absl/strings/str_cat.h"
#include "services/gateway/call_args.h"
#include "services/gateway/errors.h"
#include "services/gateway/url.h"

namespace akhbar::gateway {
namespace {

namespace v1 = article::v1;

constexpr int kHomeSections = 8;
constexpr int kHomeArticlesPerSection = 5;
constexpr int kListingPageSize = 20;
constexpr int kRelatedOnPage = 5;

}  // namespace

pages::Chrome PageRoutes::ChromeFor(const std::string& ticker_section) {
  pages::Chrome chrome;
  chrome.site = &site_;
  if (auto sections = sections_.All(); sections.ok()) chrome.sections = **sections;
  chrome.ticker = ticker_.Current(ticker_section)->items;
  chrome.ticker_section = ticker_section;
  return chrome;
}

Response PageRoutes::Html(unsigned status, std::string body) const {
  Response response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(body);
  return response;
}

Response PageRoutes::Error(unsigned status, std::string_view message) {
  Response response = Html(status, pages::RenderErrorPage(ChromeFor(""), status, message));
  if (status != 404) response.cache_control = "no-store";
  if (status == 503) response.headers.emplace_back("Retry-After", "1");
  return response;
}

Response PageRoutes::ErrorFrom(const grpc::Status& status) {
  const unsigned http_status = HttpStatusOf(status.error_code());
  switch (status.error_code()) {
    case grpc::StatusCode::NOT_FOUND:
      return Error(404, "لم نجد هذه الصفحة");
    case grpc::StatusCode::INVALID_ARGUMENT:
      return Error(400, "الرابط غير صحيح");
    default:
      // The JSON form logs the details for the operator.
      (void)ErrorFromStatus(status);
      return Error(http_status >= 500 ? http_status : 500, "تعذر عرض الصفحة الآن، حاول بعد قليل");
  }
}

Response PageRoutes::NotFound() { return Error(404, "لم نجد هذه الصفحة"); }

Response PageRoutes::Home(const Call&) {
  pages::Chrome chrome = ChromeFor("");
  std::vector<pages::SectionBlock> latest;
  int shown = 0;
  for (const v1::Section& section : chrome.sections) {
    if (shown++ == kHomeSections) break;
    v1::ListArticlesRequest request;
    request.set_section(section.slug());
    request.set_page_size(kHomeArticlesPerSection);
    request.set_omit_body(true);
    v1::ListArticlesResponse reply;
    grpc::Status status =
        backends_.article().ListArticles(backends_.ReadContext().get(), request, &reply);
    if (!status.ok()) return ErrorFrom(status);
    if (reply.articles().empty()) continue;
    latest.push_back(pages::SectionBlock{
        section, std::vector<v1::Article>(reply.articles().begin(), reply.articles().end())});
  }
  return Html(200, pages::RenderHomePage(chrome, latest));
}

grpc::Status PageRoutes::GetArticle(std::string_view id_text, v1::GetArticleResponse* reply) {
  auto id = ArticleIdOf(id_text);
  if (ErrorOf(id)) return grpc::Status(grpc::StatusCode::NOT_FOUND, "");
  v1::GetArticleRequest request;
  request.set_id(std::get<int64_t>(id));
  return backends_.article().GetArticle(backends_.ReadContext().get(), request, reply);
}

Response PageRoutes::Article(const Call& call) {
  v1::GetArticleResponse reply;
  if (grpc::Status status = GetArticle(call.first, &reply); !status.ok()) return ErrorFrom(status);
  const v1::Article& article = reply.article();
  // One address per article: old slugs and mistyped ones lead to it.
  const std::optional<std::string> slug = PercentDecode(call.second);
  if (!slug || *slug != article.slug()) {
    Response moved;
    moved.status = 301;
    moved.headers.emplace_back("Location", pages::ArticlePath(article.id(), article.slug()));
    return moved;
  }
  related::v1::GetRelatedRequest related_request;
  related_request.set_article_id(article.id());
  related_request.set_limit(kRelatedOnPage);
  related::v1::GetRelatedResponse related_reply;
  grpc::Status related_status = backends_.related().GetRelated(backends_.ReadContext().get(),
                                                               related_request, &related_reply);
  // The article is worth showing without its related list; such a page is
  // not kept, so the list appears as soon as the service is back. An article
  // the related service has not indexed yet simply has no list so far (the
  // change events refresh the page when it has).
  std::vector<related::v1::RelatedArticle> related(related_reply.articles().begin(),
                                                   related_reply.articles().end());
  Response response =
      Html(200, pages::RenderArticlePage(ChromeFor(article.section()), article, related));
  if (!related_status.ok() && related_status.error_code() != grpc::StatusCode::NOT_FOUND) {
    (void)ErrorFromStatus(related_status);  // logged
    response.cache_control = "no-store";
  }
  return response;
}

Response PageRoutes::ShortLink(const Call& call) {
  v1::GetArticleResponse reply;
  if (grpc::Status status = GetArticle(call.first, &reply); !status.ok()) return ErrorFrom(status);
  Response moved;
  moved.status = 301;
  moved.headers.emplace_back("Location",
                             pages::ArticlePath(reply.article().id(), reply.article().slug()));
  return moved;
}

Response PageRoutes::Section(const Call& call) {
  const std::optional<std::string> slug = PercentDecode(call.first);
  if (!slug) return NotFound();
  if (TextProblem(*slug)) return Error(400, "الرابط غير صحيح");
  std::shared_ptr<const SectionDirectory::Sections> holder;
  absl::StatusOr<const v1::Section*> section = sections_.Find(*slug, &holder);
  if (!section.ok()) return ErrorFrom(grpc::Status(grpc::StatusCode::UNAVAILABLE, ""));
  if (*section == nullptr) return NotFound();
  auto token = StringParam(call, "pageToken");
  if (ErrorOf(token)) return Error(400, "الرابط غير صحيح");
  v1::ListArticlesRequest request;
  request.set_section(*slug);
  request.set_page_size(kListingPageSize);
  request.set_page_token(std::get<std::string>(token));
  request.set_omit_body(true);
  v1::ListArticlesResponse reply;
  grpc::Status status =
      backends_.article().ListArticles(backends_.ReadContext().get(), request, &reply);
  if (!status.ok()) return ErrorFrom(status);
  std::vector<v1::Article> articles(reply.articles().begin(), reply.articles().end());
  return Html(200, pages::RenderSectionPage(ChromeFor(*slug), **section, articles,
                                            reply.next_page_token()));
}

Response PageRoutes::Tag(const Call& call) {
  const std::optional<std::string> slug = PercentDecode(call.first);
  if (!slug || slug->empty()) return NotFound();
  if (TextProblem(*slug)) return Error(400, "الرابط غير صحيح");
  v1::GetTagRequest tag_request;
  tag_request.set_slug(*slug);
  v1::GetTagResponse tag_reply;
  grpc::Status status =
      backends_.article().GetTag(backends_.ReadContext().get(), tag_request, &tag_reply);
  if (!status.ok()) return ErrorFrom(status);
  auto token = StringParam(call, "pageToken");
  if (ErrorOf(token)) return Error(400, "الرابط غير صحيح");
  v1::ListArticlesRequest request;
  request.set_tag(tag_reply.tag().slug());
  request.set_page_size(kListingPageSize);
  request.set_page_token(std::get<std::string>(token));
  request.set_omit_body(true);
  v1::ListArticlesResponse reply;
  status = backends_.article().ListArticles(backends_.ReadContext().get(), request, &reply);
  if (!status.ok()) return ErrorFrom(status);
  std::vector<v1::Article> articles(reply.articles().begin(), reply.articles().end());
  return Html(
      200, pages::RenderTagPage(ChromeFor(""), tag_reply.tag(), articles, reply.next_page_token()));
}

}  // namespace akhbar::gateway
