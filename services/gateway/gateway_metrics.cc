#include "services/gateway/gateway_metrics.h"

#include <algorithm>
#include <string>

#include "libs/metrics/metrics.h"

namespace akhbar::gateway {
namespace {

constexpr int kRouteCount = static_cast<int>(RouteId::kMethodNotAllowed) + 1;

prometheus::Family<prometheus::Counter>& CounterFamily(prometheus::Registry& registry,
                                                       const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

}  // namespace

GatewayMetrics::GatewayMetrics(prometheus::Registry& registry, int io_threads)
    : requests_(CounterFamily(registry, "akhbar_http_requests_total",
                              "HTTP requests answered by the gateway, by route and status")),
      cache_lookups_(CounterFamily(registry, "akhbar_gateway_cache_lookups_total",
                                   "Lookups in the gateway's cache of ready responses, by result")),
      cache_hits_(cache_lookups_.Add({{"result", "hit"}})),
      cache_misses_(cache_lookups_.Add({{"result", "miss"}})),
      rate_limited_(CounterFamily(registry, "akhbar_gateway_rate_limited_total",
                                  "Requests refused with 429 by the per-client rate limit")
                        .Add({})),
      shed_(CounterFamily(registry, "akhbar_gateway_shed_total",
                          "Requests refused with 503 because too many calls to services were "
                          "already pending (AKHBAR_GATEWAY_MAX_PENDING)")
                .Add({})),
      tallies_(static_cast<std::size_t>(io_threads)) {
  auto& durations = prometheus::BuildHistogram()
                        .Name("akhbar_http_request_duration_seconds")
                        .Help("Time from a request read to its answer ready, by route")
                        .Register(registry);
  for (int id = 0; id < kRouteCount; ++id) {
    duration_by_route_.push_back(&durations.Add(
        {{"route", std::string(RouteName(static_cast<RouteId>(id)))}}, metrics::LatencyBuckets()));
  }
  for (Tallies& tallies : tallies_) {
    tallies.routes.resize(kRouteCount);
    for (RouteTally& route : tallies.routes) {
      route.buckets.assign(metrics::LatencyBuckets().size() + 1, 0);
    }
  }
}

void GatewayMetrics::Observe(int worker, RouteId route, unsigned status, double seconds) {
  Tallies& tallies = tallies_[static_cast<std::size_t>(worker)];
  RouteTally& tally = tallies.routes[static_cast<std::size_t>(route)];
  const auto& bounds = metrics::LatencyBuckets();
  tally.buckets[static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), seconds) -
                                         bounds.begin())] += 1;
  tally.seconds += seconds;
  ++tally.count;
  ++tallies.requests[(static_cast<uint32_t>(route) << 16) | status];
}

void GatewayMetrics::Flush(int worker) {
  Tallies& tallies = tallies_[static_cast<std::size_t>(worker)];
  for (std::size_t id = 0; id < tallies.routes.size(); ++id) {
    RouteTally& tally = tallies.routes[id];
    if (tally.count == 0) continue;
    duration_by_route_[id]->ObserveMultiple(tally.buckets, tally.seconds);
    std::fill(tally.buckets.begin(), tally.buckets.end(), 0);
    tally.seconds = 0;
    tally.count = 0;
  }
  for (auto& [key, count] : tallies.requests) {
    if (count == 0) continue;
    prometheus::Counter*& counter = tallies.counters[key];
    if (counter == nullptr) {
      counter = &requests_.Add({{"route", std::string(RouteName(static_cast<RouteId>(key >> 16)))},
                                {"code", std::to_string(key & 0xffff)}});
    }
    counter->Increment(static_cast<double>(count));
    count = 0;
  }
  cache_hits_.Increment(static_cast<double>(tallies.cache_hits));
  cache_misses_.Increment(static_cast<double>(tallies.cache_misses));
  rate_limited_.Increment(static_cast<double>(tallies.rate_limited));
  shed_.Increment(static_cast<double>(tallies.shed));
  tallies.cache_hits = tallies.cache_misses = tallies.rate_limited = tallies.shed = 0;
}

}  // namespace akhbar::gateway
