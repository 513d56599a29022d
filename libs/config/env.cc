#include "libs/config/env.h"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace akhbar::config {
namespace {

bool ParseInt(const std::string& text, long long* value) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *value);
  return ec == std::errc() && ptr == end && !text.empty();
}

}  // namespace

EnvReader::EnvReader(Lookup lookup) : lookup_(std::move(lookup)) {}

const char* EnvReader::Raw(const char* name) const {
  const char* value = lookup_(name);
  return (value != nullptr && *value != '\0') ? value : nullptr;
}

std::string EnvReader::String(const char* name, std::string fallback) {
  const char* value = Raw(name);
  return value ? std::string(value) : std::move(fallback);
}

std::string EnvReader::Secret(const char* name) {
  const char* value = Raw(name);
  if (value == nullptr) {
    AddError(std::string(name) + " is required but not set");
    return {};
  }
  return value;
}

int EnvReader::Int(const char* name, int fallback, int min, int max) {
  const char* value = Raw(name);
  if (value == nullptr) return fallback;
  long long parsed = 0;
  if (!ParseInt(value, &parsed) || parsed < min || parsed > max) {
    AddError(std::string(name) + "=\"" + value + "\" must be a whole number from " +
             std::to_string(min) + " to " + std::to_string(max));
    return fallback;
  }
  return static_cast<int>(parsed);
}

double EnvReader::Double(const char* name, double fallback, double min, double max) {
  const char* value = Raw(name);
  if (value == nullptr) return fallback;
  double parsed = 0;
  auto [end, error] = std::from_chars(value, value + std::strlen(value), parsed);
  if (error != std::errc() || *end != '\0' || !(parsed >= min && parsed <= max)) {
    AddError(std::string(name) + "=\"" + value + "\" must be a number from " + absl::StrCat(min) +
             " to " + absl::StrCat(max));
    return fallback;
  }
  return parsed;
}

bool EnvReader::Bool(const char* name, bool fallback) {
  const char* raw = Raw(name);
  if (raw == nullptr) return fallback;
  std::string value = raw;
  if (value == "1" || value == "true" || value == "yes" || value == "on") return true;
  if (value == "0" || value == "false" || value == "no" || value == "off") return false;
  AddError(std::string(name) + "=\"" + value + "\" must be true or false");
  return fallback;
}

std::chrono::milliseconds EnvReader::Millis(const char* name, std::chrono::milliseconds fallback,
                                            std::chrono::milliseconds min,
                                            std::chrono::milliseconds max) {
  const char* value = Raw(name);
  if (value == nullptr) return fallback;
  long long parsed = 0;
  if (!ParseInt(value, &parsed) || parsed < min.count() || parsed > max.count()) {
    AddError(std::string(name) + "=\"" + value + "\" must be milliseconds from " +
             std::to_string(min.count()) + " to " + std::to_string(max.count()));
    return fallback;
  }
  return std::chrono::milliseconds(parsed);
}

void EnvReader::ExitOnErrors(const char* program) const {
  if (errors_.empty()) return;
  for (const std::string& error : errors_) {
    std::fprintf(stderr, "%s: configuration error: %s\n", program, error.c_str());
  }
  std::exit(2);
}

bool SplitHostPort(const std::string& address, std::string* host, int* port) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  long long parsed = 0;
  if (!ParseInt(address.substr(colon + 1), &parsed) || parsed < 1 || parsed > 65535) return false;
  *host = address.substr(0, colon);
  *port = static_cast<int>(parsed);
  return true;
}

}  // namespace akhbar::config
