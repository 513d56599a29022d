#include "tests/e2e/stack.h"

#include <grpcpp/grpcpp.h>

#include <iostream>

#include "libs/crypto/sha256.h"
#include "tests/support/http_client.h"

namespace akhbar::e2e {

std::map<std::string, std::string> Stack::ServiceEnv(const std::string& service, int port) {
  metrics_ports_[service] = testing::FreePort();
  return {
      {"AKHBAR_LISTEN_HOST", "127.0.0.1"},
      {"AKHBAR_" + service + "_PORT", std::to_string(port)},
      {"AKHBAR_" + service + "_METRICS_PORT", std::to_string(metrics_ports_[service])},
      {"AKHBAR_PG_DSN", postgres_.dsn()},
      {"AKHBAR_PG_POOL_SIZE", "4"},
      {"AKHBAR_REDIS_ADDR", "127.0.0.1:" + std::to_string(redis_.port())},
      {"AKHBAR_TOKENS", tokens_},
      {"AKHBAR_DRAIN_GRACE_MS", "100"},
  };
}

bool Stack::StartService(const std::string& name, const std::string& binary, int port) {
  std::map<std::string, std::string> env = ServiceEnv(name, port);
  if (name == "RELATED") env["AKHBAR_RELATED_RECONCILE_MS"] = "1000";
  if (name == "GATEWAY") {
    env["AKHBAR_GATEWAY_ARTICLE_TARGET"] = "127.0.0.1:" + std::to_string(article_port_);
    env["AKHBAR_GATEWAY_TICKER_TARGET"] = "127.0.0.1:" + std::to_string(ticker_port_);
    env["AKHBAR_GATEWAY_RELATED_TARGET"] = "127.0.0.1:" + std::to_string(related_port_);
    env["AKHBAR_SITE_FILE"] = std::string(AKHBAR_SOURCE_DIR) + "/deploy/seed/site.json";
    env["AKHBAR_GATEWAY_CLIENT_IP_HEADER"] = kClientHeader;
    env["AKHBAR_GATEWAY_RATE_PER_SECOND"] = "100";
    env["AKHBAR_GATEWAY_RATE_BURST"] = "300";
  }
  auto process =
      std::make_unique<testing::ServiceProcess>(binary, env, postgres_.dir() + "/" + name + ".log");
  if (!process->Start()) return false;
  const bool up = name == "GATEWAY" ? testing::WaitHttpReady(port, std::chrono::seconds(30))
                                    : process->WaitServing("127.0.0.1:" + std::to_string(port),
                                                           std::chrono::seconds(30));
  processes_[name] = std::move(process);
  return up;
}

bool Stack::Start() {
  if (!postgres_.Start() || !redis_.Start()) return false;
  tokens_ = std::string("editor:") + crypto::Sha256Hex(kEditorToken) +
            ",admin:" + crypto::Sha256Hex(kAdminToken);
  article_port_ = testing::FreePort();
  ticker_port_ = testing::FreePort();
  related_port_ = testing::FreePort();
  gateway_port_ = testing::FreePort();
  // The article service migrates the tables the others read: it goes first.
  const bool started = StartService("ARTICLE", AKHBAR_ARTICLE_BINARY, article_port_) &&
                       StartService("TICKER", AKHBAR_TICKER_BINARY, ticker_port_) &&
                       StartService("RELATED", AKHBAR_RELATED_BINARY, related_port_) &&
                       StartService("GATEWAY", AKHBAR_GATEWAY_BINARY, gateway_port_);
  if (!started) {
    PrintLogs();
    return false;
  }
  articles_ = article::v1::ArticleService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(article_port_), grpc::InsecureChannelCredentials()));
  return true;
}

void Stack::PrintLogs() const {
  for (const auto& [name, process] : processes_) {
    std::cerr << "--- " << name << " log ---\n" << process->LogTail() << "\n";
  }
}

bool Stack::CreateSection(const std::string& slug, const std::string& name) {
  article::v1::CreateSectionRequest request;
  request.mutable_section()->set_slug(slug);
  request.mutable_section()->set_name(name);
  article::v1::CreateSectionResponse response;
  grpc::ClientContext context;
  context.AddMetadata("authorization", std::string("Bearer ") + kAdminToken);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Status status = articles_->CreateSection(&context, request, &response);
  if (!status.ok()) std::cerr << "CreateSection: " << status.error_message() << "\n";
  return status.ok();
}

}  // namespace akhbar::e2e
