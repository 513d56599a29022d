#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "services/related/analyzer.h"
#include "tools/eval_related/corpus.h"

namespace akhbar::eval {

// The reference the engine is measured against: a plain tf-idf cosine kNN
// over the terms of title + body (the engine's Analyzer: same folding,
// stopwords and stems, so only the ranking differs). Raw term counts,
// idf = ln((1 + N) / (1 + df)) + 1, L2-normalised vectors, exact search
// through an inverted index.
class TfIdfBaseline {
 public:
  TfIdfBaseline(const related::Analyzer& analyzer, const std::vector<CorpusRecord>& records);

  // The k records nearest to record `query` (never itself), most similar
  // first; ties by lower index.
  std::vector<std::size_t> Nearest(std::size_t query, std::size_t k) const;

 private:
  std::vector<std::vector<std::pair<uint32_t, double>>> vectors_;   // per record: term, weight
  std::vector<std::vector<std::pair<uint32_t, double>>> postings_;  // per term: record, weight
};

}  // namespace akhbar::eval
