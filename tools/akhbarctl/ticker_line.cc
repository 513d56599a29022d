#include "tools/akhbarctl/ticker_line.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "tools/akhbarctl/json_fields.h"

namespace akhbar::ctl {
namespace {

namespace pb = akhbar::ticker::v1;
using google::protobuf::Struct;
using google::protobuf::Value;
using google::protobuf::util::TimeUtil;

constexpr std::array<std::string_view, 11> kLineFields = {
    "text",     "priority",  "sections",         "articleId", "articleExternalId", "url",
    "startsAt", "expiresAt", "expiresInMinutes", "author",    "requestId"};

// Longer than any item may live (7 days), so the server explains the limit.
constexpr double kMaxMinutes = 60.0 * 24 * 365;

using json::Find;
using json::JoinProblems;
using json::Problems;
using json::Quote;

bool ReadString(const Struct& object, const std::string& name, std::string* out,
                Problems* problems) {
  return json::ReadString(object, name, "", out, problems);
}

// A whole number within [min, max].
bool ReadNumber(const Struct& object, const std::string& name, double min, double max, double* out,
                Problems* problems) {
  const Value* value = Find(object, name);
  if (value == nullptr) return false;
  double number = value->kind_case() == Value::kNumberValue ? value->number_value() : NAN;
  if (!(number >= min && number <= max) || std::floor(number) != number) {
    problems->push_back(Quote(name) + " must be a whole number from " +
                        std::to_string(static_cast<long long>(min)) + " to " +
                        std::to_string(static_cast<long long>(max)));
    return false;
  }
  *out = number;
  return true;
}

// Sets the item's field through `set` only when the time is present and valid.
template <typename Set>
bool ReadTime(const Struct& object, const std::string& name, Set set, Problems* problems) {
  std::string text;
  if (!ReadString(object, name, &text, problems)) return false;
  google::protobuf::Timestamp time;
  if (!TimeUtil::FromString(text, &time)) {
    problems->push_back(Quote(name) + " is not an RFC 3339 time such as 2026-11-28T09:30:00+03:00");
    return false;
  }
  set(time);
  return true;
}

}  // namespace

std::optional<pb::Priority> ParsePriority(std::string_view text) {
  std::string name;
  for (char c : text) {
    name.push_back((c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c);
  }
  if (!name.starts_with("PRIORITY_")) name = "PRIORITY_" + name;
  pb::Priority priority;
  if (!pb::Priority_Parse(name, &priority) || priority == pb::PRIORITY_UNSPECIFIED) {
    return std::nullopt;
  }
  return priority;
}

ParsedTickerLine ParseTickerLine(std::string_view line, const google::protobuf::Timestamp& now) {
  ParsedTickerLine parsed;
  Struct object;
  auto json_status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(line.data(), line.size()), &object);
  if (!json_status.ok()) {
    parsed.status = absl::InvalidArgumentError("the line is not a JSON object");
    return parsed;
  }
  Problems problems;
  std::vector<std::string> unknown;
  for (const auto& [key, value] : object.fields()) {
    if (std::find(kLineFields.begin(), kLineFields.end(), key) == kLineFields.end()) {
      unknown.push_back(key);
    }
  }
  std::sort(unknown.begin(), unknown.end());
  for (const std::string& key : unknown) problems.push_back("unknown field " + Quote(key));

  pb::TickerItem& item = *parsed.request.mutable_item();
  if (!ReadString(object, "text", item.mutable_text(), &problems) &&
      Find(object, "text") == nullptr) {
    problems.push_back("\"text\" is required");
  }
  std::string priority;
  if (ReadString(object, "priority", &priority, &problems)) {
    if (std::optional<pb::Priority> parsed_priority = ParsePriority(priority)) {
      item.set_priority(*parsed_priority);
    } else {
      problems.push_back("\"priority\" must be URGENT, IMPORTANT or NORMAL, not " +
                         Quote(priority));
    }
  } else if (Find(object, "priority") == nullptr) {
    problems.push_back("\"priority\" is required: URGENT, IMPORTANT or NORMAL");
  }
  if (const Value* sections = Find(object, "sections")) {
    if (sections->kind_case() != Value::kListValue) {
      problems.push_back("\"sections\" must be an array of section slugs");
    } else {
      for (const Value& section : sections->list_value().values()) {
        if (section.kind_case() != Value::kStringValue) {
          problems.push_back("\"sections\" must hold strings only");
          break;
        }
        item.add_sections(section.string_value());
      }
    }
  }
  int links = 0;
  double article_id = 0;
  if (ReadNumber(object, "articleId", 1, 9007199254740991.0, &article_id, &problems)) {
    item.set_article_id(static_cast<int64_t>(article_id));
    ++links;
  }
  if (ReadString(object, "articleExternalId", &parsed.article_external_id, &problems)) ++links;
  std::string url;
  if (ReadString(object, "url", &url, &problems)) {
    item.set_url(url);
    ++links;
  }
  if (links > 1) problems.push_back("give one of articleId, articleExternalId or url");

  ReadTime(
      object, "startsAt", [&](const auto& time) { *item.mutable_starts_at() = time; }, &problems);
  bool has_expiry = ReadTime(
      object, "expiresAt", [&](const auto& time) { *item.mutable_expires_at() = time; }, &problems);
  double minutes = 0;
  if (ReadNumber(object, "expiresInMinutes", 1, kMaxMinutes, &minutes, &problems)) {
    if (has_expiry) {
      problems.push_back("give expiresAt or expiresInMinutes, not both");
    } else {
      *item.mutable_expires_at() =
          TimeUtil::SecondsToTimestamp(now.seconds() + static_cast<int64_t>(minutes) * 60);
    }
  }
  ReadString(object, "author", item.mutable_author(), &problems);
  ReadString(object, "requestId", parsed.request.mutable_request_id(), &problems);

  if (!problems.empty()) parsed.status = absl::InvalidArgumentError(JoinProblems(problems));
  return parsed;
}

}  // namespace akhbar::ctl
