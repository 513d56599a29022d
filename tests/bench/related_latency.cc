// Measures GetRelated latency against a running related service, over every
// published article (ids read from PostgreSQL):
//   related_latency ADDRESS DSN [--threads T] [--limit L] [--warmup-passes W]
//                   [--passes P] [--pid PID]
// Each thread takes every T-th article of the (shuffled, fixed seed) list;
// W passes are made first without measuring (with the cache on, they fill
// it), then P measured passes. Every call's status is checked; per-call
// latency p50/p90/p99/max, throughput and, with --pid, the server's resident
// memory (/proc/PID/status) are printed. Exit code 1 when any call failed.
// No timed assertion: it reports, it does not judge.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "akhbar/related/v1/related.grpc.pb.h"

namespace pb = akhbar::related::v1;
using Clock = std::chrono::steady_clock;

namespace {

struct Flags {
  std::string address, dsn;
  int threads = 4, limit = 5, warmup_passes = 0, passes = 1;
  long pid = 0;
};

[[noreturn]] void Usage() {
  std::fprintf(stderr,
               "usage: related_latency ADDRESS DSN [--threads T] [--limit L] [--warmup-passes W]\n"
               "                       [--passes P] [--pid PID]\n");
  std::exit(2);
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto number = [&]() -> long {
      if (i + 1 >= argc) Usage();
      char* end = nullptr;
      long n = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || n < 0) Usage();
      return n;
    };
    if (a == "--threads") {
      f.threads = static_cast<int>(number());
    } else if (a == "--limit") {
      f.limit = static_cast<int>(number());
    } else if (a == "--warmup-passes") {
      f.warmup_passes = static_cast<int>(number());
    } else if (a == "--passes") {
      f.passes = static_cast<int>(number());
    } else if (a == "--pid") {
      f.pid = number();
    } else if (a.starts_with("--")) {
      Usage();
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 2 || f.threads < 1 || f.passes < 1) Usage();
  f.address = positional[0];
  f.dsn = positional[1];
  return f;
}

// "VmRSS" or "VmHWM" of a process, in KiB; 0 when unknown.
long ProcStatusKb(long pid, const std::string& key) {
  if (pid <= 0) return 0;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::atol(line.c_str() + key.size() + 1);
  }
  return 0;
}

std::vector<int64_t> PublishedIds(const std::string& dsn) {
  std::vector<int64_t> ids;
  try {
    pqxx::connection connection(dsn);
    pqxx::read_transaction tx(connection);
    for (const pqxx::row& row :
         tx.exec("SELECT id FROM articles WHERE status = 'published' ORDER BY id")) {
      ids.push_back(row[0].as<int64_t>());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "related_latency: reading article ids failed: %s\n", e.what());
    std::exit(1);
  }
  return ids;
}

double At(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  std::vector<int64_t> ids = PublishedIds(flags.dsn);
  if (ids.empty()) {
    std::fprintf(stderr, "related_latency: no published article\n");
    return 1;
  }
  std::shuffle(ids.begin(), ids.end(), std::mt19937_64(20170125));

  // One connection per thread, as separate front ends would have.
  grpc::ChannelArguments channel_args;
  channel_args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  std::vector<std::unique_ptr<pb::RelatedService::Stub>> stubs;
  for (int t = 0; t < flags.threads; ++t) {
    stubs.push_back(pb::RelatedService::NewStub(grpc::CreateCustomChannel(
        flags.address, grpc::InsecureChannelCredentials(), channel_args)));
  }

  std::mutex errors_mu;
  std::map<std::string, long> errors;  // "CODE message" → count
  std::atomic<long> items{0}, fallback_items{0};
  auto pass = [&](bool measured, std::vector<std::vector<double>>* samples) {
    std::vector<std::thread> workers;
    for (int t = 0; t < flags.threads; ++t) {
      workers.emplace_back([&, t] {
        for (std::size_t i = static_cast<std::size_t>(t); i < ids.size();
             i += static_cast<std::size_t>(flags.threads)) {
          grpc::ClientContext context;
          context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
          pb::GetRelatedRequest request;
          request.set_article_id(ids[i]);
          request.set_limit(flags.limit);
          pb::GetRelatedResponse response;
          auto before = Clock::now();
          grpc::Status status =
              stubs[static_cast<std::size_t>(t)]->GetRelated(&context, request, &response);
          auto after = Clock::now();
          if (!status.ok()) {
            std::lock_guard lock(errors_mu);
            ++errors[std::to_string(static_cast<int>(status.error_code())) + " " +
                     status.error_message()];
            continue;
          }
          if (!measured) continue;
          (*samples)[static_cast<std::size_t>(t)].push_back(
              std::chrono::duration<double, std::micro>(after - before).count());
          items += response.articles_size();
          for (const pb::RelatedArticle& item : response.articles()) {
            fallback_items += item.reasons().fallback() ? 1 : 0;
          }
        }
      });
    }
    for (std::thread& worker : workers) worker.join();
  };

  const long rss_before = ProcStatusKb(flags.pid, "VmRSS");
  for (int w = 0; w < flags.warmup_passes; ++w) pass(false, nullptr);
  std::vector<std::vector<double>> samples(static_cast<std::size_t>(flags.threads));
  auto started = Clock::now();
  for (int p = 0; p < flags.passes; ++p) pass(true, &samples);
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();

  std::vector<double> all;
  for (const auto& s : samples) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  long error_count = 0;
  for (const auto& [what, n] : errors) error_count += n;
  std::printf(
      "articles=%zu threads=%d limit=%d warmup_passes=%d calls=%zu errors=%ld "
      "p50=%.0fus p90=%.0fus p99=%.0fus max=%.0fus rate=%.0f/s items/call=%.2f "
      "fallback/call=%.2f\n",
      ids.size(), flags.threads, flags.limit, flags.warmup_passes, all.size(), error_count,
      At(all, 0.50), At(all, 0.90), At(all, 0.99), At(all, 1.0),
      static_cast<double>(all.size()) / seconds,
      all.empty() ? 0.0 : static_cast<double>(items.load()) / static_cast<double>(all.size()),
      all.empty() ? 0.0
                  : static_cast<double>(fallback_items.load()) / static_cast<double>(all.size()));
  if (flags.pid > 0) {
    std::printf("server pid=%ld rss_before=%.1fMiB rss_after=%.1fMiB peak_rss=%.1fMiB\n", flags.pid,
                static_cast<double>(rss_before) / 1024.0,
                static_cast<double>(ProcStatusKb(flags.pid, "VmRSS")) / 1024.0,
                static_cast<double>(ProcStatusKb(flags.pid, "VmHWM")) / 1024.0);
  }
  for (const auto& [what, n] : errors) std::printf("errors: %ld x %s\n", n, what.c_str());
  return error_count == 0 ? 0 : 1;
}
