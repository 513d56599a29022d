// Unary calls to akhbar.article.v1.ArticleService: one small Run* function per
// command, each building a request, calling, and printing.

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "akhbar/article/v1/article.grpc.pb.h"
#include "tools/akhbarctl/commands.h"
#include "tools/akhbarctl/output.h"

namespace akhbar::ctl {
namespace {

namespace pb = akhbar::article::v1;
using Stub = pb::ArticleService::Stub;

template <typename Request, typename Response>
using UnaryMethod = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

// Makes the call and prints the response: proto3 JSON with --json, otherwise
// through `print_human`. Returns the exit code.
template <typename Request, typename Response, typename PrintHuman>
int CallAndPrint(const Invocation& invocation, UnaryMethod<Request, Response> method,
                 const Request& request, PrintHuman print_human) {
  std::unique_ptr<Stub> stub = pb::ArticleService::NewStub(OpenChannel(invocation));
  grpc::ClientContext context;
  PrepareContext(invocation, &context);
  Response response;
  grpc::Status status = ((*stub).*method)(&context, request, &response);
  if (!status.ok()) return RpcFailed(status);
  if (invocation.global.json) return PrintJson(response, std::cout) ? kExitOk : kExitRpcFailed;
  print_human(response);
  return kExitOk;
}

// Ids are positive; anything else on the command line is a typo.
std::optional<std::int64_t> ParseId(const std::string& text) {
  std::optional<std::int64_t> id = ParseInt64(text);
  if (id && *id > 0) return id;
  return std::nullopt;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Slugs copied from a browser's address bar arrive percent-encoded; slugs
// themselves never contain '%', so decoding is safe.
std::string PercentDecode(const std::string& text) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      decoded.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      decoded.push_back(text[i]);
    }
  }
  return decoded;
}

