#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "akhbar/article/v1/article.grpc.pb.h"
#include "tests/support/local_servers.h"
#include "tests/support/service_process.h"

namespace akhbar::e2e {

inline constexpr char kEditorToken[] = "editor-token-for-e2e";
inline constexpr char kAdminToken[] = "admin-token-for-e2e";
// A signed-in reader: reads like anyone, may write nothing (403).
inline constexpr char kReaderToken[] = "reader-token-for-e2e";
// Requests carrying this header are rate-limited as the client it names.
inline constexpr char kClientHeader[] = "X-Test-Client";

// The whole stack on private ports: PostgreSQL, Redis, article, ticker,
// related and the gateway, each a real process started the way it runs in
// production. Started once per test binary (it takes seconds).
class Stack {
 public:
  // Starts everything, each process with `env` added to its environment;
  // false (with the logs printed) when a part fails.
  bool Start(const std::map<std::string, std::string>& env = {});
  void PrintLogs() const;

  int gateway_port() const { return gateway_port_; }
  // Where each process ("ARTICLE", "TICKER", "RELATED", "GATEWAY") serves /metrics.
  const std::map<std::string, int>& metrics_ports() const { return metrics_ports_; }
  article::v1::ArticleService::Stub& articles() { return *articles_; }
  // SIGTERM to the gateway; its exit status once it has drained.
  int TerminateGateway() { return processes_.at("GATEWAY")->Terminate(); }
  // A section created through the article service (sections have no HTTP route).
  bool CreateSection(const std::string& slug, const std::string& name);
  // Everything each process ("ARTICLE", …, "GATEWAY") has written to its
  // standard output and error so far.
  std::map<std::string, std::string> Logs() const;
  // A test failure for every log line that shows one of the stack's tokens,
  // one of `also_sent` or any "Bearer " value (what a client sends must
  // never be written down where operators and log collectors read it).
  void ExpectNoTokensLogged(const std::vector<std::string>& also_sent = {}) const;

 private:
  std::map<std::string, std::string> ServiceEnv(const std::string& service, int port);
  bool StartService(const std::string& name, const std::string& binary, int port);

  testing::LocalPostgres postgres_;
  testing::LocalRedis redis_;
  std::string tokens_;
  std::map<std::string, std::string> extra_env_;
  std::map<std::string, std::unique_ptr<testing::ServiceProcess>> processes_;
  int article_port_ = 0, ticker_port_ = 0, related_port_ = 0, gateway_port_ = 0;
  std::map<std::string, int> metrics_ports_;
  std::unique_ptr<article::v1::ArticleService::Stub> articles_;
};

}  // namespace akhbar::e2e
