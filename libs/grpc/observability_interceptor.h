#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>

namespace prometheus {
class Registry;
}

namespace akhbar::grpc_util {

// The one interceptor every akhbar server runs, in one pass per call:
//  - request id: taken from `x-request-id` metadata or made up, and echoed
//    back in the response's initial metadata so a client can quote it;
//  - metrics: akhbar_rpc_server_handled_total{service,method,code} and
//    akhbar_rpc_server_duration_seconds{service,method};
//  - one structured log line per call (never the metadata: it holds tokens).
// The interceptor API is still grpc::experimental; only this file and
// server.cc see it, so a move touches nothing else.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeObservabilityInterceptorFactory(prometheus::Registry& registry);

}  // namespace akhbar::grpc_util
