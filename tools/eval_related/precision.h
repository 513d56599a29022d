#pragma once

#include <cstddef>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace akhbar::eval {

// Precision at 5 and 10 of the engine and of the baseline, per category of
// the query and overall. A result is relevant when its category is the
// query's; a list shorter than k counts its missing places as not relevant.
class PrecisionTable {
 public:
  // `engine` and `baseline`: relevance of each result, best first.
  void Add(const std::string& category, const std::vector<bool>& engine,
           const std::vector<bool>& baseline);

  std::size_t queries() const { return all_.queries; }
  double EngineP5() const { return all_.Engine5(); }
  double EngineP10() const { return all_.Engine10(); }

  // One row per category, then "overall" (every query counts the same) and
  // "macro" (every category counts the same).
  void Print(std::FILE* out) const;

 private:
  struct Tally {
    std::size_t queries = 0;
    double engine5 = 0, engine10 = 0, base5 = 0, base10 = 0;  // relevant results
    double Engine5() const { return queries ? engine5 / static_cast<double>(queries) / 5 : 0; }
    double Engine10() const { return queries ? engine10 / static_cast<double>(queries) / 10 : 0; }
    double Base5() const { return queries ? base5 / static_cast<double>(queries) / 5 : 0; }
    double Base10() const { return queries ? base10 / static_cast<double>(queries) / 10 : 0; }
  };
  std::map<std::string, Tally> by_category_;
  Tally all_;
};

}  // namespace akhbar::eval
