#include "libs/grpc/observability_interceptor.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "libs/log/log.h"
#include "libs/metrics/metrics.h"

namespace akhbar::grpc_util {
namespace {

using grpc::experimental::InterceptionHookPoints;

constexpr char kRequestIdKey[] = "x-request-id";

const char* CodeName(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {"OK",
                                           "CANCELLED",
                                           "UNKNOWN",
                                           "INVALID_ARGUMENT",
                                           "DEADLINE_EXCEEDED",
                                           "NOT_FOUND",
                                           "ALREADY_EXISTS",
                                           "PERMISSION_DENIED",
                                           "RESOURCE_EXHAUSTED",
                                           "FAILED_PRECONDITION",
                                           "ABORTED",
                                           "OUT_OF_RANGE",
                                           "UNIMPLEMENTED",
                                           "INTERNAL",
                                           "UNAVAILABLE",
                                           "DATA_LOSS",
                                           "UNAUTHENTICATED"};
  int index = static_cast<int>(code);
  return (index >= 0 && index <= 16) ? kNames[index] : "UNKNOWN";
}

std::string NewRequestId() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t bits = engine();
  std::string id(16, '0');
  for (char& c : id) {
    c = kHex[bits & 0xF];
    bits >>= 4;
  }
  return id;
}

// "/akhbar.article.v1.ArticleService/GetArticle" → service, method.
std::pair<std::string, std::string> SplitMethod(const char* full) {
  std::string path = full ? full : "";
  auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return {"unknown", path};
  return {path.substr(1, slash - 1), path.substr(slash + 1)};
}

constexpr int kCodes = 17;  // OK … UNAUTHENTICATED

// Metric families, and each method's children found once: a call costs one
// lookup under a reader lock (prometheus-cpp's Add searches the family).
class RpcMetrics {
 public:
  // One method's histogram, and a counter per status code made on first use.
  struct Method {
    std::string service;
    std::string name;
    prometheus::Histogram* duration = nullptr;
    std::array<std::atomic<prometheus::Counter*>, kCodes> handled{};
  };

  explicit RpcMetrics(prometheus::Registry& registry)
      : handled_(prometheus::BuildCounter()
                     .Name("akhbar_rpc_server_handled_total")
                     .Help("RPCs completed, by gRPC status code")
                     .Register(registry)),
        duration_(prometheus::BuildHistogram()
                      .Name("akhbar_rpc_server_duration_seconds")
                      .Help("Time from the start of an RPC to its status")
                      .Register(registry)) {}

  // `full_method`: "/akhbar.article.v1.ArticleService/GetArticle".
  Method& For(const char* full_method) {
    // Debian's Abseil has its own string_view, which the map's lookup needs.
    const absl::string_view key(full_method);
    {
      absl::ReaderMutexLock lock(&mu_);
      auto it = methods_.find(key);
      if (it != methods_.end()) return *it->second;
    }
    absl::MutexLock lock(&mu_);
    std::unique_ptr<Method>& method = methods_[std::string(key)];
    if (method == nullptr) {
      method = std::make_unique<Method>();
      std::tie(method->service, method->name) = SplitMethod(full_method);
      method->duration = &duration_.Add({{"service", method->service}, {"method", method->name}},
                                        metrics::LatencyBuckets());
    }
    return *method;
  }

  void Record(Method& method, grpc::StatusCode code, double seconds) {
    const int index = static_cast<int>(code) >= 0 && static_cast<int>(code) < kCodes
                          ? static_cast<int>(code)
                          : static_cast<int>(grpc::StatusCode::UNKNOWN);
    prometheus::Counter* counter = method.handled[index].load(std::memory_order_acquire);
    if (counter == nullptr) {
      absl::MutexLock lock(&mu_);
      counter = method.handled[index].load(std::memory_order_relaxed);
      if (counter == nullptr) {
        counter = &handled_.Add({{"service", method.service},
                                 {"method", method.name},
                                 {"code", CodeName(static_cast<grpc::StatusCode>(index))}});
        method.handled[index].store(counter, std::memory_order_release);
      }
    }
    counter->Increment();
    method.duration->Observe(seconds);
  }

 private:
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& duration_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> methods_ ABSL_GUARDED_BY(mu_);
};

class ObservabilityInterceptor : public grpc::experimental::Interceptor {
 public:
  ObservabilityInterceptor(grpc::experimental::ServerRpcInfo* info, RpcMetrics* metrics)
      : metrics_(metrics),
        method_(metrics->For(info->method() != nullptr ? info->method() : "")),
        start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* metadata = methods->GetRecvInitialMetadata();
      auto it = metadata->find(kRequestIdKey);
      // Bounded so that a client cannot push a huge id into every log line.
      if (it != metadata->end() && it->second.size() > 0 && it->second.size() <= 64) {
        request_id_.assign(it->second.data(), it->second.size());
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdKey, RequestId());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      metrics_->Record(method_, status.error_code(), seconds);
      // Server faults are errors and every other failure is worth a line;
      // successful calls are counted by the metrics above and logged only at
      // debug: a line per read would cost more than the read.
      log::Level level = log::Level::kInfo;
      if (status.ok()) {
        level = log::Level::kDebug;
      } else if (status.error_code() == grpc::StatusCode::INTERNAL ||
                 status.error_code() == grpc::StatusCode::UNKNOWN ||
                 status.error_code() == grpc::StatusCode::DATA_LOSS) {
        level = log::Level::kError;
      }
      if (log::Enabled(level)) {
        log::Write(level, "rpc",
                   {{"method", method_.name},
                    {"code", CodeName(status.error_code())},
                    {"duration_ms", seconds * 1000.0},
                    {"request_id", RequestId()}});
      }
    }
    methods->Proceed();
  }

 private:
  const std::string& RequestId() {
    if (request_id_.empty()) request_id_ = NewRequestId();
    return request_id_;
  }

  RpcMetrics* metrics_;
  RpcMetrics::Method& method_;
  std::chrono::steady_clock::time_point start_;
  std::string request_id_;
};

class ObservabilityInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ObservabilityInterceptorFactory(prometheus::Registry& registry) : metrics_(registry) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new ObservabilityInterceptor(info, &metrics_);
  }

 private:
  RpcMetrics metrics_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeObservabilityInterceptorFactory(prometheus::Registry& registry) {
  return std::make_unique<ObservabilityInterceptorFactory>(registry);
}

}  // namespace akhbar::grpc_util
