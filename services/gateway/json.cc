#include "services/gateway/json.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>

#include "services/gateway/errors.h"

namespace akhbar::gateway {

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

Response JsonResponse(const google::protobuf::Message& message, unsigned status) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = ToJson(message);
  return response;
}

std::optional<Response> ParseJsonBody(const Call& call, google::protobuf::Message* message,
                                      std::vector<std::string>* present_fields) {
  if (!call.content_type.empty() && !call.content_type.starts_with("application/json")) {
    return ErrorResponse(415, "INVALID_ARGUMENT",
                         "send the body as application/json, not " + call.content_type);
  }
  if (call.body.empty()) return ErrorResponse(400, "INVALID_ARGUMENT", "the body is empty");
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  if (auto status = google::protobuf::util::JsonStringToMessage(call.body, message, options);
      !status.ok()) {
    return ErrorResponse(400, "INVALID_ARGUMENT",
                         "the body is not valid: " + std::string(status.message()));
  }
  if (present_fields != nullptr) {
    google::protobuf::Struct object;
    (void)google::protobuf::util::JsonStringToMessage(call.body, &object);
    const google::protobuf::Descriptor* descriptor = message->GetDescriptor();
    for (const auto& [key, value] : object.fields()) {
      const google::protobuf::FieldDescriptor* field = descriptor->FindFieldByCamelcaseName(key);
      if (field == nullptr) field = descriptor->FindFieldByName(key);
      if (field == nullptr) continue;  // cannot happen: the parse above rejected it
      const google::protobuf::OneofDescriptor* oneof = field->containing_oneof();
      present_fields->push_back(oneof != nullptr ? oneof->name() : field->name());
    }
    std::sort(present_fields->begin(), present_fields->end());
    present_fields->erase(std::unique(present_fields->begin(), present_fields->end()),
                          present_fields->end());
  }
  return std::nullopt;
}

}  // namespace akhbar::gateway
