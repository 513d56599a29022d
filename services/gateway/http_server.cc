#include "services/gateway/http_server.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <deque>
#include <map>
#include <mutex>
#include <optional>

#include "libs/log/log.h"

namespace akhbar::gateway {
namespace {

using tcp = asio::ip::tcp;

// "Date: <IMF-fixdate>\r\n", formatted at most once a second per thread.
std::string_view DateLine() {
  thread_local std::time_t formatted_for = 0;
  thread_local char line[64] = {};
  thread_local std::size_t length = 0;
  const std::time_t now = std::time(nullptr);
  if (now != formatted_for) {
    std::tm utc{};
    gmtime_r(&now, &utc);
    length = std::strftime(line, sizeof(line), "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &utc);
    formatted_for = now;
  }
  return std::string_view(line, length);
}

constexpr std::string_view kCrlf = "\r\n";
constexpr auto kLingerTime = std::chrono::seconds(2);
// How long a drain waits for a new connection's first request.
constexpr auto kFreshConnectionGrace = std::chrono::milliseconds(1000);
constexpr auto kNever = std::chrono::steady_clock::time_point::max();
// How often each I/O thread looks for connections past their deadline (and
// runs the tick hook): the granularity of every timeout.
constexpr auto kTickInterval = std::chrono::milliseconds(100);
constexpr std::string_view kConnectionClose = "Connection: close\r\n";
constexpr std::string_view kConnectionKeepAlive = "Connection: keep-alive\r\n";
constexpr std::string_view kEventStreamHead =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
    "Cache-Control: no-store\r\nX-Accel-Buffering: no\r\nX-Content-Type-Options: nosniff\r\n";

asio::const_buffer Buffer(std::string_view bytes) {
  return asio::buffer(bytes.data(), bytes.size());
}

std::string_view ToView(beast::string_view text) {
  return std::string_view(text.data(), text.size());
}

}  // namespace

struct HttpServer::Worker {
  explicit Worker(int worker_index) : index(worker_index) {}
  const int index;
  // Declared before io: sessions still queued in io unregister on destruction.
  std::mutex sessions_mu;
  std::map<Session*, std::weak_ptr<Session>> sessions;  // for the drain
  asio::io_context io{1};  // one thread runs it: asio may skip its own locking
  // Keeps the thread running while a request waits for a backend and nothing
  // else is pending (as during a drain, once the acceptor is closed).
  asio::executor_work_guard<asio::io_context::executor_type> busy{io.get_executor()};
  tcp::acceptor acceptor{io};
  asio::steady_timer ticker{io};
  // The time as of the last tick: what deadlines are set from.
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();
  std::thread thread;
};

class HttpServer::Session : public Responder, public std::enable_shared_from_this<Session> {
 public:
  Session(HttpServer& server, Worker& worker, tcp::socket socket)
      : server_(server), worker_(worker), socket_(std::move(socket)) {
    beast::error_code ignored;
    const tcp::endpoint peer = socket_.remote_endpoint(ignored);
    client_ip_ = peer.address().to_string(ignored);
    socket_.set_option(tcp::no_delay(true), ignored);
  }

  ~Session() override {
    {
      std::lock_guard lock(worker_.sessions_mu);
      worker_.sessions.erase(this);
    }
    server_.connections_.fetch_sub(1);
  }

  void Start() {
    {
      std::lock_guard lock(worker_.sessions_mu);
      worker_.sessions.emplace(this, weak_from_this());
    }
    ReadHeader();
  }

  // On the worker's thread, on every tick: whether the read or write under
  // way has taken too long (a slow or vanished client).
  bool PastDeadline(std::chrono::steady_clock::time_point now) const { return now > deadline_; }
  void TimeOut() { Close(); }

  // Runs on the worker's thread. Streams end (browsers reconnect elsewhere);
  // a connection waiting for its next request ends unless part of one has
  // arrived. One that has not carried a request yet ends only with
  // `close_fresh`: its client has likely just sent the first.
  void OnDrain(bool close_fresh) {
    if (state_ == State::kStreaming || state_ == State::kClosing) return Close();
    const bool request_under_way = parser_ && parser_->got_some();
    if (state_ == State::kReading && !request_under_way && (served_any_ || close_fresh)) {
      Close();
    }
  }

