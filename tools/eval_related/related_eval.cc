// Quality of «موضوعات متعلقة» measured through the running services, on a
// labelled corpus (the JSON Lines read by related_offline_eval). Driven by
// eval.sh, which starts a private stack; two steps:
//
//   related_eval convert CORPUS SECTION OUT.jsonl [--total N]
//       Writes the corpus in the import format of `akhbarctl import`: every
//       article in SECTION, no tags, PUBLISHED, publishedAt in UTC,
//       externalId = the corpus id, one paragraph per body line. --total N
//       adds copies of part of the corpus under new external ids
//       ("<id>~copy2") until there are N articles (for speed measurements).
//       Prints the number of lines written.
//
//   related_eval run CORPUS --addr HOST:PORT --dsn DSN [--limit 10]
//       [--every N] [--offset K] [--threshold T] [--no-engine-check]
//       Maps external ids to article ids (SELECT id, external_id FROM
//       articles), calls GetRelated(limit) for every corpus article (or every
//       N-th from K) and prints precision at 5 and 10 per category and overall
//       (relevant = same category; the query itself never counts; fallback
//       items count as results), next to a plain tf-idf cosine kNN over the
//       same texts computed in this run. Then checks that the service's scored
//       items are exactly what the engine gives in process on the same
//       articles (threshold T, default 0.10 as the service), which catches an
//       index the events left different from a fresh build.
//
//   related_eval free-ports N
//       Prints N distinct free TCP ports on 127.0.0.1, one per line (for the
//       private stack).
//
// Exit code: 0 when every call succeeded and every article was found, 1
// otherwise (the table is printed either way), 2 on bad arguments.
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <unordered_map>
#include <vector>

#include "akhbar/related/v1/related.grpc.pb.h"
#include "services/related/index.h"
#include "tools/eval_related/baseline.h"
#include "tools/eval_related/corpus.h"
#include "tools/eval_related/precision.h"

namespace {

namespace eval = akhbar::eval;
namespace related = akhbar::related;
namespace pb = akhbar::related::v1;
using Clock = std::chrono::steady_clock;

[[noreturn]] void Usage(const std::string& problem) {
  std::cerr << "related_eval: " << problem << "\n"
            << "usage: related_eval convert CORPUS SECTION OUT.jsonl [--total N]\n"
            << "       related_eval run CORPUS --addr HOST:PORT --dsn DSN [--limit 10]\n"
            << "                        [--every N] [--offset K] [--threshold T]\n"
            << "                        [--no-engine-check]\n"
            << "       related_eval free-ports N\n";
  std::exit(2);
}

std::size_t ParseCount(const std::string& flag, const std::string& value) {
  char* end = nullptr;
  unsigned long long n = std::strtoull(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0') Usage(flag + " needs a whole number, not \"" + value + "\"");
  return static_cast<std::size_t>(n);
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  std::size_t i = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
  return values[std::min(i == 0 ? 0 : i - 1, values.size() - 1)];
}

int Convert(const std::vector<std::string>& args) {
  std::vector<std::string> positional;
  std::size_t total = 0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--total" && i + 1 < args.size()) {
      total = ParseCount(args[i], args[i + 1]);
      ++i;
    } else if (args[i].starts_with("--")) {
      Usage("unknown flag " + args[i]);
    } else {
      positional.push_back(args[i]);
    }
  }
  if (positional.size() != 3) Usage("convert needs CORPUS SECTION OUT.jsonl");
  const std::vector<eval::CorpusRecord> records = eval::ReadCorpus(positional[0]);
  const std::string& section = positional[1];
  std::ofstream out(positional[2], std::ios::binary | std::ios::trunc);
  if (!out) Usage("cannot write " + positional[2]);
  std::size_t lines = 0;
  for (const eval::CorpusRecord& record : records) {
    out << eval::ImportLine(record, record.id, section) << '\n';
    ++lines;
  }
  for (const eval::Copy& copy : eval::CopiesFor(records.size(), total)) {
    const eval::CorpusRecord& record = records[copy.record];
    out << eval::ImportLine(record, eval::CopyExternalId(record.id, copy.copy), section) << '\n';
    ++lines;
  }
  out.close();
  if (!out) {
    std::cerr << "related_eval: writing " << positional[2] << " failed\n";
    return 1;
  }
  std::cout << lines << "\n";
  return 0;
}

