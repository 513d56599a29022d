// Offline quality and speed check of the related-articles engine on a labelled
// corpus (JSON Lines: id, category, title, body, published). Every article is
// indexed in one section with no tags, so only the text and the dates count;
// a result is relevant when its category equals the query's. The engine is
// compared with a plain tf-idf cosine kNN over the same analysed terms,
// computed in the same run.
//
//   related_offline_eval articles.jsonl [--every N] [--offset K] [--title-wdf W]
//       [--mlt-terms T] [--max-df R] [--qtf P] [--k1 K1] [--b B] [--candidates C]
//       [--half-life D] [--floor F] [--timing-articles N] [--glass] [--no-timing]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "services/related/index.h"
#include "tools/eval_related/baseline.h"
#include "tools/eval_related/corpus.h"
#include "tools/eval_related/precision.h"

namespace {

using akhbar::related::IndexedArticle;
using akhbar::related::IndexOptions;
using akhbar::related::QueryOptions;
using akhbar::related::RelatedIndex;
using Clock = std::chrono::steady_clock;

using Record = akhbar::eval::CorpusRecord;

struct Flags {
  std::string path;
  std::size_t every = 1, offset = 0;
  IndexOptions index;
  QueryOptions query;
  std::size_t timing_articles = 6000;
  bool timing = true;
};

long RssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

std::vector<IndexedArticle> Articles(const std::vector<Record>& records, std::size_t count) {
  std::vector<IndexedArticle> articles;
  for (std::size_t i = 0; i < count; ++i) {
    const Record& r = records[i % records.size()];
    IndexedArticle a;
    a.id = static_cast<int64_t>(i) + 1;
    a.slug = "a" + std::to_string(a.id);
    a.title = r.title;
    a.section = "news";
    a.published_at_us = r.published_us;
    a.body = r.body;
    articles.push_back(std::move(a));
  }
  return articles;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  std::size_t i = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size()))) - 1;
  return values[std::min(i, values.size() - 1)];
}

double ParseDouble(int argc, char** argv, int& i) {
  if (i + 1 >= argc) {
    std::cerr << argv[i] << " needs a value\n";
    std::exit(2);
  }
  return std::atof(argv[++i]);
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  f.query.limit = 10;
  f.query.threshold = 0;  // precision at k needs k results
  auto& w = f.query.weights;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--every")
      f.every = static_cast<std::size_t>(ParseDouble(argc, argv, i));
    else if (a == "--offset")
      f.offset = static_cast<std::size_t>(ParseDouble(argc, argv, i));
    else if (a == "--title-wdf")
      f.index.title_wdf = static_cast<unsigned>(ParseDouble(argc, argv, i));
    else if (a == "--mlt-terms")
      w.mlt_terms = static_cast<std::size_t>(ParseDouble(argc, argv, i));
    else if (a == "--max-df")
      w.max_df_ratio = ParseDouble(argc, argv, i);
    else if (a == "--qtf")
      w.query_tf_power = ParseDouble(argc, argv, i);
    else if (a == "--k1")
      w.bm25_k1 = ParseDouble(argc, argv, i);
    else if (a == "--b")
      w.bm25_b = ParseDouble(argc, argv, i);
    else if (a == "--candidates")
      w.candidates = static_cast<std::size_t>(ParseDouble(argc, argv, i));
    else if (a == "--half-life")
      w.half_life_days = ParseDouble(argc, argv, i);
    else if (a == "--floor")
      w.decay_floor = ParseDouble(argc, argv, i);
    else if (a == "--timing-articles")
      f.timing_articles = static_cast<std::size_t>(ParseDouble(argc, argv, i));
    else if (a == "--glass")
      f.index.backend = IndexOptions::Backend::kGlassTempDir;
    else if (a == "--no-timing")
      f.timing = false;
    else if (!a.empty() && a[0] != '-' && f.path.empty())
      f.path = a;
    else {
      std::cerr << "unknown argument " << a << "\n";
      std::exit(2);
    }
  }
  if (f.path.empty() || f.every == 0) {
    std::cerr << "usage: related_offline_eval articles.jsonl [--every N] [--offset K] ...\n";
    std::exit(2);
  }
  return f;
}

void Timing(const Flags& flags, const std::vector<Record>& records) {
  std::vector<IndexedArticle> articles = Articles(records, flags.timing_articles);
  long rss_before = RssKb();
  RelatedIndex index(flags.index);
  auto start = Clock::now();
  index.Build(std::move(articles));
  double build_s = std::chrono::duration<double>(Clock::now() - start).count();
  long rss_after = RssKb();
  QueryOptions options = flags.query;
  options.limit = 5;
  options.threshold = 0.1;
  std::vector<double> ms;
  for (std::size_t i = 0; i < flags.timing_articles; i += 3) {
    auto t0 = Clock::now();
    auto results = index.Related(static_cast<int64_t>(i) + 1, options);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::printf(
      "\ntiming: %zu articles (the corpus repeated under new ids), backend %s, 1 thread\n"
      "  Build: %.2f s   RSS delta: %.1f MiB\n"
      "  Related(limit 5) over %zu queries: p50 %.2f ms  p99 %.2f ms  max %.2f ms\n",
      flags.timing_articles,
      flags.index.backend == IndexOptions::Backend::kInMemory ? "inmemory" : "glass", build_s,
      static_cast<double>(rss_after - rss_before) / 1024.0, ms.size(), Percentile(ms, 0.5),
      Percentile(ms, 0.99), Percentile(ms, 1.0));
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags = ParseFlags(argc, argv);
  std::vector<Record> records = akhbar::eval::ReadCorpus(flags.path);
  int64_t latest = 0;
  for (const Record& r : records) latest = std::max(latest, r.published_us);
  flags.query.now_us = latest + int64_t{86400} * 1000000;

  long rss_before = RssKb();
  RelatedIndex index(flags.index);
  auto start = Clock::now();
  index.Build(Articles(records, records.size()));
  double build_s = std::chrono::duration<double>(Clock::now() - start).count();
  long rss_after = RssKb();
  akhbar::eval::TfIdfBaseline baseline(index.analyzer(), records);

  akhbar::eval::PrecisionTable table;
  std::vector<double> ms;
  double passing = 0;
  for (std::size_t q = flags.offset; q < records.size(); q += flags.every) {
    const std::string& category = records[q].category;
    auto t0 = Clock::now();
    auto results = index.Related(static_cast<int64_t>(q) + 1, flags.query);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    std::vector<bool> engine, base;
    for (std::size_t r = 0; r < results.size() && r < 10; ++r) {
      engine.push_back(records[static_cast<std::size_t>(results[r].id - 1)].category == category);
      if (results[r].score >= QueryOptions{}.threshold) passing += 1;
    }
    for (std::size_t near : baseline.Nearest(q, 10)) {
      base.push_back(records[near].category == category);
    }
    table.Add(category, engine, base);
  }

  std::printf("corpus: %zu articles; queries: every %zu from %zu (%zu)\n", records.size(),
              flags.every, flags.offset, ms.size());
  table.Print(stdout);
  std::printf("results above the default threshold %.2f: %.1f of 10 per query\n",
              QueryOptions{}.threshold, passing / static_cast<double>(table.queries()));
  std::printf(
      "build %zu articles: %.2f s, RSS delta %.1f MiB; Related(limit 10): p50 %.2f ms, "
      "p99 %.2f ms\n",
      records.size(), build_s, static_cast<double>(rss_after - rss_before) / 1024.0,
      Percentile(ms, 0.5), Percentile(ms, 0.99));
  if (flags.timing) Timing(flags, records);
  return 0;
}
