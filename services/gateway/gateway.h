#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "libs/http/beast.h"
#include "services/gateway/article_api.h"
#include "services/gateway/backends.h"
#include "services/gateway/config.h"
#include "services/gateway/gateway_metrics.h"
#include "services/gateway/http_server.h"
#include "services/gateway/page_routes.h"
#include "services/gateway/rate_limiter.h"
#include "services/gateway/response_cache.h"
#include "services/gateway/section_directory.h"
#include "services/gateway/ticker/feeds.h"
#include "services/gateway/ticker_api.h"

namespace akhbar::gateway {

// Every request's way through the gateway. On the I/O thread: the rate
// limit, the fixed answers (health, assets, the OpenAPI document) and the
// cache of ready responses, which answers warm requests without leaving the
// thread. Everything that calls a service runs on a pool of backend threads
// and its answer is posted back to the connection.
class Gateway {
 public:
  Gateway(const GatewayConfig& config, Backends& backends, TickerFeeds& feeds,
          GatewayMetrics& metrics);
  ~Gateway();  // Stop()

  void Handle(const HttpRequest& request, const std::shared_ptr<Responder>& responder);

  // Change events: what was made of the changed data is served no more,
  // and after a withdrawal not even while the services fail.
  void OnArticlesChanged(bool withdrawn) { generations_.Bump(kArticleData, withdrawn); }
  void OnTickerChanged(bool withdrew) { generations_.Bump(kTickerData, withdrew); }

  // On I/O thread `worker`'s tick: no reader waits on a fetch longer than
  // the read deadline.
  void Tick(int worker);

  // /readyz answers 503 from now on, so that load balancers stop sending.
  void SetDraining() { draining_.store(true); }
  // Waits for the backend calls in flight; idempotent.
  void Stop();

 private:
  using Clock = std::chrono::steady_clock;

  void Answer(const HttpRequest& request, RouteId route, Clock::time_point started,
              const std::shared_ptr<Responder>& responder,
              const std::shared_ptr<const ReadyResponse>& response);
  void AnswerFromCache(const HttpRequest& request, const Route& route, unsigned domains,
                       Clock::time_point started, const std::shared_ptr<Responder>& responder);
  void AnswerFromBackends(const HttpRequest& request, const Route& route, Clock::time_point started,
                          const std::shared_ptr<Responder>& responder);
  void StartTickerStream(const HttpRequest& request, const std::shared_ptr<Responder>& responder);
  std::string_view ClientOf(const HttpRequest& request) const;
  // Whether one more call may go to the backend pool (then Release it after).
  bool Admit();
  void Release() { backend_pending_.fetch_sub(1, std::memory_order_relaxed); }
  // The handler of `call.route`; blocking.
  Response Run(const Call& call);

  const GatewayConfig& config_;
  GatewayMetrics& metrics_;
  CacheGenerations generations_;
  std::vector<std::unique_ptr<ResponseCache>> caches_;  // one per I/O thread
  RateLimiter limiter_;
  SectionDirectory sections_;
  ArticleApi articles_;
  TickerApi ticker_;
  PageRoutes pages_;
  std::atomic<bool> draining_{false};

  std::shared_ptr<const ReadyResponse> healthy_, ready_, not_ready_, site_css_, ticker_js_,
      openapi_, busy_, too_slow_;
  std::atomic<int> backend_pending_{0};

  asio::thread_pool backend_pool_;
  std::atomic<bool> stopped_{false};
};

}  // namespace akhbar::gateway
