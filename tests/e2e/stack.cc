#include "tests/e2e/stack.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <iostream>
#include <limits>

#include "absl/strings/ascii.h"
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
  for (const auto& [key, value] : extra_env_) env[key] = value;
  auto process =
      std::make_unique<testing::ServiceProcess>(binary, env, postgres_.dir() + "/" + name + ".log");
  if (!process->Start()) return false;
  const bool up = name == "GATEWAY" ? testing::WaitHttpReady(port, std::chrono::seconds(30))
                                    : process->WaitServing("127.0.0.1:" + std::to_string(port),
                                                           std::chrono::seconds(30));
  processes_[name] = std::move(process);
  return up;
}

bool Stack::Start(const std::map<std::string, std::string>& env) {
  extra_env_ = env;
  if (!postgres_.Start() || !redis_.Start()) return false;
  tokens_ = std::string("editor:") + crypto::Sha256Hex(kEditorToken) +
            ",admin:" + crypto::Sha256Hex(kAdminToken) +
            ",reader:" + crypto::Sha256Hex(kReaderToken);
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

std::map<std::string, std::string> Stack::Logs() const {
  std::map<std::string, std::string> logs;
  for (const auto& [name, process] : processes_) {
    logs[name] = process->LogTail(std::numeric_limits<std::size_t>::max());
  }
  return logs;
}

namespace {

// Every line of `log` that holds `needle`, ASCII case ignored.
std::vector<std::string> LinesWith(const std::string& log, const std::string& needle) {
  std::vector<std::string> found;
  const std::string lower_log = absl::AsciiStrToLower(log);
  const std::string lower_needle = absl::AsciiStrToLower(needle);
  for (std::size_t at = lower_log.find(lower_needle); at != std::string::npos;
       at = lower_log.find(lower_needle, at + 1)) {
    const std::size_t start = log.rfind('\n', at);
    const std::size_t from = start == std::string::npos ? 0 : start + 1;
    found.push_back(log.substr(from, log.find('\n', at) - from));
  }
  return found;
}

}  // namespace

void Stack::ExpectNoTokensLogged(const std::vector<std::string>& also_sent) const {
  std::vector<std::string> secrets = {kEditorToken, kAdminToken, kReaderToken, "Bearer "};
  secrets.insert(secrets.end(), also_sent.begin(), also_sent.end());
  for (const auto& [process, log] : Logs()) {
    // An empty log would let the check pass for the wrong reason.
    EXPECT_NE(log.find("\"level\""), std::string::npos) << process << " wrote no log lines";
    for (const std::string& secret : secrets) {
      for (const std::string& line : LinesWith(log, secret)) {
        ADD_FAILURE() << process << " logged \"" << secret << "\": " << line;
      }
    }
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
