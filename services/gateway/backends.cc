#include "services/gateway/backends.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/strings/str_cat.h"

namespace akhbar::gateway {
namespace {

// Reads are retried on another replica when one is UNAVAILABLE (restarting,
// draining); writes are not, since a write that reached the database before
// the connection broke must not be applied twice.
std::string ServiceConfig(const std::string& service, std::initializer_list<const char*> reads) {
  std::string names;
  for (const char* method : reads) {
    if (!names.empty()) names += ",";
    absl::StrAppend(&names, "{\"service\":\"", service, "\",\"method\":\"", method, "\"}");
  }
  return absl::StrCat(
      "{\"loadBalancingConfig\":[{\"round_robin\":{}}],\"methodConfig\":[{\"name\":[", names,
      "],\"retryPolicy\":{\"maxAttempts\":3,\"initialBackoff\":\"0.02s\","
      "\"maxBackoff\":\"0.2s\",\"backoffMultiplier\":2,"
      "\"retryableStatusCodes\":[\"UNAVAILABLE\"]}}]}");
}

std::shared_ptr<grpc::Channel> Channel(const std::string& target, const std::string& config) {
  grpc::ChannelArguments arguments;
  arguments.SetServiceConfigJSON(config);
  // Reconnect quickly after a replica restarts.
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  arguments.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
  return grpc::CreateCustomChannel(ChannelTarget(target), grpc::InsecureChannelCredentials(),
                                   arguments);
}

void Authorize(grpc::ClientContext& context, std::string_view authorization) {
  if (!authorization.empty()) context.AddMetadata("authorization", std::string(authorization));
}

}  // namespace

std::string ChannelTarget(const std::string& target) {
  if (target.find("://") != std::string::npos || target.find(',') == std::string::npos ||
      target.starts_with("ipv4:") || target.starts_with("ipv6:")) {
    return target;
  }
  return "ipv4:" + target;
}

Backends::Backends(const BackendOptions& options) : options_(options) {
  article_ = article::v1::ArticleService::NewStub(Channel(
      options.article_target, ServiceConfig("akhbar.article.v1.ArticleService",
                                            {"GetArticle", "BatchGetArticles", "ListArticles",
                                             "ListSections", "ListTags", "GetTag"})));
  // Watch streams resume by themselves (TickerFeeds); only the list is a read.
  ticker_ = ticker::v1::TickerService::NewStub(Channel(
      options.ticker_target, ServiceConfig("akhbar.ticker.v1.TickerService", {"ListTickerItems"})));
  related_ = related::v1::RelatedService::NewStub(Channel(
      options.related_target, ServiceConfig("akhbar.related.v1.RelatedService", {"GetRelated"})));
}

std::unique_ptr<grpc::ClientContext> Backends::ReadContext(std::string_view authorization) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + options_.read_deadline);
  Authorize(*context, authorization);
  return context;
}

std::unique_ptr<grpc::ClientContext> Backends::WriteContext(std::string_view authorization) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + options_.write_deadline);
  Authorize(*context, authorization);
  return context;
}

}  // namespace akhbar::gateway
