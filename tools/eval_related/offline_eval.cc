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
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "services/related/index.h"

namespace {

using akhbar::related::IndexedArticle;
using akhbar::related::IndexOptions;
using akhbar::related::QueryOptions;
using akhbar::related::RelatedIndex;
using Clock = std::chrono::steady_clock;

struct Record {
  std::string key, category, title, body;
  int64_t published_us = 0;
};

struct Flags {
  std::string path;
  std::size_t every = 1, offset = 0;
  IndexOptions index;
  QueryOptions query;
  std::size_t timing_articles = 6000;
  bool timing = true;
};

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS" or "YYYY-MM-DDTHH:MM:SS+HH:MM".
int64_t ParseTimeUs(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, oh = 0, om = 0;
  char sign = '+';
  int n = std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d%c%d:%d", &y, &mo, &d, &h, &mi, &s, &sign,
                      &oh, &om);
  if (n < 3) return 0;
  int64_t seconds = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                    h * 3600 + mi * 60 + s;
  if (n == 9) seconds -= (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  return seconds * 1000000;
}

std::vector<Record> ReadCorpus(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    std::exit(2);
  }
  std::vector<Record> records;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    google::protobuf::Struct object;
    if (!google::protobuf::util::JsonStringToMessage(line, &object).ok()) {
      std::cerr << "bad JSON on line " << records.size() + 1 << "\n";
      std::exit(2);
    }
    auto field = [&](const char* name) {
      auto it = object.fields().find(name);
      return it == object.fields().end() ? std::string() : it->second.string_value();
    };
    records.push_back({field("id"), field("category"), field("title"), field("body"),
                       ParseTimeUs(field("published"))});
  }
  return records;
}

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

// Plain tf-idf cosine kNN: raw term counts of title + body, idf =
// ln((1 + N) / (1 + df)) + 1, L2-normalised, brute force over an inverted index.
class Baseline {
 public:
  Baseline(const akhbar::related::Analyzer& analyzer, const std::vector<Record>& records) {
    std::unordered_map<std::string, uint32_t> ids;
    std::vector<std::map<uint32_t, double>> counts(records.size());
    std::vector<double> df;
    for (std::size_t d = 0; d < records.size(); ++d) {
      for (const std::string& text : {records[d].title, records[d].body}) {
        for (const std::string& term : analyzer.Terms(text)) {
          auto [it, added] = ids.emplace(term, static_cast<uint32_t>(ids.size()));
          if (added) df.push_back(0);
          if (counts[d][it->second]++ == 0) df[it->second] += 1;
        }
      }
    }
    const double n = static_cast<double>(records.size());
    vectors_.resize(records.size());
    postings_.resize(ids.size());
    for (std::size_t d = 0; d < records.size(); ++d) {
      double norm = 0;
      for (auto& [t, c] : counts[d]) {
        c *= std::log((1 + n) / (1 + df[t])) + 1;
        norm += c * c;
      }
      norm = std::sqrt(norm);
      for (const auto& [t, c] : counts[d]) {
        vectors_[d].push_back({t, c / norm});
        postings_[t].push_back({static_cast<uint32_t>(d), c / norm});
      }
    }
  }

  std::vector<std::size_t> Nearest(std::size_t query, std::size_t k) const {
    std::vector<double> acc(vectors_.size(), 0);
    for (const auto& [t, w] : vectors_[query]) {
      for (const auto& [d, v] : postings_[t]) acc[d] += w * v;
    }
    acc[query] = -1;
    std::vector<std::size_t> order(vectors_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::partial_sort(
        order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
        [&](std::size_t a, std::size_t b) { return acc[a] != acc[b] ? acc[a] > acc[b] : a < b; });
    order.resize(k);
    return order;
  }

 private:
  std::vector<std::vector<std::pair<uint32_t, double>>> vectors_;
  std::vector<std::vector<std::pair<uint32_t, double>>> postings_;
};

struct Tally {
  std::size_t queries = 0;
  double engine5 = 0, engine10 = 0, base5 = 0, base10 = 0;
};

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
  std::vector<Record> records = ReadCorpus(flags.path);
  int64_t latest = 0;
  for (const Record& r : records) latest = std::max(latest, r.published_us);
  flags.query.now_us = latest + int64_t{86400} * 1000000;