  void Reply(std::shared_ptr<const ReadyResponse> response) override {
    if (!worker_.io.get_executor().running_in_this_thread()) {
      asio::post(worker_.io, [self = shared_from_this(), response = std::move(response)]() mutable {
        self->Reply(std::move(response));
      });
      return;
    }
    if (state_ != State::kHandling) return;  // the connection ended meanwhile
    Write(std::move(response));
  }

  void Post(std::function<void()> task) override { asio::post(worker_.io, std::move(task)); }

  std::shared_ptr<SseSink> StartEventStream(std::function<void()> on_close) override {
    if (state_ != State::kHandling) return nullptr;  // the browser left meanwhile
    state_ = State::kStreaming;
    on_stream_close_ = std::move(on_close);
    auto sink = std::make_shared<EventSink>(shared_from_this());
    deadline_ = kNever;
    events_.push_back(std::make_shared<const std::string>(std::string(kEventStreamHead) +
                                                          std::string(DateLine()) + "\r\n"));
    WriteEvents();
    WatchForHangUp();
    return sink;
  }

 private:
  enum class State { kReading, kHandling, kWriting, kStreaming, kClosing, kClosed };

  // The fan-out's handle on a stream; it outlives nothing but the session.
  class EventSink : public SseSink {
   public:
    explicit EventSink(std::shared_ptr<Session> session) : session_(std::move(session)) {}
    void Send(std::shared_ptr<const std::string> frame) override {
      asio::post(session_->worker_.io, [session = session_, frame = std::move(frame)]() mutable {
        session->QueueEvent(std::move(frame));
      });
    }
    void Close() override {
      asio::post(session_->worker_.io, [session = session_] { session->Close(); });
    }

   private:
    std::shared_ptr<Session> session_;
  };

