#include "tools/akhbarctl/json_fields.h"

namespace akhbar::ctl::json {

using google::protobuf::Struct;
using google::protobuf::Value;

// Built by appending: GCC 12 at -O2 reports a false -Wrestrict for
// `"\"" + std::string(text) + "\""`.
std::string Quote(std::string_view text) {
  std::string quoted;
  quoted.reserve(text.size() + 2);
  quoted.push_back('"');
  quoted.append(text);
  quoted.push_back('"');
  return quoted;
}

std::string_view TypeName(const Value& value) {
  switch (value.kind_case()) {
    case Value::kNumberValue:
      return "a number";
    case Value::kStringValue:
      return "a string";
    case Value::kBoolValue:
      return "a boolean";
    case Value::kStructValue:
      return "an object";
    case Value::kListValue:
      return "an array";
    default:
      return "null";
  }
}

const Value* Find(const Struct& object, const std::string& name) {
  auto it = object.fields().find(name);
  if (it == object.fields().end() || it->second.kind_case() == Value::kNullValue) return nullptr;
  return &it->second;
}

bool ReadString(const Struct& object, const std::string& name, std::string_view where,
                std::string* out, Problems* problems) {
  const Value* value = Find(object, name);
  if (value == nullptr) return false;
  if (value->kind_case() != Value::kStringValue) {
    problems->push_back(Quote(std::string(where) + name) + " must be a string, not " +
                        std::string(TypeName(*value)));
    return false;
  }
  *out = value->string_value();
  return true;
}

std::string JoinProblems(const Problems& problems) {
  std::string joined;
  for (const std::string& problem : problems) {
    if (!joined.empty()) joined += "; ";
    joined += problem;
  }
  return joined;
}

}  // namespace akhbar::ctl::json
