#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "libs/http/beast.h"
#include "services/gateway/response.h"
#include "services/gateway/sse_sink.h"

namespace akhbar::gateway {

struct HttpServerOptions {
  std::string host = "0.0.0.0";
  int port = 8080;
  int io_threads = 2;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  // Requests to paths with this prefix may carry up to max_large_body_bytes
  // (the NDJSON import).
  std::string large_body_prefix;
  std::size_t max_large_body_bytes = 64 * 1024 * 1024;
  std::chrono::milliseconds read_timeout{15000};  // one request, or a keep-alive's idle time
  std::chrono::milliseconds write_timeout{30000};
  int max_connections = 20000;
  std::size_t max_queued_events = 256;  // per event stream, before it is cut off
  // Runs on each I/O thread about ten times a second (e.g. to publish what
  // the thread counted without sharing a lock on every request).
  std::function<void(int worker)> on_tick;
};

// One request as a handler sees it.
struct HttpRequest {
  const http::request<http::string_body>& message;
  std::string_view path;   // undecoded, without the query
  std::string_view query;  // without '?'
  std::string_view client_ip;
  int worker = 0;  // the I/O thread answering it, 0 … io_threads-1
};

// The connection a request came on. Reply may be called from any thread,
// once per request; the server adds Date, handles HEAD and If-None-Match.
class Responder {
 public:
  virtual ~Responder() = default;
  virtual void Reply(std::shared_ptr<const ReadyResponse> response) = 0;
  // Turns the connection into a Server-Sent Events stream (on the I/O thread,
  // before Reply). `on_close` runs once when the stream ends for any reason.
  // Null when the connection has already ended.
  virtual std::shared_ptr<SseSink> StartEventStream(std::function<void()> on_close) = 0;
  // Runs `task` on the I/O thread of this connection (where per-thread state
  // such as the response cache lives).
  virtual void Post(std::function<void()> task) = 0;
};

using RequestHandler =
    std::function<void(const HttpRequest& request, const std::shared_ptr<Responder>& responder)>;

// HTTP/1.1 on Boost.Beast: one io_context per I/O thread; connections are
// dealt to the threads in turn, so that a connection lives on one thread and
// nothing on the request path is shared between threads. Keep-alive, limits on header and body
// sizes, read and write timeouts (slow clients are cut off), a connection cap, and a drain that
// lets in-flight requests finish.
class HttpServer {
 public:
  HttpServer(HttpServerOptions options, RequestHandler handler);
  ~HttpServer();

  // Binds and starts the I/O threads; false (logged) when the port is taken.
  bool Start();
  int port() const { return bound_port_; }
  // From now on every answer carries Connection: close, so that clients
  // open their next connection elsewhere (to a replica not shutting down)
  // while this one still serves: the first step of a drain.
  void EndKeepAlive() { ending_keep_alive_.store(true); }
  // Stops accepting, ends idle keep-alive connections, answers in-flight
  // requests with Connection: close, and waits for them up to `deadline`.
  // A connection accepted but not yet sent a request gets a moment to send
  // it: closing it would fail a request the client has already committed.
  void Drain(std::chrono::milliseconds deadline);
  std::size_t connection_count() const { return connections_.load(); }

 private:
  struct Worker;
  class Session;
  void Accept(Worker& worker);
  void Tick(Worker& worker);

  HttpServerOptions options_;
  RequestHandler handler_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<std::size_t> connections_{0};
  std::atomic<bool> ending_keep_alive_{false};
  std::atomic<bool> draining_{false};
  std::size_t next_worker_ = 0;  // the listening thread's only
  int bound_port_ = 0;
};

}  // namespace akhbar::gateway
