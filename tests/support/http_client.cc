#include "tests/support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <thread>

namespace akhbar::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

int Connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

bool SendAll(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Appends what arrives before `deadline`; false on timeout or end of stream.
bool ReadMore(int fd, std::string* buffer, Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) return false;
  pollfd waiting{fd, POLLIN, 0};
  if (::poll(&waiting, 1, static_cast<int>(left.count())) <= 0) return false;
  char chunk[16384];
  const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
  if (n <= 0) return false;
  buffer->append(chunk, static_cast<std::size_t>(n));
  return true;
}

std::string Request(const std::string& method, const std::string& target,
                    const std::map<std::string, std::string>& headers, const std::string& body,
                    bool keep_alive) {
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST" || method == "PATCH") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  if (!keep_alive) request += "Connection: close\r\n";
  return request + "\r\n" + body;
}

// Parses the status line and headers of `head` (without the blank line).
void ParseHead(const std::string& head, HttpReply* reply) {
  std::size_t line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);
  const std::size_t space = status_line.find(' ');
  if (space != std::string::npos) reply->status = std::atoi(status_line.c_str() + space + 1);
  while (line_end != std::string::npos && line_end + 2 < head.size()) {
    const std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line = head.substr(start, line_end - start);
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    reply->headers[Lower(line.substr(0, colon))] = value;
  }
}

}  // namespace

std::string HttpReply::Header(const std::string& name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? std::string() : it->second;
}

HttpReply Fetch(int port, const std::string& method, const std::string& target,
                const std::map<std::string, std::string>& headers, const std::string& body,
                std::chrono::milliseconds timeout) {
  HttpReply reply;
  const int fd = Connect(port);
  if (fd < 0) return reply;
  const auto deadline = Clock::now() + timeout;
  std::string buffer;
  std::size_t head_end = std::string::npos;
  if (SendAll(fd, Request(method, target, headers, body, /*keep_alive=*/false))) {
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos &&
           ReadMore(fd, &buffer, deadline)) {
    }
  }
  if (head_end != std::string::npos) {
    ParseHead(buffer.substr(0, head_end), &reply);
    // Connection: close: the body runs to the end of the stream.
    while (ReadMore(fd, &buffer, deadline)) {
    }
    reply.body = buffer.substr(head_end + 4);
    const std::string length = reply.Header("content-length");
    if (method == "HEAD")
      reply.body.clear();
    else if (!length.empty())
      reply.body.resize(std::min<std::size_t>(reply.body.size(), std::stoul(length)));
  }
  ::close(fd);
  return reply;
}

HttpReply SendRaw(int port, const std::string& raw, std::chrono::milliseconds timeout) {
  HttpReply reply;
  const int fd = Connect(port);
  if (fd < 0) return reply;
  const auto deadline = Clock::now() + timeout;
  std::string buffer;
  // A server may answer and close before it has read everything: what it
  // said still counts, so a failed send is not the end.
  (void)SendAll(fd, raw);
  while (ReadMore(fd, &buffer, deadline)) {
  }
  ::close(fd);
  const std::size_t head_end = buffer.find("\r\n\r\n");
  if (head_end == std::string::npos) return reply;
  ParseHead(buffer.substr(0, head_end), &reply);
  reply.body = buffer.substr(head_end + 4);
  const std::string length = reply.Header("content-length");
  if (!length.empty()) {
    reply.body.resize(std::min<std::size_t>(reply.body.size(), std::stoul(length)));
  }
  return reply;
}

SseStream::~SseStream() {
  if (fd_ >= 0) ::close(fd_);
}

std::unique_ptr<SseStream> SseStream::Open(int port, const std::string& target,
                                           const std::map<std::string, std::string>& headers) {
  const int fd = Connect(port);
  if (fd < 0) return nullptr;
  std::unique_ptr<SseStream> stream(new SseStream(fd));
  auto with_accept = headers;
  with_accept["Accept"] = "text/event-stream";
  if (!SendAll(fd, Request("GET", target, with_accept, "", /*keep_alive=*/true))) return nullptr;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  std::size_t head_end;
  while ((head_end = stream->buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!ReadMore(fd, &stream->buffer_, deadline)) return nullptr;
  }
  HttpReply head;
  ParseHead(stream->buffer_.substr(0, head_end), &head);
  if (head.status != 200 || head.Header("content-type").find("text/event-stream") != 0) {
    return nullptr;
  }
  stream->buffer_.erase(0, head_end + 4);
  return stream;
}

std::optional<SseEvent> SseStream::Next(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    std::size_t end;
    while ((end = buffer_.find("\n\n")) != std::string::npos) {
      const std::string message = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      SseEvent event;
      bool any = false;
      std::size_t start = 0;
      while (start <= message.size()) {
        std::size_t line_end = message.find('\n', start);
        if (line_end == std::string::npos) line_end = message.size();
        const std::string line = message.substr(start, line_end - start);
        start = line_end + 1;
        if (line.empty() || line[0] == ':') continue;
        const std::size_t colon = line.find(':');
        const std::string field = line.substr(0, colon);
        std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
        if (!value.empty() && value[0] == ' ') value.erase(0, 1);
        if (field == "id") event.id = value;
        if (field == "event") event.event = value;
        if (field == "data") event.data += value;
        any = any || field == "id" || field == "event" || field == "data";
      }
      if (any) return event;
    }
    if (!ReadMore(fd_, &buffer_, deadline)) return std::nullopt;
  }
}

bool WaitHttpReady(int port, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (Fetch(port, "GET", "/readyz", {}, "", std::chrono::seconds(1)).status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace akhbar::testing
