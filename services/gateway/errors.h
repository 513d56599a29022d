#pragma once

#include <grpcpp/support/status.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "services/gateway/response.h"

namespace akhbar::gateway {

// The one gRPC-code → HTTP-status table of the gateway.
unsigned HttpStatusOf(grpc::StatusCode code);

// "NOT_FOUND", "INVALID_ARGUMENT", … as in the error body.
std::string CodeName(grpc::StatusCode code);

// {"error":{"code":"…","message":"…"}} with the given status; 429 and 503
// also say when to come back.
Response ErrorResponse(unsigned status, std::string_view code, std::string_view message);

// A service's answer as the client sees it. Messages of client errors are
// the services' own words, written for clients; for failures on our side the
// client gets a plain sentence and the operator gets the details in the log.
Response ErrorFromStatus(const grpc::Status& status);
Response ErrorFromStatus(const absl::Status& status);

}  // namespace akhbar::gateway
