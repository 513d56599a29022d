#include "services/gateway/errors.h"

#include <string>

#include "libs/log/log.h"

namespace akhbar::gateway {

unsigned HttpStatusOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::FAILED_PRECONDITION:
      return 412;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    default:
      return 500;
  }
}

std::string CodeName(grpc::StatusCode code) {
  // gRPC's codes are abseil's, number for number.
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

Response ErrorResponse(unsigned status, std::string_view code, std::string_view message) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.cache_control = status == 404 ? "" : "no-store";
  response.body = "{\"error\":{\"code\":\"" + std::string(code) +
                  "\",\"message\":" + log::JsonQuote(message) + "}}";
  if (status == 429 || status == 503) response.headers.emplace_back("Retry-After", "1");
  return response;
}

Response ErrorFromStatus(const grpc::Status& status) {
  const grpc::StatusCode code = status.error_code();
  const unsigned http_status = HttpStatusOf(code);
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE:
      log::Warning("a service is unavailable", {{"error", status.error_message()}});
      return ErrorResponse(http_status, CodeName(code),
                           "the service is unavailable for a moment; try again");
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      log::Warning("a service did not answer in time", {{"error", status.error_message()}});
      return ErrorResponse(http_status, CodeName(code),
                           "the service did not answer in time; try again");
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DATA_LOSS:
      log::Error("a service failed", {{"error", status.error_message()}});
      return ErrorResponse(500, "INTERNAL", "something went wrong on our side");
    default:
      return ErrorResponse(http_status, CodeName(code), status.error_message());
  }
}

Response ErrorFromStatus(const absl::Status& status) {
  return ErrorFromStatus(
      grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message())));
}

}  // namespace akhbar::gateway
