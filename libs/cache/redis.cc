#include "libs/cache/redis.h"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <signal.h>
#include <sys/time.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace akhbar::cache {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Commands that get their own `command` label; anything else is "OTHER".
constexpr std::array<std::string_view, 48> kKnownCommands = {
    "DECR",      "DEL",       "EVAL",    "EVALSHA", "EXISTS",  "EXPIRE",        "GET",  "GETDEL",
    "GETEX",     "HDEL",      "HGET",    "HGETALL", "HINCRBY", "HMGET",         "HSET", "INCR",
    "INCRBY",    "INFO",      "LPUSH",   "LRANGE",  "LTRIM",   "MGET",          "MSET", "PEXPIRE",
    "PING",      "PTTL",      "PUBLISH", "RPUSH",   "SADD",    "SCRIPT",        "SET",  "SETNX",
    "SISMEMBER", "SMEMBERS",  "SREM",    "TTL",     "UNLINK",  "XADD",          "XLEN", "XRANGE",
    "XREAD",     "XREVRANGE", "XTRIM",   "ZADD",    "ZRANGE",  "ZRANGEBYSCORE", "ZREM", "ZREVRANGE",
};

// Server replies that mean "not now" rather than "wrong command": the server
// is loading its data set, running a long script, or failing over.
constexpr std::array<std::string_view, 5> kTransientErrors = {"LOADING", "BUSY", "MASTERDOWN",
                                                              "TRYAGAIN", "CLUSTERDOWN"};

timeval ToTimeval(std::chrono::milliseconds d) {
  // Zero would mean "no timeout" to the socket layer: never that.
  const long long ms = std::max<long long>(d.count(), 1);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
  return tv;
}

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

void IgnoreSigpipe() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && (current.sa_flags & SA_SIGINFO) == 0 &&
        current.sa_handler == SIG_DFL) {
      struct sigaction ignore {};
      ignore.sa_handler = SIG_IGN;
      sigemptyset(&ignore.sa_mask);
      sigaction(SIGPIPE, &ignore, nullptr);
    }
  });
}

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};

Reply Convert(const redisReply& r) {
  Reply out;
  switch (r.type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::kString;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kStatus;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::kError;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = r.integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      out.elements.reserve(r.elements);
      for (size_t i = 0; i < r.elements; ++i) out.elements.push_back(Convert(*r.element[i]));
      break;
    default:
      out.type = Reply::Type::kNil;
      break;
  }
  return out;
}

std::string_view FirstWord(std::string_view text) { return text.substr(0, text.find(' ')); }

bool IsTransientError(std::string_view text) {
  return std::find(kTransientErrors.begin(), kTransientErrors.end(), FirstWord(text)) !=
         kTransientErrors.end();
}

}  // namespace

// ---------------------------------------------------------------------------
// CircuitBreaker

CircuitBreaker::CircuitBreaker(int failures_to_open, std::chrono::milliseconds cooldown, Clock now)
    : failures_to_open_(std::max(failures_to_open, 1)),
      cooldown_(cooldown),
      now_(now ? std::move(now) : Clock([] { return SteadyClock::now(); })) {}

bool CircuitBreaker::Allow() {
  std::lock_guard lock(mu_);
  if (consecutive_failures_ < failures_to_open_) return true;
  const auto now = now_();
  if (now < open_until_) return false;
  // This caller is the probe; the next one waits for another cooldown, so
  // a dead server sees one call per cooldown, not a stampede.
  open_until_ = now + cooldown_;
  return true;
}

void CircuitBreaker::RecordSuccess() {
  std::lock_guard lock(mu_);
  consecutive_failures_ = 0;
}

void CircuitBreaker::RecordFailure() {
  std::lock_guard lock(mu_);
  if (consecutive_failures_ < failures_to_open_) ++consecutive_failures_;
  if (consecutive_failures_ >= failures_to_open_) open_until_ = now_() + cooldown_;
}

bool CircuitBreaker::IsOpen() const {
  std::lock_guard lock(mu_);
  return consecutive_failures_ >= failures_to_open_;
}

