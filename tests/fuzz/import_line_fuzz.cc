// The NDJSON import (tools/akhbarctl/import_line.*): one parser for
// `akhbarctl import` and the gateway's POST /api/v1/articles:import, which
// splits the body into lines exactly as below.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "akhbar/article/v1/article.pb.h"
#include "libs/text/arabic.h"
#include "tests/fuzz/fuzz_check.h"
#include "tools/akhbarctl/import_line.h"

namespace {

namespace pb = akhbar::article::v1;
using akhbar::text::IsValidUtf8;

bool Trimmed(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  return !text.empty() && !space(text.front()) && !space(text.back());
}

void CheckLine(std::string_view line) {
  const akhbar::ctl::ParsedImportLine parsed = akhbar::ctl::ParseImportLine(line);
  if (!parsed.status.ok()) {
    FUZZ_CHECK(parsed.status.code() == absl::StatusCode::kInvalidArgument);
    FUZZ_CHECK(!parsed.status.message().empty());
    return;
  }
  const pb::ImportArticlesRequest& request = parsed.request;
  // The service refuses a stream with one bad string; the parser must stop it first.
  FUZZ_CHECK(IsValidUtf8(line));
  FUZZ_CHECK(!request.external_id().empty() && request.external_id() == parsed.external_id);
  for (const std::string* text :
       {&request.external_id(), &request.section(), &request.title(), &request.summary(),
        &request.author(), &request.slug(), &request.image().url(), &request.image().caption()}) {
    FUZZ_CHECK(IsValidUtf8(*text));
  }
  for (const pb::Block& block : request.body()) {
    FUZZ_CHECK(block.has_paragraph() && Trimmed(block.paragraph().text()));
    FUZZ_CHECK(IsValidUtf8(block.paragraph().text()));
  }
  for (const std::string& tag : request.tags()) FUZZ_CHECK(Trimmed(tag) && IsValidUtf8(tag));
  FUZZ_CHECK(request.status() == pb::ARTICLE_STATUS_PUBLISHED ||
             request.status() == pb::ARTICLE_STATUS_DRAFT);
  if (request.has_image()) FUZZ_CHECK(!request.image().url().empty());

  // What is sent on is what arrives: the binary form reads back the same.
  std::string wire;
  FUZZ_CHECK(request.SerializeToString(&wire));
  pb::ImportArticlesRequest back;
  FUZZ_CHECK(back.ParseFromString(wire) && back.SerializeAsString() == wire);

  // The same line parses the same way twice (no state between lines).
  const akhbar::ctl::ParsedImportLine again = akhbar::ctl::ParseImportLine(line);
  FUZZ_CHECK(again.status.ok() && again.request.SerializeAsString() == wire);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (akhbar::ctl::IsBlankLine(line)) continue;
    CheckLine(line);
  }
  return 0;
}
