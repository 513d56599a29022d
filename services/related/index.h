#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "services/related/analyzer.h"

// The engine of «موضوعات متعلقة»: an in-process index of the published
// articles and the scoring that picks the related ones. Pure library: no I/O;
// the service loads it from PostgreSQL and keeps it current from events.
//
// Scoring (details, defaults and how they were chosen: README, "How «موضوعات متعلقة» are scored"):
//  1. More-like-this query: the query article's terms (title occurrences count
//     `IndexOptions::title_wdf` times) are ranked by tf-idf, with
//     tf = 1 + log(wdf) and idf = log(N / df); the top `mlt_terms` terms that
//     occur in at least one other article and in at most `max_df_ratio` of
//     all articles form an OR query, each term scaled by its tf part raised to
//     `query_tf_power`.
//  2. Candidates: the best `candidates` articles for that query by Xapian's
//     BM25 (k1, b), plus up to `tag_candidates` articles that share a
//     canonical tag, ranked by the same query.
//  3. text = BM25(candidate) / BM25(query article against itself), clipped to
//     0..1, so that 1 means "matches the telling terms as well as the article
//     itself".
//  4. score = (text_weight·text + tag_weight·min(shared tags, max_tags)
//             + section_weight·[same section]) · decay, where
//     decay = floor + (1 − floor)·0.5^(Δt / half_life), Δt being the distance
//     in time from the query article (from `now_us` for a draft).
//  5. Results with score < threshold are cut; the rest are sorted by score
//     (then newer first, then id) and cut to `limit`.
//
// Thread-safety: every method may be called from any thread. Xapian objects
// are not safe for concurrent use, not even for reading, so one std::mutex
// guards the database and the maps beside it: queries are serialised. The
// lock is held only for the Xapian work and the scoring (about 1 ms for a
// query on 6,000 articles); text analysis of drafts and of upserted
// articles happens before it is taken, and Build() prepares the whole new
// index without it and swaps it in. A std::shared_mutex would only let the
// cheap lookups (Get, Latest*) overlap, since the Xapian part needs exclusive
// access anyway, and glibc's reader-preferring rwlock starved writers under a
// continuous read load in the tests. If one core's worth of queries is ever
// not enough, keep several replicas and round-robin over them.
namespace akhbar::related {

struct IndexedArticle {
  int64_t id = 0;
  std::string slug, title, section;
  std::vector<std::string> tags;       // canonical tag slugs
  std::vector<std::string> tag_names;  // display names, parallel to `tags` (may be shorter)
  int64_t published_at_us = 0;
  std::string body;  // plain text, paragraphs joined with '\n'
};

// What the index keeps of an article (the body is not kept).
struct ArticleSummary {
  int64_t id = 0;
  std::string slug, title, section;
  std::vector<std::string> tags;
  int64_t published_at_us = 0;
};

struct Draft {
  std::string title, body, section;
  std::vector<std::string> tags;  // canonical slugs
};

struct Reasons {
  std::vector<std::string> shared_tags;   // slugs, in the query's order
  std::vector<std::string> shared_terms;  // readable words, most telling first, at most 5
  bool same_section = false;
};

struct Scored {
  int64_t id = 0;
  double score = 0;
  Reasons reasons;
};

struct ScoringWeights {
  // More-like-this term selection.
  std::size_t mlt_terms = 100;
  double max_df_ratio = 0.3;    // terms in more of the articles are not telling
  double query_tf_power = 0.5;  // 0: every query term counts the same (like Elasticsearch)
  // Candidates.
  std::size_t candidates = 100;
  std::size_t tag_candidates = 50;
  double bm25_k1 = 1.2;
  double bm25_b = 0.75;
  // Final score.
  double text_weight = 1.0;
  double tag_weight = 0.15;  // per shared canonical tag
  std::size_t max_tags = 3;  // shared tags counted at most
  double section_weight = 0.05;
  double half_life_days = 90;
  double decay_floor = 0.8;  // an old article keeps at least this share of its score
};

struct QueryOptions {
  std::size_t limit = 5;
  int64_t now_us = 0;      // drafts: the time recency is measured from
  double threshold = 0.1;  // on the final score
  std::set<int64_t> exclude;
  ScoringWeights weights;
};

struct IndexOptions {
  enum class Backend { kInMemory, kGlassTempDir };
  // Each title occurrence of a term counts as this many body occurrences.
  unsigned title_wdf = 2;
  // kInMemory measured faster to build and query (README, related service);
  // kGlassTempDir is a private on-disk database deleted with the index.
  Backend backend = Backend::kInMemory;
  // Threads analysing articles in Build(); 0: one per core.
  unsigned build_threads = 0;
};

class RelatedIndex {
 public:
  explicit RelatedIndex(IndexOptions options = {});
  ~RelatedIndex();
  RelatedIndex(const RelatedIndex&) = delete;
  RelatedIndex& operator=(const RelatedIndex&) = delete;

  // Adds the article, or replaces the one with the same id.
  void Upsert(IndexedArticle article);
  void Remove(int64_t id);
  // Replaces the whole content. Faster than Upsert one by one: analysis runs
  // on `build_threads` threads and readers keep the old content until the
  // new one is swapped in. Later duplicates of an id win.
  void Build(std::vector<IndexedArticle> articles);

  std::size_t size() const;
  std::optional<ArticleSummary> Get(int64_t id) const;

  // Articles related to an indexed one, never itself. Empty when unknown.
  std::vector<Scored> Related(int64_t id, const QueryOptions& options) const;
  std::vector<Scored> RelatedToDraft(const Draft& draft, const QueryOptions& options) const;

  // Newest first; ties by larger id first.
  std::vector<int64_t> LatestWithTag(const std::string& tag, std::size_t n,
                                     const std::set<int64_t>& exclude) const;
  std::vector<int64_t> LatestInSection(const std::string& section, std::size_t n,
                                       const std::set<int64_t>& exclude) const;

  struct TagSuggestion {
    std::string slug, name;
    double score = 0;  // 0..2: share of the similar articles' weight + 1 when named
  };
  // Existing tags that fit a draft: the tags of the most similar articles,
  // weighted by their similarity, plus tags whose name occurs in the draft
  // (compared as stem sequences). The draft's own tags are left out.
  std::vector<TagSuggestion> SuggestTags(const Draft& draft, std::size_t limit) const;

  const Analyzer& analyzer() const { return analyzer_; }

 private:
  struct State;
  Analyzer analyzer_;
  IndexOptions options_;
  std::unique_ptr<State> state_;
};

}  // namespace akhbar::related
