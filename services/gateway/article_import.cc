// POST /api/v1/articles:import — the NDJSON import, the same format as
// `akhbarctl import` (one parser for both).
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/gateway/article_api.h"
#include "services/gateway/errors.h"
#include "services/gateway/json.h"
#include "tools/akhbarctl/import_line.h"

namespace akhbar::gateway {
namespace {

// Problems listed in one answer; a file with thousands of bad lines needs
// the first few to see the pattern.
constexpr int kMaxProblemsShown = 20;

}  // namespace

Response ArticleApi::Import(const Call& call) {
  // Every line is checked before any is sent, so that a bad file imports
  // nothing rather than half of itself.
  std::vector<article::v1::ImportArticlesRequest> lines;
  std::string problems;
  int problem_count = 0;
  std::string_view rest = call.body;
  for (int number = 1; !rest.empty(); ++number) {
    const std::size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (ctl::IsBlankLine(line)) continue;
    ctl::ParsedImportLine parsed = ctl::ParseImportLine(line);
    if (!parsed.status.ok()) {
      if (++problem_count <= kMaxProblemsShown) {
        absl::StrAppend(&problems, problems.empty() ? "" : "; ", "line ", number, ": ",
                        parsed.status.message());
      }
      continue;
    }
    lines.push_back(std::move(parsed.request));
  }
  if (problem_count > 0) {
    return ErrorResponse(400, "INVALID_ARGUMENT",
                         absl::StrCat(problem_count,
                                      " line(s) are not valid, nothing was "
                                      "imported: ",
                                      problems));
  }
  if (lines.empty()) {
    return ErrorResponse(400, "INVALID_ARGUMENT",
                         "the body has no articles: send one JSON object per line");
  }
  auto context = backends_.WriteContext(call.authorization);
  article::v1::ImportArticlesResponse reply;
  auto writer = backends_.article().ImportArticles(context.get(), &reply);
  for (const article::v1::ImportArticlesRequest& line : lines) {
    if (!writer->Write(line)) break;  // the service ended the call; Finish says why
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) return ErrorFromStatus(status);
  Response response = JsonResponse(reply);
  response.cache_control = "no-store";
  return response;
}

}  // namespace akhbar::gateway
