// Calls to akhbar.related.v1.RelatedService: `related ID` shows an article's
// «موضوعات متعلقة» with why each was chosen; `related draft` and
// `related suggest-tags` are the editor aids; `related pin` and
// `related opt-out` the editorial settings.

#include <grpcpp/grpcpp.h>

#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "akhbar/related/v1/related.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tools/akhbarctl/commands.h"
#include "tools/akhbarctl/output.h"

namespace akhbar::ctl {
namespace {

namespace pb = akhbar::related::v1;

std::unique_ptr<pb::RelatedService::Stub> RelatedStub(const Invocation& invocation) {
  return pb::RelatedService::NewStub(OpenChannel(invocation));
}

// "0.734  #12  Title  (section)  — tags: a, b; terms: x, y; same section"
void PrintRelated(const pb::RelatedArticle& article, std::ostream& out) {
  const pb::Reasons& reasons = article.reasons();
  std::vector<std::string> why;
  if (reasons.pinned()) why.push_back("pinned by an editor");
  if (reasons.fallback()) why.push_back("filler: latest of its tag or section");
  if (!reasons.shared_tags().empty()) {
    why.push_back("tags: " + absl::StrJoin(reasons.shared_tags(), ", "));
  }
  if (!reasons.shared_terms().empty()) {
    why.push_back("terms: " + absl::StrJoin(reasons.shared_terms(), ", "));
  }
  if (reasons.same_section()) why.push_back("same section");
  out << std::fixed << std::setprecision(3) << article.score() << "  #" << article.article_id()
      << "  " << article.title() << "  (" << article.section() << ", "
      << FormatTime(article.has_published_at(), article.published_at()) << ")\n      "
      << absl::StrJoin(why, "; ") << "\n";
}

std::optional<int> LimitFlag(const Invocation& invocation) {
  if (!invocation.args.Has("limit")) return 0;
  std::optional<std::int64_t> limit = ParseInt64(invocation.args.Get("limit"));
  if (!limit || *limit < 1 || *limit > 20) return std::nullopt;
  return static_cast<int>(*limit);
}

int RunRelated(const Invocation& invocation) {
  std::optional<std::int64_t> id = ParseInt64(invocation.args.positional[0]);
  if (!id || *id <= 0) return UsageError(invocation, "ID must be an article id (a number)");
  std::optional<int> limit = LimitFlag(invocation);
  if (!limit) return UsageError(invocation, "--limit must be a whole number from 1 to 20");
  pb::GetRelatedRequest request;
  request.set_article_id(*id);
  request.set_limit(*limit);
  grpc::ClientContext context;
  PrepareContext(invocation, &context);
  pb::GetRelatedResponse response;
  grpc::Status status = RelatedStub(invocation)->GetRelated(&context, request, &response);
  if (!status.ok()) return RpcFailed(status);
  if (invocation.global.json) return PrintJson(response, std::cout) ? kExitOk : kExitRpcFailed;
  for (const pb::RelatedArticle& article : response.articles()) PrintRelated(article, std::cout);
  return kExitOk;
}

int RunDraft(const Invocation& invocation) {
  std::optional<int> limit = LimitFlag(invocation);
  if (!limit) return UsageError(invocation, "--limit must be a whole number from 1 to 20");
  pb::GetRelatedForDraftRequest request;
  request.set_title(invocation.args.Get("title"));
  request.set_body(invocation.args.Get("body"));
  request.set_section(invocation.args.Get("section"));
  if (invocation.args.Has("tags")) {
    std::vector<std::string> tags =
        absl::StrSplit(invocation.args.Get("tags"), ',', absl::SkipWhitespace());
    for (const std::string& tag : tags) request.add_tags(tag);
  }
  request.set_limit(*limit);
  grpc::ClientContext context;
  PrepareContext(invocation, &context);
  pb::GetRelatedForDraftResponse response;
  grpc::Status status = RelatedStub(invocation)->GetRelatedForDraft(&context, request, &response);
  if (!status.ok()) return RpcFailed(status);
  if (invocation.global.json) return PrintJson(response, std::cout) ? kExitOk : kExitRpcFailed;
  for (const pb::RelatedArticle& article : response.articles()) PrintRelated(article, std::cout);
  return kExitOk;
}

int RunSuggestTags(const Invocation& invocation) {
  std::optional<int> limit = LimitFlag(invocation);
  if (!limit) return UsageError(invocation, "--limit must be a whole number from 1 to 20");
  pb::SuggestTagsRequest request;
  request.set_title(invocation.args.Get("title"));
  request.set_body(invocation.args.Get("body"));
  request.set_limit(*limit);
  grpc::ClientContext context;
  PrepareContext(invocation, &context);
  pb::SuggestTagsResponse response;
  grpc::Status status = RelatedStub(invocation)->SuggestTags(&context, request, &response);
  if (!status.ok()) return RpcFailed(status);
  if (invocation.global.json) return PrintJson(response, std::cout) ? kExitOk : kExitRpcFailed;
  for (const pb::TagSuggestion& tag : response.tags()) {
    std::cout << std::fixed << std::setprecision(3) << tag.score() << "  " << tag.name() << "  ("
              << tag.slug() << ")\n";
  }
  return kExitOk;
}

int RunPin(const Invocation& invocation) {
  pb::SetPinsRequest request;
  for (std::size_t i = 0; i < invocation.args.positional.size(); ++i) {
    std::optional<std::int64_t> id = ParseInt64(invocation.args.positional[i]);
    if (!id || *id <= 0) return UsageError(invocation, "every ID must be an article id (a number)");
    if (i == 0) {
      request.set_article_id(*id);
    } else {
      request.add_pinned_ids(*id);
    }
  }
  grpc::ClientContext context;
  PrepareContext(invocation, &context);
  pb::SetPinsResponse response;
  grpc::Status status = RelatedStub(invocation)->SetPins(&context, request, &response);
  if (!status.ok()) return RpcFailed(status);
  std::cout << (request.pinned_ids().empty() ? "pins cleared for " : "pins set for ")
            << request.article_id() << "\n";
  return kExitOk;
}

int RunOptOut(const Invocation& invocation) {
  std::optional<std::int64_t> id = ParseInt64(invocation.args.positional[0]);
  if (!id || *id <= 0) return UsageError(invocation, "ID must be an article id (a number)");
  const std::string& value = invocation.args.positional[1];
  if (value != "on" && value != "off") return UsageError(invocation, "say on or off");
  pb::SetOptOutRequest request;
  request.set_article_id(*id);
  request.set_opt_out(value == "on");
  grpc::ClientContext context;
  PrepareContext(invocation, &context);
  pb::SetOptOutResponse response;
  grpc::Status status = RelatedStub(invocation)->SetOptOut(&context, request, &response);
  if (!status.ok()) return RpcFailed(status);
  std::cout << "article " << *id << (request.opt_out() ? " opted out of" : " back in")
            << " related lists\n";
  return kExitOk;
}

int RunHealth(const Invocation& invocation) {
  grpc::ClientContext context;
  PrepareContext(invocation, &context);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(invocation.args.Get("service"));
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = grpc::health::v1::Health::NewStub(OpenChannel(invocation))
                            ->Check(&context, request, &response);
  if (!status.ok()) return RpcFailed(status);
  std::cout << grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status()) << "\n";
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING ? kExitOk
                                                                             : kExitRpcFailed;
}

}  // namespace

