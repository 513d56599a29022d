// The HTTP server on a real socket, with a handler written here.
#include "services/gateway/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "tests/support/http_client.h"

namespace akhbar::gateway {
namespace {

using std::chrono::milliseconds;

// A raw connection, to control keep-alive and what is sent byte for byte.
class Connection {
 public:
  explicit Connection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~Connection() { ::close(fd_); }
  bool connected() const { return connected_; }
  void Send(const std::string& bytes) {
    ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  // One response: head, then Content-Length bytes (none for HEAD or 304).
  std::string ReadResponse(bool expect_body = true) {
    while (buffer_.find("\r\n\r\n") == std::string::npos && ReadMore()) {
    }
    const std::size_t head_end = buffer_.find("\r\n\r\n");
    if (head_end == std::string::npos) return "";
    std::size_t length = 0;
    const std::size_t at = buffer_.find("Content-Length: ");
    if (expect_body && at != std::string::npos && at < head_end) {
      length = std::stoul(buffer_.substr(at + 16));
    }
    while (buffer_.size() < head_end + 4 + length && ReadMore()) {
    }
    std::string response = buffer_.substr(0, head_end + 4 + length);
    buffer_.erase(0, response.size());
    return response;
  }
  // Everything up to and including `marker`, or "" when it does not come.
  std::string ReadUntil(const std::string& marker) {
    while (buffer_.find(marker) == std::string::npos && ReadMore()) {
    }
    const std::size_t at = buffer_.find(marker);
    if (at == std::string::npos) return "";
    std::string text = buffer_.substr(0, at + marker.size());
    buffer_.erase(0, text.size());
    return text;
  }
  // Whether the server closed the connection within `timeout`.
  bool ClosedWithin(milliseconds timeout) {
    pollfd waiting{fd_, POLLIN, 0};
    if (::poll(&waiting, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char byte;
    return ::recv(fd_, &byte, 1, MSG_PEEK) == 0;
  }

 private:
  bool ReadMore() {
    pollfd waiting{fd_, POLLIN, 0};
    if (::poll(&waiting, 1, 5000) <= 0) return false;
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  int fd_;
  bool connected_ = false;
  std::string buffer_;
};

std::string Get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n";
}

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<HttpServer>(
        options, [this](const HttpRequest& request, const std::shared_ptr<Responder>& responder) {
          Handle(request, responder);
        });
    ASSERT_TRUE(server_->Start());
  }
  void TearDown() override {
    if (server_) server_->Drain(milliseconds(1000));
  }

  void Handle(const HttpRequest& request, const std::shared_ptr<Responder>& responder) {
    ++requests_;
    const std::string path(request.path);
    if (path == "/slow") {
      // Answered later from another thread, as a backend call would be.
      std::thread([this, responder] {
        std::unique_lock lock(mu_);
        release_.wait(lock, [this] { return released_; });
        responder->Reply(Text("late"));
      }).detach();
      return;
    }
    if (path == "/events") {
      auto sink = responder->StartEventStream([this] { ++stream_closes_; });
      std::lock_guard lock(mu_);
      sink_ = sink;
      sinks_.push_back(sink);
      stream_started_.notify_all();
      return;
    }
    responder->Reply(Text(path == "/echo" ? request.message.body() : "hello " + path));
  }

  static std::shared_ptr<const ReadyResponse> Text(std::string body) {
    Response response;
    response.content_type = "text/plain";
    response.body = std::move(body);
    return Finish(std::move(response));
  }

  std::unique_ptr<HttpServer> server_;
  std::atomic<int> requests_{0};
  std::atomic<int> stream_closes_{0};
  std::mutex mu_;
  std::condition_variable release_, stream_started_;
  bool released_ = false;
  std::shared_ptr<SseSink> sink_;
  std::vector<std::shared_ptr<SseSink>> sinks_;
};

TEST_F(HttpServerTest, AKeepAliveConnectionAnswersOneRequestAfterAnother) {
  Start();
  Connection connection(server_->port());
  ASSERT_TRUE(connection.connected());
  connection.Send(Get("/one"));
  const std::string first = connection.ReadResponse();
  EXPECT_EQ(first.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(first.find("\r\nDate: "), std::string::npos);
  EXPECT_NE(first.find("hello /one"), std::string::npos);
  connection.Send(Get("/two"));
  EXPECT_NE(connection.ReadResponse().find("hello /two"), std::string::npos);
  EXPECT_EQ(requests_.load(), 2);
}

TEST_F(HttpServerTest, Http10WithoutKeepAliveIsClosedAfterItsAnswer) {
  Start();
  Connection connection(server_->port());
  connection.Send("GET /x HTTP/1.0\r\n\r\n");
  EXPECT_NE(connection.ReadResponse().find("Connection: close"), std::string::npos);
  EXPECT_TRUE(connection.ClosedWithin(milliseconds(2000)));
}

TEST_F(HttpServerTest, HeadAndAMatchingEtagAnswerWithoutABody) {
  Start();
  Connection connection(server_->port());
  connection.Send(Get("/a"));
  const std::string full = connection.ReadResponse();
  const std::size_t at = full.find("ETag: ");
  ASSERT_NE(at, std::string::npos);
  const std::string etag = full.substr(at + 6, full.find("\r\n", at) - at - 6);
  connection.Send("HEAD /a HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string head = connection.ReadResponse(/*expect_body=*/false);
  EXPECT_NE(head.find("Content-Length: 8"), std::string::npos);
  connection.Send(Get("/a", "If-None-Match: " + etag + "\r\n"));
  const std::string not_modified = connection.ReadResponse(/*expect_body=*/false);
  EXPECT_EQ(not_modified.rfind("HTTP/1.1 304 Not Modified\r\n", 0), 0u);
  // Nothing else is on the wire: the next answer follows at once.
  connection.Send(Get("/b"));
  EXPECT_EQ(connection.ReadResponse().rfind("HTTP/1.1 200", 0), 0u);
}

TEST_F(HttpServerTest, OversizedHeadersAndBodiesAreRefusedAndTheConnectionClosed) {
  HttpServerOptions options;
  options.max_header_bytes = 2048;
  options.max_body_bytes = 100;
  options.large_body_prefix = "/big/";
  options.max_large_body_bytes = 1000;
  Start(options);
  {
    Connection connection(server_->port());
    connection.Send(Get("/x", "X-Long: " + std::string(4096, 'a') + "\r\n"));
    EXPECT_EQ(connection.ReadResponse().rfind("HTTP/1.1 431", 0), 0u);
    EXPECT_TRUE(connection.ClosedWithin(milliseconds(2000)));
  }
  {
    Connection connection(server_->port());
    connection.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n" +
                    std::string(500, 'b'));
    const std::string refused = connection.ReadResponse();
    EXPECT_EQ(refused.rfind("HTTP/1.1 413", 0), 0u) << refused;
    EXPECT_NE(refused.find("larger than 100 bytes"), std::string::npos);
  }
  {
    Connection connection(server_->port());
    connection.Send("POST /big/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n" +
                    std::string(500, 'b'));
    EXPECT_EQ(connection.ReadResponse().rfind("HTTP/1.1 200", 0), 0u);
  }
  EXPECT_EQ(requests_.load(), 1) << "refused requests never reach the handler";
}

TEST_F(HttpServerTest, AnIdleConnectionIsClosedAfterTheReadTimeout) {
  HttpServerOptions options;
  options.read_timeout = milliseconds(200);
  Start(options);
  Connection connection(server_->port());
  EXPECT_TRUE(connection.ClosedWithin(milliseconds(3000)));
}

TEST_F(HttpServerTest, AnEventStreamDeliversFramesInOrderAndNoticesAHangUp) {
  Start();
  {
    Connection connection(server_->port());
    connection.Send(Get("/events"));
    std::shared_ptr<SseSink> sink;
    {
      std::unique_lock lock(mu_);
      ASSERT_TRUE(stream_started_.wait_for(lock, std::chrono::seconds(5),
                                           [&] { return sink_ != nullptr; }));
      sink = sink_;
    }
    std::thread sender([sink] {
      for (int i = 1; i <= 3; ++i) {
        sink->Send(std::make_shared<const std::string>("id: " + std::to_string(i) + "\n\n"));
      }
    });
    sender.join();
    const std::string head = connection.ReadResponse(/*expect_body=*/false);
    EXPECT_NE(head.find("Content-Type: text/event-stream"), std::string::npos);
    EXPECT_EQ(connection.ReadUntil("id: 3\n\n"), "id: 1\n\nid: 2\n\nid: 3\n\n");
  }
  // The browser went away: the stream's close hook runs once.
  for (int i = 0; i < 100 && stream_closes_.load() == 0; ++i) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(stream_closes_.load(), 1);
}

// Readers leaving while news goes out: a hang-up noticed between a write's
// completion and its handler closes the session under the write, which once
// crashed the gateway (a frame popped from an emptied queue).
TEST_F(HttpServerTest, ReadersHangingUpWhileFramesAreWrittenLeaveTheServerServing) {
  Start();
  constexpr int kStreams = 200;
  std::vector<std::unique_ptr<Connection>> readers;
  for (int i = 0; i < kStreams; ++i) {
    readers.push_back(std::make_unique<Connection>(server_->port()));
    readers.back()->Send(Get("/events"));
  }
  std::vector<std::shared_ptr<SseSink>> sinks;
  {
    std::unique_lock lock(mu_);
    ASSERT_TRUE(stream_started_.wait_for(lock, std::chrono::seconds(5),
                                         [&] { return sinks_.size() == kStreams; }));
    sinks = sinks_;
  }
  for (auto& reader : readers) {
    ASSERT_NE(reader->ReadResponse(/*expect_body=*/false).find("text/event-stream"),
              std::string::npos);
  }
  std::atomic<bool> done{false};
  std::thread news([&] {
    const auto frame =
        std::make_shared<const std::string>("data: " + std::string(2000, 'x') + "\n\n");
    while (!done.load()) {
      for (const auto& sink : sinks) {
        sink->Send(frame);
        sink->Send(frame);
      }
    }
  });
  for (auto& reader : readers) {
    // Reading a little, unless the server has already cut this reader off
    // for being slow (frames come faster than one thread reads 200 streams):
    // either way it then leaves while frames are being written to it.
    (void)reader->ReadUntil("\n\n");
    reader.reset();
  }
  done = true;
  news.join();
  for (int i = 0; i < 250 && stream_closes_.load() < kStreams; ++i) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(stream_closes_.load(), kStreams);
  Connection after(server_->port());
  after.Send(Get("/still-here"));
  EXPECT_NE(after.ReadResponse().find("hello /still-here"), std::string::npos);
}

TEST_F(HttpServerTest, DrainEndsIdleConnectionsAndLetsARequestInFlightFinish) {
  Start();
  Connection idle(server_->port());
  idle.Send(Get("/warm"));
  idle.ReadResponse();
  Connection busy(server_->port());
  busy.Send(Get("/slow"));
  while (requests_.load() < 2) std::this_thread::sleep_for(milliseconds(5));
  std::thread drain([this] { server_->Drain(milliseconds(5000)); });
  EXPECT_TRUE(idle.ClosedWithin(milliseconds(2000)));
  {
    std::lock_guard lock(mu_);
    released_ = true;
  }
  release_.notify_all();
  const std::string late = busy.ReadResponse();
  drain.join();
  EXPECT_NE(late.find("late"), std::string::npos);
  EXPECT_NE(late.find("Connection: close"), std::string::npos);
  server_.reset();
}

TEST_F(HttpServerTest, AfterEndKeepAliveEveryAnswerClosesItsConnection) {
  Start();
  Connection kept(server_->port());
  kept.Send(Get("/before"));
  EXPECT_EQ(kept.ReadResponse().find("Connection: close"), std::string::npos);
  server_->EndKeepAlive();
  kept.Send(Get("/after"));
  const std::string last = kept.ReadResponse();
  EXPECT_NE(last.find("hello /after"), std::string::npos);
  EXPECT_NE(last.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(kept.ClosedWithin(milliseconds(2000)));
  Connection fresh(server_->port());  // still accepted: the drain has not begun
  fresh.Send(Get("/fresh"));
  EXPECT_NE(fresh.ReadResponse().find("Connection: close"), std::string::npos);
}

TEST_F(HttpServerTest, DrainLetsANewConnectionSendItsFirstRequest) {
  Start();
  Connection fresh(server_->port());
  while (server_->connection_count() < 1) std::this_thread::sleep_for(milliseconds(5));
  std::thread drain([this] { server_->Drain(milliseconds(5000)); });
  // The client connected before the drain and sends a moment after it began:
  // its request is answered, not cut off.
  std::this_thread::sleep_for(milliseconds(200));
  fresh.Send(Get("/first"));
  const std::string answer = fresh.ReadResponse();
  drain.join();
  EXPECT_NE(answer.find("hello /first"), std::string::npos);
  EXPECT_NE(answer.find("Connection: close"), std::string::npos);
  server_.reset();
}

TEST_F(HttpServerTest, DrainClosesANewConnectionThatSendsNothing) {
  Start();
  Connection silent(server_->port());
  while (server_->connection_count() < 1) std::this_thread::sleep_for(milliseconds(5));
  const auto started = std::chrono::steady_clock::now();
  server_->Drain(milliseconds(10000));
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(3000))
      << "a silent connection holds the drain only for its first request's grace";
  EXPECT_TRUE(silent.ClosedWithin(milliseconds(1000)));
  server_.reset();
}

TEST_F(HttpServerTest, ConnectionsBeyondTheCapAreRefused) {
  HttpServerOptions options;
  options.max_connections = 1;
  options.io_threads = 1;
  Start(options);
  Connection first(server_->port());
  first.Send(Get("/a"));
  EXPECT_FALSE(first.ReadResponse().empty());
  Connection second(server_->port());
  EXPECT_TRUE(second.ClosedWithin(milliseconds(2000)));
}

}  // namespace
}  // namespace akhbar::gateway
