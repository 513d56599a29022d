// Ticker lines (tools/akhbarctl/ticker_line.*), the format of
// deploy/seed/ticker.jsonl and `akhbarctl ticker push --from FILE`.
#include <google/protobuf/util/time_util.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "akhbar/ticker/v1/ticker.pb.h"
#include "libs/text/arabic.h"
#include "tests/fuzz/fuzz_check.h"
#include "tools/akhbarctl/ticker_line.h"

namespace {

namespace pb = akhbar::ticker::v1;
using akhbar::text::IsValidUtf8;

void CheckLine(std::string_view line, const google::protobuf::Timestamp& now) {
  const akhbar::ctl::ParsedTickerLine parsed = akhbar::ctl::ParseTickerLine(line, now);
  if (!parsed.status.ok()) {
    FUZZ_CHECK(parsed.status.code() == absl::StatusCode::kInvalidArgument);
    return;
  }
  const pb::TickerItem& item = parsed.request.item();
  FUZZ_CHECK(item.priority() != pb::PRIORITY_UNSPECIFIED);
  // At most one link, of one kind.
  const int links = (item.article_id() != 0 ? 1 : 0) + (item.url().empty() ? 0 : 1) +
                    (parsed.article_external_id.empty() ? 0 : 1);
  FUZZ_CHECK(links <= 1);
  FUZZ_CHECK(item.article_id() >= 0);
  using google::protobuf::util::TimeUtil;
  for (const google::protobuf::Timestamp* time : {&item.starts_at(), &item.expires_at()}) {
    FUZZ_CHECK(time->seconds() >= TimeUtil::kTimestampMinSeconds &&
               time->seconds() <= TimeUtil::kTimestampMaxSeconds);
  }
  // The service refuses a request with a string that is not UTF-8.
  for (const std::string* text : {&item.text(), &item.url(), &item.author(),
                                  &parsed.request.request_id(), &parsed.article_external_id}) {
    FUZZ_CHECK(IsValidUtf8(*text));
  }
  for (const std::string& section : item.sections()) FUZZ_CHECK(IsValidUtf8(section));

  std::string wire;
  FUZZ_CHECK(parsed.request.SerializeToString(&wire));
  pb::PushTickerItemRequest back;
  FUZZ_CHECK(back.ParseFromString(wire) && back.SerializeAsString() == wire);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A fixed "now", so that a crash reproduces.
  google::protobuf::Timestamp now;
  now.set_seconds(1795000000);
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    CheckLine(rest.substr(0, end), now);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  return 0;
}
