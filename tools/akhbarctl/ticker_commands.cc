// Unary calls to akhbar.ticker.v1.TickerService: `ticker list`, `ticker push`
// (one item from flags, or a JSON Lines file with --from) and `ticker retract`.

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "akhbar/article/v1/article.grpc.pb.h"
#include "akhbar/ticker/v1/ticker.grpc.pb.h"
#include "google/protobuf/util/time_util.h"
#include "tools/akhbarctl/commands.h"
#include "tools/akhbarctl/output.h"
#include "tools/akhbarctl/ticker_line.h"

namespace akhbar::ctl {
namespace {

namespace pb = akhbar::ticker::v1;
namespace article_pb = akhbar::article::v1;
using Stub = pb::TickerService::Stub;
using google::protobuf::util::TimeUtil;

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Flags that describe one item; --from takes its items from a file instead.
const std::vector<std::string> kItemFlags = {"priority",   "sections",  "article",
                                             "url",        "starts-at", "expires-at",
                                             "expires-in", "author",    "request-id"};

std::string PriorityLabel(pb::Priority priority) {
  constexpr std::string_view kPrefix = "PRIORITY_";
  std::string name = pb::Priority_Name(priority);
  if (name.size() <= kPrefix.size()) return std::to_string(static_cast<int>(priority));
  return name.substr(kPrefix.size());
}

std::string LinkLabel(const pb::TickerItem& item) {
  switch (item.link_case()) {
    case pb::TickerItem::kArticleId:
      return "article " + std::to_string(item.article_id());
    case pb::TickerItem::kUrl:
      return item.url();
    case pb::TickerItem::LINK_NOT_SET:
      break;
  }
  return "-";
}

std::string SectionsLabel(const pb::TickerItem& item) {
  if (item.sections().empty()) return "(whole site)";
  std::string joined;
  for (const std::string& section : item.sections()) {
    if (!joined.empty()) joined += ", ";
    joined += section;
  }
  return joined;
}

void Field(std::ostream& out, std::string_view label, const std::string& value) {
  constexpr std::size_t kLabelWidth = 14;
  out << label << ':' << std::string(kLabelWidth - label.size() - 1, ' ') << value << "\n";
}

void PrintItem(const pb::TickerItem& item, std::ostream& out) {
  Field(out, "id", item.id());
  Field(out, "priority", PriorityLabel(item.priority()));
  Field(out, "text", item.text());
  Field(out, "link", LinkLabel(item));
  Field(out, "sections", SectionsLabel(item));
  Field(out, "starts_at", FormatTime(item.has_starts_at(), item.starts_at()));
  Field(out, "expires_at", FormatTime(item.has_expires_at(), item.expires_at()));
  Field(out, "version", std::to_string(item.version()));
  Field(out, "author", item.author().empty() ? "-" : item.author());
}

// `id  PRIORITY  until expires_at  [sections]  text  (→ link)`, for listings.
void PrintItemLine(const pb::TickerItem& item, std::ostream& out) {
  out << item.id() << "  " << PriorityLabel(item.priority()) << "  until "
      << FormatTime(item.has_expires_at(), item.expires_at()) << "  [" << SectionsLabel(item)
      << "]  " << item.text();
  if (item.link_case() != pb::TickerItem::LINK_NOT_SET) out << "  (→ " << LinkLabel(item) << ")";
  out << "\n";
}

std::unique_ptr<Stub> TickerStub(const Invocation& invocation) {
  return pb::TickerService::NewStub(OpenChannel(invocation));
}

grpc::Status Push(Stub& stub, const Invocation& invocation,
                  const pb::PushTickerItemRequest& request, pb::PushTickerItemResponse* response) {
  grpc::ClientContext context;
  PrepareContext(invocation, &context);
  return stub.PushTickerItem(&context, request, response);
}

int RunList(const Invocation& invocation) {
  pb::ListTickerItemsRequest request;
  request.set_section(invocation.args.Get("section"));
  grpc::ClientContext context;
  PrepareContext(invocation, &context);
  pb::ListTickerItemsResponse response;
  grpc::Status status = TickerStub(invocation)->ListTickerItems(&context, request, &response);
  if (!status.ok()) return RpcFailed(status);
  if (invocation.global.json) return PrintJson(response, std::cout) ? kExitOk : kExitRpcFailed;
  for (const pb::TickerItem& item : response.items()) PrintItemLine(item, std::cout);
  std::cout << response.items_size() << (response.items_size() == 1 ? " item" : " items")
            << " (sequence " << response.sequence() << ")\n";
  return kExitOk;
}

// Reads --NAME, an RFC 3339 time, into *out when present; false after a usage error.
bool FlagTime(const Invocation& invocation, const std::string& name,
              google::protobuf::Timestamp* out, int* exit_code) {
  if (!invocation.args.Has(name)) return true;
  std::optional<google::protobuf::Timestamp> time = ParseRfc3339(invocation.args.Get(name));
  if (!time) {
    *exit_code = UsageError(
        invocation, "--" + name + " must be an RFC 3339 time such as 2026-11-28T09:30:00+03:00");
    return false;
  }
  *out = *time;
  return true;
}

int RunPushOne(const Invocation& invocation) {
  const CommandArgs& args = invocation.args;
  if (args.positional.size() != 1) {
    return UsageError(invocation, "give the headline TEXT (or --from FILE.jsonl)");
  }
  pb::PushTickerItemRequest request;
  pb::TickerItem& item = *request.mutable_item();
  item.set_text(args.positional[0]);
  if (!args.Has("priority")) {
    return UsageError(invocation, "--priority is required: urgent, important or normal");
  }
  std::optional<pb::Priority> priority = ParsePriority(args.Get("priority"));
  if (!priority) return UsageError(invocation, "--priority must be urgent, important or normal");
  item.set_priority(*priority);
  std::string sections = args.Get("sections");
  for (std::size_t start = 0; start < sections.size();) {
    std::size_t end = sections.find(',', start);
    if (end == std::string::npos) end = sections.size();
    if (end > start) item.add_sections(sections.substr(start, end - start));
    start = end + 1;
  }
  if (args.Has("article") && args.Has("url")) {
    return UsageError(invocation, "give --article or --url, not both");
  }
  if (args.Has("article")) {
    std::optional<std::int64_t> id = ParseInt64(args.Get("article"));
    if (!id || *id <= 0) return UsageError(invocation, "--article must be a positive article id");
    item.set_article_id(*id);
  }
  if (args.Has("url")) item.set_url(args.Get("url"));
  int exit_code = kExitOk;
  if (!FlagTime(invocation, "starts-at", item.mutable_starts_at(), &exit_code) ||
      !FlagTime(invocation, "expires-at", item.mutable_expires_at(), &exit_code)) {
    return exit_code;
  }
  if (!args.Has("starts-at")) item.clear_starts_at();
  if (!args.Has("expires-at")) item.clear_expires_at();
  if (args.Has("expires-in")) {
    if (args.Has("expires-at")) return UsageError(invocation, "give --expires-at or --expires-in");
    std::optional<std::int64_t> minutes = ParseInt64(args.Get("expires-in"));
    if (!minutes || *minutes < 1 || *minutes > 7 * 24 * 60) {
      return UsageError(invocation, "--expires-in must be minutes, from 1 to 10080 (7 days)");
    }
    google::protobuf::Timestamp from =
        args.Has("starts-at") ? item.starts_at() : TimeUtil::GetCurrentTime();
    *item.mutable_expires_at() = TimeUtil::SecondsToTimestamp(from.seconds() + *minutes * 60);
  }
  item.set_author(args.Get("author"));
  request.set_request_id(args.Get("request-id"));

  pb::PushTickerItemResponse response;
  grpc::Status status = Push(*TickerStub(invocation), invocation, request, &response);
  if (!status.ok()) return RpcFailed(status);
  if (invocation.global.json) return PrintJson(response, std::cout) ? kExitOk : kExitRpcFailed;
  PrintItem(response.item(), std::cout);
  return kExitOk;
}

// externalId → article id, from every page of ListArticles. An error message
// instead when the article service cannot be asked.
std::pair<std::map<std::string, std::int64_t>, std::string> ArticleIdsByExternalId(
    const Invocation& invocation) {
  std::string addr = invocation.args.Get("article-addr");
  if (addr.empty()) {
    const char* env = std::getenv(kArticleEndpoint.env);
    addr = (env != nullptr && *env != '\0') ? env : kArticleEndpoint.fallback;
  }
  auto stub = article_pb::ArticleService::NewStub(
      grpc::CreateChannel(addr, grpc::InsecureChannelCredentials()));
  std::map<std::string, std::int64_t> ids;
  article_pb::ListArticlesRequest request;
  request.set_page_size(100);
  request.set_omit_body(true);
  do {
    grpc::ClientContext context;
    PrepareContext(invocation, &context);
    article_pb::ListArticlesResponse response;
    grpc::Status status = stub->ListArticles(&context, request, &response);
    if (!status.ok()) {
      return {{},
              "the article service at " + addr + " answered " +
                  std::string(StatusCodeName(status.error_code())) + ": " + status.error_message()};
    }
    for (const article_pb::Article& article : response.articles()) {
      if (!article.external_id().empty()) ids[article.external_id()] = article.id();
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return {ids, ""};
}

struct FileLine {
  std::size_t number = 0;
  ParsedTickerLine parsed;
};

int RunPushFile(const Invocation& invocation) {
  for (const std::string& flag : kItemFlags) {
    if (invocation.args.Has(flag)) {
      return UsageError(invocation,
                        "--" + flag + " describes one item; --from reads them from the file");
    }
  }
  if (!invocation.args.positional.empty()) {
    return UsageError(invocation, "give the headline TEXT or --from FILE.jsonl, not both");
  }
  const std::string path = invocation.args.Get("from");
  std::ifstream file(path, std::ios::binary);
  if (!file) return UsageError(invocation, "cannot open " + path + ": " + std::strerror(errno));

  const google::protobuf::Timestamp now = TimeUtil::GetCurrentTime();
  std::vector<FileLine> lines;
  std::vector<std::pair<std::size_t, std::string>> failures;  // line, reason
  std::string text;
  bool wants_articles = false;
  for (std::size_t number = 1; std::getline(file, text); ++number) {
    if (number == 1 && text.starts_with(kUtf8Bom)) text.erase(0, kUtf8Bom.size());
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    ParsedTickerLine parsed = ParseTickerLine(text, now);
    if (!parsed.status.ok()) {
      failures.emplace_back(number, std::string(parsed.status.message()));
      continue;
    }
    wants_articles |= !parsed.article_external_id.empty();
    lines.push_back({number, std::move(parsed)});
  }
  if (file.bad()) {
    std::cerr << "akhbarctl: reading " << path << " failed; nothing was pushed\n";
    return kExitRpcFailed;
  }

  std::map<std::string, std::int64_t> article_ids;
  bool resolved = false;
  if (wants_articles) {
    std::string error;
    std::tie(article_ids, error) = ArticleIdsByExternalId(invocation);
    resolved = error.empty();
    if (!resolved) {
      std::cerr << "akhbarctl: cannot resolve articleExternalId (" << error
                << "); those items are pushed without their link\n";
    }
  }

  std::unique_ptr<Stub> stub = TickerStub(invocation);
  int pushed = 0, existing = 0;
  for (FileLine& line : lines) {
    pb::PushTickerItemRequest& request = line.parsed.request;
    const std::string& external_id = line.parsed.article_external_id;
    if (!external_id.empty()) {
      auto it = article_ids.find(external_id);
      if (it != article_ids.end()) {
        request.mutable_item()->set_article_id(it->second);
      } else if (resolved) {
        std::cerr << "akhbarctl: line " << line.number << ": no published article has externalId "
                  << external_id << "; pushed without a link\n";
      }
    }
    pb::PushTickerItemResponse response;
    grpc::Status status = Push(*stub, invocation, request, &response);
    if (status.ok()) {
      ++pushed;
    } else if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      ++existing;  // the same headline is on the ticker already: a re-run
    } else if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
               status.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
               status.error_code() == grpc::StatusCode::UNAVAILABLE) {
      // Every other line would fail the same way.
      std::cerr << "akhbarctl: line " << line.number << ": stopping\n";
      return RpcFailed(status);
    } else {
      failures.emplace_back(line.number, std::string(StatusCodeName(status.error_code())) + ": " +
                                             status.error_message());
    }
  }

  std::sort(failures.begin(), failures.end());
  if (invocation.global.json) {
    std::cout << "{\"pushed\":" << pushed << ",\"alreadyOnTheTicker\":" << existing
              << ",\"failed\":" << failures.size() << ",\"failures\":[";
    for (std::size_t i = 0; i < failures.size(); ++i) {
      std::cout << (i == 0 ? "" : ",") << "{\"line\":" << failures[i].first
                << ",\"error\":" << JsonQuote(failures[i].second) << "}";
    }
    std::cout << "]}\n";
  } else {
    std::cout << "pushed: " << pushed << "  already on the ticker: " << existing
              << "  failed: " << failures.size() << "\n";
    for (const auto& [number, reason] : failures) {
      std::cout << "  line " << number << ": " << reason << "\n";
    }
  }
  return failures.empty() ? kExitOk : kExitItemsFailed;
}

int RunPush(const Invocation& invocation) {
  return invocation.args.Has("from") ? RunPushFile(invocation) : RunPushOne(invocation);
}

int RunRetract(const Invocation& invocation) {
  pb::RetractTickerItemRequest request;
  request.set_id(invocation.args.positional[0]);
  if (invocation.args.Has("expected-version")) {
    std::optional<std::int64_t> version = ParseInt64(invocation.args.Get("expected-version"));
    if (!version || *version < 0) {
      return UsageError(invocation,
                        "--expected-version must be a whole number (0 skips the check)");
    }
    request.set_expected_version(*version);
  }
  grpc::ClientContext context;
  PrepareContext(invocation, &context);
  pb::RetractTickerItemResponse response;
  grpc::Status status = TickerStub(invocation)->RetractTickerItem(&context, request, &response);
  if (!status.ok()) return RpcFailed(status);
  if (invocation.global.json) return PrintJson(response, std::cout) ? kExitOk : kExitRpcFailed;
  std::cout << "retracted " << request.id() << "\n";
  return kExitOk;
}

const char* KindName(pb::TickerEvent::Kind kind) {
  switch (kind) {
    case pb::TickerEvent::KIND_ADDED:
      return "ADDED";
    case pb::TickerEvent::KIND_UPDATED:
      return "UPDATED";
    case pb::TickerEvent::KIND_REMOVED:
      return "REMOVED";
    case pb::TickerEvent::KIND_EXPIRED:
      return "EXPIRED";
    default:
      return "?";
  }
}

// Follows the stream until interrupted, reconnecting from the last sequence
// seen when the server ends it (a restart, or this client fell behind), as
// every Watch client should.
int RunWatch(const Invocation& invocation) {
  std::unique_ptr<Stub> stub = TickerStub(invocation);
  uint64_t last_sequence = 0;
  while (true) {
    pb::WatchRequest request;
    request.set_section(invocation.args.Get("section"));
    request.set_after_sequence(last_sequence);
    grpc::ClientContext context;  // no deadline: a watch lasts
    std::unique_ptr<grpc::ClientReader<pb::WatchResponse>> reader = stub->Watch(&context, request);
    pb::WatchResponse message;
    while (reader->Read(&message)) {
      last_sequence = std::max<uint64_t>(last_sequence, message.sequence());
      if (invocation.global.json) {
        PrintJson(message, std::cout);
      } else if (message.has_snapshot()) {
        std::cout << "snapshot at sequence " << message.sequence() << ":\n";
        for (const pb::TickerItem& item : message.snapshot().items()) {
          PrintItemLine(item, std::cout);
        }
      } else if (message.has_event()) {
        std::cout << message.sequence() << " " << KindName(message.event().kind()) << " ";
        PrintItemLine(message.event().item(), std::cout);
      }
      std::cout.flush();
    }
    grpc::Status status = reader->Finish();
    bool resumable = status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
                     status.error_code() == grpc::StatusCode::UNAVAILABLE;
    if (!resumable) return RpcFailed(status);
    std::cerr << "akhbarctl: stream ended (" << status.error_message()
              << "); resuming after sequence " << last_sequence << "\n";
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

}  // namespace

std::vector<Command> TickerCommands() {
  const Endpoint endpoint = kTickerEndpoint;
  std::vector<std::string> push_flags = kItemFlags;
  push_flags.push_back("from");
  push_flags.push_back("article-addr");
  return {
      {.name = "ticker list",
       .usage = "[--section S]",
       .summary = "the ticker items showing now (site-wide only without --section)",
       .flags = {"section"},
       .endpoint = endpoint,
       .run = RunList},
      {.name = "ticker push",
       .usage = "TEXT --priority urgent|important|normal [--sections S1,S2] "
                "[--article ID | --url URL] [--starts-at T] [--expires-at T | --expires-in MIN] "
                "[--author A] [--request-id R]  |  --from FILE.jsonl [--article-addr HOST:PORT]",
       .summary = "push a headline (editor); --from pushes every line of a JSON Lines file",
       .flags = push_flags,
       .max_args = 1,
       .endpoint = endpoint,
       .run = RunPush},
      {.name = "ticker retract",
       .usage = "ID [--expected-version N]",
       .summary = "take an item off the ticker (editor)",
       .flags = {"expected-version"},
       .min_args = 1,
       .max_args = 1,
       .endpoint = endpoint,
       .run = RunRetract},
      {.name = "ticker watch",
       .usage = "[--section S]",
       .summary = "follow the ticker live (snapshot, then events); resumes by itself",
       .flags = {"section"},
       .endpoint = endpoint,
       .run = RunWatch},
  };
}

}  // namespace akhbar::ctl
