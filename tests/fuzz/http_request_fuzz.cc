// The gateway's HTTP server (services/gateway/http_server.*) on a loopback
// socket: the input is every byte a client sends on one connection, read by
// the real session code (Beast's parser with the gateway's limits, keep-alive
// and pipelining, HEAD, If-None-Match, the 400/413/431 refusals), routed by
// the real router and answered from the real argument and body readers. Only
// the calls to the services are left out, which the fuzz target cannot make.
//
// Invariants: the server always ends the connection once the client has
// finished sending; what it sends back is a sequence of well-framed HTTP/1.1
// responses, each with a status the gateway can answer, nothing after one
// that says "Connection: close".
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "akhbar/article/v1/article.pb.h"
#include "akhbar/ticker/v1/ticker.pb.h"
#include "services/gateway/call_args.h"
#include "services/gateway/errors.h"
#include "services/gateway/http_server.h"
#include "services/gateway/json.h"
#include "services/gateway/router.h"
#include "tests/fuzz/fuzz_check.h"
#include "tools/akhbarctl/import_line.h"

namespace {

using namespace akhbar::gateway;  // NOLINT: a fuzz target's whole subject
using std::chrono::milliseconds;

Response Ok(RouteId route, unsigned status = 200) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = "{\"route\":\"" + std::string(RouteName(route)) + "\"}";
  return response;
}

// What the handlers of services/gateway/*_api.cc check before they call a
// service, in the same order; a success stands for the service's answer.
Response Answer(const Call& call, const Route& route) {
  switch (route.id) {
    case RouteId::kNotFound:
      return ErrorResponse(404, "NOT_FOUND", "there is no such address");
    case RouteId::kMethodNotAllowed: {
      Response refused = ErrorResponse(405, "METHOD_NOT_ALLOWED",
                                       "this address answers " + std::string(route.allow));
      refused.headers.emplace_back("Allow", std::string(route.allow));
      return refused;
    }
    case RouteId::kGetArticle:
    case RouteId::kGetRelated:
    case RouteId::kArticleShortLink:
    case RouteId::kArticlePage:
    case RouteId::kTakedownArticle: {
      auto id = ArticleIdOf(call.first);
      if (auto* e = ErrorOf(id)) return std::move(*e);
      if (route.id == RouteId::kTakedownArticle && !call.body.empty()) {
        akhbar::article::v1::TakedownArticleRequest request;
        if (auto error = ParseJsonBody(call, &request)) return std::move(*error);
      }
      return Ok(route.id);
    }
    case RouteId::kGetArticleBySlug:
    case RouteId::kGetTag:
    case RouteId::kSectionPage:
    case RouteId::kTagPage:
    case RouteId::kRetractTickerItem: {
      auto slug = SlugOf(call.first, "slug");
      if (auto* e = ErrorOf(slug)) return std::move(*e);
      return Ok(route.id);
    }
    case RouteId::kListArticles:
    case RouteId::kGetTicker: {
      auto page_size = IntParam(call, "pageSize", 1, 100);
      auto section = StringParam(call, "section");
      if (auto* e = ErrorOf(page_size)) return std::move(*e);
      if (auto* e = ErrorOf(section)) return std::move(*e);
      return Ok(route.id);
    }
    case RouteId::kCreateArticle: {
      akhbar::article::v1::CreateArticleRequest request;
      if (auto error = ParseJsonBody(call, request.mutable_article())) return std::move(*error);
      return Ok(route.id, 201);
    }
    case RouteId::kPushTickerItem: {
      akhbar::ticker::v1::PushTickerItemRequest request;
      if (auto error = ParseJsonBody(call, request.mutable_item())) return std::move(*error);
      return Ok(route.id, 201);
    }
    case RouteId::kUpdateArticle:
    case RouteId::kUpdateTickerItem: {
      const bool article = route.id == RouteId::kUpdateArticle;
      auto id = ArticleIdOf(call.first);
      auto slug = SlugOf(call.first, "ticker item id");
      auto version = ExpectedVersionOf(call);
      if (auto* e = article ? ErrorOf(id) : ErrorOf(slug)) return std::move(*e);
      if (auto* e = ErrorOf(version)) return std::move(*e);
      if (article && !std::get<std::optional<int64_t>>(version)) {
        return ErrorResponse(428, "FAILED_PRECONDITION", "say which version you edited");
      }
      std::vector<std::string> fields;
      akhbar::article::v1::Article article_body;
      akhbar::ticker::v1::TickerItem item_body;
      google::protobuf::Message* body =
          article ? static_cast<google::protobuf::Message*>(&article_body) : &item_body;
      if (auto error = ParseJsonBody(call, body, &fields)) return std::move(*error);
      std::erase(fields, "id");
      if (fields.empty())
        return ErrorResponse(400, "INVALID_ARGUMENT", "the body changes no field");
      return Ok(route.id);
    }
    case RouteId::kPublishArticle:
    case RouteId::kUnpublishArticle: {
      auto id = ArticleIdOf(call.first);
      auto version = ExpectedVersionOf(call);
      if (auto* e = ErrorOf(id)) return std::move(*e);
      if (auto* e = ErrorOf(version)) return std::move(*e);
      if (route.id == RouteId::kPublishArticle && !call.body.empty()) {
        akhbar::article::v1::PublishArticleRequest request;
        if (auto error = ParseJsonBody(call, &request)) return std::move(*error);
      }
      return Ok(route.id);
    }
    case RouteId::kImportArticles: {
      std::string_view rest = call.body;
      while (!rest.empty()) {
        const std::size_t end = rest.find('\n');
        const std::string_view line = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
        if (akhbar::ctl::IsBlankLine(line)) continue;
        akhbar::ctl::ParsedImportLine parsed = akhbar::ctl::ParseImportLine(line);
        if (!parsed.status.ok()) return ErrorResponse(400, "INVALID_ARGUMENT", "a bad line");
      }
      return Ok(route.id);
    }
    default:
      return Ok(route.id);
  }
}