  void ReadHeader() {
    state_ = State::kReading;
    if (server_.draining_.load(std::memory_order_relaxed)) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options_.max_header_bytes));
    // The limit that applies is known once the target is: until then, the
    // larger one (Beast checks Content-Length against it with the header).
    parser_->body_limit(
        std::max(server_.options_.max_body_bytes, server_.options_.max_large_body_bytes));
    deadline_ = worker_.now + server_.options_.read_timeout;
    http::async_read_header(socket_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code error, std::size_t) {
                              self->OnHeader(error);
                            });
  }

  void OnHeader(beast::error_code error) {
    if (state_ == State::kClosed) return;
    if (error) {
      if (error == http::error::header_limit) {
        return RejectAndClose(431, "the request headers are too large");
      }
      if (error != http::error::end_of_stream && error != asio::error::eof &&
          error != beast::error::timeout && error != asio::error::operation_aborted &&
          error != asio::error::connection_reset) {
        return RejectAndClose(400, "the request is not valid HTTP/1.1");
      }
      return Close();
    }
    const auto& message = parser_->get();
    const std::string_view target = ToView(message.target());
    const std::string& large_prefix = server_.options_.large_body_prefix;
    const std::size_t limit = (!large_prefix.empty() && target.starts_with(large_prefix))
                                  ? server_.options_.max_large_body_bytes
                                  : server_.options_.max_body_bytes;
    parser_->body_limit(limit);
    if (parser_->content_length() && *parser_->content_length() > limit) {
      return RejectAndClose(413,
                            "the request body is larger than " + std::to_string(limit) + " bytes");
    }
    if (parser_->is_done()) return Dispatch();
    http::async_read(socket_, buffer_, *parser_,
                     [self = shared_from_this(), limit](beast::error_code read_error, std::size_t) {
                       if (read_error == http::error::body_limit) {
                         return self->RejectAndClose(413, "the request body is larger than " +
                                                              std::to_string(limit) + " bytes");
                       }
                       if (read_error) return self->Close();
                       self->Dispatch();
                     });
  }

  void Dispatch() {
    state_ = State::kHandling;
    served_any_ = true;
    deadline_ = kNever;  // calls to services carry their own deadlines
    const auto& message = parser_->get();
    const std::string_view target = ToView(message.target());
    const std::size_t question = target.find('?');
    HttpRequest request{
        message, target.substr(0, question),
        question == std::string_view::npos ? std::string_view() : target.substr(question + 1),
        client_ip_, worker_.index};
    is_head_ = message.method() == http::verb::head;
    keep_alive_ = message.keep_alive();
    http_10_ = message.version() == 10;
    server_.handler_(request, shared_from_this());
  }

  // Answers a request that could not be read whole, then ends the connection
  // (its unread bytes make it unusable).
  void RejectAndClose(unsigned status, std::string message) {
    Response response;
    response.status = status;
    response.content_type = "application/json";
    response.body = "{\"error\":{\"code\":\"" +
                    std::string(status == 413   ? "PAYLOAD_TOO_LARGE"
                                : status == 431 ? "HEADERS_TOO_LARGE"
                                                : "INVALID_ARGUMENT") +
                    "\",\"message\":" + log::JsonQuote(message) + "}}";
    keep_alive_ = false;
    is_head_ = false;
    parser_.reset();
    state_ = State::kHandling;
    Write(Finish(std::move(response)));
  }

  void Write(std::shared_ptr<const ReadyResponse> response) {
    state_ = State::kWriting;
    response_ = std::move(response);
    bool not_modified = false;
    if (parser_ && !response_->etag.empty()) {
      const auto& fields = parser_->get();
      auto it = fields.find(http::field::if_none_match);
      not_modified = it != fields.end() && EtagMatches(ToView(it->value()), response_->etag);
    }
    if (server_.ending_keep_alive_.load(std::memory_order_relaxed)) keep_alive_ = false;
    const std::string_view connection =
        !keep_alive_ ? kConnectionClose : (http_10_ ? kConnectionKeepAlive : std::string_view());
    const bool with_body = !not_modified && !is_head_;
    const std::array<asio::const_buffer, 5> buffers = {
        Buffer(not_modified ? response_->not_modified_head : response_->head), Buffer(DateLine()),
        Buffer(connection), Buffer(kCrlf),
        with_body ? Buffer(response_->body) : asio::const_buffer()};
    deadline_ = worker_.now + server_.options_.write_timeout;
    asio::async_write(socket_, buffers,
                      [self = shared_from_this()](beast::error_code error, std::size_t) {
                        self->OnWritten(error);
                      });
  }

  void OnWritten(beast::error_code error) {
    response_.reset();
    if (error) return Close();
    if (!keep_alive_) return LingerThenClose();
    ReadHeader();
  }

  // Closing a socket with unread input makes the kernel send a reset, which
  // can destroy the answer still on its way (a 413 for a body we did not
  // read). So: stop sending, read and discard until the client closes, for
  // a short while at most, then close.
  void LingerThenClose() {
    state_ = State::kClosing;
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    deadline_ = worker_.now + kLingerTime;
    Discard();
  }

  void Discard() {
    thread_local std::array<char, 16384> discarded;
    socket_.async_read_some(asio::buffer(discarded),
                            [self = shared_from_this()](beast::error_code error, std::size_t) {
                              if (error) return self->Close();
                              self->Discard();
                            });
  }

  void QueueEvent(std::shared_ptr<const std::string> frame) {
    if (state_ != State::kStreaming) return;
    if (events_.size() >= server_.options_.max_queued_events) {
      // The reader is too slow; it reconnects with Last-Event-ID and misses nothing.
      return Close();
    }
    events_.push_back(std::move(frame));
    if (events_.size() == 1) WriteEvents();
  }

  void WriteEvents() {
    deadline_ = worker_.now + server_.options_.write_timeout;
    // The handler holds the frame: a hang-up noticed mid-write closes the
    // session, which empties the queue under the write's feet.
    std::shared_ptr<const std::string> frame = events_.front();
    asio::async_write(socket_, Buffer(*frame),
                      [self = shared_from_this(), frame](beast::error_code error, std::size_t) {
                        if (error || self->state_ != State::kStreaming) return self->Close();
                        self->deadline_ = kNever;
                        self->events_.pop_front();
                        if (!self->events_.empty()) self->WriteEvents();
                      });
  }

  // A browser that goes away is only noticed by reading: it sends nothing
  // else on an event stream.
  void WatchForHangUp() {
    socket_.async_read_some(asio::buffer(hang_up_probe_),
                            [self = shared_from_this()](beast::error_code error, std::size_t) {
                              if (error) return self->Close();
                              self->WatchForHangUp();
                            });
  }

  void Close() {
    if (state_ == State::kClosed) return;
    deadline_ = kNever;
    const bool was_streaming = state_ == State::kStreaming;
    state_ = State::kClosed;
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    events_.clear();
    if (was_streaming && on_stream_close_) {
      auto on_close = std::move(on_stream_close_);
      on_close();
    }
  }

  HttpServer& server_;
  Worker& worker_;
  tcp::socket socket_;
  // When the current read or write gives up; checked by the worker's tick, so
  // that the request path arms no timer.
  std::chrono::steady_clock::time_point deadline_ = kNever;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<const ReadyResponse> response_;
  std::string client_ip_;
  State state_ = State::kReading;
  bool keep_alive_ = true;
  bool served_any_ = false;
  bool http_10_ = false;
  bool is_head_ = false;
  std::deque<std::shared_ptr<const std::string>> events_;
  std::function<void()> on_stream_close_;
  std::array<char, 64> hang_up_probe_{};
};

