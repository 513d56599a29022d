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
  // Connections are opened lazily up to this many. A caller finding all of
  // them busy waits up to command_timeout for one, then gets UNAVAILABLE.
  int pool_size = 8;
  std::chrono::milliseconds connect_timeout{200};
  // Socket read/write timeout for each command: a hung server costs a caller
  // about this long (plus connect_timeout when it must reconnect).
  std::chrono::milliseconds command_timeout{200};
  // After this many consecutive failures the breaker opens and calls fail at
  // once with UNAVAILABLE for `breaker_cooldown`; then one call probes.
  int breaker_failures = 5;
  std::chrono::milliseconds breaker_cooldown{2000};
};

// A parsed Redis reply (RESP2).
struct Reply {
  // kError only appears inside arrays (e.g. the results of EXEC); a top-level
  // error reply is returned as a status instead.
  enum class Type { kNil, kString, kInteger, kArray, kStatus, kError };
  Type type = Type::kNil;
  std::string str;  // kString, kStatus, kError
  long long integer = 0;
  std::vector<Reply> elements;  // kArray
};

// Consecutive-failure circuit breaker; thread-safe.
//
// Closed: every call is allowed. After `failures_to_open` failures in a row
// it opens: calls are refused for `cooldown`, then one call is let through as
// a probe (and the next probe only after another cooldown, so a probe that
// never reports cannot wedge the breaker). A success closes it; a failure
// while open restarts the cooldown.
class CircuitBreaker {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  // `now` is for tests; by default the steady clock.
  CircuitBreaker(int failures_to_open, std::chrono::milliseconds cooldown, Clock now = nullptr);
  // False while open (and not yet time to probe).
  bool Allow();
  void RecordSuccess();
  void RecordFailure();
  bool IsOpen() const;

 private:
  const int failures_to_open_;
  const std::chrono::milliseconds cooldown_;
  const Clock now_;
  mutable std::mutex mu_;
  int consecutive_failures_ = 0;
  std::chrono::steady_clock::time_point open_until_{};
};

// A bounded pool of hiredis connections with connect and command timeouts and
// a circuit breaker, so that a dead or hanging Redis costs callers at most one
// timeout and then nothing. Errors come back as UNAVAILABLE (never thrown).
// A connection that saw a transport error is closed, never reused (its reply
// stream may be out of step). Thread-safe.
//
// Metrics (registered once, on `registry` or on a private one when null):
//   akhbar_cache_requests_total{command,result="hit|miss|ok|error|rejected"}
//     GET and MGET count hit/miss (MGET once per key); other commands ok/error;
//     rejected when the breaker refused the call.
//   akhbar_cache_request_duration_seconds{command}  histogram, one per call
//   akhbar_cache_breaker_open                       gauge, 1 while open
// `command` is the command name for a fixed list of known commands, else
// "OTHER", so arbitrary argv cannot create series.
//
// hiredis writes with plain write(2): a write to a connection Redis closed
// raises SIGPIPE. Constructing a Redis or Subscriber therefore sets SIGPIPE
// to ignored if it still has the default (fatal) action.
class Redis {
 public:
  explicit Redis(RedisOptions options, prometheus::Registry* registry = nullptr);
  ~Redis();
  Redis(const Redis&) = delete;
  Redis& operator=(const Redis&) = delete;

  // Any command, arguments binary-safe. An error reply (e.g. WRONGTYPE) is
  // INTERNAL; transport errors and an open breaker are UNAVAILABLE.
  absl::StatusOr<Reply> Command(const std::vector<std::string>& argv);

  // nullopt when the key is missing.
  absl::StatusOr<std::optional<std::string>> Get(std::string_view key);
  // Values of the keys in order; nullopt where a key is missing. No keys, no
  // round trip.
  absl::StatusOr<std::vector<std::optional<std::string>>> MGet(
      const std::vector<std::string>& keys);
  // A ttl of zero or less stores the value without expiry.
  absl::Status Set(std::string_view key, std::string_view value, std::chrono::milliseconds ttl);
  absl::Status Del(const std::vector<std::string>& keys);
  absl::Status Publish(std::string_view channel, std::string_view message);

  bool BreakerOpen() const { return breaker_.IsOpen(); }
  const RedisOptions& options() const { return options_; }

 private:
  struct Metrics;
  struct CommandMetrics;
  struct ContextDeleter {
    void operator()(redisContext* c) const;
  };
  using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;
  // Runs one command through breaker, pool and metrics. GET and MGET count
  // their own hit/miss, so `count_ok` is false for them.
  absl::StatusOr<Reply> Execute(CommandMetrics& metrics, const std::vector<std::string_view>& argv,
                                bool count_ok);
  absl::StatusOr<ContextPtr> Acquire();
  // `ctx` null: the connection was closed after an error; its slot is free
  // again, and the idle connections are closed too (see redis.cc).
  void Release(ContextPtr ctx);
  absl::StatusOr<ContextPtr> Connect();
  void UpdateBreakerGauge();

  RedisOptions options_;
  CircuitBreaker breaker_;
  std::unique_ptr<Metrics> metrics_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<ContextPtr> idle_;
  int open_ = 0;
};

// Subscribes to pub/sub channels on a dedicated connection, delivering each
// message to `on_message` from its own thread; reconnects with backoff (and
// calls `on_reconnect`, so the owner can catch up on what it missed) until
// Stop(). `on_reconnect` also runs after the first subscription succeeds:
// messages published before that were never seen. Callbacks run on the
// subscriber's thread and must not call Stop(). An idle connection is checked
// with PING every few seconds, so a silently dead one is replaced.
class Subscriber {
 public:
  using MessageFn = std::function<void(std::string_view channel, std::string_view payload)>;
  Subscriber(RedisOptions options, std::vector<std::string> channels, MessageFn on_message,
             std::function<void()> on_reconnect = nullptr);
  ~Subscriber();
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;
  // Starts the thread; a second call does nothing.
  void Start();
  // Returns within about a second; safe to call twice.
  void Stop();

 private:
  void Run();
  // One connection's life: connect, subscribe, deliver until error or Stop().
  // True when the subscription had been established.
  bool Session();
  // Sleeps up to `d`; false when Stop() came first.
  bool SleepUnlessStopped(std::chrono::milliseconds d);
  RedisOptions options_;
  std::vector<std::string> channels_;
  MessageFn on_message_;
  std::function<void()> on_reconnect_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable stop_cv_;
  std::thread thread_;
};

}  // namespace akhbar::cache