// "draft", "taken-down", "TAKEN_DOWN" or "ARTICLE_STATUS_DRAFT" → the enum.
std::optional<pb::ArticleStatus> ParseStatus(const std::string& text) {
  std::string name;
  for (char c : text) {
    name.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (!name.starts_with("ARTICLE_STATUS_")) name = "ARTICLE_STATUS_" + name;
  pb::ArticleStatus status;
  if (!pb::ArticleStatus_Parse(name, &status) || status == pb::ARTICLE_STATUS_UNSPECIFIED) {
    return std::nullopt;
  }
  return status;
}

// Reads --NAME, a whole number from 0 to max, into *out (left alone when the
// flag is absent); false after reporting a usage error.
bool FlagInt(const Invocation& invocation, const std::string& name, std::int64_t max,
             std::int64_t* out, int* exit_code) {
  if (!invocation.args.Has(name)) return true;
  std::optional<std::int64_t> value = ParseInt64(invocation.args.Get(name));
  if (!value || *value < 0 || *value > max) {
    *exit_code = UsageError(
        invocation, "--" + name + " must be a whole number from 0 to " + std::to_string(max));
    return false;
  }
  *out = *value;
  return true;
}

// Reads --NAME, an RFC 3339 time, into *out (left empty when the flag is
// absent); false after reporting a usage error.
bool FlagTime(const Invocation& invocation, const std::string& name,
              std::optional<google::protobuf::Timestamp>* out, int* exit_code) {
  if (!invocation.args.Has(name)) return true;
  std::optional<google::protobuf::Timestamp> time = ParseRfc3339(invocation.args.Get(name));
  if (!time) {
    *exit_code = UsageError(invocation, "--" + name +
                                            " must be an RFC 3339 time such as "
                                            "2024-05-01T09:30:00+03:00");
    return false;
  }
  *out = std::move(time);
  return true;
}

void PrintNextPage(const std::string& token) {
  if (!token.empty()) std::cout << "next page: --page-token " << token << "\n";
}

int RunGet(const Invocation& invocation) {
  const std::string& key = invocation.args.positional[0];
  pb::GetArticleRequest request;
  bool all_digits = !key.empty() && std::all_of(key.begin(), key.end(),
                                                [](char c) { return c >= '0' && c <= '9'; });
  // Slugs may start with digits ("2024-…") but are never only digits.
  if (all_digits) {
    std::optional<std::int64_t> id = ParseId(key);
    if (!id) return UsageError(invocation, "\"" + key + "\" is not a valid article id");
    request.set_id(*id);
  } else {
    request.set_slug(PercentDecode(key));
  }
  return CallAndPrint(invocation, &Stub::GetArticle, request,
                      [&](const pb::GetArticleResponse& response) {
                        if (response.slug_is_outdated()) {
                          std::cerr << "akhbarctl: note: that is an old slug; the current one "
                                       "is "
                                    << response.article().slug() << "\n";
                        }
                        PrintArticle(response.article(), /*with_body=*/true, std::cout);
                      });
}

int RunList(const Invocation& invocation) {
  const CommandArgs& args = invocation.args;
  pb::ListArticlesRequest request;
  request.set_section(args.Get("section"));
  request.set_tag(args.Get("tag"));
  request.set_author(args.Get("author"));
  request.set_page_token(args.Get("page-token"));
  // The listing shows no bodies, so they need not cross the wire; scripts
  // asking for JSON get whole articles.
  request.set_omit_body(!invocation.global.json);
  if (args.Has("status")) {
    std::optional<pb::ArticleStatus> status = ParseStatus(args.Get("status"));
    if (!status) {
      return UsageError(invocation,
                        "--status must be one of draft, scheduled, published, unpublished, "
                        "taken-down");
    }
    request.set_status(*status);
  }
  int exit_code = kExitOk;
  std::int64_t page_size = 0;  // 0 lets the server choose
  std::optional<google::protobuf::Timestamp> after, before;
  if (!FlagInt(invocation, "page-size", 1000, &page_size, &exit_code) ||
      !FlagTime(invocation, "published-after", &after, &exit_code) ||
      !FlagTime(invocation, "published-before", &before, &exit_code)) {
    return exit_code;
  }
  request.set_page_size(static_cast<std::int32_t>(page_size));
  if (after) *request.mutable_published_after() = *after;
  if (before) *request.mutable_published_before() = *before;
  return CallAndPrint(
      invocation, &Stub::ListArticles, request, [](const pb::ListArticlesResponse& response) {
        for (const pb::Article& article : response.articles()) {
          PrintArticleLine(article, std::cout);
        }
        std::cout << response.articles_size() << " of " << response.total_size() << " articles\n";
        PrintNextPage(response.next_page_token());
      });
}

int RunSections(const Invocation& invocation) {
  return CallAndPrint(invocation, &Stub::ListSections, pb::ListSectionsRequest(),
                      [](const pb::ListSectionsResponse& response) {
                        for (const pb::Section& section : response.sections()) {
                          PrintSection(section, std::cout);
                        }
                      });
}

int RunSectionCreate(const Invocation& invocation) {
  const std::vector<std::string>& positional = invocation.args.positional;
  pb::CreateSectionRequest request;
  request.mutable_section()->set_slug(positional[0]);
  request.mutable_section()->set_name(positional[1]);
  if (positional.size() > 2) {
    std::optional<std::int64_t> position = ParseInt64(positional[2]);
    if (!position || *position < 0 || *position > 1'000'000) {
      return UsageError(invocation, "POSITION must be a whole number from 0 to 1000000");
    }
    request.mutable_section()->set_position(static_cast<std::int32_t>(*position));
  }
  return CallAndPrint(invocation, &Stub::CreateSection, request,
                      [](const pb::CreateSectionResponse& response) {
                        PrintSection(response.section(), std::cout);
                      });
}

int RunTags(const Invocation& invocation) {
  pb::ListTagsRequest request;
  if (!invocation.args.positional.empty()) request.set_prefix(invocation.args.positional[0]);
  request.set_page_token(invocation.args.Get("page-token"));
  int exit_code = kExitOk;
  std::int64_t page_size = 0;
  if (!FlagInt(invocation, "page-size", 1000, &page_size, &exit_code)) return exit_code;
  request.set_page_size(static_cast<std::int32_t>(page_size));
  return CallAndPrint(invocation, &Stub::ListTags, request,
                      [](const pb::ListTagsResponse& response) {
                        for (const pb::Tag& tag : response.tags()) PrintTagLine(tag, std::cout);
                        PrintNextPage(response.next_page_token());
                      });
}

int RunTag(const Invocation& invocation) {
  pb::GetTagRequest request;
  request.set_slug(PercentDecode(invocation.args.positional[0]));
  return CallAndPrint(invocation, &Stub::GetTag, request, [](const pb::GetTagResponse& response) {
    PrintTag(response.tag(), std::cout);
  });
}

int RunMergeTags(const Invocation& invocation) {
  pb::MergeTagsRequest request;
  request.set_source(PercentDecode(invocation.args.positional[0]));
  request.set_target(PercentDecode(invocation.args.positional[1]));
  return CallAndPrint(invocation, &Stub::MergeTags, request,
                      [](const pb::MergeTagsResponse& response) {
                        std::cout << "moved " << response.articles_moved() << " articles onto:\n";
                        PrintTag(response.tag(), std::cout);
                      });
}

// publish, unpublish and takedown all answer with the article; its header is
// enough to confirm the new state.
void PrintChangedArticle(const pb::Article& article) {
  PrintArticle(article, /*with_body=*/false, std::cout);
}

int RunPublish(const Invocation& invocation) {
  std::optional<std::int64_t> id = ParseId(invocation.args.positional[0]);
  if (!id) return UsageError(invocation, "ID must be a positive whole number");
  pb::PublishArticleRequest request;
  request.set_id(*id);
  int exit_code = kExitOk;
  std::int64_t expected_version = 0;  // 0 skips the check
  std::optional<google::protobuf::Timestamp> at;
  if (!FlagTime(invocation, "at", &at, &exit_code) ||
      !FlagInt(invocation, "expected-version", INT64_MAX, &expected_version, &exit_code)) {
    return exit_code;
  }
  if (at) *request.mutable_publish_at() = *at;
  request.set_expected_version(expected_version);
  return CallAndPrint(
      invocation, &Stub::PublishArticle, request,
      [](const pb::PublishArticleResponse& response) { PrintChangedArticle(response.article()); });
}

int RunUnpublish(const Invocation& invocation) {
  std::optional<std::int64_t> id = ParseId(invocation.args.positional[0]);
  if (!id) return UsageError(invocation, "ID must be a positive whole number");
  pb::UnpublishArticleRequest request;
  request.set_id(*id);
  int exit_code = kExitOk;
  std::int64_t expected_version = 0;  // 0 skips the check
  if (!FlagInt(invocation, "expected-version", INT64_MAX, &expected_version, &exit_code)) {
    return exit_code;
  }
  request.set_expected_version(expected_version);
  return CallAndPrint(invocation, &Stub::UnpublishArticle, request,
                      [](const pb::UnpublishArticleResponse& response) {
                        PrintChangedArticle(response.article());
                      });
}

int RunTakedown(const Invocation& invocation) {
  std::optional<std::int64_t> id = ParseId(invocation.args.positional[0]);
  if (!id) return UsageError(invocation, "ID must be a positive whole number");
  pb::TakedownArticleRequest request;
  request.set_id(*id);
  request.set_reason(invocation.args.Get("reason"));
  return CallAndPrint(
      invocation, &Stub::TakedownArticle, request,
      [](const pb::TakedownArticleResponse& response) { PrintChangedArticle(response.article()); });
}

}  // namespace

