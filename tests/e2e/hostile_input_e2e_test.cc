// What an attacker or a broken client sends the gateway: bodies over the
// limit, bytes that are not UTF-8, slugs that try to walk the file system or
// smuggle a NUL, and CR/LF meant to forge response headers. Each gets a 4xx
// (never a 5xx, never someone else's article) and changes nothing.
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "tests/e2e/hostile_fixture.h"

namespace akhbar::e2e {
namespace {

using testing::HttpReply;

// A refusal of the input itself: 429 would tell the client to come back
// later (and the rate limit is off here).
bool Is4xx(const HttpReply& reply) {
  return reply.status >= 400 && reply.status < 500 && reply.status != 429;
}

class HostileInput : public HostileE2e {};

TEST_F(HostileInput, AnOversizedCreateBodyIs413AndCreatesNothing) {
  const int64_t before = ArticleCount();
  article::v1::Article big = Simple("مقال أكبر من الحد");
  big.mutable_body(0)->mutable_paragraph()->set_text(std::string(1024 * 1024 + 1, 'a'));
  const std::string body = Json(big);

  HttpReply announced = Send("POST", "/api/v1/articles", As(kEditorToken), body);
  EXPECT_EQ(announced.status, 413) << announced.body;
  EXPECT_EQ(ErrorCodeOf(announced.body), "PAYLOAD_TOO_LARGE") << announced.body;

  // Chunked, the size is known only as it arrives.
  std::string raw = std::string("POST /api/v1/articles HTTP/1.1\r\nHost: 127.0.0.1\r\n") +
                    "Authorization: Bearer " + kEditorToken +
                    "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                    "Connection: close\r\n\r\n";
  constexpr std::size_t kChunk = 64 * 1024;
  for (std::size_t at = 0; at < body.size(); at += kChunk) {
    const std::string chunk = body.substr(at, kChunk);
    char size[32];
    std::snprintf(size, sizeof(size), "%zx\r\n", chunk.size());
    raw += size + chunk + "\r\n";
  }
  raw += "0\r\n\r\n";
  HttpReply chunked = testing::SendRaw(stack_.gateway_port(), raw);
  EXPECT_EQ(chunked.status, 413) << chunked.body;

  EXPECT_EQ(ArticleCount(), before);
  EXPECT_FALSE(absl::StrContains(Get("/api/v1/articles", As(kEditorToken)).body, "أكبر من الحد"));
}

TEST_F(HostileInput, InvalidUtf8InAJsonBodyIs400AndChangesNothing) {
  const article::v1::Article existing = CreateArticle(Simple("مقال سليم"));
  const int64_t before = ArticleCount();
  const std::vector<ticker::v1::TickerItem> ticker_before = SettledTicker();
  // A stray continuation byte, an overlong '/', a UTF-16 surrogate, a
  // truncated sequence, a byte that never occurs in UTF-8.
  for (const std::string bad : {"\x80", "\xC0\xAF", "\xED\xA0\x80", "\xD8", "\xFF"}) {
    const std::string title = "عنوان " + bad + " معطوب";
    const std::string create = "{\"section\":\"politics\",\"title\":\"" + title +
                               "\",\"body\":[{\"paragraph\":{\"text\":\"نص\"}}],"
                               "\"status\":\"ARTICLE_STATUS_PUBLISHED\"}";
    const std::string update = "{\"title\":\"" + title + "\"}";
    const std::string push = "{\"text\":\"خبر " + bad + "\",\"priority\":\"PRIORITY_URGENT\"}";
    const std::string import =
        "{\"externalId\":\"bad-1\",\"section\":\"politics\",\"title\":\"" + title + "\"}\n";
    const std::string id = std::to_string(existing.id());
    const std::vector<std::pair<std::string, std::string>> writes = {
        {"POST /api/v1/articles", create},
        {"PATCH /api/v1/articles/" + id + "?version=" + std::to_string(existing.version()), update},
        {"POST /api/v1/ticker", push},
        {"POST /api/v1/articles:import", import},
    };
    for (const auto& [route, body] : writes) {
      const std::size_t space = route.find(' ');
      HttpReply reply =
          Send(route.substr(0, space), route.substr(space + 1), As(kEditorToken), body);
      EXPECT_EQ(reply.status, 400) << route << ": " << reply.body;
      EXPECT_EQ(ErrorCodeOf(reply.body), "INVALID_ARGUMENT") << route << ": " << reply.body;
      EXPECT_TRUE(absl::StrContains(reply.body, "UTF-8")) << route << ": " << reply.body;
    }
  }
  // Escaped, the same holes: lone surrogates, and a NUL (a control character).
  for (const std::string escape : {"\\ud800", "\\udc00", "\\ud800\\u0041", "\\u0000"}) {
    HttpReply reply = Send("POST", "/api/v1/articles", As(kEditorToken),
                           "{\"section\":\"politics\",\"title\":\"عنوان " + escape +
                               "\",\"body\":[{\"paragraph\":{\"text\":\"نص\"}}]}");
    EXPECT_EQ(reply.status, 400) << escape << ": " << reply.body;
    EXPECT_EQ(ErrorCodeOf(reply.body), "INVALID_ARGUMENT") << escape << ": " << reply.body;
  }
  EXPECT_EQ(ArticleCount(), before);
  EXPECT_EQ(EditorGet(existing.id()).version(), existing.version());
  EXPECT_EQ(SettledTicker().size(), ticker_before.size());
}

TEST_F(HostileInput, InvalidUtf8InAPathOrQueryIs400) {
  (void)CreateArticle(Simple("مقال للقراءة"));
  for (const std::string target :
       {"/api/v1/articles/by-slug/%FF", "/api/v1/articles/by-slug/%C0%AF",
        "/api/v1/articles/by-slug/%D8", "/api/v1/tags/%ED%A0%80", "/api/v1/articles?section=%FF",
        "/api/v1/articles?tag=%C0%AF", "/api/v1/articles?author=%80",
        "/api/v1/articles?pageToken=%FF", "/api/v1/ticker?section=%FF"}) {
    for (const Headers& headers : {Headers{}, As(kEditorToken)}) {  // cached and uncached paths
      HttpReply reply = Get(target, headers);
      EXPECT_EQ(reply.status, 400) << target << ": " << reply.body;
      EXPECT_EQ(ErrorCodeOf(reply.body), "INVALID_ARGUMENT") << target << ": " << reply.body;
      EXPECT_TRUE(absl::StrContains(reply.body, "UTF-8")) << target << ": " << reply.body;
    }
  }
  for (const std::string page : {"/tag/%FF", "/tag/%C0%AF", "/section/%FF", "/section/%ED%A0%80",
                                 "/section/politics?pageToken=%FF"}) {
    HttpReply reply = Get(page);
    EXPECT_EQ(reply.status, 400) << page << ": " << reply.body.substr(0, 300);
    EXPECT_TRUE(absl::StartsWith(reply.Header("Content-Type"), "text/html")) << page;
  }
}

TEST_F(HostileInput, PathTricksInSlugsAre4xxAndNeverAnotherArticle) {
  article::v1::Article input = Simple("مقال في السياسة");
  input.add_tags()->set_name("وسم عادي");
  const article::v1::Article article = CreateArticle(input);
  article::v1::Article draft_input = Simple("مسودة مخفية");
  draft_input.set_status(article::v1::ARTICLE_STATUS_DRAFT);
  const article::v1::Article draft = CreateArticle(draft_input);
  const std::string canonical = PagePath(article.id());
  const std::string encoded = canonical.substr(canonical.rfind('/') + 1);
  ASSERT_FALSE(encoded.empty());

  const std::vector<std::string> tricks = {
      "..%2F..%2Fetc%2Fpasswd",
      "..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
      "%2e%2e",
      "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
      "..",
      ".",
      "%2F",
      "%00",
      "a%00b",
      encoded + "%00",
      encoded + "%00.html",
      "%C0%AF",
      "%C0%AE%C0%AE%C0%AF",
      "%252F",
      "%252e%252e%252fetc%252fpasswd",
      "%25",
      "%",
      "%zz",
      "%0d%0a",
      encoded + "%0A",
      "%2E%2E%5C%2E%2E%5Cwindows%5Cwin.ini",
      "..%5C..%5C",
      std::string(6000, 'a'),
      [] {
        std::string arabic;
        for (int i = 0; i < 1500; ++i) arabic += "%D8%A7";  // 1500 × «ا», 9 KB of target
        return arabic;
      }(),
      std::string(20000, 'b'),  // beyond the header limit
  };
  auto shows_an_article = [&](const HttpReply& reply) {
    return absl::StrContains(reply.body, article.title()) ||
           absl::StrContains(reply.body, draft.title()) || absl::StrContains(reply.body, "root:");
  };
  for (const std::string& trick : tricks) {
    const std::string shown = trick.substr(0, 60);
    for (const std::string prefix :
         {"/api/v1/articles/by-slug/", "/api/v1/tags/", "/tag/", "/section/"}) {
      for (const Headers& headers : {Headers{}, As(kEditorToken)}) {
        HttpReply reply = Get(prefix + trick, headers);
        EXPECT_TRUE(Is4xx(reply)) << prefix << shown << " answered " << reply.status;
        EXPECT_FALSE(shows_an_article(reply)) << prefix << shown;
      }
    }
    // An article's page under a wrong slug leads to its one address, and only there.
    HttpReply page = Get("/news/" + std::to_string(article.id()) + "/" + trick);
    if (page.status != 431) {
      EXPECT_EQ(page.status, 301) << shown;
      EXPECT_EQ(page.Header("Location"), canonical) << shown;
    }
  }
  EXPECT_EQ(Get("/api/v1/articles/by-slug/" + encoded).status, 200) << "the slug itself works";
}

// Whether the answer carries a header the client tried to plant.
bool Planted(const HttpReply& reply) {
  for (const auto& [name, value] : reply.headers) {
    if (name == "set-cookie" || name == "injected" ||
        absl::StrContains(absl::AsciiStrToLower(value), "injected")) {
      return true;
    }
  }
  return false;
}

TEST_F(HostileInput, CrOrLfInAHeaderOrTheTargetIs400OrAClosedConnection) {
  const article::v1::Article article = CreateArticle(Simple("مقال للحقن"));
  const std::string id = std::to_string(article.id());
  const std::string tail = "Host: 127.0.0.1\r\nConnection: close\r\n\r\n";
  const std::vector<std::string> raw_requests = {
      "GET /api/v1/sections HTTP/1.1\r\nX-Note: a\rSet-Cookie: injected=1\r\n" + tail,
      "GET /api/v1/sections HTTP/1.1\r\nX-Note: a\nSet-Cookie: injected=1\r\n" + tail,
      "GET /api/v1/sections HTTP/1.1\r\nX-Note: a" + std::string(1, '\0') + "injected\r\n" + tail,
      "GET /news/" + id + " HTTP/1.1\r\nIf-None-Match: \"x\"\rInjected: yes\r\n" + tail,
      "GET /api/v1/sections\r\nSet-Cookie: injected=1 HTTP/1.1\r\n" + tail,
      "GET /api/v1/sections\rSet-Cookie: injected=1 HTTP/1.1\r\n" + tail,
      "GET /news/" + id + "/x\nSet-Cookie:injected=1 HTTP/1.1\r\n" + tail,
      "GET /api/v1/ticker/stream HTTP/1.1\r\nLast-Event-ID: 1\r\nInjected: yes\rX: y\r\n" + tail,
  };
  for (const std::string& raw : raw_requests) {
    HttpReply reply = testing::SendRaw(stack_.gateway_port(), raw, std::chrono::seconds(5));
    std::string shown = raw.substr(0, raw.find(tail));
    EXPECT_TRUE(reply.status == 0 || reply.status == 400)
        << absl::CEscape(shown) << " answered " << reply.status;
    EXPECT_FALSE(Planted(reply)) << absl::CEscape(shown);
  }
  // Encoded, the same characters are data: the answers are well-formed and
  // plant nothing either.
  for (const std::string& target : std::vector<std::string>{
           "/news/" + id + "/x%0D%0ASet-Cookie:%20injected=1",
           "/api/v1/articles/by-slug/x%0D%0ASet-Cookie:%20injected=1",
           "/api/v1/articles?section=x%0D%0AInjected:%20yes", "/tag/x%0d%0aInjected:%20yes"}) {
    HttpReply reply = Get(target);
    EXPECT_NE(reply.status, 0) << target;
    EXPECT_LT(reply.status, 500) << target;
    EXPECT_FALSE(Planted(reply)) << target;
  }
  EXPECT_EQ(Get("/readyz").status, 200) << "the gateway is still up";
}

}  // namespace
}  // namespace akhbar::e2e