// ---------------------------------------------------------------------------
// Redis

struct Redis::CommandMetrics {
  prometheus::Counter* hit = nullptr;
  prometheus::Counter* miss = nullptr;
  prometheus::Counter* ok = nullptr;
  prometheus::Counter* error = nullptr;
  prometheus::Counter* rejected = nullptr;
  prometheus::Histogram* duration = nullptr;
};

struct Redis::Metrics {
  explicit Metrics(prometheus::Registry* registry) {
    if (registry == nullptr) {
      owned = std::make_shared<prometheus::Registry>();
      registry = owned.get();
    }
    requests = &prometheus::BuildCounter()
                    .Name("akhbar_cache_requests_total")
                    .Help("Redis calls by command and result (MGET hit/miss count keys)")
                    .Register(*registry);
    durations = &prometheus::BuildHistogram()
                     .Name("akhbar_cache_request_duration_seconds")
                     .Help("Time of Redis calls, including waiting for a connection")
                     .Register(*registry);
    breaker_open = &prometheus::BuildGauge()
                        .Name("akhbar_cache_breaker_open")
                        .Help("1 while the Redis circuit breaker is open")
                        .Register(*registry)
                        .Add({});
  }

  // Children are created on first use of a command, so /metrics lists only
  // the commands this process actually sends.
  CommandMetrics& For(std::string_view command) {
    std::string name(command.substr(0, 16));
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (std::find(kKnownCommands.begin(), kKnownCommands.end(), name) == kKnownCommands.end()) {
      name = "OTHER";
    }
    std::lock_guard lock(mu);
    auto it = commands.find(name);
    if (it != commands.end()) return it->second;
    CommandMetrics m;
    auto counter = [&](const char* result) {
      return &requests->Add({{"command", name}, {"result", result}});
    };
    m.hit = counter("hit");
    m.miss = counter("miss");
    m.ok = counter("ok");
    m.error = counter("error");
    m.rejected = counter("rejected");
    m.duration = &durations->Add(
        {{"command", name}},
        prometheus::Histogram::BucketBoundaries{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                0.025, 0.05, 0.1, 0.25, 0.5, 1});
    return commands.emplace(name, m).first->second;
  }

  std::shared_ptr<prometheus::Registry> owned;
  prometheus::Family<prometheus::Counter>* requests = nullptr;
  prometheus::Family<prometheus::Histogram>* durations = nullptr;
  prometheus::Gauge* breaker_open = nullptr;
  std::mutex mu;
  std::map<std::string, CommandMetrics, std::less<>> commands;
};

void Redis::ContextDeleter::operator()(redisContext* c) const { redisFree(c); }

Redis::Redis(RedisOptions options, prometheus::Registry* registry)
    : options_(std::move(options)),
      breaker_(options_.breaker_failures, options_.breaker_cooldown),
      metrics_(std::make_unique<Metrics>(registry)) {
  IgnoreSigpipe();
  if (options_.pool_size < 1) options_.pool_size = 1;
  metrics_->breaker_open->Set(0);
}

Redis::~Redis() = default;

absl::StatusOr<Redis::ContextPtr> Redis::Connect() {
  ContextPtr ctx(redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                         ToTimeval(options_.connect_timeout)));
  if (ctx == nullptr) return absl::UnavailableError("cache unavailable: cannot allocate a context");
  if (ctx->err != 0) {
    return absl::UnavailableError(absl::StrCat("cache unavailable: cannot connect: ", ctx->errstr));
  }
  // Reads and writes both give up after command_timeout; the context then
  // carries an error and is closed, never reused.
  if (redisSetTimeout(ctx.get(), ToTimeval(options_.command_timeout)) != REDIS_OK) {
    return absl::UnavailableError(absl::StrCat("cache unavailable: ", ctx->errstr));
  }
  // Failing here only loses early detection of a dead peer.
  redisEnableKeepAlive(ctx.get());
  return ctx;
}

