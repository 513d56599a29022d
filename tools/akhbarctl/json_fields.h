#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "google/protobuf/struct.pb.h"

// Reading one JSON Lines record (parsed into google.protobuf.Struct) field by
// field, collecting every problem so that one round of fixing is enough.
// Shared by the article import and ticker line parsers.
namespace akhbar::ctl::json {

using Problems = std::vector<std::string>;

// "text" in double quotes, for naming fields and values in problems.
std::string Quote(std::string_view text);

// "a number", "a string", … for "must be X, not Y" messages.
std::string_view TypeName(const google::protobuf::Value& value);

// The field's value, or null when it is absent or JSON null.
const google::protobuf::Value* Find(const google::protobuf::Struct& object,
                                    const std::string& name);

// Copies a string field into *out; false (with a problem unless absent)
// otherwise. `where` prefixes the field name in messages ("image.").
bool ReadString(const google::protobuf::Struct& object, const std::string& name,
                std::string_view where, std::string* out, Problems* problems);

std::string JoinProblems(const Problems& problems);

}  // namespace akhbar::ctl::json
