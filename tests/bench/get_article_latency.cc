// Measures GetArticle latency against a running article service:
//   get_article_latency ADDRESS ID [CALLS] [THREADS]
// Prints p50/p90/p99 and throughput. Used to compare the Redis-cached path
// with the PostgreSQL path (a second service whose Redis is unreachable).
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "akhbar/article/v1/article.grpc.pb.h"

namespace pb = akhbar::article::v1;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s ADDRESS ID [CALLS] [THREADS]\n", argv[0]);
    return 2;
  }
  const std::string address = argv[1];
  const int64_t id = std::atoll(argv[2]);
  const int calls = argc > 3 ? std::atoi(argv[3]) : 5000;
  const int threads = argc > 4 ? std::atoi(argv[4]) : 1;
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto stub = pb::ArticleService::NewStub(channel);

  std::vector<std::vector<double>> samples(threads);
  std::atomic<int> errors{0};
  auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < calls / threads; ++i) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        pb::GetArticleRequest request;
        request.set_id(id);
        pb::GetArticleResponse response;
        auto before = std::chrono::steady_clock::now();
        grpc::Status status = stub->GetArticle(&context, request, &response);
        auto after = std::chrono::steady_clock::now();
        if (!status.ok()) ++errors;
        samples[t].push_back(std::chrono::duration<double, std::micro>(after - before).count());
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::vector<double> all;
  for (auto& s : samples) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  auto at = [&](double q) { return all[static_cast<size_t>(q * (all.size() - 1))]; };
  std::printf("calls=%zu errors=%d threads=%d p50=%.0fus p90=%.0fus p99=%.0fus rate=%.0f/s\n",
              all.size(), errors.load(), threads, at(0.50), at(0.90), at(0.99),
              static_cast<double>(all.size()) / seconds);
  return errors.load() == 0 ? 0 : 1;
}
