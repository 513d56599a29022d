#include "tools/eval_related/precision.h"

namespace akhbar::eval {
namespace {

double Relevant(const std::vector<bool>& results, std::size_t k) {
  double relevant = 0;
  for (std::size_t i = 0; i < results.size() && i < k; ++i) relevant += results[i] ? 1 : 0;
  return relevant;
}

}  // namespace

void PrecisionTable::Add(const std::string& category, const std::vector<bool>& engine,
                         const std::vector<bool>& baseline) {
  for (Tally* t : {&by_category_[category], &all_}) {
    ++t->queries;
    t->engine5 += Relevant(engine, 5);
    t->engine10 += Relevant(engine, 10);
    t->base5 += Relevant(baseline, 5);
    t->base10 += Relevant(baseline, 10);
  }
}

void PrecisionTable::Print(std::FILE* out) const {
  std::fprintf(out, "%-18s %6s | %8s %8s | %8s %8s\n", "category", "n", "eng P@5", "base P@5",
               "eng P@10", "base P@10");
  double macro[4] = {0, 0, 0, 0};
  for (const auto& [category, t] : by_category_) {
    std::fprintf(out, "%-18s %6zu | %8.3f %8.3f | %8.3f %8.3f\n", category.c_str(), t.queries,
                 t.Engine5(), t.Base5(), t.Engine10(), t.Base10());
    macro[0] += t.Engine5();
    macro[1] += t.Base5();
    macro[2] += t.Engine10();
    macro[3] += t.Base10();
  }
  std::fprintf(out, "%-18s %6zu | %8.3f %8.3f | %8.3f %8.3f\n", "overall", all_.queries,
               all_.Engine5(), all_.Base5(), all_.Engine10(), all_.Base10());
  if (by_category_.empty()) return;
  const double cats = static_cast<double>(by_category_.size());
  std::fprintf(out, "%-18s %6s | %8.3f %8.3f | %8.3f %8.3f\n", "macro (per cat.)", "",
               macro[0] / cats, macro[1] / cats, macro[2] / cats, macro[3] / cats);
}

}  // namespace akhbar::eval
