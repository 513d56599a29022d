// Push-to-receive latency of the ticker's Server-Sent Events fan-out, through
// the gateway, for the row "ticker push → all SSE watchers received":
//
//   sse_watchers --gateway http://127.0.0.1:8080 --watchers 5000 --token TOKEN
//       [--pushes 20] [--interval-ms 250] [--section SLUG] [--sources 8]
//       [--timeout-s 10] [--connect-timeout-s 120] [--batch 256] [--threads 1]
//       [--gateway-pid PID]
//
// Opens WATCHERS streams on GET /api/v1/ticker/stream, waits until each has its
// snapshot, then pushes PUSHES headlines through POST /api/v1/ticker and records
// when every stream receives each one's `added` frame; retracts them at the end.
// One JSON line on stdout, progress on stderr; exits 1 when a delivery was lost,
// a stream closed or never opened, or a stream's event ids skipped or went back.
//
// tests/bench/ticker_watch_latency measures the same one layer down (gRPC Watch).
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "libs/http/beast.h"

namespace {

namespace asio = akhbar::asio;
namespace beast = akhbar::beast;
namespace http = akhbar::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t g_interrupted = 0;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

struct Options {
  std::string host;
  std::string port = "80";
  int watchers = 0;
  int pushes = 20;
  int interval_ms = 250;
  std::string token;
  std::string section;
  int sources = 8;
  int timeout_s = 10;
  int connect_timeout_s = 120;
  int batch = 256;
  int threads = 1;
  long gateway_pid = 0;
};

constexpr std::string_view kUsage =
    "usage: sse_watchers --gateway http://HOST:PORT --watchers N --token TOKEN\n"
    "         [--pushes 20] [--interval-ms 250] [--section SLUG] [--sources 8]\n"
    "         [--timeout-s 10] [--connect-timeout-s 120] [--batch 256] [--threads 1]\n"
    "         [--gateway-pid PID]\n";

[[noreturn]] void Usage(const std::string& problem) {
  if (!problem.empty()) std::fprintf(stderr, "sse_watchers: %s\n", problem.c_str());
  std::fprintf(stderr, "%.*s", static_cast<int>(kUsage.size()), kUsage.data());
  std::exit(2);
}

long ParseLong(std::string_view flag, std::string_view text, long min, long max) {
  long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    Usage(std::string(flag) + " wants a whole number from " + std::to_string(min) + " to " +
          std::to_string(max) + ", not \"" + std::string(text) + "\"");
  }
  return value;
}

Options ParseOptions(int argc, char** argv) {
  Options options;
  bool have_gateway = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    std::string_view value;
    if (const std::size_t equals = flag.find('='); equals != std::string_view::npos) {
      value = flag.substr(equals + 1);
      flag = flag.substr(0, equals);
    } else if (flag == "--help" || flag == "-h") {
      Usage("");
    } else {
      if (i + 1 >= argc) Usage(std::string(flag) + " wants a value");
      value = argv[++i];
    }
    if (flag == "--gateway") {
      if (!value.starts_with("http://")) Usage("--gateway must be http://HOST:PORT");
      std::string_view authority = value.substr(7);
      authority = authority.substr(0, authority.find('/'));
      const std::size_t colon = authority.rfind(':');
      options.host = std::string(authority.substr(0, colon));
      if (colon != std::string_view::npos) options.port = std::string(authority.substr(colon + 1));
      if (options.host.empty() || options.port.empty()) Usage("--gateway has no host or port");
      have_gateway = true;
    } else if (flag == "--watchers") {
      options.watchers = static_cast<int>(ParseLong(flag, value, 1, 1000000));
    } else if (flag == "--pushes") {
      options.pushes = static_cast<int>(ParseLong(flag, value, 1, 10000));
    } else if (flag == "--interval-ms") {
      options.interval_ms = static_cast<int>(ParseLong(flag, value, 0, 3600000));
    } else if (flag == "--token") {
      options.token = std::string(value);
    } else if (flag == "--section") {
      options.section = std::string(value);
    } else if (flag == "--sources") {
      options.sources = static_cast<int>(ParseLong(flag, value, 0, 250));
    } else if (flag == "--timeout-s") {
      options.timeout_s = static_cast<int>(ParseLong(flag, value, 0, 3600));
    } else if (flag == "--connect-timeout-s") {
      options.connect_timeout_s = static_cast<int>(ParseLong(flag, value, 1, 3600));
    } else if (flag == "--batch") {
      options.batch = static_cast<int>(ParseLong(flag, value, 1, 100000));
    } else if (flag == "--threads") {
      options.threads = static_cast<int>(ParseLong(flag, value, 1, 64));
    } else if (flag == "--gateway-pid") {
      options.gateway_pid = ParseLong(flag, value, 1, 1L << 30);
    } else {
      Usage("unknown flag " + std::string(flag));
    }
  }
  if (!have_gateway) Usage("--gateway is required");
  if (options.watchers == 0) Usage("--watchers is required");
  if (options.token.empty()) Usage("--token is required (an editor's bearer token)");
  return options;
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