absl::StatusOr<Redis::ContextPtr> Redis::Acquire() {
  const auto deadline = SteadyClock::now() + options_.command_timeout;
  std::unique_lock lock(mu_);
  for (;;) {
    if (!idle_.empty()) {
      ContextPtr ctx = std::move(idle_.back());
      idle_.pop_back();
      return ctx;
    }
    if (open_ < options_.pool_size) {
      ++open_;  // reserve the slot; connect outside the lock
      lock.unlock();
      absl::StatusOr<ContextPtr> ctx = Connect();
      if (!ctx.ok()) {
        Release(nullptr);
        breaker_.RecordFailure();
        UpdateBreakerGauge();
      }
      return ctx;
    }
    if (SteadyClock::now() >= deadline) {
      // Saturation here is ours, not Redis's: the breaker is not told.
      return absl::UnavailableError("cache unavailable: no free connection");
    }
    available_.wait_until(lock, deadline);
  }
}

void Redis::Release(ContextPtr ctx) {
  std::vector<ContextPtr> doomed;
  {
    std::lock_guard lock(mu_);
    if (ctx != nullptr) {
      idle_.push_back(std::move(ctx));
    } else {
      // A transport error usually means Redis restarted or hangs; the idle
      // connections then share the fate of this one. Closing them now costs
      // a reconnect each instead of a failed (or timed-out) call each.
      --open_;
      doomed.swap(idle_);
      open_ -= static_cast<int>(doomed.size());
    }
  }
  available_.notify_all();
  // `doomed` closes its sockets here, outside the lock.
}

void Redis::UpdateBreakerGauge() { metrics_->breaker_open->Set(breaker_.IsOpen() ? 1 : 0); }

