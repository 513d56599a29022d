#pragma once

#include <prometheus/exposer.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

namespace akhbar::metrics {

// The process's metric registry, served by a prometheus-cpp exposer on its own
// port (so scrapes never compete with RPC traffic), plus akhbar_build_info.
class Metrics {
 public:
  // Starts serving /metrics on host:port at once.
  Metrics(const std::string& host, int port, const std::string& service);
  prometheus::Registry& registry() { return *registry_; }
  std::shared_ptr<prometheus::Registry> shared_registry() { return registry_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Exposer exposer_;
};

// Latency buckets in seconds, from 0.1 ms to 10 s: our paths range from an
// in-process cache hit to a slow database write.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets();

}  // namespace akhbar::metrics