std::string JsonQuote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// The value of a string field in the proto3 JSON the gateway prints (ids, and
// int64s such as the version, which the mapping prints as strings). Enough for
// the gateway's own answers, which never escape inside these fields.
std::string JsonField(std::string_view json, std::string_view name) {
  const std::string key = "\"" + std::string(name) + "\":\"";
  const std::size_t at = json.find(key);
  if (at == std::string_view::npos) return "";
  const std::size_t start = at + key.size();
  const std::size_t end = json.find('"', start);
  return end == std::string_view::npos ? "" : std::string(json.substr(start, end - start));
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The value of header `name` in a response head ("HTTP/1.1 …\r\nName: value\r\n…").
std::string_view HeaderValue(std::string_view head, std::string_view name) {
  std::size_t start = head.find("\r\n");
  while (start != std::string_view::npos) {
    start += 2;
    const std::size_t end = std::min(head.find("\r\n", start), head.size());
    const std::string_view line = head.substr(start, end - start);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos && EqualsIgnoringCase(line.substr(0, colon), name)) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
      return value;
    }
    if (end >= head.size()) break;
    start = end;
  }
  return {};
}

long ResidentKb(long pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// The soft "Max open files" of another process, or -1.
long OpenFilesLimit(long pid) {
  std::ifstream limits("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(limits, line)) {
    if (line.rfind("Max open files", 0) == 0) {
      const std::size_t digits = line.find_first_of("0123456789");
      return digits == std::string::npos ? -1 : std::stol(line.substr(digits));
    }
  }
  return -1;
}

// Fixed for the run; read by every watcher.
struct Plan {
  Options options;
  tcp::endpoint gateway;
  std::vector<asio::ip::address_v4> sources;  // empty: the kernel chooses
  std::string request;                        // the stream's GET, bytes as sent
  std::string marker;                         // "sse-watchers-<run>-", then the push's index
};

// What the watchers tell the main thread while they run (progress only: the
// results are read from the watchers once their threads have stopped).
struct Progress {
  std::atomic<int> snapshots{0};
  std::atomic<int> failed{0};
  std::atomic<int> dropped{0};
  std::atomic<long> deliveries{0};
  std::atomic<int> rate_limited{0};
  std::atomic<int> connect_retries{0};
  std::atomic<int> reports{0};  // failure messages printed, to keep stderr readable
  std::atomic<int64_t> last_snapshot_ns{0};
};

class Fleet;

// One reader of the event stream: a plain socket, the response head parsed by
// hand and an incremental SSE parser. Its handlers run on its strand, so that
// it can be told to give up from another thread.
class Watcher {
 public:
  Watcher(Fleet& fleet, asio::io_context& io, int index);

  void Open();
  // Called on the strand: a stream still without its snapshot gives up.
  void Abandon();
  // Once the threads have stopped: closes the stream.
  void Shutdown();

  bool has_snapshot() const { return snapshot_; }
  // Whether the stream ended on the gateway's side by `by_ns`.
  bool dropped(int64_t by_ns) const { return dropped_ns_ != 0 && dropped_ns_ <= by_ns; }
  const std::vector<int64_t>& received() const { return received_; }
  const std::vector<uint64_t>& sequences() const { return sequences_; }
  const std::vector<uint64_t>& push_ids() const { return push_ids_; }
  int out_of_order() const { return out_of_order_; }
  int resnapshots() const { return resnapshots_; }
  int duplicates() const { return duplicates_; }
  asio::strand<asio::io_context::executor_type>& strand() { return strand_; }

 private:
  enum class State { kIdle, kConnecting, kHead, kStreaming, kDone };

  void OnConnected(const beast::error_code& error);
  void AwaitReadable();
  void OnReadable(const beast::error_code& error);
  // Returns false when the stream was closed (or is being reopened).
  bool ConsumeHead(std::string_view bytes, int64_t now);
  void ConsumeEvents(std::string_view bytes, int64_t now);
  void Line(std::string_view line, int64_t now);
  void Dispatch(int64_t now);
  void MatchPushes(std::string_view data, uint64_t sequence, int64_t now, bool from_snapshot);
  void Retry(std::chrono::milliseconds delay);
  void Fail(const std::string& why);
  void Ended(const std::string& why);
  void Report(const std::string& what);
  void CloseSocket();

  Fleet& fleet_;
  const Plan& plan_;
  Progress& progress_;
  const int index_;
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  State state_ = State::kIdle;
  int connect_attempts_ = 0;

  std::string pending_;  // bytes of an unfinished head or line
  // The frame being read.
  std::string event_;
  std::string data_;
  bool has_data_ = false;
  std::optional<uint64_t> id_;

  bool snapshot_ = false;
  int64_t dropped_ns_ = 0;
  uint64_t last_sequence_ = 0;
  int out_of_order_ = 0;
  int resnapshots_ = 0;
  int duplicates_ = 0;
  std::vector<int64_t> received_;    // by push index; 0 = not (yet) received
  std::vector<uint64_t> sequences_;  // the ids of the event frames after the snapshot
  std::vector<uint64_t> push_ids_;   // by push index: the id of its `added` frame
};

class Fleet {
 public:
  Fleet(Plan plan, asio::io_context& io) : plan_(std::move(plan)) {
    watchers_.reserve(static_cast<std::size_t>(plan_.options.watchers));
    for (int i = 0; i < plan_.options.watchers; ++i) {
      watchers_.push_back(std::make_unique<Watcher>(*this, io, i));
    }
  }

  // Keeps `batch` streams opening at once: each stream that gets its snapshot
  // or gives up lets the next one start, so the gateway's accept queue never
  // holds more than that.
  void StartNext() {
    if (!opening_.load()) return;
    const int next = next_.fetch_add(1);
    if (next >= plan_.options.watchers) return;
    Watcher& watcher = *watchers_[static_cast<std::size_t>(next)];
    asio::post(watcher.strand(), [&watcher] { watcher.Open(); });
  }

  // The connect deadline has passed: no stream starts any more, and those
  // without a snapshot give up.
  void StopOpening() {
    opening_.store(false);
    for (auto& watcher : watchers_) {
      asio::post(watcher->strand(), [w = watcher.get()] { w->Abandon(); });
    }
  }

  const Plan& plan() const { return plan_; }
  Progress& progress() { return progress_; }
  const std::vector<std::unique_ptr<Watcher>>& watchers() const { return watchers_; }

 private:
  const Plan plan_;
  Progress progress_;
  std::atomic<bool> opening_{true};
  std::atomic<int> next_{0};
  std::vector<std::unique_ptr<Watcher>> watchers_;
};

Watcher::Watcher(Fleet& fleet, asio::io_context& io, int index)
    : fleet_(fleet),
      plan_(fleet.plan()),
      progress_(fleet.progress()),
      index_(index),
      strand_(asio::make_strand(io)),
      socket_(strand_),
      timer_(strand_),
      received_(static_cast<std::size_t>(plan_.options.pushes), 0),
      push_ids_(static_cast<std::size_t>(plan_.options.pushes), 0) {}

void Watcher::Open() {
  if (state_ == State::kDone) return;
  beast::error_code error;
  socket_ = tcp::socket(strand_);
  socket_.open(tcp::v4(), error);
  if (!error && !plan_.sources.empty()) {
    // The port is picked at connect time, per (source, destination) pair,
    // rather than at bind time from the source's whole range.
    const int on = 1;
    ::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof(on));
    const auto& source = plan_.sources[static_cast<std::size_t>(index_) % plan_.sources.size()];
    socket_.bind(tcp::endpoint(source, 0), error);
  }
  if (error) return Fail("cannot open a socket: " + error.message());
  state_ = State::kConnecting;
  pending_.clear();
  socket_.async_connect(plan_.gateway, [this](const beast::error_code& connect_error) {
    OnConnected(connect_error);
  });
}

