#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/struct.pb.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/gateway/call.h"
#include "services/gateway/response.h"

namespace akhbar::gateway {

// The proto3 JSON mapping, as protobuf's own utilities print it: camelCase
// names, int64 as strings, enums by name, every field present (a client
// should not have to know proto3's defaults).
std::string ToJson(const google::protobuf::Message& message);

Response JsonResponse(const google::protobuf::Message& message, unsigned status = 200);

// Parses the request body into `message` (unknown fields are an error, so
// that a typo is not silently dropped) and lists the body's top-level keys
// as field paths (snake_case) for update masks. On failure returns the 400
// to answer.
std::optional<Response> ParseJsonBody(const Call& call, google::protobuf::Message* message,
                                      std::vector<std::string>* present_fields = nullptr);

}  // namespace akhbar::gateway
