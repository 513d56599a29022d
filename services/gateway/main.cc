// akhbar-gateway: wiring only. config → channels → ticker feeds → gateway →
// HTTP server → wait for SIGTERM → drain.
#include "libs/cache/from_config.h"
#include "libs/cache/redis.h"
#include "libs/events/change_follower.h"
#include "libs/log/log.h"
#include "libs/metrics/metrics.h"
#include "libs/task/termination_signal.h"
#include "services/gateway/backends.h"
#include "services/gateway/config.h"
#include "services/gateway/gateway.h"
#include "services/gateway/gateway_metrics.h"
#include "services/gateway/http_server.h"
#include "services/gateway/ticker/feeds.h"

using namespace akhbar;  // main.cc only: every name below is ours or std

int main() {
  gateway::GatewayConfig config = gateway::LoadGatewayConfig();
  log::Init("gateway", config.server.log_level);
  task::InstallTerminationSignalHandlers();
  metrics::Metrics metrics(config.server.listen_host, config.server.metrics_port, "gateway");
  gateway::GatewayMetrics http_metrics(metrics.registry(), config.io_threads);

  gateway::Backends backends({config.article_target, config.ticker_target, config.related_target,
                              config.read_deadline, config.write_deadline});
  gateway::TickerFeeds feeds(backends.shared_ticker(), {}, &metrics.registry());
  gateway::Gateway gateway(config, backends, feeds, http_metrics);
  feeds.SetOnChange([&](const std::string&, bool withdrew) { gateway.OnTickerChanged(withdrew); });
  cache::Redis redis(cache::RedisOptionsFrom(config.redis), &metrics.registry());
  // Again 0.4 s and 1.2 s after a change: by then the related service,
  // polling every 100 ms, has rebuilt the lists the change touched.
  events::ChangeFollower changes(redis,
                                 [&](bool withdrawn) { gateway.OnArticlesChanged(withdrawn); },
                                 {std::chrono::milliseconds(400), std::chrono::milliseconds(1200)});
  changes.Start();

  gateway::HttpServerOptions http;
  http.host = config.server.listen_host;
  http.port = config.server.grpc_port;
  http.io_threads = config.io_threads;
  http.max_header_bytes = config.max_header_bytes;
  http.max_body_bytes = config.max_body_bytes;
  http.large_body_prefix = "/api/v1/articles:import";
  http.max_large_body_bytes = config.max_import_bytes;
  http.read_timeout = config.read_timeout;
  http.max_connections = config.max_connections;
  http.on_tick = [&](int worker) {
    http_metrics.Flush(worker);
    gateway.Tick(worker);
  };
  gateway::HttpServer server(http, [&](const gateway::HttpRequest& request,
                                       const std::shared_ptr<gateway::Responder>& responder) {
    gateway.Handle(request, responder);
  });
  if (!server.Start()) return 1;
  log::Info("gateway listening", {{"port", std::to_string(server.port())}});

  task::WaitForTerminationSignal();
  // Readiness fails first so that load balancers stop sending, and each
  // answer closes its connection so that clients reconnect elsewhere; then
  // streams end (browsers reconnect elsewhere) and in-flight requests finish.
  gateway.SetDraining();
  server.EndKeepAlive();
  log::Info("draining", {{"grace_ms", std::to_string(config.server.drain_grace.count())}});
  std::this_thread::sleep_for(config.server.drain_grace);
  feeds.Stop();
  server.Drain(config.server.drain_deadline);
  changes.Stop();
  gateway.Stop();
  log::Info("stopped");
  return 0;
}