void Watcher::OnConnected(const beast::error_code& error) {
  if (state_ != State::kConnecting) return;
  if (error) {
    if (++connect_attempts_ < 5) {
      ++progress_.connect_retries;
      return Retry(std::chrono::milliseconds(200 * connect_attempts_));
    }
    return Fail("cannot connect: " + error.message());
  }
  beast::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  socket_.non_blocking(true, ignored);
  state_ = State::kHead;
  asio::async_write(socket_, asio::buffer(plan_.request),
                    [this](const beast::error_code& write_error, std::size_t) {
                      if (write_error)
                        return Ended("sending the request: " + write_error.message());
                      AwaitReadable();
                    });
}

void Watcher::AwaitReadable() {
  socket_.async_wait(tcp::socket::wait_read,
                     [this](const beast::error_code& error) { OnReadable(error); });
}

void Watcher::OnReadable(const beast::error_code& error) {
  if (state_ != State::kHead && state_ != State::kStreaming) return;
  if (error) return Ended(error.message());
  // One buffer per thread, not per stream: thousands of idle streams need no
  // memory of their own beyond an unfinished line.
  thread_local std::array<char, 64 * 1024> buffer;
  for (int round = 0; round < 4; ++round) {
    beast::error_code read_error;
    const std::size_t n = socket_.read_some(asio::buffer(buffer), read_error);
    if (read_error == asio::error::would_block) break;
    if (read_error) {
      return Ended(read_error == asio::error::eof ? "closed by the gateway" : read_error.message());
    }
    const int64_t now = NowNs();
    const std::string_view bytes(buffer.data(), n);
    if (state_ == State::kHead) {
      if (!ConsumeHead(bytes, now)) return;
    } else {
      ConsumeEvents(bytes, now);
    }
    if (n < buffer.size()) break;
  }
  AwaitReadable();
}

bool Watcher::ConsumeHead(std::string_view bytes, int64_t now) {
  pending_.append(bytes);
  const std::size_t end = pending_.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (pending_.size() > 64 * 1024) {
      Fail("the response head is larger than 64 KB");
      return false;
    }
    return true;
  }
  const std::string head = pending_.substr(0, end);
  int status = 0;
  if (head.size() >= 12 && head.starts_with("HTTP/1.")) {
    std::from_chars(head.data() + 9, head.data() + 12, status);
  }
  if (status == 429) {
    // The gateway's per-address token bucket: wait as told, then open a new
    // stream, spread over 100 ms so the retries do not arrive as one burst.
    // (A browser's EventSource would not retry: it gives up on any answer but
    // 200.)
    ++progress_.rate_limited;
    const std::string_view retry_after = HeaderValue(head, "Retry-After");
    long seconds = 1;
    std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds);
    CloseSocket();
    Retry(std::chrono::milliseconds(std::max(1L, seconds) * 1000 + index_ % 100));
    return false;
  }
  if (status != 200) {
    const std::string body = pending_.substr(end + 4, 200);
    Fail("HTTP " + std::to_string(status) + ": " + body);
    return false;
  }
  if (HeaderValue(head, "Transfer-Encoding").find("chunked") != std::string_view::npos) {
    // The gateway writes the stream raw until it closes; a chunked one would
    // need de-chunking here, and is not what this tool was written against.
    Fail("the event stream is chunked; this tool reads only unframed streams");
    return false;
  }
  if (HeaderValue(head, "Content-Type").find("text/event-stream") == std::string_view::npos) {
    Fail("the answer is not text/event-stream");
    return false;
  }
  state_ = State::kStreaming;
  const std::string rest = pending_.substr(end + 4);
  pending_.clear();
  ConsumeEvents(rest, now);
  return true;
}

