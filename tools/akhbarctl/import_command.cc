// `akhbarctl import FILE.jsonl`: streams one ImportArticlesRequest per line
// over the client-streaming ImportArticles call and reports per line.
//
// Lines that cannot be parsed are reported here and never sent, so stream
// positions and file lines drift apart; line_of_index maps the server's
// ImportResult.index (position in the stream) back to the file's line number.

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "akhbar/article/v1/article.grpc.pb.h"
#include "tools/akhbarctl/commands.h"
#include "tools/akhbarctl/import_line.h"
#include "tools/akhbarctl/output.h"
#include "tools/akhbarctl/progress.h"

namespace akhbar::ctl {
namespace {

namespace pb = akhbar::article::v1;

// Large imports take a while; the server handles items as they arrive.
constexpr std::chrono::seconds kImportDeadline = std::chrono::minutes(10);

// gRPC servers refuse messages over 4 MiB by default, and refusing one item
// would end the whole stream; such an item fails here instead.
constexpr std::size_t kMaxItemBytes = 4 * 1024 * 1024 - 1024;

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

struct Failure {
  std::size_t line = 0;  // 0 when the server named an index we never sent
  std::string external_id;
  std::string reason;
};

// What happened to the stream, for the report.
struct StreamResult {
  grpc::Status status;
  pb::ImportArticlesResponse response;
  std::vector<std::size_t> line_of_index;  // stream index → file line number
  std::vector<Failure> local_failures;
  std::size_t lines_read = 0;
  bool read_error = false;
};

// Only a regular file can be read twice; a pipe gets a progress count without
// a total.
std::optional<std::size_t> CountLines(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return std::nullopt;
  std::ifstream file(path, std::ios::binary);
  std::size_t lines = 0;
  char last = '\n';
  char buffer[1 << 16];
  while (file.read(buffer, sizeof buffer) || file.gcount() > 0) {
    std::string_view chunk(buffer, static_cast<std::size_t>(file.gcount()));
    for (char c : chunk) lines += c == '\n';
    last = chunk.back();
  }
  return last == '\n' ? lines : lines + 1;  // a last line without newline counts too
}

std::size_t LineOfIndex(const StreamResult& result, int index) {
  if (index < 0 || static_cast<std::size_t>(index) >= result.line_of_index.size()) return 0;
  return result.line_of_index[static_cast<std::size_t>(index)];
}

StreamResult SendLines(const Invocation& invocation, std::istream& input, ProgressBar& progress) {
  StreamResult result;
  std::unique_ptr<pb::ArticleService::Stub> stub =
      pb::ArticleService::NewStub(OpenChannel(invocation));
  grpc::ClientContext context;
  PrepareContext(invocation, &context);
  std::unique_ptr<grpc::ClientWriter<pb::ImportArticlesRequest>> writer =
      stub->ImportArticles(&context, &result.response);

  std::string line;
  bool stream_open = true;
  while (stream_open && std::getline(input, line)) {
    std::size_t line_number = ++result.lines_read;
    progress.Update(line_number);
    if (line_number == 1 && line.starts_with(kUtf8Bom)) line.erase(0, kUtf8Bom.size());
    if (IsBlankLine(line)) continue;
    ParsedImportLine parsed = ParseImportLine(line);
    if (parsed.status.ok() && parsed.request.ByteSizeLong() > kMaxItemBytes) {
      parsed.status = absl::InvalidArgumentError("the article is larger than the server accepts (" +
                                                 std::to_string(kMaxItemBytes) + " bytes)");
    }
    if (!parsed.status.ok()) {
      result.local_failures.push_back(
          {line_number, parsed.external_id, std::string(parsed.status.message())});
      continue;
    }
    // False means the call has ended (Finish() says why) and the item was not sent.
    stream_open = writer->Write(parsed.request);
    if (stream_open) result.line_of_index.push_back(line_number);
  }
  if (input.bad()) {
    // Stop rather than report a partial file as a complete import.
    result.read_error = true;
    context.TryCancel();
  } else if (stream_open) {
    writer->WritesDone();
    progress.Waiting();
  }
  result.status = writer->Finish();
  progress.Finish();
  return result;
}

std::vector<Failure> AllFailures(const StreamResult& result) {
  std::vector<Failure> failures = result.local_failures;
  for (const pb::ImportResult& item : result.response.results()) {
    if (item.outcome() == pb::ImportResult::OUTCOME_CREATED ||
        item.outcome() == pb::ImportResult::OUTCOME_UPDATED ||
        item.outcome() == pb::ImportResult::OUTCOME_UNCHANGED) {
      continue;
    }
    failures.push_back({LineOfIndex(result, item.index()), item.external_id(), item.error()});
  }
  std::stable_sort(failures.begin(), failures.end(),
                   [](const Failure& a, const Failure& b) { return a.line < b.line; });
  return failures;
}

void PrintHumanReport(const StreamResult& result, const std::vector<Failure>& failures) {
  const pb::ImportArticlesResponse& response = result.response;
  std::cout << "created: " << response.created() << "  updated: " << response.updated()
            << "  unchanged: " << response.unchanged() << "  failed: " << failures.size();
  if (!result.local_failures.empty()) {
    std::cout << " (" << result.local_failures.size() << " not sent)";
  }
  std::cout << "\n";
  for (const Failure& failure : failures) {
    std::cout << "  line " << failure.line;
    if (!failure.external_id.empty()) std::cout << " (externalId " << failure.external_id << ")";
    std::cout << ": " << failure.reason << "\n";
  }
}

// Line numbers are not part of ImportArticlesResponse, so the JSON report is
// written here: counts, failures, and every sent item's outcome by line. Keys
// come in a fixed order (a Struct would shuffle them), so reports diff well.
void PrintJsonReport(const StreamResult& result, const std::vector<Failure>& failures) {
  const pb::ImportArticlesResponse& response = result.response;
  std::ostream& out = std::cout;
  out << "{\"created\":" << response.created() << ",\"updated\":" << response.updated()
      << ",\"unchanged\":" << response.unchanged() << ",\"failed\":" << failures.size()
      << ",\"failures\":[";
  for (std::size_t i = 0; i < failures.size(); ++i) {
    out << (i == 0 ? "" : ",") << "{\"line\":" << failures[i].line
        << ",\"externalId\":" << JsonQuote(failures[i].external_id)
        << ",\"error\":" << JsonQuote(failures[i].reason) << "}";
  }
  out << "],\"results\":[";
  for (int i = 0; i < response.results_size(); ++i) {
    const pb::ImportResult& item = response.results(i);
    out << (i == 0 ? "" : ",") << "{\"line\":" << LineOfIndex(result, item.index())
        << ",\"externalId\":" << JsonQuote(item.external_id())
        << ",\"outcome\":" << JsonQuote(pb::ImportResult::Outcome_Name(item.outcome()))
        << ",\"articleId\":" << item.article_id() << "}";
  }
  out << "]}\n";
}

int RunImport(const Invocation& invocation) {
  const std::string& path = invocation.args.positional[0];
  std::ifstream file;
  std::istream* input = &std::cin;
  std::optional<std::size_t> total;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return UsageError(invocation, "cannot open " + path + ": " + std::strerror(errno));
    input = &file;
    total = CountLines(path);
  }

