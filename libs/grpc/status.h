#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "libs/log/log.h"

namespace akhbar::grpc_util {

// The one place where an absl::Status becomes a grpc::Status. The codes are
// numerically the same; the message is passed as written by logic, which only
// ever writes messages meant for the client. Details a client must not see
// (driver text, kept as status payloads) are logged here for the operator.
inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  if (status.code() == absl::StatusCode::kInternal || status.code() == absl::StatusCode::kUnknown) {
    log::Error("internal error", {{"status", status.ToString()}});
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

inline absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace akhbar::grpc_util