void Watcher::ConsumeEvents(std::string_view bytes, int64_t now) {
  pending_.append(bytes);
  std::size_t start = 0;
  while (true) {
    const std::size_t newline = pending_.find('\n', start);
    if (newline == std::string::npos) break;
    std::string_view line(pending_.data() + start, newline - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    Line(line, now);
    start = newline + 1;
  }
  pending_.erase(0, start);
}

void Watcher::Line(std::string_view line, int64_t now) {
  if (line.empty()) return Dispatch(now);
  if (line.front() == ':') return;  // a comment: the gateway's heartbeat
  const std::size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value =
      colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) data_ += '\n';
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    event_.assign(value);
  } else if (field == "id") {
    uint64_t id = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), id);
    if (error == std::errc() && end == value.data() + value.size()) {
      id_ = id;
    } else {
      id_.reset();
    }
  }
}

void Watcher::Dispatch(int64_t now) {
  if (has_data_) {
    if (event_ == "snapshot") {
      if (!snapshot_) {
        snapshot_ = true;
        last_sequence_ = id_.value_or(0);
        ++progress_.snapshots;
        progress_.last_snapshot_ns.store(now);
        fleet_.StartNext();
      } else {
        // The gateway's feed took a fresh snapshot from the ticker service
        // (its Watch was reopened): a browser would show what it holds.
        ++resnapshots_;
        last_sequence_ = id_.value_or(last_sequence_);
        MatchPushes(data_, 0, now, true);
      }
    } else if (event_ == "added" || event_ == "updated" || event_ == "removed" ||
               event_ == "expired") {
      if (!id_ || *id_ <= last_sequence_) ++out_of_order_;
      if (id_) {
        last_sequence_ = std::max(last_sequence_, *id_);
        sequences_.push_back(*id_);
      }
      if (event_ == "added") MatchPushes(data_, id_.value_or(0), now, false);
    }
  }
  event_.clear();
  data_.clear();
  has_data_ = false;
  id_.reset();
}

void Watcher::MatchPushes(std::string_view data, uint64_t sequence, int64_t now,
                          bool from_snapshot) {
  std::size_t at = 0;
  while ((at = data.find(plan_.marker, at)) != std::string_view::npos) {
    at += plan_.marker.size();
    std::size_t k = 0;
    const auto [end, error] = std::from_chars(data.data() + at, data.data() + data.size(), k);
    if (error != std::errc() || k >= received_.size()) continue;
    if (received_[k] != 0) {
      if (!from_snapshot) ++duplicates_;
      continue;
    }
    received_[k] = now;
    push_ids_[k] = sequence;
    ++progress_.deliveries;
    if (!from_snapshot) break;  // an event frame carries one item
  }
}

void Watcher::Retry(std::chrono::milliseconds delay) {
  state_ = State::kIdle;
  CloseSocket();
  timer_.expires_after(delay);
  timer_.async_wait([this](const beast::error_code& error) {
    if (!error) Open();
  });
}

void Watcher::Fail(const std::string& why) {
  if (state_ == State::kDone) return;
  state_ = State::kDone;
  CloseSocket();
  ++progress_.failed;
  Report("stream " + std::to_string(index_) + " did not open: " + why);
  fleet_.StartNext();
}

void Watcher::Ended(const std::string& why) {
  if (state_ == State::kHead) {
    // The connection ended before an answer (the gateway shedding, say):
    // treated as a failed connect.
    if (++connect_attempts_ < 5) {
      ++progress_.connect_retries;
      return Retry(std::chrono::milliseconds(200 * connect_attempts_));
    }
    return Fail(why);
  }
  if (state_ != State::kStreaming) return;
  state_ = State::kDone;
  CloseSocket();
  if (!snapshot_) {
    ++progress_.failed;
    Report("stream " + std::to_string(index_) + " ended before its snapshot: " + why);
    fleet_.StartNext();
    return;
  }
  dropped_ns_ = NowNs();
  ++progress_.dropped;
  Report("stream " + std::to_string(index_) + " dropped: " + why);
}

void Watcher::Abandon() {
  if (snapshot_ || state_ == State::kDone) return;
  timer_.cancel();
  Fail("no snapshot before --connect-timeout-s");
}

void Watcher::Shutdown() {
  state_ = State::kDone;
  timer_.cancel();
  CloseSocket();
}

void Watcher::Report(const std::string& what) {
  const int n = ++progress_.reports;
  if (n <= 10) std::fprintf(stderr, "sse_watchers: %s\n", what.c_str());
  if (n == 10) std::fprintf(stderr, "sse_watchers: (further stream failures not shown)\n");
}

void Watcher::CloseSocket() {
  beast::error_code ignored;
  socket_.close(ignored);
}

// The editor's side: POST and DELETE over one keep-alive connection, blocking,
// on an io_context of its own so that every exchange has a deadline.
class Client {
 public:
  struct Result {
    int status = 0;
    std::string body;
    std::string error;
  };
  using Headers = std::vector<std::pair<std::string, std::string>>;