  long rss_before = RssKb();
  RelatedIndex index(flags.index);
  auto start = Clock::now();
  index.Build(Articles(records, records.size()));
  double build_s = std::chrono::duration<double>(Clock::now() - start).count();
  long rss_after = RssKb();
  Baseline baseline(index.analyzer(), records);

  std::map<std::string, Tally> tallies;
  std::vector<double> ms;
  double passing = 0;
  for (std::size_t q = flags.offset; q < records.size(); q += flags.every) {
    const std::string& category = records[q].category;
    auto t0 = Clock::now();
    auto results = index.Related(static_cast<int64_t>(q) + 1, flags.query);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    Tally& t = tallies[category];
    ++t.queries;
    for (std::size_t r = 0; r < results.size() && r < 10; ++r) {
      bool relevant = records[static_cast<std::size_t>(results[r].id - 1)].category == category;
      if (relevant && r < 5) t.engine5 += 1;
      if (relevant) t.engine10 += 1;
      if (results[r].score >= QueryOptions{}.threshold) passing += 1;
    }
    std::vector<std::size_t> near = baseline.Nearest(q, 10);
    for (std::size_t r = 0; r < near.size(); ++r) {
      bool relevant = records[near[r]].category == category;
      if (relevant && r < 5) t.base5 += 1;
      if (relevant) t.base10 += 1;
    }
  }

  std::printf("corpus: %zu articles; queries: every %zu from %zu (%zu)\n", records.size(),
              flags.every, flags.offset, ms.size());
  std::printf("%-18s %6s | %8s %8s | %8s %8s\n", "category", "n", "eng P@5", "base P@5", "eng P@10",
              "base P@10");
  Tally all;
  double macro[4] = {0, 0, 0, 0};
  for (const auto& [category, t] : tallies) {
    double n = static_cast<double>(t.queries);
    std::printf("%-18s %6zu | %8.3f %8.3f | %8.3f %8.3f\n", category.c_str(), t.queries,
                t.engine5 / n / 5, t.base5 / n / 5, t.engine10 / n / 10, t.base10 / n / 10);
    all.queries += t.queries;
    all.engine5 += t.engine5;
    all.base5 += t.base5;
    all.engine10 += t.engine10;
    all.base10 += t.base10;
    macro[0] += t.engine5 / n / 5;
    macro[1] += t.base5 / n / 5;
    macro[2] += t.engine10 / n / 10;
    macro[3] += t.base10 / n / 10;
  }
  double n = static_cast<double>(all.queries);
  double cats = static_cast<double>(tallies.size());
  std::printf("%-18s %6zu | %8.3f %8.3f | %8.3f %8.3f\n", "overall", all.queries,
              all.engine5 / n / 5, all.base5 / n / 5, all.engine10 / n / 10, all.base10 / n / 10);
  std::printf("%-18s %6s | %8.3f %8.3f | %8.3f %8.3f\n", "macro (per cat.)", "", macro[0] / cats,
              macro[1] / cats, macro[2] / cats, macro[3] / cats);
  std::printf("results above the default threshold %.2f: %.1f of 10 per query\n",
              QueryOptions{}.threshold, passing / n);
  std::printf(
      "build %zu articles: %.2f s, RSS delta %.1f MiB; Related(limit 10): p50 %.2f ms, "
      "p99 %.2f ms\n",
      records.size(), build_s, static_cast<double>(rss_after - rss_before) / 1024.0,
      Percentile(ms, 0.5), Percentile(ms, 0.99));
  if (flags.timing) Timing(flags, records);
  return 0;
}