std::vector<Command> RelatedCommands() {
  const Endpoint endpoint = kRelatedEndpoint;
  return {
      {.name = "related",
       .usage = "ID [--limit N]",
       .summary = "an article's related articles, with their scores and why each was chosen",
       .flags = {"limit"},
       .min_args = 1,
       .max_args = 1,
       .endpoint = endpoint,
       .run = RunRelated},
      {.name = "related draft",
       .usage = "--title T [--body B] [--tags A,B] [--section S] [--limit N]",
       .summary = "related articles for text not saved yet (editor)",
       .flags = {"title", "body", "tags", "section", "limit"},
       .endpoint = endpoint,
       .run = RunDraft},
      {.name = "related suggest-tags",
       .usage = "--title T [--body B] [--limit N]",
       .summary = "existing tags that fit a draft (editor)",
       .flags = {"title", "body", "limit"},
       .endpoint = endpoint,
       .run = RunSuggestTags},
      {.name = "related pin",
       .usage = "ID [PINNED_ID ...]",
       .summary = "show these articles first under ID, in this order; none clears (editor)",
       .min_args = 1,
       .max_args = 11,
       .endpoint = endpoint,
       .run = RunPin},
      {.name = "related opt-out",
       .usage = "ID on|off",
       .summary = "on: ID gets no automatic list and appears in none (editor)",
       .min_args = 2,
       .max_args = 2,
       .endpoint = endpoint,
       .run = RunOptOut},
      {.name = "health",
       .usage = "[--service NAME]",
       .summary = "the gRPC health status of the server at --addr (exit 0 when SERVING)",
       .flags = {"service"},
       .endpoint = kArticleEndpoint,
       .run = RunHealth},
  };
}

}  // namespace akhbar::ctl
