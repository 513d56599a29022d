#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "akhbar/article/v1/article.grpc.pb.h"
#include "akhbar/related/v1/related.grpc.pb.h"
#include "akhbar/ticker/v1/ticker.grpc.pb.h"

namespace akhbar::gateway {

struct BackendOptions {
  std::string article_target;
  std::string ticker_target;
  std::string related_target;
  std::chrono::milliseconds read_deadline{1500};
  std::chrono::milliseconds write_deadline{10000};
};

// One channel per service, shared by every call: round-robin over all the
// addresses the target resolves to, and retries of reads (never writes) when
// a replica is UNAVAILABLE, configured once in the channel's service config.
class Backends {
 public:
  explicit Backends(const BackendOptions& options);

  article::v1::ArticleService::Stub& article() { return *article_; }
  ticker::v1::TickerService::Stub& ticker() { return *ticker_; }
  std::shared_ptr<ticker::v1::TickerService::Stub> shared_ticker() { return ticker_; }
  related::v1::RelatedService::Stub& related() { return *related_; }

  // A context with the read (or write) deadline and the caller's
  // Authorization header passed on as it came (the services judge it).
  std::unique_ptr<grpc::ClientContext> ReadContext(std::string_view authorization = {}) const;
  std::unique_ptr<grpc::ClientContext> WriteContext(std::string_view authorization) const;

 private:
  BackendOptions options_;
  std::shared_ptr<article::v1::ArticleService::Stub> article_;
  std::shared_ptr<ticker::v1::TickerService::Stub> ticker_;
  std::shared_ptr<related::v1::RelatedService::Stub> related_;
};

// "a:1,b:2" → "ipv4:a:1,b:2" (gRPC's list of addresses); anything with a
// scheme, or a single address, is used as it is.
std::string ChannelTarget(const std::string& target);

}  // namespace akhbar::gateway
