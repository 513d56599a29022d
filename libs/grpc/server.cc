#include "libs/grpc/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <memory>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "libs/grpc/observability_interceptor.h"
#include "libs/log/log.h"
#include "libs/metrics/metrics.h"
#include "libs/task/termination_signal.h"

namespace akhbar::grpc_util {

int RunServer(const config::ServerConfig& config, const std::vector<grpc::Service*>& services,
              metrics::Metrics& metrics, const ServerHooks& hooks) {
  if (!task::InstallTerminationSignalHandlers()) {
    log::Error("cannot install signal handlers");
    return 1;
  }
  // Debian builds Abseil with assertions on, which makes every absl::Mutex
  // (gRPC locks one per call operation) maintain a lock-order graph. Deadlock
  // detection belongs in tests, not on the serving path.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  const std::string address = config.listen_host + ":" + std::to_string(config.grpc_port);
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &bound_port);
  builder.SetMaxReceiveMessageSize(config.max_message_bytes);
  builder.SetMaxSendMessageSize(config.max_message_bytes);
  // Caps the sync server's threads: beyond this, new calls wait instead of
  // piling up threads (and database connections) until the process falls over.
  grpc::ResourceQuota quota("akhbar");
  quota.SetMaxThreads(config.max_threads);
  builder.SetResourceQuota(quota);
  for (grpc::Service* service : services) builder.RegisterService(service);

  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(MakeObservabilityInterceptorFactory(metrics.registry()));
  builder.experimental().SetInterceptorCreators(std::move(creators));

  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    log::Error("cannot listen", {{"address", address}});
    return 1;
  }
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  health->SetServingStatus(true);
  log::Info("serving", {{"address", address}, {"metrics_port", config.metrics_port}});

  int signal_number = task::WaitForTerminationSignal();
  log::Info("draining", {{"signal", signal_number},
                         {"grace_ms", static_cast<int64_t>(config.drain_grace.count())}});
  health->SetServingStatus(false);
  if (hooks.on_draining) hooks.on_draining();
  std::this_thread::sleep_for(config.drain_grace);
  server->Shutdown(std::chrono::system_clock::now() + config.drain_deadline);
  server->Wait();
  log::Info("stopped");
  return 0;
}

}  // namespace akhbar::grpc_util
