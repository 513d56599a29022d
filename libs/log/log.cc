#include "libs/log/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "libs/text/utf8.h"

namespace akhbar::log {
namespace {

std::atomic<Level> g_min_level{Level::kInfo};
std::string g_service = "akhbar";  // written once by Init before threads start

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
  }
  return "info";
}

std::string Timestamp() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return buffer;
}

}  // namespace

Field::Field(std::string_view key, std::string_view value) : key_(key), json_(JsonQuote(value)) {}
Field::Field(std::string_view key, bool value) : key_(key), json_(value ? "true" : "false") {}
Field::Field(std::string_view key, double value) : key_(key) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.6g", value);
  json_ = buffer;
}

void Init(std::string_view service, Level min_level) {
  g_service = std::string(service);
  g_min_level = min_level;
}

bool ParseLevel(std::string_view name, Level* level) {
  for (Level candidate : {Level::kDebug, Level::kInfo, Level::kWarning, Level::kError}) {
    if (name == LevelName(candidate)) {
      *level = candidate;
      return true;
    }
  }
  return false;
}

std::string JsonQuote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      text::utf8::Decoded decoded = text::utf8::Decode(text, i);
      if (decoded.valid) {
        out.append(text.substr(i, decoded.length));
      } else {
        out += "\\ufffd";
      }
      i += decoded.length;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof(buffer), "\\u%04x", c);
          out += buffer;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
  return out;
}

bool Enabled(Level level) { return level >= g_min_level.load(std::memory_order_relaxed); }

void Write(Level level, std::string_view message, std::initializer_list<Field> fields) {
  if (!Enabled(level)) return;
  std::string line = "{\"ts\":\"" + Timestamp() + "\",\"level\":\"" + LevelName(level) +
                     "\",\"service\":" + JsonQuote(g_service) + ",\"msg\":" + JsonQuote(message);
  for (const Field& field : fields) {
    line += ',';
    line += JsonQuote(field.key());
    line += ':';
    line += field.json();
  }
  line += "}\n";
  // One fwrite per line keeps lines whole when several threads log at once.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace akhbar::log
