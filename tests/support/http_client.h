#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace akhbar::testing {

// What an HTTP/1.1 server answered, for assertions.
struct HttpReply {
  int status = 0;                              // 0: no answer (connection refused, timeout)
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string Header(const std::string& name) const;
};

// A blocking HTTP/1.1 client for tests, one connection per request.
HttpReply Fetch(int port, const std::string& method, const std::string& target,
                const std::map<std::string, std::string>& headers = {},
                const std::string& body = "",
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Sends `raw` as it is (for requests no well-behaved client would build: bare
// CR or LF in a header, a control character in the target) and reads the
// first answer until the server closes or `timeout` passes. status 0: the
// server closed without answering.
HttpReply SendRaw(int port, const std::string& raw,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

// One Server-Sent Events message.
struct SseEvent {
  std::string id;
  std::string event;
  std::string data;
};

// A Server-Sent Events stream read as a browser's EventSource would.
class SseStream {
 public:
  ~SseStream();
  // Opens `target`; nullptr unless the server answers 200 text/event-stream.
  static std::unique_ptr<SseStream> Open(int port, const std::string& target,
                                         const std::map<std::string, std::string>& headers = {});
  // The next event (comments such as heartbeats are skipped), or nullopt when
  // none comes within `timeout` or the stream ends.
  std::optional<SseEvent> Next(std::chrono::milliseconds timeout);

 private:
  explicit SseStream(int fd) : fd_(fd) {}
  int fd_ = -1;
  std::string buffer_;
};

// Waits until GET /readyz answers 200.
bool WaitHttpReady(int port, std::chrono::milliseconds timeout);

}  // namespace akhbar::testing
