#include "services/gateway/gateway_metrics.h"

#include <string>

#include "libs/metrics/metrics.h"

namespace akhbar::gateway {
namespace {

constexpr int kRouteCount = static_cast<int>(RouteId::kMethodNotAllowed) + 1;

}  // namespace

GatewayMetrics::GatewayMetrics(prometheus::Registry& registry, int io_threads)
    : requests_(prometheus::BuildCounter()
                    .Name("akhbar_http_requests_total")
                    .Help("HTTP requests answered by the gateway, by route and status")
                    .Register(registry)),
      durations_(prometheus::BuildHistogram()
                     .Name("akhbar_http_request_duration_seconds")
                     .Help("Time from a request read to its answer ready, by route")
                     .Register(registry)),
      counters_by_worker_(static_cast<std::size_t>(io_threads)),
      cache_lookups_(prometheus::BuildCounter()
                         .Name("akhbar_gateway_cache_lookups_total")
                         .Help("Lookups in the gateway's cache of ready responses, by result")
                         .Register(registry)),
      cache_hits_(cache_lookups_.Add({{"result", "hit"}})),
      cache_misses_(cache_lookups_.Add({{"result", "miss"}})),
      rate_limited_(prometheus::BuildCounter()
                        .Name("akhbar_gateway_rate_limited_total")
                        .Help("Requests refused with 429 by the per-client rate limit")
                        .Register(registry)
                        .Add({})),
      event_streams_(prometheus::BuildGauge()
                         .Name("akhbar_gateway_event_streams")
                         .Help("Open Server-Sent Events streams of the ticker")
                         .Register(registry)
                         .Add({})) {
  for (int id = 0; id < kRouteCount; ++id) {
    duration_by_route_.push_back(&durations_.Add(
        {{"route", std::string(RouteName(static_cast<RouteId>(id)))}}, metrics::LatencyBuckets()));
  }
}

void GatewayMetrics::Observe(int worker, RouteId route, unsigned status, double seconds) {
  duration_by_route_[static_cast<std::size_t>(route)]->Observe(seconds);
  auto& counters = counters_by_worker_[static_cast<std::size_t>(worker)];
  const uint32_t key = (static_cast<uint32_t>(route) << 16) | status;
  auto it = counters.find(key);
  if (it == counters.end()) {
    prometheus::Counter* counter = &requests_.Add(
        {{"route", std::string(RouteName(route))}, {"code", std::to_string(status)}});
    it = counters.emplace(key, counter).first;
  }
  it->second->Increment();
}

}  // namespace akhbar::gateway