std::vector<Command> ArticleCommands() {
  const Endpoint endpoint = kArticleEndpoint;
  return {
      {.name = "get",
       .usage = "ID|SLUG",
       .summary = "show one article (a number is an id, anything else a slug)",
       .min_args = 1,
       .max_args = 1,
       .endpoint = endpoint,
       .run = RunGet},
      {.name = "list",
       .usage = "[--section S] [--tag T] [--author A] [--status S] [--published-after T] "
                "[--published-before T] [--page-size N] [--page-token P]",
       .summary = "list articles, newest first",
       .flags = {"section", "tag", "author", "status", "published-after", "published-before",
                 "page-size", "page-token"},
       .endpoint = endpoint,
       .run = RunList},
      {.name = "sections",
       .summary = "list the sections",
       .endpoint = endpoint,
       .run = RunSections},
      {.name = "section create",
       .usage = "SLUG NAME [POSITION]",
       .summary = "create a section (admin)",
       .min_args = 2,
       .max_args = 3,
       .endpoint = endpoint,
       .run = RunSectionCreate},
      {.name = "tags",
       .usage = "[PREFIX] [--page-size N] [--page-token P]",
       .summary = "list tags whose name or alias starts with PREFIX",
       .flags = {"page-size", "page-token"},
       .max_args = 1,
       .endpoint = endpoint,
       .run = RunTags},
      {.name = "tag",
       .usage = "SLUG|NAME",
       .summary = "show one tag with its aliases",
       .min_args = 1,
       .max_args = 1,
       .endpoint = endpoint,
       .run = RunTag},
      {.name = "merge-tags",
       .usage = "SOURCE TARGET",
       .summary = "move every article and alias of SOURCE onto TARGET (admin)",
       .min_args = 2,
       .max_args = 2,
       .endpoint = endpoint,
       .run = RunMergeTags},
      {.name = "publish",
       .usage = "ID [--at RFC3339] [--expected-version N]",
       .summary = "publish now, or schedule when --at lies in the future",
       .flags = {"at", "expected-version"},
       .min_args = 1,
       .max_args = 1,
       .endpoint = endpoint,
       .run = RunPublish},
      {.name = "unpublish",
       .usage = "ID [--expected-version N]",
       .summary = "take an article back to unpublished",
       .flags = {"expected-version"},
       .min_args = 1,
       .max_args = 1,
       .endpoint = endpoint,
       .run = RunUnpublish},
      {.name = "takedown",
       .usage = "ID [--reason R]",
       .summary = "legal or editorial removal: the article stops resolving",
       .flags = {"reason"},
       .min_args = 1,
       .max_args = 1,
       .endpoint = endpoint,
       .run = RunTakedown},
  };
}

}  // namespace akhbar::ctl