  Client(tcp::endpoint endpoint, std::string host) : endpoint_(endpoint), host_(std::move(host)) {}

  // `before_send` runs just before the request's first byte is written, after
  // any (re)connect, so that a time stamp taken there leaves the connect out.
  Result Send(http::verb verb, const std::string& target, const std::string& body,
              const Headers& headers, const std::function<void()>& before_send) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool reused = stream_.has_value();
      if (!reused) {
        std::string error;
        if (!Connect(&error)) return Failure(error);
      }
      http::request<http::string_body> request(verb, target, 11);
      request.set(http::field::host, host_);
      request.set(http::field::user_agent, "akhbar-sse-watchers");
      for (const auto& [name, value] : headers) request.set(name, value);
      if (!body.empty()) {
        request.set(http::field::content_type, "application/json");
        request.body() = body;
      }
      request.prepare_payload();
      http::response<http::string_body> response;
      beast::error_code error;
      if (before_send) before_send();
      stream_->expires_after(std::chrono::seconds(15));
      http::async_write(*stream_, request, [&](const beast::error_code& write_error, std::size_t) {
        error = write_error;
        if (error) return;
        http::async_read(
            *stream_, buffer_, response,
            [&](const beast::error_code& read_error, std::size_t) { error = read_error; });
      });
      io_.restart();
      io_.run();
      if (error) {
        stream_.reset();
        // A keep-alive connection the gateway has just closed as idle: once
        // more on a new one (POSTs carry an Idempotency-Key, so this is safe).
        const bool stale =
            reused && (error == http::error::end_of_stream || error == asio::error::eof ||
                       error == asio::error::connection_reset || error == asio::error::broken_pipe);
        if (stale) continue;
        return Failure(error.message());
      }
      if (!response.keep_alive()) stream_.reset();
      return Result{
          .status = static_cast<int>(response.result_int()), .body = response.body(), .error = {}};
    }
    return Failure("the connection closed twice");
  }

 private:
  static Result Failure(std::string error) {
    return Result{.status = 0, .body = {}, .error = std::move(error)};
  }

  bool Connect(std::string* error_text) {
    stream_.emplace(io_);
    buffer_.clear();
    beast::error_code error;
    stream_->expires_after(std::chrono::seconds(5));
    stream_->async_connect(endpoint_,
                           [&](const beast::error_code& connect_error) { error = connect_error; });
    io_.restart();
    io_.run();
    if (error) {
      stream_.reset();
      *error_text = "cannot connect: " + error.message();
      return false;
    }
    stream_->socket().set_option(tcp::no_delay(true), error);
    return true;
  }

  const tcp::endpoint endpoint_;
  const std::string host_;
  asio::io_context io_{1};
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

struct Pushed {
  int index = 0;
  std::string id;
  std::string version;
};

std::string Rfc3339(std::chrono::system_clock::time_point at) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return -1;
  // Nearest rank: the smallest value with at least p of the values at or below it.
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

