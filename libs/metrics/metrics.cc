#include "libs/metrics/metrics.h"

#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#ifndef AKHBAR_VERSION
#define AKHBAR_VERSION "dev"
#endif

namespace akhbar::metrics {

Metrics::Metrics(const std::string& host, int port, const std::string& service)
    : registry_(std::make_shared<prometheus::Registry>()),
      exposer_(host + ":" + std::to_string(port), /*num_threads=*/1) {
  exposer_.RegisterCollectable(registry_);
  prometheus::BuildGauge()
      .Name("akhbar_build_info")
      .Help("Always 1; labels say which build is running")
      .Register(*registry_)
      .Add({{"service", service}, {"version", AKHBAR_VERSION}})
      .Set(1);
}

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return kBuckets;
}

}  // namespace akhbar::metrics