  ProgressBar progress(total);
  StreamResult result = SendLines(invocation, *input, progress);
  if (result.read_error) {
    std::cerr << "akhbarctl: reading " << path << " failed after line " << result.lines_read
              << "; the import was cancelled (running it again is safe: items are matched by "
                 "externalId)\n";
    return kExitRpcFailed;
  }
  if (!result.status.ok()) {
    int exit_code = RpcFailed(result.status);
    // Refused credentials end the call before any item is read.
    grpc::StatusCode code = result.status.error_code();
    bool refused_up_front =
        code == grpc::StatusCode::UNAUTHENTICATED || code == grpc::StatusCode::PERMISSION_DENIED;
    if (!refused_up_front && !result.line_of_index.empty()) {
      std::cerr << "akhbarctl: " << result.line_of_index.size() << " item(s) (up to line "
                << result.line_of_index.back()
                << ") were sent; some may have been imported. Running the import again is "
                   "safe: items are matched by externalId\n";
    }
    return exit_code;
  }

  std::vector<Failure> failures = AllFailures(result);
  if (invocation.global.json) {
    PrintJsonReport(result, failures);
  } else {
    PrintHumanReport(result, failures);
  }
  return failures.empty() ? kExitOk : kExitItemsFailed;
}

}  // namespace

std::vector<Command> ImportCommands() {
  return {{.name = "import",
           .usage = "FILE.jsonl|-",
           .summary = "bulk-load articles from JSON Lines (idempotent by externalId)",
           .min_args = 1,
           .max_args = 1,
           .endpoint = kArticleEndpoint,
           .deadline = kImportDeadline,
           .run = RunImport}};
}

}  // namespace akhbar::ctl