double Seconds(int64_t from_ns, int64_t to_ns) {
  return static_cast<double>(to_ns - from_ns) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  Options options = ParseOptions(argc, argv);
  std::signal(SIGINT, [](int) { g_interrupted = 1; });
  std::signal(SIGTERM, [](int) { g_interrupted = 1; });
  std::signal(SIGPIPE, SIG_IGN);

  // One descriptor per stream, plus a few for the pusher, epoll and stdio.
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &files) != 0) getrlimit(RLIMIT_NOFILE, &files);
  const auto needed_files = static_cast<rlim_t>(options.watchers) + 64;
  if (files.rlim_cur < needed_files) {
    std::fprintf(stderr,
                 "sse_watchers: %d streams need about %llu open files, but the hard limit "
                 "(RLIMIT_NOFILE) is %llu: raise it (ulimit -Hn as root) or use fewer watchers\n",
                 options.watchers, static_cast<unsigned long long>(needed_files),
                 static_cast<unsigned long long>(files.rlim_max));
    return 2;
  }
  std::fprintf(stderr, "sse_watchers: open files limit %llu (%d streams)\n",
               static_cast<unsigned long long>(files.rlim_cur), options.watchers);
  if (options.gateway_pid > 0) {
    const long gateway_files = OpenFilesLimit(options.gateway_pid);
    if (gateway_files >= 0 && gateway_files < options.watchers + 100) {
      std::fprintf(stderr,
                   "sse_watchers: warning: the gateway (pid %ld) may open only %ld files; it "
                   "cannot hold %d streams\n",
                   options.gateway_pid, gateway_files, options.watchers);
    }
  }

  Plan plan;
  plan.options = options;
  {
    asio::io_context resolve_io;
    tcp::resolver resolver(resolve_io);
    beast::error_code error;
    const auto results = resolver.resolve(tcp::v4(), options.host, options.port, error);
    if (error || results.empty()) {
      std::fprintf(stderr, "sse_watchers: cannot resolve %s:%s: %s\n", options.host.c_str(),
                   options.port.c_str(), error.message().c_str());
      return 2;
    }
    plan.gateway = results.begin()->endpoint();
  }
  // The gateway keys its rate limit on the peer address (or on a configured
  // forwarding header), so streams come from several loopback addresses. The
  // pusher keeps 127.0.0.1 for itself: its requests must never wait behind a
  // bucket the streams emptied.
  if (options.sources > 0 && plan.gateway.address().is_loopback()) {
    for (int s = 0; s < options.sources; ++s) {
      plan.sources.push_back(asio::ip::address_v4((127U << 24) | static_cast<unsigned>(2 + s)));
    }
  } else if (options.sources > 0) {
    std::fprintf(stderr,
                 "sse_watchers: the gateway is not on loopback: every stream comes from this "
                 "host's one address (--sources ignored)\n");
  }
  char run_id[16];
  std::snprintf(run_id, sizeof(run_id), "%08x",
                static_cast<unsigned>(std::chrono::system_clock::now().time_since_epoch().count() ^
                                      (static_cast<long>(getpid()) << 16)));
  plan.marker = std::string("sse-watchers-") + run_id + "-";
  const std::string host_header = options.host + ":" + options.port;
  plan.request = "GET /api/v1/ticker/stream" +
                 (options.section.empty() ? "" : "?section=" + PercentEncode(options.section)) +
                 " HTTP/1.1\r\nHost: " + host_header +
                 "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n"
                 "User-Agent: akhbar-sse-watchers\r\n\r\n";

  const long rss_idle = options.gateway_pid > 0 ? ResidentKb(options.gateway_pid) : -1;

  asio::io_context io(options.threads);
  auto work = asio::make_work_guard(io);
  Fleet fleet(std::move(plan), io);
  const Plan& run = fleet.plan();
  Progress& progress = fleet.progress();
  std::vector<std::thread> threads;
  for (int t = 0; t < options.threads; ++t) threads.emplace_back([&io] { io.run(); });

  // Opening: `batch` at a time, each finished one starting the next.
  const std::string scope = options.section.empty() ? "the whole site" : options.section;
  std::fprintf(stderr,
               "sse_watchers: run %s: opening %d streams on %s, %s, from %zu source addresses\n",
               run_id, options.watchers, host_header.c_str(), scope.c_str(), run.sources.size());
  const int64_t open_started = NowNs();
  for (int i = 0; i < std::min(options.batch, options.watchers); ++i) {
    asio::post(io, [&fleet] { fleet.StartNext(); });
  }
  const int64_t connect_deadline =
      open_started + static_cast<int64_t>(options.connect_timeout_s) * 1000000000;
  int64_t last_report = open_started;
  while (progress.snapshots.load() + progress.failed.load() < options.watchers &&
         NowNs() < connect_deadline && g_interrupted == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (NowNs() - last_report >= 1000000000) {
      last_report = NowNs();
      std::fprintf(stderr,
                   "sse_watchers: %d/%d streams have their snapshot (%d failed, %d answers 429, "
                   "%d connect retries)\n",
                   progress.snapshots.load(), options.watchers, progress.failed.load(),
                   progress.rate_limited.load(), progress.connect_retries.load());
    }
  }
  if (progress.snapshots.load() < options.watchers) fleet.StopOpening();
  const int64_t last_snapshot = progress.last_snapshot_ns.load();
  const double connect_seconds = Seconds(open_started, last_snapshot > 0 ? last_snapshot : NowNs());
  const int connected = progress.snapshots.load();
  std::fprintf(stderr,
               "sse_watchers: %d/%d streams open with their snapshot in %.2f s (%d answers 429, %d "
               "connect retries)\n",
               connected, options.watchers, connect_seconds, progress.rate_limited.load(),
               progress.connect_retries.load());
  // Settle: the last snapshots' writes are done before the first push.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const long rss_watching = options.gateway_pid > 0 ? ResidentKb(options.gateway_pid) : -1;

  Client client(tcp::endpoint(fleet.plan().gateway), host_header);
  const std::string authorization = "Bearer " + options.token;
  std::vector<int64_t> sent(static_cast<std::size_t>(options.pushes), 0);
  std::vector<double> post_ms(static_cast<std::size_t>(options.pushes), -1);
  std::vector<Pushed> pushed;
  int push_failures = 0;
  const auto expires_at = Rfc3339(std::chrono::system_clock::now() + std::chrono::minutes(15));
  const auto pushes_started = Clock::now();
  for (int k = 0; k < options.pushes && connected > 0 && g_interrupted == 0; ++k) {
    std::this_thread::sleep_until(pushes_started +
                                  k * std::chrono::milliseconds(options.interval_ms));
    // Expires by itself a quarter of an hour on, should the retraction below
    // never run.
    std::string body =
        "{\"text\":" + JsonQuote(run.marker + std::to_string(k) + " قياس زمن وصول الشريط") +
        ",\"priority\":\"PRIORITY_NORMAL\",\"expiresAt\":\"" + expires_at + "\"";
    if (!options.section.empty()) body += ",\"sections\":[" + JsonQuote(options.section) + "]";
    body += "}";
    const std::size_t slot = static_cast<std::size_t>(k);
    Client::Result result = client.Send(
        http::verb::post, "/api/v1/ticker", body,
        {{"Authorization", authorization}, {"Idempotency-Key", run.marker + std::to_string(k)}},
        [&sent, slot] { sent[slot] = NowNs(); });
    const double took_ms = static_cast<double>(NowNs() - sent[slot]) / 1e6;
    post_ms[slot] = took_ms;
    if (result.status == 201) {
      pushed.push_back(Pushed{.index = k,
                              .id = JsonField(result.body, "id"),
                              .version = JsonField(result.body, "version")});
      std::fprintf(stderr, "sse_watchers: push %d: item %s in %.1f ms; %ld deliveries so far\n", k,
                   pushed.back().id.c_str(), took_ms, progress.deliveries.load());
    } else {
      ++push_failures;
      sent[slot] = 0;
      std::fprintf(stderr, "sse_watchers: push %d failed: %s%s %s\n", k,
                   result.status ? ("HTTP " + std::to_string(result.status)).c_str() : "",
                   result.error.c_str(), result.body.substr(0, 300).c_str());
    }
  }
  const int64_t last_sent = NowNs();

  // Every delivery that can still come: each open stream, each push that went out.
  const long expected_now = static_cast<long>(connected) * static_cast<long>(pushed.size());
  const int64_t wait_deadline = last_sent + static_cast<int64_t>(options.timeout_s) * 1000000000;
  while (progress.deliveries.load() < expected_now && NowNs() < wait_deadline &&
         g_interrupted == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::fprintf(stderr, "sse_watchers: %ld of %ld deliveries %.2f s after the last push\n",
               progress.deliveries.load(), expected_now, Seconds(last_sent, NowNs()));
  const int64_t measure_end = NowNs();
  const long rss_after = options.gateway_pid > 0 ? ResidentKb(options.gateway_pid) : -1;

  // Retracted while the streams still read: in the gateway as of this
  // writing, a stream that hangs up while a frame is being written to it can
  // crash it (Session::WriteEvents's handler pops the queue that Close() has
  // just emptied), and a benchmark's cleanup should not be what takes it down.
  int retract_failures = 0;
  for (const Pushed& item : pushed) {
    if (item.id.empty()) {
      ++retract_failures;
      continue;
    }
    Client::Headers headers = {{"Authorization", authorization}};
    if (!item.version.empty()) headers.emplace_back("If-Match", "\"v" + item.version + "\"");
    Client::Result result = client.Send(
        http::verb::delete_, "/api/v1/ticker/" + PercentEncode(item.id), "", headers, nullptr);
    if (result.status != 204) {
      ++retract_failures;
      std::fprintf(stderr, "sse_watchers: retracting %s failed: %s%s %s\n", item.id.c_str(),
                   result.status ? ("HTTP " + std::to_string(result.status)).c_str() : "",
                   result.error.c_str(), result.body.substr(0, 300).c_str());
    }
  }
  std::fprintf(stderr, "sse_watchers: retracted %zu of %zu pushed items\n",
               pushed.size() - static_cast<std::size_t>(retract_failures), pushed.size());
  // Their `removed` frames reach the streams before these close.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  work.reset();
  io.stop();
  for (std::thread& thread : threads) thread.join();

  // Results, from the watchers themselves now that nothing runs.
  std::vector<double> latencies_ms;
  latencies_ms.reserve(static_cast<std::size_t>(options.watchers) *
                       static_cast<std::size_t>(options.pushes));
  int dropped = 0;
  int unopened = 0;
  long out_of_order = 0;
  long resnapshots = 0;
  long duplicates = 0;
  for (const auto& watcher : fleet.watchers()) {
    if (!watcher->has_snapshot()) {
      ++unopened;
      continue;
    }
    if (watcher->dropped(measure_end)) ++dropped;
    out_of_order += watcher->out_of_order();
    resnapshots += watcher->resnapshots();
    duplicates += watcher->duplicates();
    for (std::size_t k = 0; k < watcher->received().size(); ++k) {
      const int64_t at = watcher->received()[k];
      if (at != 0 && at <= measure_end && sent[k] != 0) {
        latencies_ms.push_back(static_cast<double>(at - sent[k]) / 1e6);
      }
    }
  }
  // Per push: the first delivery says how long the way to the fan-out took
  // (gateway, ticker service, PostgreSQL, Watch, feed), the rest how long
  // the fan-out and this reader took to reach every stream.
  for (std::size_t k = 0; k < sent.size(); ++k) {
    if (sent[k] == 0) continue;
    std::vector<double> one;
    for (const auto& watcher : fleet.watchers()) {
      const int64_t at = watcher->has_snapshot() ? watcher->received()[k] : 0;
      if (at != 0 && at <= measure_end) one.push_back(static_cast<double>(at - sent[k]) / 1e6);
    }
    std::sort(one.begin(), one.end());
    std::fprintf(
        stderr,
        "sse_watchers: push %zu: POST %.1f ms; %zu streams: first %.1f, p50 %.1f, p99 %.1f, "
        "last %.1f ms\n",
        k, post_ms[k], one.size(), one.empty() ? -1.0 : one.front(), Percentile(one, 0.5),
        Percentile(one, 0.99), one.empty() ? -1.0 : one.back());
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  const long expected = static_cast<long>(options.watchers) * static_cast<long>(options.pushes);
  const auto deliveries = static_cast<long>(latencies_ms.size());
  const long lost = expected - deliveries;

  // Every stream must have seen the pushes under the same ids, and, between
  // the first and the last push, every event id any stream saw. (Ids no
  // stream saw are events this section is not shown, or were lost before the
  // fan-out: reported, not counted against a stream.)
  std::vector<uint64_t> push_ids(static_cast<std::size_t>(options.pushes), 0);
  long id_mismatches = 0;
  for (const auto& watcher : fleet.watchers()) {
    if (!watcher->has_snapshot()) continue;
    for (std::size_t k = 0; k < push_ids.size(); ++k) {
      const uint64_t id = watcher->push_ids()[k];
      if (id == 0) continue;
      if (push_ids[k] == 0) {
        push_ids[k] = id;
      } else if (push_ids[k] != id) {
        ++id_mismatches;
      }
    }
  }
  uint64_t low = UINT64_MAX;
  uint64_t high = 0;
  for (const uint64_t id : push_ids) {
    if (id == 0) continue;
    low = std::min(low, id);
    high = std::max(high, id);
  }
  long sequence_gaps = 0;
  long unseen_ids = 0;
  if (low <= high && high - low < 10000000) {
    std::vector<char> seen(static_cast<std::size_t>(high - low + 1), 0);
    for (const auto& watcher : fleet.watchers()) {
      if (!watcher->has_snapshot()) continue;
      for (const uint64_t id : watcher->sequences()) {
        if (id >= low && id <= high) seen[id - low] = 1;
      }
    }
    const auto union_size = static_cast<long>(std::count(seen.begin(), seen.end(), 1));
    unseen_ids = static_cast<long>(seen.size()) - union_size;
    for (const auto& watcher : fleet.watchers()) {
      // A dropped stream is counted as such; one re-sent a snapshot has no
      // events to account for in between.
      if (!watcher->has_snapshot() || watcher->dropped(measure_end) || watcher->resnapshots() > 0) {
        continue;
      }
      std::vector<uint64_t> own;
      for (const uint64_t id : watcher->sequences()) {
        if (id >= low && id <= high) own.push_back(id);
      }
      std::sort(own.begin(), own.end());
      own.erase(std::unique(own.begin(), own.end()), own.end());
      sequence_gaps += union_size - static_cast<long>(own.size());
    }
    std::fprintf(stderr, "sse_watchers: the pushes' added frames carried ids %llu to %llu\n",
                 static_cast<unsigned long long>(low), static_cast<unsigned long long>(high));
  }
  if (unseen_ids > 0) {
    std::fprintf(stderr,
                 "sse_watchers: %ld event ids between %llu and %llu reached no stream (events "
                 "outside this section's view, or lost before the fan-out)\n",
                 unseen_ids, static_cast<unsigned long long>(low),
                 static_cast<unsigned long long>(high));
  }
  if (id_mismatches > 0) {
    std::fprintf(stderr,
                 "sse_watchers: %ld deliveries carried another id than the same push's "
                 "elsewhere\n",
                 id_mismatches);
  }
  if (resnapshots > 0) {
    std::fprintf(
        stderr,
        "sse_watchers: %ld snapshots arrived mid-stream (the gateway's feed reopened its Watch)\n",
        resnapshots);
  }
  if (duplicates > 0)
    std::fprintf(stderr, "sse_watchers: %ld duplicate added frames\n", duplicates);

  const int late_drops = progress.dropped.load() - dropped;
  if (late_drops > 0) {
    std::fprintf(stderr, "sse_watchers: %d more streams ended while the items were retracted\n",
                 late_drops);
  }
  for (const auto& watcher : fleet.watchers()) watcher->Shutdown();
  if (rss_idle > 0) {
    std::fprintf(stderr,
                 "sse_watchers: gateway RSS %ld KB before, %ld KB with the streams open, %ld KB "
                 "after the pushes (%.1f KB per stream)\n",
                 rss_idle, rss_watching, rss_after,
                 connected > 0 ? static_cast<double>(rss_watching - rss_idle) / connected : 0.0);
  }

  std::string json = "{\"watchers\":" + std::to_string(options.watchers) +
                     ",\"pushes\":" + std::to_string(options.pushes) +
                     ",\"deliveries\":" + std::to_string(deliveries) +
                     ",\"lost\":" + std::to_string(lost) +
                     ",\"dropped_streams\":" + std::to_string(dropped);
  char numbers[256];
  std::snprintf(numbers, sizeof(numbers),
                ",\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,\"connect_seconds\":%.2f",
                Percentile(latencies_ms, 0.50), Percentile(latencies_ms, 0.99),
                latencies_ms.empty() ? -1.0 : latencies_ms.back(), connect_seconds);
  json += numbers;
  json += ",\"unopened_streams\":" + std::to_string(unopened) +
          ",\"sequence_gaps\":" + std::to_string(sequence_gaps) +
          ",\"out_of_order\":" + std::to_string(out_of_order) +
          ",\"push_failures\":" + std::to_string(push_failures) +
          ",\"rate_limited\":" + std::to_string(progress.rate_limited.load()) +
          ",\"sources\":" + std::to_string(fleet.plan().sources.size()) +
          ",\"section\":" + JsonQuote(options.section);
  if (rss_idle > 0) {
    json += ",\"gateway_rss_kb_before\":" + std::to_string(rss_idle) +
            ",\"gateway_rss_kb_watching\":" + std::to_string(rss_watching) +
            ",\"gateway_rss_kb_after\":" + std::to_string(rss_after);
  }
  json += "}";
  std::printf("%s\n", json.c_str());
  std::fflush(stdout);
  const bool clean = lost == 0 && dropped == 0 && unopened == 0 && sequence_gaps == 0 &&
                     out_of_order == 0 && push_failures == 0 && id_mismatches == 0;
  return clean ? 0 : 1;
}
