#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

// Structured logs: one JSON object per line on stderr, so that any log
// collector can parse them without a format of ours to learn.
namespace akhbar::log {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// A key and its value, already rendered as JSON.
class Field {
 public:
  Field(std::string_view key, std::string_view value);
  Field(std::string_view key, const std::string& value) : Field(key, std::string_view(value)) {}
  Field(std::string_view key, const char* value) : Field(key, std::string_view(value)) {}
  Field(std::string_view key, bool value);
  Field(std::string_view key, double value);
  template <typename Int>
  requires(std::is_integral_v<Int> && !std::is_same_v<Int, bool>)
      Field(std::string_view key, Int value)
      : key_(key), json_(std::to_string(value)) {}

  std::string_view key() const { return key_; }
  const std::string& json() const { return json_; }

 private:
  std::string_view key_;
  std::string json_;
};

// Called once in main, before any logging.
void Init(std::string_view service, Level min_level);
// "debug", "info", "warning", "error"; anything else is false.
bool ParseLevel(std::string_view name, Level* level);

void Write(Level level, std::string_view message, std::initializer_list<Field> fields = {});
// Whether a line at `level` is written: check before building costly fields.
bool Enabled(Level level);
inline void Debug(std::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kDebug, m, f);
}
inline void Info(std::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kInfo, m, f);
}
inline void Warning(std::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kWarning, m, f);
}
inline void Error(std::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kError, m, f);
}

// JSON string literal for `text` (quotes included); invalid UTF-8 bytes are
// replaced so that a log line is always valid JSON.
std::string JsonQuote(std::string_view text);

}  // namespace akhbar::log