struct RunFlags {
  std::string corpus, addr, dsn;
  int limit = 10;
  std::size_t every = 1, offset = 0;
  double threshold = 0.10;  // AKHBAR_RELATED_THRESHOLD's default
  bool engine_check = true;
};

RunFlags ParseRunFlags(const std::vector<std::string>& args) {
  RunFlags flags;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) Usage(a + " needs a value");
      return args[++i];
    };
    if (a == "--addr") {
      flags.addr = value();
    } else if (a == "--dsn") {
      flags.dsn = value();
    } else if (a == "--limit") {
      flags.limit = static_cast<int>(ParseCount(a, value()));
    } else if (a == "--every") {
      flags.every = ParseCount(a, value());
    } else if (a == "--offset") {
      flags.offset = ParseCount(a, value());
    } else if (a == "--threshold") {
      flags.threshold = std::atof(value().c_str());
    } else if (a == "--no-engine-check") {
      flags.engine_check = false;
    } else if (a.starts_with("--") || !flags.corpus.empty()) {
      Usage("unexpected argument " + a);
    } else {
      flags.corpus = a;
    }
  }
  if (flags.corpus.empty() || flags.addr.empty() || flags.dsn.empty()) {
    Usage("run needs CORPUS, --addr and --dsn");
  }
  if (flags.every == 0 || flags.limit < 10 || flags.limit > 20) {
    Usage("--every must be at least 1 and --limit between 10 and 20");
  }
  return flags;
}

// external id → article id, from the article service's own table.
std::unordered_map<std::string, int64_t> ArticleIds(const std::string& dsn) {
  std::unordered_map<std::string, int64_t> ids;
  try {
    pqxx::connection connection(dsn);
    pqxx::read_transaction tx(connection);
    for (const pqxx::row& row :
         tx.exec("SELECT id, external_id FROM articles WHERE external_id IS NOT NULL")) {
      ids[row[1].as<std::string>()] = row[0].as<int64_t>();
    }
  } catch (const std::exception& e) {
    std::cerr << "related_eval: reading the article ids from PostgreSQL failed: " << e.what()
              << "\n";
    std::exit(1);
  }
  return ids;
}

// What the service answered for one query, reduced to what is measured.
struct Answer {
  std::vector<int64_t> ids;    // in order, fallback items included
  std::vector<bool> fallback;  // parallel to ids
  std::vector<double> scores;  // parallel to ids
};

