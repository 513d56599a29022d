#include "tools/eval_related/corpus.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

namespace akhbar::eval {
namespace {

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

bool ParseCorpusTime(const std::string& text, int64_t* us) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, oh = 0, om = 0;
  char sign = '+';
  int consumed = 0;
  int n = 0;
  if (text.size() == 10) {
    n = std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed);
    if (n != 3) return false;
  } else if (text.size() == 19) {
    n = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &consumed);
    if (n != 6) return false;
  } else if (text.size() == 25) {
    n = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c%2d:%2d%n", &y, &mo, &d, &h, &mi, &s,
                    &sign, &oh, &om, &consumed);
    if (n != 9 || (sign != '+' && sign != '-')) return false;
  } else {
    return false;
  }
  if (static_cast<std::size_t>(consumed) != text.size() || mo < 1 || mo > 12 || d < 1 || d > 31 ||
      h > 23 || mi > 59 || s > 60 || oh > 23 || om > 59) {
    return false;
  }
  int64_t seconds = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                    h * 3600 + mi * 60 + s;
  seconds -= (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  *us = seconds * 1000000;
  return true;
}

std::string FormatRfc3339Utc(int64_t us) {
  using google::protobuf::util::TimeUtil;
  return TimeUtil::ToString(TimeUtil::MicrosecondsToTimestamp(us));
}

std::vector<CorpusRecord> ReadCorpus(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    std::exit(2);
  }
  std::vector<CorpusRecord> records;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    google::protobuf::Struct object;
    if (!google::protobuf::util::JsonStringToMessage(line, &object).ok()) {
      std::cerr << path << ":" << line_number << ": not a JSON object\n";
      std::exit(2);
    }
    auto field = [&](const char* name) {
      auto it = object.fields().find(name);
      return it == object.fields().end() ? std::string() : it->second.string_value();
    };
    CorpusRecord record{field("id"), field("category"), field("title"), field("body"), 0};
    std::string published = field("published");
    if (record.id.empty() || record.category.empty() || record.title.empty() ||
        !ParseCorpusTime(published, &record.published_us)) {
      std::cerr << path << ":" << line_number
                << ": needs id, category, title and published (ISO 8601); published is \""
                << published << "\"\n";
      std::exit(2);
    }
    records.push_back(std::move(record));
  }
  return records;
}

std::string ImportLine(const CorpusRecord& record, const std::string& external_id,
                       const std::string& section) {
  // protobuf's JSON printer does the escaping, as everywhere else in the project.
  google::protobuf::Struct line;
  auto& fields = *line.mutable_fields();
  fields["externalId"].set_string_value(external_id);
  fields["section"].set_string_value(section);
  fields["title"].set_string_value(record.title);
  google::protobuf::ListValue* body = fields["body"].mutable_list_value();
  std::size_t start = 0;
  while (start <= record.body.size()) {
    std::size_t end = record.body.find('\n', start);
    if (end == std::string::npos) end = record.body.size();
    std::string paragraph = record.body.substr(start, end - start);
    if (paragraph.find_first_not_of(" \t\r") != std::string::npos) {
      body->add_values()->set_string_value(std::move(paragraph));
    }
    start = end + 1;
  }
  fields["tags"].mutable_list_value();
  fields["status"].set_string_value("PUBLISHED");
  fields["publishedAt"].set_string_value(FormatRfc3339Utc(record.published_us));
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(line, &json).ok()) return "";
  return json;
}

std::string CopyExternalId(const std::string& id, std::size_t copy) {
  return id + "~copy" + std::to_string(copy);
}

std::vector<Copy> CopiesFor(std::size_t size, std::size_t total) {
  std::vector<Copy> copies;
  if (size == 0 || total <= size) return copies;
  const std::size_t extra = total - size;
  std::size_t copy = 2;
  for (std::size_t round = 0; round < extra / size; ++round, ++copy) {
    for (std::size_t i = 0; i < size; ++i) copies.push_back({i, copy});
  }
  const std::size_t rest = extra % size;
  for (std::size_t k = 0; k < rest; ++k) copies.push_back({k * size / rest, copy});
  return copies;
}

}  // namespace akhbar::eval
