#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace akhbar::grpc_util {

// The one place where an absl::Status becomes a grpc::Status. The codes are
// numerically the same; the message is passed as written by logic, which only
// ever writes messages meant for the client.
inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

inline absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace akhbar::grpc_util