int Run(const std::vector<std::string>& args) {
  const RunFlags flags = ParseRunFlags(args);
  const std::vector<eval::CorpusRecord> records = eval::ReadCorpus(flags.corpus);
  std::unordered_map<std::string, std::size_t> record_of;
  for (std::size_t i = 0; i < records.size(); ++i) record_of[records[i].id] = i;

  const std::unordered_map<std::string, int64_t> ids = ArticleIds(flags.dsn);
  // article id → corpus record (a copy "<id>~copyN" maps to its original).
  std::unordered_map<int64_t, std::size_t> record_by_article;
  for (const auto& [external_id, article_id] : ids) {
    std::string original = external_id.substr(0, external_id.find("~copy"));
    if (auto it = record_of.find(original); it != record_of.end()) {
      record_by_article[article_id] = it->second;
    }
  }

  grpc::ChannelArguments channel_args;
  channel_args.SetMaxReceiveMessageSize(-1);
  auto stub = pb::RelatedService::NewStub(
      grpc::CreateCustomChannel(flags.addr, grpc::InsecureChannelCredentials(), channel_args));

  std::size_t missing = 0, self_returned = 0, unknown_results = 0, fallback_items = 0,
              fallback_relevant = 0, fallback_top5 = 0, scored_items = 0, scored_relevant = 0,
              short_lists = 0;
  std::map<std::string, std::size_t> errors;  // gRPC status code name → count
  std::map<std::size_t, Answer> answers;      // corpus index → answer
  std::vector<double> call_ms;
  eval::PrecisionTable table;

  const related::Analyzer analyzer;
  const eval::TfIdfBaseline baseline(analyzer, records);
  for (std::size_t q = flags.offset; q < records.size(); q += flags.every) {
    const eval::CorpusRecord& query = records[q];
    auto found = ids.find(query.id);
    if (found == ids.end()) {
      ++missing;
      continue;
    }
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    pb::GetRelatedRequest request;
    request.set_article_id(found->second);
    request.set_limit(flags.limit);
    pb::GetRelatedResponse response;
    auto started = Clock::now();
    grpc::Status status = stub->GetRelated(&context, request, &response);
    call_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
    if (!status.ok()) {
      ++errors[std::to_string(static_cast<int>(status.error_code())) + " " +
               status.error_message()];
      continue;
    }

    Answer& answer = answers[q];
    std::vector<bool> engine;
    for (const pb::RelatedArticle& item : response.articles()) {
      if (item.article_id() == found->second) {
        ++self_returned;  // never counts
        continue;
      }
      auto record = record_by_article.find(item.article_id());
      bool relevant =
          record != record_by_article.end() && records[record->second].category == query.category;
      if (record == record_by_article.end()) ++unknown_results;
      answer.ids.push_back(item.article_id());
      answer.fallback.push_back(item.reasons().fallback());
      answer.scores.push_back(item.score());
      if (engine.size() < 10) {
        engine.push_back(relevant);
        if (item.reasons().fallback()) {
          ++fallback_items;
          fallback_top5 += engine.size() <= 5;
          fallback_relevant += relevant;
        } else {
          ++scored_items;
          scored_relevant += relevant;
        }
      }
    }
    if (engine.size() < 10) ++short_lists;
    std::vector<bool> base;
    for (std::size_t near : baseline.Nearest(q, 10)) {
      base.push_back(records[near].category == query.category);
    }
    table.Add(query.category, engine, base);
  }

  std::size_t error_count = 0;
  for (const auto& [what, n] : errors) error_count += n;
  std::printf("corpus: %zu articles, %zu in the service; queries: every %zu from %zu: %zu\n",
              records.size(), ids.size(), flags.every, flags.offset, table.queries());
  std::printf("GetRelated(limit %d) through %s; relevant = same category\n\n", flags.limit,
              flags.addr.c_str());
  table.Print(stdout);
  const double results = static_cast<double>(fallback_items + scored_items);
  auto share = [](std::size_t part, std::size_t whole) {
    return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
  };
  const double n_queries = std::max<double>(1, static_cast<double>(table.queries()));
  std::printf(
      "\nper query, of the top 10: %.2f scored items (%.3f same category) and %.2f fallback "
      "items (%.3f same category); of the top 5: %.2f fallback items\n",
      static_cast<double>(scored_items) / n_queries, share(scored_relevant, scored_items),
      static_cast<double>(fallback_items) / n_queries, share(fallback_relevant, fallback_items),
      static_cast<double>(fallback_top5) / n_queries);
  std::printf("lists shorter than 10: %zu; results outside the corpus: %zu (%.1f%%)\n", short_lists,
              unknown_results, 100 * share(unknown_results, static_cast<std::size_t>(results)));
  std::printf("client-side call time: p50 %.2f ms, p99 %.2f ms over %zu calls\n",
              Percentile(call_ms, 0.5), Percentile(call_ms, 0.99), call_ms.size());

  bool ok = error_count == 0 && missing == 0 && self_returned == 0;
  if (missing) std::printf("PROBLEM: %zu corpus articles are not in the service\n", missing);
  if (self_returned) std::printf("PROBLEM: %zu lists contained the query itself\n", self_returned);
  for (const auto& [what, n] : errors)
    std::printf("PROBLEM: %zu calls failed: %s\n", n, what.c_str());

  if (flags.engine_check && !answers.empty()) {
    // The same articles with the same ids, indexed in one Build(): the
    // service's scored items (not the fill) should be exactly these.
    std::vector<related::IndexedArticle> articles;
    for (const auto& [article_id, r] : record_by_article) {
      related::IndexedArticle a;
      a.id = article_id;
      a.slug = "a" + std::to_string(article_id);
      a.title = records[r].title;
      a.section = "eval";
      a.published_at_us = records[r].published_us;
      a.body = records[r].body;
      articles.push_back(std::move(a));
    }
    related::RelatedIndex index;
    index.Build(std::move(articles));
    related::QueryOptions options;
    options.limit = static_cast<std::size_t>(flags.limit);
    options.threshold = flags.threshold;
    related::QueryOptions unfiltered = options;  // what related_offline_eval measures
    unfiltered.threshold = 0;
    eval::PrecisionTable no_threshold;
    std::size_t same = 0, checked = 0;
    std::string first_difference;
    for (const auto& [q, answer] : answers) {
      const int64_t article_id = ids.at(records[q].id);
      std::vector<related::Scored> expected = index.Related(article_id, options);
      std::vector<bool> relevance;
      for (const related::Scored& s : index.Related(article_id, unfiltered)) {
        auto record = record_by_article.find(s.id);
        relevance.push_back(record != record_by_article.end() &&
                            records[record->second].category == records[q].category);
      }
      no_threshold.Add(records[q].category, relevance, {});
      std::vector<int64_t> got;
      for (std::size_t i = 0; i < answer.ids.size(); ++i) {
        if (!answer.fallback[i]) got.push_back(answer.ids[i]);
      }
      bool equal = got.size() == expected.size();
      for (std::size_t i = 0; equal && i < got.size(); ++i) {
        std::size_t at = 0;
        while (answer.ids[at] != got[i]) ++at;
        equal = got[i] == expected[i].id && std::abs(answer.scores[at] - expected[i].score) < 1e-6;
      }
      ++checked;
      if (equal) {
        ++same;
      } else if (first_difference.empty()) {
        first_difference = "query " + records[q].id + " (article " +
                           std::to_string(ids.at(records[q].id)) + "): service";
        for (std::size_t i = 0; i < answer.ids.size(); ++i) {
          if (answer.fallback[i]) continue;
          first_difference += " " + std::to_string(answer.ids[i]) + ":" +
                              std::to_string(answer.scores[i]).substr(0, 6);
        }
        first_difference += "; in process";
        for (const related::Scored& e : expected) {
          first_difference +=
              " " + std::to_string(e.id) + ":" + std::to_string(e.score).substr(0, 6);
        }
      }
    }
    std::printf(
        "engine check: %zu of %zu lists have exactly the scored items (ids, order, scores) of the "
        "engine built in process from the same texts (threshold %.2f)\n",
        same, checked, flags.threshold);
    std::printf(
        "the same engine in process with no threshold and no fill (as related_offline_eval): "
        "P@5 %.3f, P@10 %.3f\n",
        no_threshold.EngineP5(), no_threshold.EngineP10());
    if (!first_difference.empty()) {
      std::printf("  first difference: %s\n", first_difference.c_str());
    }
  }
  return ok ? 0 : 1;
}

// Binds N sockets to port 0 at once (so the ports differ), reports the
// ports the kernel chose and closes them again.
int FreePorts(const std::vector<std::string>& args) {
  if (args.size() != 1) Usage("free-ports needs N");
  const std::size_t n = ParseCount("N", args[0]);
  std::vector<int> sockets;
  std::vector<int> ports;
  for (std::size_t i = 0; i < n; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      std::perror("related_eval: free-ports");
      return 1;
    }
    sockets.push_back(fd);
    ports.push_back(ntohs(address.sin_port));
  }
  for (int fd : sockets) close(fd);
  for (int port : ports) std::cout << port << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) Usage("no command");
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "convert") return Convert(args);
  if (command == "run") return Run(args);
  if (command == "free-ports") return FreePorts(args);
  Usage("unknown command " + command);
}