HttpServer::HttpServer(HttpServerOptions options, RequestHandler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {}

HttpServer::~HttpServer() {
  for (auto& worker : workers_) worker->io.stop();
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
}

bool HttpServer::Start() {
  beast::error_code error;
  const auto address = asio::ip::make_address(options_.host, error);
  if (error) {
    log::Error("invalid listen address", {{"host", options_.host}});
    return false;
  }
  for (int i = 0; i < options_.io_threads; ++i) workers_.push_back(std::make_unique<Worker>(i));
  // One listening socket, on the first I/O thread, handing connections to
  // the threads in turn: each gets the same share, where SO_REUSEPORT's hash
  // can leave one thread with twice the connections of another (and its
  // readers with twice the wait).
  tcp::acceptor& acceptor = workers_.front()->acceptor;
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(options_.port));
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    log::Error("cannot listen", {{"address", options_.host + ":" + std::to_string(options_.port)},
                                 {"error", error.message()}});
    workers_.clear();
    return false;
  }
  bound_port_ = acceptor.local_endpoint().port();
  Accept(*workers_.front());
  for (auto& worker : workers_) {
    Tick(*worker);
    worker->thread = std::thread([w = worker.get()] { w->io.run(); });
  }
  return true;
}

void HttpServer::Accept(Worker& listener) {
  Worker& next = *workers_[next_worker_++ % workers_.size()];
  listener.acceptor.async_accept(next.io, [this, &listener, &next](beast::error_code error,
                                                                   tcp::socket socket) {
    if (error) {
      if (error == asio::error::operation_aborted) return;
      // Out of descriptors and the like: try again shortly rather than spin.
      auto timer = std::make_shared<asio::steady_timer>(listener.io, std::chrono::milliseconds(50));
      timer->async_wait([this, &listener, timer](beast::error_code) { Accept(listener); });
      return;
    }
    if (connections_.fetch_add(1) >= static_cast<std::size_t>(options_.max_connections)) {
      connections_.fetch_sub(1);
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      asio::post(next.io, [this, &next, socket = std::move(socket)]() mutable {
        std::make_shared<Session>(*this, next, std::move(socket))->Start();
      });
    }
    Accept(listener);
  });
}

void HttpServer::Tick(Worker& worker) {
  worker.now = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<Session>> late;
  {
    std::lock_guard lock(worker.sessions_mu);
    for (auto& [raw, weak] : worker.sessions) {
      if (raw->PastDeadline(worker.now)) {
        if (auto session = weak.lock()) late.push_back(std::move(session));
      }
    }
  }
  for (auto& session : late) session->TimeOut();
  if (options_.on_tick) options_.on_tick(worker.index);
  worker.ticker.expires_after(kTickInterval);
  worker.ticker.async_wait([this, &worker](beast::error_code error) {
    if (!error) Tick(worker);
  });
}

void HttpServer::Drain(std::chrono::milliseconds deadline) {
  EndKeepAlive();
  draining_.store(true);
  const auto end_sessions = [this](bool close_fresh) {
    for (auto& worker : workers_) {
      asio::post(worker->io, [w = worker.get(), close_fresh] {
        beast::error_code ignored;
        w->acceptor.close(ignored);
        std::vector<std::shared_ptr<Session>> sessions;
        {
          std::lock_guard lock(w->sessions_mu);
          for (auto& [raw, weak] : w->sessions) {
            if (auto session = weak.lock()) sessions.push_back(std::move(session));
          }
        }
        for (auto& session : sessions) session->OnDrain(close_fresh);
      });
    }
  };
  const auto start = std::chrono::steady_clock::now();
  const auto until = start + deadline;
  const auto fresh_until = start + std::min(deadline, kFreshConnectionGrace);
  end_sessions(false);
  bool fresh_closed = false;
  while (connections_.load() > 0 && std::chrono::steady_clock::now() < until) {
    if (!fresh_closed && std::chrono::steady_clock::now() >= fresh_until) {
      end_sessions(true);
      fresh_closed = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (auto& worker : workers_) worker->io.stop();
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
}

}  // namespace akhbar::gateway
