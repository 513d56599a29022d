#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/impl/codegen/sync.h>

// A fake stream has no call for ClientContext::TryCancel to cancel, so the
// context only records the wish in a private flag. gRPC declares this class a
// friend of ClientContext for its own tests and defines it only in test code
// that is not linked here; defining it lets a fake stream end when the code
// under test cancels it, as a real one would.
namespace grpc::testing {

class InteropClientContextInspector {
 public:
  explicit InteropClientContextInspector(grpc::ClientContext& context) : context_(context) {}

  bool Cancelled() const {
    grpc::internal::MutexLock lock(&context_.mu_);
    return context_.call_canceled_;
  }

 private:
  grpc::ClientContext& context_;
};

}  // namespace grpc::testing

namespace akhbar::gateway {

inline bool ContextCancelled(grpc::ClientContext& context) {
  return grpc::testing::InteropClientContextInspector(context).Cancelled();
}

}  // namespace akhbar::gateway
