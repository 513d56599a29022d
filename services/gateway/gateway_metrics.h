#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "services/gateway/router.h"

namespace akhbar::gateway {

// The gateway's HTTP metrics: every request counted by route and status and
// timed by route; cache lookups; rate-limited requests. (Open event streams
// are counted by the ticker fan-out.)
//
// Each I/O thread counts into its own plain tallies and publishes them to
// Prometheus on its tick (Flush, ten times a second): the request path takes
// no lock and touches no memory another thread writes.
class GatewayMetrics {
 public:
  GatewayMetrics(prometheus::Registry& registry, int io_threads);

  // On I/O thread `worker` only.
  void Observe(int worker, RouteId route, unsigned status, double seconds);
  void CacheHit(int worker) { ++tallies_[static_cast<std::size_t>(worker)].cache_hits; }
  void CacheMiss(int worker) { ++tallies_[static_cast<std::size_t>(worker)].cache_misses; }
  void RateLimited(int worker) { ++tallies_[static_cast<std::size_t>(worker)].rate_limited; }
  void Shed(int worker) { ++tallies_[static_cast<std::size_t>(worker)].shed; }
  void Flush(int worker);

 private:
  struct RouteTally {
    std::vector<double> buckets;  // one per boundary, and +Inf
    double seconds = 0;
    uint64_t count = 0;
  };
  struct Tallies {
    std::vector<RouteTally> routes;
    std::unordered_map<uint32_t, uint64_t> requests;  // (route << 16 | status) → count
    std::unordered_map<uint32_t, prometheus::Counter*> counters;
    uint64_t cache_hits = 0, cache_misses = 0, rate_limited = 0, shed = 0;
  };

  prometheus::Family<prometheus::Counter>& requests_;
  std::vector<prometheus::Histogram*> duration_by_route_;
  prometheus::Family<prometheus::Counter>& cache_lookups_;
  prometheus::Counter& cache_hits_;
  prometheus::Counter& cache_misses_;
  prometheus::Counter& rate_limited_;
  prometheus::Counter& shed_;
  std::vector<Tallies> tallies_;  // one per I/O thread
};

}  // namespace akhbar::gateway