void Handle(const HttpRequest& request, const std::shared_ptr<Responder>& responder) {
  const Route route = Match(request.message.method(), request.path);
  responder->Reply(Finish(Answer(CallOf(request, route), route)));
}

int ServerPort() {
  static const int port = [] {
    HttpServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.io_threads = 1;
    // The gateway's limits scaled down to what a fuzz input can reach (a few
    // KB), so that the 413 and 431 paths are exercised; the code is the same.
    options.max_header_bytes = 2048;
    options.max_body_bytes = 1024;
    options.large_body_prefix = "/api/v1/articles:import";  // as in services/gateway/main.cc
    options.max_large_body_bytes = 4096;
    options.read_timeout = milliseconds(5000);
    options.write_timeout = milliseconds(5000);
    // Never stopped: libFuzzer ends the process, and a server torn down
    // during exit would race the last connection.
    auto* server = new HttpServer(options, Handle);
    FUZZ_CHECK(server->Start());
    return server->port();
  }();
  return port;
}

// Sends `input` and reads until the server closes, both at once, so that a
// server answering many pipelined requests never waits on a client that is
// still sending. nullopt when the server never closed.
std::optional<std::string> Exchange(std::string_view input) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  FUZZ_CHECK(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(ServerPort()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  FUZZ_CHECK(connected == 0 || errno == EINPROGRESS);
  std::string received;
  bool sending = true;
  if (input.empty()) {
    ::shutdown(fd, SHUT_WR);
    sending = false;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd waiting{fd, static_cast<short>(POLLIN | (sending ? POLLOUT : 0)), 0};
    if (::poll(&waiting, 1, 1000) <= 0) continue;
    if (sending && (waiting.revents & POLLOUT) != 0) {
      const ssize_t sent = ::send(fd, input.data(), input.size(), MSG_NOSIGNAL);
      if (sent > 0) input.remove_prefix(static_cast<std::size_t>(sent));
      // The server may stop reading once it has refused the request.
      if (input.empty() || (sent < 0 && errno != EAGAIN)) {
        ::shutdown(fd, SHUT_WR);
        sending = false;
      }
    }
    if ((waiting.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      char chunk[16384];
      const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
      if (n > 0) {
        received.append(chunk, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EAGAIN) {
        // A reset would have destroyed what the server sent: it must linger instead.
        FUZZ_CHECK(n == 0);
        ::close(fd);
        return received;
      }
    }
  }
  ::close(fd);
  return std::nullopt;
}

bool IsKnownStatus(std::string_view status) {
  for (std::string_view known :
       {"200", "201", "304", "400", "404", "405", "413", "415", "428", "431"}) {
    if (status == known) return true;
  }
  return false;
}

std::size_t ContentLength(std::string_view head) {
  constexpr std::string_view kName = "\r\nContent-Length: ";
  const std::size_t at = head.find(kName);
  if (at == std::string_view::npos) return 0;
  std::size_t length = 0;
  for (std::size_t i = at + kName.size(); i < head.size() && head[i] >= '0' && head[i] <= '9';
       ++i) {
    length = length * 10 + static_cast<std::size_t>(head[i] - '0');
  }
  return length;
}

void CheckResponses(std::string_view bytes) {
  constexpr std::string_view kStatusLine = "HTTP/1.1 ";
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const std::string_view rest = bytes.substr(pos);
    FUZZ_CHECK(rest.starts_with(kStatusLine));
    FUZZ_CHECK(IsKnownStatus(rest.substr(kStatusLine.size(), 3)));
    const std::size_t head_end = rest.find("\r\n\r\n");
    FUZZ_CHECK(head_end != std::string_view::npos);
    const std::string_view head = rest.substr(0, head_end + 2);
    FUZZ_CHECK(head.find("\r\nDate: ") != std::string_view::npos);
    // The body follows unless the request was a HEAD; bodies are JSON, so
    // they never begin like a status line.
    const std::size_t after_head = head_end + 4;
    const std::size_t after_body = after_head + ContentLength(head);
    const auto next_starts = [&](std::size_t at) {
      return at == rest.size() || (at < rest.size() && rest.substr(at).starts_with(kStatusLine));
    };
    std::size_t length = 0;
    if (next_starts(after_body)) {
      length = after_body;
    } else {
      FUZZ_CHECK(next_starts(after_head));
      length = after_head;
    }
    if (head.find("\r\nConnection: close\r\n") != std::string_view::npos) {
      FUZZ_CHECK(length == rest.size());
    }
    pos += length;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::optional<std::string> received =
      Exchange(std::string_view(reinterpret_cast<const char*>(data), size));
  FUZZ_CHECK(received.has_value());  // the server must close the connection
  CheckResponses(*received);
  return 0;
}
