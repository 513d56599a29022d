#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "services/gateway/router.h"

namespace akhbar::gateway {

// The gateway's HTTP metrics: every request counted by route and status and
// timed by route; cache lookups; rate-limited requests; open event streams.
class GatewayMetrics {
 public:
  GatewayMetrics(prometheus::Registry& registry, int io_threads);

  // On I/O thread `worker` only: each thread keeps its own index of the
  // (route, status) counters, so the warm path takes no registry lock.
  void Observe(int worker, RouteId route, unsigned status, double seconds);
  void CacheHit() { cache_hits_.Increment(); }
  void CacheMiss() { cache_misses_.Increment(); }
  void RateLimited() { rate_limited_.Increment(); }
  prometheus::Gauge& event_streams() { return event_streams_; }

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& durations_;
  std::vector<prometheus::Histogram*> duration_by_route_;
  std::vector<std::unordered_map<uint32_t, prometheus::Counter*>> counters_by_worker_;
  prometheus::Family<prometheus::Counter>& cache_lookups_;
  prometheus::Counter& cache_hits_;
  prometheus::Counter& cache_misses_;
  prometheus::Counter& rate_limited_;
  prometheus::Gauge& event_streams_;
};

}  // namespace akhbar::gateway
