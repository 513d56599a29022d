#pragma once

#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace akhbar::config {

// Reads settings from environment variables and collects every problem, so
// that a misconfigured process reports all of them at once and exits before
// serving anything. Only main() reads the environment; libraries get structs.
class EnvReader {
 public:
  using Lookup = std::function<const char*(const char*)>;
  explicit EnvReader(Lookup lookup = [](const char* name) { return std::getenv(name); });

  std::string String(const char* name, std::string fallback);
  // Required and never echoed back in errors or logs.
  std::string Secret(const char* name);
  int Int(const char* name, int fallback, int min, int max);
  bool Bool(const char* name, bool fallback);
  double Double(const char* name, double fallback, double min, double max);
  std::chrono::milliseconds Millis(const char* name, std::chrono::milliseconds fallback,
                                   std::chrono::milliseconds min, std::chrono::milliseconds max);

  // Records a problem found by the caller's own validation.
  void AddError(std::string message) { errors_.push_back(std::move(message)); }
  const std::vector<std::string>& errors() const { return errors_; }

  // When any problem was found: prints each to stderr, prefixed with the
  // program name, and exits with status 2.
  void ExitOnErrors(const char* program) const;

 private:
  const char* Raw(const char* name) const;
  Lookup lookup_;
  std::vector<std::string> errors_;
};

// "host:port" → parts; false when malformed or the port is out of range.
bool SplitHostPort(const std::string& address, std::string* host, int* port);

}  // namespace akhbar::config