absl::StatusOr<Reply> Redis::Execute(CommandMetrics& m, const std::vector<std::string_view>& argv,
                                     bool count_ok) {
  const auto start = SteadyClock::now();
  auto fail = [&](absl::Status status) {
    m.error->Increment();
    m.duration->Observe(SecondsSince(start));
    return status;
  };
  if (!breaker_.Allow()) {
    m.rejected->Increment();
    return absl::UnavailableError("cache unavailable: circuit breaker open");
  }
  absl::StatusOr<ContextPtr> ctx = Acquire();
  if (!ctx.ok()) return fail(ctx.status());

  std::vector<const char*> args;
  std::vector<size_t> lengths;
  args.reserve(argv.size());
  lengths.reserve(argv.size());
  for (std::string_view arg : argv) {
    args.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  ReplyPtr reply(static_cast<redisReply*>(
      redisCommandArgv(ctx->get(), static_cast<int>(args.size()), args.data(), lengths.data())));
  if (reply == nullptr) {
    // Timeout, reset, or closed by the server. The connection may still owe
    // us a reply, so it is closed rather than handed to the next caller.
    absl::Status status =
        absl::UnavailableError(absl::StrCat("cache unavailable: ", (*ctx)->errstr));
    ctx->reset();
    Release(nullptr);
    breaker_.RecordFailure();
    UpdateBreakerGauge();
    return fail(std::move(status));
  }
  Release(std::move(*ctx));

  if (reply->type == REDIS_REPLY_ERROR) {
    const std::string text(reply->str, reply->len);
    if (IsTransientError(text)) {
      breaker_.RecordFailure();
      UpdateBreakerGauge();
      return fail(absl::UnavailableError(
          absl::StrCat("cache unavailable: ", std::string(FirstWord(text)))));
    }
    // The server answered: it is healthy, the command was wrong.
    breaker_.RecordSuccess();
    UpdateBreakerGauge();
    return fail(absl::InternalError(absl::StrCat("cache command failed: ", text)));
  }
  breaker_.RecordSuccess();
  UpdateBreakerGauge();
  if (count_ok) m.ok->Increment();
  m.duration->Observe(SecondsSince(start));
  return Convert(*reply);
}

absl::StatusOr<Reply> Redis::Command(const std::vector<std::string>& argv) {
  if (argv.empty()) return absl::InvalidArgumentError("empty Redis command");
  std::vector<std::string_view> views(argv.begin(), argv.end());
  return Execute(metrics_->For(argv[0]), views, /*count_ok=*/true);
}

absl::StatusOr<std::optional<std::string>> Redis::Get(std::string_view key) {
  CommandMetrics& m = metrics_->For("GET");
  absl::StatusOr<Reply> reply = Execute(m, {"GET", key}, /*count_ok=*/false);
  if (!reply.ok()) return reply.status();
  switch (reply->type) {
    case Reply::Type::kNil:
      m.miss->Increment();
      return std::nullopt;
    case Reply::Type::kString:
      m.hit->Increment();
      return std::move(reply->str);
    default:
      m.error->Increment();
      return absl::InternalError("GET: unexpected reply type");
  }
}

absl::StatusOr<std::vector<std::optional<std::string>>> Redis::MGet(
    const std::vector<std::string>& keys) {
  std::vector<std::optional<std::string>> values;
  if (keys.empty()) return values;
  CommandMetrics& m = metrics_->For("MGET");
  std::vector<std::string_view> argv;
  argv.reserve(keys.size() + 1);
  argv.push_back("MGET");
  argv.insert(argv.end(), keys.begin(), keys.end());
  absl::StatusOr<Reply> reply = Execute(m, argv, /*count_ok=*/false);
  if (!reply.ok()) return reply.status();
  if (reply->type != Reply::Type::kArray || reply->elements.size() != keys.size()) {
    m.error->Increment();
    return absl::InternalError("MGET: unexpected reply");
  }
  values.reserve(keys.size());
  int hits = 0;
  for (Reply& element : reply->elements) {
    if (element.type == Reply::Type::kString) {
      ++hits;
      values.emplace_back(std::move(element.str));
    } else {
      values.emplace_back(std::nullopt);
    }
  }
  m.hit->Increment(hits);
  m.miss->Increment(static_cast<double>(keys.size()) - hits);
  return values;
}

absl::Status Redis::Set(std::string_view key, std::string_view value,
                        std::chrono::milliseconds ttl) {
  CommandMetrics& m = metrics_->For("SET");
  absl::StatusOr<Reply> reply;
  if (ttl.count() > 0) {
    const std::string px = std::to_string(ttl.count());
    reply = Execute(m, {"SET", key, value, "PX", px}, /*count_ok=*/true);
  } else {
    reply = Execute(m, {"SET", key, value}, /*count_ok=*/true);
  }
  return reply.status();
}

absl::Status Redis::Del(const std::vector<std::string>& keys) {
  if (keys.empty()) return absl::OkStatus();
  std::vector<std::string_view> argv;
  argv.reserve(keys.size() + 1);
  argv.push_back("DEL");
  argv.insert(argv.end(), keys.begin(), keys.end());
  return Execute(metrics_->For("DEL"), argv, /*count_ok=*/true).status();
}

absl::Status Redis::Publish(std::string_view channel, std::string_view message) {
  return Execute(metrics_->For("PUBLISH"), {"PUBLISH", channel, message}, /*count_ok=*/true)
      .status();
}

// ---------------------------------------------------------------------------
// Subscriber

namespace {

// How often the subscriber's loop looks at the stop flag.
constexpr std::chrono::milliseconds kPollInterval{250};
// An idle subscription is PINGed this often; no answer within the same time
// means the connection is dead.
constexpr std::chrono::seconds kPingInterval{5};
constexpr std::chrono::milliseconds kMinBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{5000};

bool IsArrayOf(const redisReply& r, size_t n) {
  if (r.type != REDIS_REPLY_ARRAY || r.elements != n) return false;
  for (size_t i = 0; i < n; ++i) {
    const int type = r.element[i]->type;
    if (type != REDIS_REPLY_STRING && type != REDIS_REPLY_INTEGER) return false;
  }
  return true;
}

std::string_view Str(const redisReply& r) { return std::string_view(r.str, r.len); }

}  // namespace

Subscriber::Subscriber(RedisOptions options, std::vector<std::string> channels,
                       MessageFn on_message, std::function<void()> on_reconnect)
    : options_(std::move(options)),
      channels_(std::move(channels)),
      on_message_(std::move(on_message)),
      on_reconnect_(std::move(on_reconnect)) {
  IgnoreSigpipe();
}

Subscriber::~Subscriber() { Stop(); }

void Subscriber::Start() {
  if (thread_.joinable() || channels_.empty()) return;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void Subscriber::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool Subscriber::SleepUnlessStopped(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  return !stop_cv_.wait_for(lock, d, [this] { return stop_.load(); });
}

void Subscriber::Run() {
  std::minstd_rand jitter(std::random_device{}());
  std::chrono::milliseconds backoff = kMinBackoff;
  while (!stop_) {
    const bool subscribed = Session();
    if (stop_) break;
    // A subscription that worked resets the backoff: the next failure is a
    // new outage, to be retried quickly.
    if (subscribed) backoff = kMinBackoff;
    // Jitter keeps replicas from reconnecting in lockstep after an outage.
    const auto pause = backoff + std::chrono::milliseconds(jitter() % (backoff.count() / 2 + 1));
    if (!SleepUnlessStopped(pause)) break;
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

bool Subscriber::Session() {
  std::unique_ptr<redisContext, ContextFree> ctx(redisConnectWithTimeout(
      options_.host.c_str(), options_.port, ToTimeval(options_.connect_timeout)));
  if (ctx == nullptr || ctx->err != 0) return false;
  redisContext* c = ctx.get();
  // The handshake and the rest of a reply that has begun to arrive are bounded
  // by this; waiting for the next message is bounded by poll() below.
  if (redisSetTimeout(c, ToTimeval(std::max<std::chrono::milliseconds>(
                             options_.command_timeout, std::chrono::seconds(1)))) != REDIS_OK) {
    return false;
  }
  redisEnableKeepAlive(c);

  std::vector<const char*> args{"SUBSCRIBE"};
  std::vector<size_t> lengths{9};
  for (const std::string& channel : channels_) {
    args.push_back(channel.data());
    lengths.push_back(channel.size());
  }
  if (redisAppendCommandArgv(c, static_cast<int>(args.size()), args.data(), lengths.data()) !=
      REDIS_OK) {
    return false;
  }
  // One confirmation per channel.
  for (size_t i = 0; i < channels_.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK) return false;
    ReplyPtr reply(static_cast<redisReply*>(raw));
    if (!IsArrayOf(*reply, 3) || Str(*reply->element[0]) != "subscribe") return false;
  }
  if (on_reconnect_) on_reconnect_();

  auto last_traffic = SteadyClock::now();
  // Time the unanswered PING went out; the epoch means none is pending.
  SteadyClock::time_point ping_sent{};
  while (!stop_) {
    void* raw = nullptr;
    if (redisGetReplyFromReader(c, &raw) != REDIS_OK) return true;
    if (raw == nullptr) {
      pollfd pfd{c->fd, POLLIN, 0};
      const int ready = poll(&pfd, 1, static_cast<int>(kPollInterval.count()));
      if (ready < 0 && errno != EINTR) return true;
      if (ready > 0) {
        // Readable: one read() does not block. EOF or reset is an error.
        if (redisBufferRead(c) != REDIS_OK) return true;
        continue;
      }
      const auto now = SteadyClock::now();
      if (ping_sent != SteadyClock::time_point{}) {
        if (now - ping_sent > kPingInterval) return true;  // no PONG: dead
      } else if (now - last_traffic > kPingInterval) {
        if (redisAppendCommand(c, "PING") != REDIS_OK) return true;
        int done = 0;
        while (done == 0) {
          if (redisBufferWrite(c, &done) != REDIS_OK) return true;
        }
        ping_sent = now;
      }
      continue;
    }
    ReplyPtr reply(static_cast<redisReply*>(raw));
    last_traffic = SteadyClock::now();
    ping_sent = {};  // any traffic shows the connection is alive
    if (IsArrayOf(*reply, 3) && Str(*reply->element[0]) == "message") {
      on_message_(Str(*reply->element[1]), Str(*reply->element[2]));
    }
    // Anything else ("pong", confirmations) only counts as traffic.
  }
  return true;
}

}  // namespace akhbar::cache
