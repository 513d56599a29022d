// The reference side of `make bench`: a gRPC server that answers one unary
// method with fixed bytes and does nothing else, so that the article service's
// GetArticle can be compared with the least work gRPC itself allows.
//
//   grpc_bytes_server --response FILE [--port 0]
//                     [--method /akhbar.article.v1.ArticleService/GetArticle]
//
//   --response FILE  the serialized response message, answered as is to every
//                    call (e.g. what `grpc_load --save-response` wrote)
//   --port N         loopback port; 0 (default) picks a free one
//   --method M       the full method name served; any other method is
//                    UNIMPLEMENTED
//
// Prints "listening on PORT" on stdout once it serves; the standard health
// service answers SERVING from then on. SIGTERM or SIGINT stop it (exit 0).
//
// There is no thread flag: callback handlers run on gRPC core's own pollers,
// whose number this API does not expose. Pin the process with taskset to give
// it the same CPUs as the service it stands in for.
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/codegen/server_callback_handlers.h>
#include <grpcpp/impl/service_type.h>
#include <grpcpp/support/server_callback.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "libs/task/termination_signal.h"

namespace {

// A registered method rather than a generic service: gRPC then hands the
// request over together with the call (no separate read) and answers with one
// batch, exactly as for the service's own registered methods, so the two
// differ only in what the handler does. The raw (ByteBuffer) handler skips
// parsing the request and serializing the response.
class FixedBytesService final : public grpc::Service {
 public:
  FixedBytesService(std::string method, const std::string& response_bytes)
      : method_(std::move(method)) {
    grpc::Slice slice(response_bytes);
    response_ = grpc::ByteBuffer(&slice, 1);
    // RpcServiceMethod keeps the pointer: method_ lives as long as the service.
    AddMethod(new grpc::internal::RpcServiceMethod(method_.c_str(),
                                                   grpc::internal::RpcMethod::NORMAL_RPC, nullptr));
    MarkMethodRawCallback(
        0, new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
               [this](grpc::CallbackServerContext* context, const grpc::ByteBuffer* /*request*/,
                      grpc::ByteBuffer* response) {
                 // Copying a ByteBuffer takes references on its slices, not
                 // the bytes, and is safe from many calls at once.
                 *response = response_;
                 grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
                 reactor->Finish(grpc::Status::OK);
                 return reactor;
               }));
  }

 private:
  const std::string method_;
  grpc::ByteBuffer response_;
};

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

int Usage(const char* program) {
  std::fprintf(stderr, "usage: %s --response FILE [--port N] [--method /pkg.Service/Method]\n",
               program);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string method = "/akhbar.article.v1.ArticleService/GetArticle";
  std::string response_path;
  int port = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return Usage(argv[0]);
    const char* value = argv[++i];
    if (flag == "--response") {
      response_path = value;
    } else if (flag == "--port") {
      port = std::atoi(value);
    } else if (flag == "--method") {
      method = value;
    } else {
      return Usage(argv[0]);
    }
  }
  if (response_path.empty() || method.size() < 3 || method[0] != '/') return Usage(argv[0]);
  std::string response_bytes;
  if (!ReadFile(response_path, &response_bytes)) {
    std::fprintf(stderr, "cannot read %s\n", response_path.c_str());
    return 1;
  }

  // Before any gRPC thread exists, so every thread leaves the signals to the
  // handler that wakes WaitForTerminationSignal.
  if (!akhbar::task::InstallTerminationSignalHandlers()) {
    std::fprintf(stderr, "cannot install signal handlers\n");
    return 1;
  }
  // Same reason as in libs/grpc/server.cc: Debian's Abseil would otherwise
  // track lock order on every gRPC mutex, a cost the service does not pay.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  grpc::EnableDefaultHealthCheckService(true);

  FixedBytesService service(method, response_bytes);
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort("127.0.0.1:" + std::to_string(port), grpc::InsecureServerCredentials(),
                           &bound_port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    std::fprintf(stderr, "cannot listen on 127.0.0.1:%d\n", port);
    return 1;
  }
  server->GetHealthCheckService()->SetServingStatus(true);
  std::fprintf(stderr, "serving %s with %zu response bytes\n", method.c_str(),
               response_bytes.size());
  std::printf("listening on %d\n", bound_port);
  std::fflush(stdout);

  akhbar::task::WaitForTerminationSignal();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  server->Wait();
  return 0;
}
