#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct redisContext;

namespace prometheus {
class Registry;
}

namespace akhbar::cache {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  int pool_size = 8;
  std::chrono::milliseconds connect_timeout{200};
  std::chrono::milliseconds command_timeout{200};
  // After this many consecutive failures the breaker opens and calls fail at
  // once with UNAVAILABLE for `breaker_cooldown`; then one call probes.
  int breaker_failures = 5;
  std::chrono::milliseconds breaker_cooldown{2000};
};

// A parsed Redis reply (RESP2).
struct Reply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus };
  Type type = Type::kNil;
  std::string str;  // kString, kStatus
  long long integer = 0;
  std::vector<Reply> elements;  // kArray
};

// Consecutive-failure circuit breaker; thread-safe.
class CircuitBreaker {
 public:
  CircuitBreaker(int failures_to_open, std::chrono::milliseconds cooldown);
  // False while open (and not yet time to probe).
  bool Allow();
  void RecordSuccess();
  void RecordFailure();
  bool IsOpen() const;

 private:
  const int failures_to_open_;
  const std::chrono::milliseconds cooldown_;
  mutable std::mutex mu_;
  int consecutive_failures_ = 0;
  std::chrono::steady_clock::time_point open_until_{};
};

// A bounded pool of hiredis connections with connect and command timeouts and
// a circuit breaker, so that a dead or hanging Redis costs callers at most one
// timeout and then nothing. Errors come back as UNAVAILABLE (never thrown).
// Thread-safe.
class Redis {
 public:
  explicit Redis(RedisOptions options, prometheus::Registry* registry = nullptr);
  ~Redis();
  Redis(const Redis&) = delete;
  Redis& operator=(const Redis&) = delete;

  // Any command, arguments binary-safe. An error reply (e.g. WRONGTYPE) is
  // INTERNAL; transport errors and an open breaker are UNAVAILABLE.
  absl::StatusOr<Reply> Command(const std::vector<std::string>& argv);

  absl::StatusOr<std::optional<std::string>> Get(std::string_view key);
  absl::StatusOr<std::vector<std::optional<std::string>>> MGet(
      const std::vector<std::string>& keys);
  absl::Status Set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl);
  absl::Status Del(const std::vector<std::string>& keys);
  absl::Status Publish(std::string_view channel, std::string_view message);

  bool BreakerOpen() const { return breaker_.IsOpen(); }
  const RedisOptions& options() const { return options_; }

 private:
  struct Metrics;
  struct ContextDeleter {
    void operator()(redisContext* c) const;
  };
  using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;
  absl::StatusOr<ContextPtr> Acquire();
  void Release(ContextPtr ctx);
  ContextPtr Connect();

  RedisOptions options_;
  CircuitBreaker breaker_;
  std::unique_ptr<Metrics> metrics_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<ContextPtr> idle_;
  int open_ = 0;
};

// Subscribes to pub/sub channels on a dedicated connection, delivering each
// message to `on_message` from its own thread; reconnects (and calls
// `on_reconnect`, so the owner can catch up on what it missed) until Stop().
class Subscriber {
 public:
  using MessageFn = std::function<void(std::string_view channel, std::string_view payload)>;
  Subscriber(RedisOptions options, std::vector<std::string> channels, MessageFn on_message,
             std::function<void()> on_reconnect = nullptr);
  ~Subscriber();
  void Start();
  void Stop();

 private:
  void Run();
  RedisOptions options_;
  std::vector<std::string> channels_;
  MessageFn on_message_;
  std::function<void()> on_reconnect_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace akhbar::cache
