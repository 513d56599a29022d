#pragma once

#include <grpcpp/impl/codegen/service_type.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "libs/config/common.h"

namespace akhbar::metrics {
class Metrics;
}

// gRPC helpers shared by every akhbar process. The namespace is grpc_util, not
// grpc, so that `grpc::` inside namespace akhbar still names the library.
namespace akhbar::grpc_util {

struct ServerHooks {
  // Called once SIGTERM/SIGINT has arrived and health says NOT_SERVING, before
  // the grace period: stop background work that writes (schedulers, relays).
  std::function<void()> on_draining;
};

// Builds and runs a server for `services` until SIGTERM or SIGINT, the same
// way for every akhbar service: grpc.health.v1 (overall and per service),
// reflection, the observability interceptor, message size limits and a
// capped thread pool. On a signal it drains: health turns NOT_SERVING so load
// balancers stop sending, requests keep being served for drain_grace, then
// in-flight calls get until drain_deadline to finish. Returns the exit code.
int RunServer(const config::ServerConfig& config, const std::vector<grpc::Service*>& services,
              metrics::Metrics& metrics, const ServerHooks& hooks = {});

}  // namespace akhbar::grpc_util
