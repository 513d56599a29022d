#include "tools/eval_related/baseline.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <unordered_map>

namespace akhbar::eval {

TfIdfBaseline::TfIdfBaseline(const related::Analyzer& analyzer,
                             const std::vector<CorpusRecord>& records) {
  std::unordered_map<std::string, uint32_t> ids;
  std::vector<std::map<uint32_t, double>> counts(records.size());
  std::vector<double> df;
  for (std::size_t d = 0; d < records.size(); ++d) {
    for (const std::string* text : {&records[d].title, &records[d].body}) {
      for (const std::string& term : analyzer.Terms(*text)) {
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

std::vector<std::size_t> TfIdfBaseline::Nearest(std::size_t query, std::size_t k) const {
  if (vectors_.size() < 2) return {};
  std::vector<double> acc(vectors_.size(), 0);
  for (const auto& [t, w] : vectors_[query]) {
    for (const auto& [d, v] : postings_[t]) acc[d] += w * v;
  }
  acc[query] = -1;
  std::vector<std::size_t> order(vectors_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  k = std::min(k, order.size() - 1);
  std::partial_sort(
      order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
      [&](std::size_t a, std::size_t b) { return acc[a] != acc[b] ? acc[a] > acc[b] : a < b; });
  order.resize(k);
  return order;
}

}  // namespace akhbar::eval
