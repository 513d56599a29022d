#include "services/related/index.h"

#include <stdlib.h>  // mkdtemp
#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace akhbar::related {
namespace {

constexpr double kUsPerDay = 86400.0 * 1e6;
// Xapian's BM25 floor on the normalised document length (its default).
constexpr double kBm25MinNormLen = 0.5;
// Tag terms in the Xapian documents. Text terms never start with an ASCII
// capital: the analyzer lowercases Latin letters.
constexpr char kTagPrefix = 'K';
constexpr std::size_t kMaxSharedTerms = 5;
// SuggestTags looks at this many similar articles.
constexpr std::size_t kSuggestNeighbours = 20;

[[noreturn]] void Rethrow(const Xapian::Error& error) {
  throw std::runtime_error("related index: " + error.get_description());
}

bool IsTextTerm(const std::string& term) { return !term.empty() && term[0] != kTagPrefix; }

std::string TagTerm(const std::string& slug) { return kTagPrefix + slug; }

// An article analysed, ready to go into the database.
struct Prepared {
  std::map<std::string, Xapian::termcount> wdf;               // text terms
  std::vector<std::pair<std::string, std::string>> surfaces;  // distinct (term, word)
  std::vector<std::string> name_terms;  // per tag: the stems of its name, space-joined
};

struct Doc {
  ArticleSummary summary;
  std::vector<std::string> tag_names;  // parallel to summary.tags
  Xapian::docid docid = 0;
};

struct TagInfo {
  std::string name;
  std::vector<std::string> name_stems;
  std::size_t articles = 0;
};

using TimeOrdered = std::set<std::pair<int64_t, int64_t>>;  // (published_at_us, id)

// The document a query is about: an indexed article or a draft.
struct QueryDoc {
  std::map<std::string, Xapian::termcount> wdf;
  Xapian::termcount length = 0;
  std::vector<std::string> tags;
  std::string section;
  int64_t ref_time_us = 0;  // recency is measured from here; 0: no decay
  bool indexed = false;     // its own statistics are in the database
  std::optional<int64_t> self_id;
};

struct QueryTerm {
  std::string term;
  double scale = 1;    // OP_SCALE_WEIGHT factor
  double telling = 0;  // tf-idf, for the order of shared terms
};

std::string NameFromSlug(const std::string& slug) {
  std::string name = slug;
  std::replace(name.begin(), name.end(), '-', ' ');
  return name;
}

}  // namespace

// Everything Build() replaces at once.
struct Content {
  Xapian::WritableDatabase db;
  std::filesystem::path temp_dir;  // glass backend only
  Xapian::docid next_docid = 0;
  std::unordered_map<int64_t, Doc> docs;
  std::unordered_map<Xapian::docid, int64_t> by_docid;
  std::unordered_map<std::string, TimeOrdered> by_tag, by_section;
  std::unordered_map<std::string, TagInfo> tags;
  // Tags by the first stem of their name, for finding names in a text.
  std::unordered_map<std::string, std::set<std::string>> tags_by_first_stem;
  // term → identity-folded word → number of articles using it (display only;
  // only grows until the next Build).
  std::unordered_map<std::string, std::unordered_map<std::string, uint32_t>> surfaces;

  explicit Content(IndexOptions::Backend backend) {
    try {
      if (backend == IndexOptions::Backend::kInMemory) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        // Deprecated in 1.4 in favour of glass, but still the fastest for a
        // small index that is rebuilt at every start anyway.
        db = Xapian::InMemory::open();
#pragma GCC diagnostic pop
      } else {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "akhbar-related-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
          throw std::runtime_error("related index: cannot create a temporary directory");
        }
        temp_dir = pattern;
        db = Xapian::WritableDatabase((temp_dir / "db").string(),
                                      Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC);
      }
    } catch (const Xapian::Error& error) {
      Rethrow(error);
    }
  }
  ~Content() {
    if (temp_dir.empty()) return;
    try {
      db.close();
    } catch (const Xapian::Error&) {
    }
    std::error_code ignored;
    std::filesystem::remove_all(temp_dir, ignored);
  }
  Content(const Content&) = delete;
  Content& operator=(const Content&) = delete;
};

struct RelatedIndex::State {
  // One mutex for the content pointer, the Xapian database and every map
  // (see the thread-safety note in index.h for why not a shared_mutex).
  mutable std::mutex mu;
  std::unique_ptr<Content> content;
};

namespace {

Prepared Prepare(const Analyzer& analyzer, const IndexOptions& options,
                 const IndexedArticle& article) {
  Prepared prepared;
  std::set<std::pair<std::string, std::string>> surfaces;
  auto add = [&](std::string_view text, unsigned wdf) {
    for (Analyzer::Token& token : analyzer.Tokens(text)) {
      prepared.wdf[token.term] += wdf;
      surfaces.emplace(std::move(token.term), std::move(token.surface));
    }
  };
  add(article.title, std::max(1U, options.title_wdf));
  add(article.body, 1);
  prepared.surfaces.assign(surfaces.begin(), surfaces.end());
  for (std::size_t i = 0; i < article.tags.size(); ++i) {
    std::string name = i < article.tag_names.size() && !article.tag_names[i].empty()
                           ? article.tag_names[i]
                           : NameFromSlug(article.tags[i]);
    std::string joined;
    for (const std::string& term : analyzer.Terms(name)) {
      if (!joined.empty()) joined += ' ';
      joined += term;
    }
    prepared.name_terms.push_back(std::move(joined));
  }
  return prepared;
}

Xapian::Document MakeDocument(const IndexedArticle& article, const Prepared& prepared) {
  Xapian::Document doc;
  for (const auto& [term, wdf] : prepared.wdf) doc.add_term(term, wdf);
  for (const std::string& tag : article.tags) doc.add_boolean_term(TagTerm(tag));
  return doc;
}

std::vector<std::string> SplitSpaces(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// Metadata part of removing an article (the caller removes the document).
void ForgetMeta(Content& c, const Doc& doc) {
  const ArticleSummary& s = doc.summary;
  for (const std::string& tag : s.tags) {
    auto it = c.by_tag.find(tag);
    if (it != c.by_tag.end()) {
      it->second.erase({s.published_at_us, s.id});
      if (it->second.empty()) c.by_tag.erase(it);
    }
    auto info = c.tags.find(tag);
    if (info != c.tags.end() && --info->second.articles == 0) {
      if (!info->second.name_stems.empty()) {
        auto first = c.tags_by_first_stem.find(info->second.name_stems.front());
        if (first != c.tags_by_first_stem.end()) {
          first->second.erase(tag);
          if (first->second.empty()) c.tags_by_first_stem.erase(first);
        }
      }
      c.tags.erase(info);
    }
  }
  auto section = c.by_section.find(s.section);
  if (section != c.by_section.end()) {
    section->second.erase({s.published_at_us, s.id});
    if (section->second.empty()) c.by_section.erase(section);
  }
  c.by_docid.erase(doc.docid);
}

// Metadata part of adding an article; `doc.docid` is set.
void RememberMeta(Content& c, Doc doc, const Prepared& prepared) {
  const ArticleSummary& s = doc.summary;
  for (std::size_t i = 0; i < s.tags.size(); ++i) {
    const std::string& tag = s.tags[i];
    c.by_tag[tag].insert({s.published_at_us, s.id});
    TagInfo& info = c.tags[tag];
    if (info.articles++ == 0 || doc.tag_names.size() > i) {
      // The latest spelling of a name wins, as the article service shows it.
      std::string name = i < doc.tag_names.size() && !doc.tag_names[i].empty() ? doc.tag_names[i]
                                                                               : NameFromSlug(tag);
      std::vector<std::string> stems = SplitSpaces(prepared.name_terms[i]);
      if (!info.name_stems.empty() && info.name_stems != stems) {
        auto first = c.tags_by_first_stem.find(info.name_stems.front());
        if (first != c.tags_by_first_stem.end()) first->second.erase(tag);
      }
      info.name = std::move(name);
      info.name_stems = std::move(stems);
      if (!info.name_stems.empty()) c.tags_by_first_stem[info.name_stems.front()].insert(tag);
    }
  }
  c.by_section[s.section].insert({s.published_at_us, s.id});
  for (const auto& [term, word] : prepared.surfaces) ++c.surfaces[term][word];
  c.by_docid[doc.docid] = s.id;
  int64_t id = s.id;
  c.docs[id] = std::move(doc);
}

// A tag listed twice counts once.
void DedupeTags(IndexedArticle& article) {
  std::vector<std::string> tags, names;
  for (std::size_t i = 0; i < article.tags.size(); ++i) {
    if (std::find(tags.begin(), tags.end(), article.tags[i]) != tags.end()) continue;
    tags.push_back(article.tags[i]);
    names.push_back(i < article.tag_names.size() ? article.tag_names[i] : std::string());
  }
  article.tags = std::move(tags);
  article.tag_names = std::move(names);
}

Doc MakeDoc(IndexedArticle& article) {
  Doc doc;
  doc.summary.id = article.id;
  doc.summary.slug = std::move(article.slug);
  doc.summary.title = std::move(article.title);
  doc.summary.section = std::move(article.section);
  doc.summary.tags = std::move(article.tags);
  doc.summary.published_at_us = article.published_at_us;
  doc.tag_names = std::move(article.tag_names);
  return doc;
}

std::string DisplayWord(const Content& c, const std::string& term) {
  auto it = c.surfaces.find(term);
  if (it == c.surfaces.end() || it->second.empty()) return term;
  const std::string* best = nullptr;
  uint32_t best_count = 0;
  for (const auto& [word, count] : it->second) {
    if (count > best_count || (count == best_count && word < *best)) {
      best = &word;
      best_count = count;
    }
  }
  return *best;
}

// Xapian's BM25Weight (1.4) for one term of one document, so that the query
// document's score against itself can be computed even for a draft that is
// not in the database. Checked against Xapian in the unit tests.
double Bm25(double scale, double n_docs, double df, double wdf, double doc_len, double avg_len,
            double k1, double b) {
  double tw = (n_docs - df + 0.5) / (df + 0.5);
  if (tw < 2) tw = tw * 0.5 + 1;
  double term_weight = std::log(tw) * scale * (k1 + 1);
  double norm_len = std::max(avg_len > 0 ? doc_len / avg_len : 0.0, kBm25MinNormLen);
  return term_weight * wdf / (k1 * (norm_len * b + (1 - b)) + wdf);
}

// The scoring behind Related, RelatedToDraft and SuggestTags. Needs the lock.
std::vector<Scored> Score(const Content& c, const QueryDoc& q, const QueryOptions& options) {
  const ScoringWeights& w = options.weights;
  const double n_docs = c.db.get_doccount();
  if (n_docs == 0 || q.wdf.empty()) return {};
  const double avg_len = c.db.get_avlength();
  // Statistics as if the query document were in the database.
  const double self_in = q.indexed ? 0 : 1;

  // 1. More-like-this terms.
  std::vector<QueryTerm> picked;
  const double max_df = std::max(2.0, w.max_df_ratio * (n_docs + self_in));
  for (const auto& [term, wdf] : q.wdf) {
    double df = c.db.get_termfreq(term);
    double others = df - (q.indexed ? 1 : 0);
    if (others < 1 || df + self_in > max_df) continue;
    double tf = 1 + std::log(static_cast<double>(wdf));
    double idf = std::log((n_docs + self_in) / (df + self_in));
    picked.push_back({term, std::pow(tf, w.query_tf_power), tf * idf});
  }
  if (picked.empty()) return {};
  std::sort(picked.begin(), picked.end(), [](const QueryTerm& a, const QueryTerm& b) {
    return a.telling != b.telling ? a.telling > b.telling : a.term < b.term;
  });
  if (picked.size() > w.mlt_terms) picked.resize(std::max<std::size_t>(1, w.mlt_terms));

  std::vector<Xapian::Query> parts;
  double self_score = 0;
  for (const QueryTerm& t : picked) {
    parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(t.term), t.scale);
    self_score += Bm25(t.scale, n_docs, c.db.get_termfreq(t.term), q.wdf.at(t.term), q.length,
                       avg_len, w.bm25_k1, w.bm25_b);
  }
  Xapian::Query text_query(Xapian::Query::OP_OR, parts.begin(), parts.end());
  if (self_score <= 0) return {};

  // 2. Candidates.
  std::unordered_set<Xapian::docid> excluded;
  for (int64_t id : options.exclude) {
    auto it = c.docs.find(id);
    if (it != c.docs.end()) excluded.insert(it->second.docid);
  }
  if (q.self_id) excluded.insert(c.docs.at(*q.self_id).docid);
  Xapian::Enquire enquire(c.db);
  enquire.set_weighting_scheme(Xapian::BM25Weight(w.bm25_k1, 0, 1, w.bm25_b, kBm25MinNormLen));
  enquire.set_docid_order(Xapian::Enquire::DESCENDING);  // ties: the newer document
  std::unordered_map<Xapian::docid, double> weights;
  auto collect = [&](const Xapian::Query& query, std::size_t count) {
    enquire.set_query(query);
    // Excluded documents are skipped afterwards: cheaper than a MatchDecider,
    // which would fetch every candidate document.
    Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(count + excluded.size()));
    std::size_t taken = 0;
    for (auto it = mset.begin(); it != mset.end() && taken < count; ++it) {
      if (excluded.count(*it) != 0) continue;
      weights.emplace(*it, it.get_weight());
      ++taken;
    }
  };
  collect(text_query, w.candidates);
  if (!q.tags.empty() && w.tag_candidates > 0 && w.tag_weight > 0) {
    std::vector<Xapian::Query> tag_terms;
    for (const std::string& tag : q.tags) tag_terms.emplace_back(TagTerm(tag));
    collect(Xapian::Query(Xapian::Query::OP_AND_MAYBE,
                          Xapian::Query(Xapian::Query::OP_OR, tag_terms.begin(), tag_terms.end()),
                          text_query),
            w.tag_candidates);
  }

  // 3–5. Final score.
  std::vector<Scored> results;
  for (const auto& [docid, weight] : weights) {
    auto id_it = c.by_docid.find(docid);
    if (id_it == c.by_docid.end()) continue;
    const ArticleSummary& s = c.docs.at(id_it->second).summary;
    Scored scored;
    scored.id = s.id;
    double text = std::min(1.0, weight / self_score);
    for (const std::string& tag : q.tags) {
      if (std::find(s.tags.begin(), s.tags.end(), tag) != s.tags.end()) {
        scored.reasons.shared_tags.push_back(tag);
      }
    }
    scored.reasons.same_section = !q.section.empty() && q.section == s.section;
    double score = w.text_weight * text +
                   w.tag_weight * static_cast<double>(
                                      std::min(scored.reasons.shared_tags.size(), w.max_tags)) +
                   (scored.reasons.same_section ? w.section_weight : 0.0);
    if (q.ref_time_us != 0 && w.half_life_days > 0) {
      double days = std::abs(static_cast<double>(s.published_at_us - q.ref_time_us)) / kUsPerDay;
      score *= w.decay_floor + (1 - w.decay_floor) * std::exp2(-days / w.half_life_days);
    }
    scored.score = score;
    if (score >= options.threshold) results.push_back(std::move(scored));
  }
  auto time_of = [&](int64_t id) { return c.docs.at(id).summary.published_at_us; };
  std::sort(results.begin(), results.end(), [&](const Scored& a, const Scored& b) {
    if (a.score != b.score) return a.score > b.score;
    int64_t ta = time_of(a.id), tb = time_of(b.id);
    if (ta != tb) return ta > tb;
    return a.id > b.id;
  });
  if (results.size() > options.limit) results.resize(options.limit);

  // Reasons: the query's most telling terms that each result contains.
  std::unordered_map<std::string, std::size_t> rank;
  for (std::size_t i = 0; i < picked.size(); ++i) rank.emplace(picked[i].term, i);
  for (Scored& scored : results) {
    std::vector<std::size_t> shared;
    Xapian::docid docid = c.docs.at(scored.id).docid;
    for (auto t = c.db.termlist_begin(docid); t != c.db.termlist_end(docid); ++t) {
      auto r = rank.find(*t);
      if (r != rank.end()) shared.push_back(r->second);
    }
    std::sort(shared.begin(), shared.end());
    if (shared.size() > kMaxSharedTerms) shared.resize(kMaxSharedTerms);
    for (std::size_t r : shared) {
      scored.reasons.shared_terms.push_back(DisplayWord(c, picked[r].term));
    }
  }
  return results;
}

QueryDoc DraftQuery(const Analyzer& analyzer, const IndexOptions& index_options, const Draft& draft,
                    int64_t now_us) {
  QueryDoc q;
  unsigned title_wdf = std::max(1U, index_options.title_wdf);
  for (std::string& term : analyzer.Terms(draft.title)) q.wdf[std::move(term)] += title_wdf;
  for (std::string& term : analyzer.Terms(draft.body)) ++q.wdf[std::move(term)];
  for (const auto& [term, wdf] : q.wdf) q.length += wdf;
  q.tags = draft.tags;
  q.section = draft.section;
  q.ref_time_us = now_us;
  return q;
}

}  // namespace

RelatedIndex::RelatedIndex(IndexOptions options)
    : options_(options), state_(std::make_unique<State>()) {
  state_->content = std::make_unique<Content>(options_.backend);
}

RelatedIndex::~RelatedIndex() = default;

void RelatedIndex::Upsert(IndexedArticle article) {
  DedupeTags(article);
  Prepared prepared = Prepare(analyzer_, options_, article);
  Xapian::Document xdoc = MakeDocument(article, prepared);
  Doc doc = MakeDoc(article);
  std::lock_guard lock(state_->mu);
  Content& c = *state_->content;
  try {
    auto old = c.docs.find(doc.summary.id);
    if (old != c.docs.end()) {
      doc.docid = old->second.docid;
      ForgetMeta(c, old->second);
    } else {
      doc.docid = ++c.next_docid;
    }
    c.db.replace_document(doc.docid, xdoc);
    if (options_.backend == IndexOptions::Backend::kGlassTempDir) c.db.commit();
  } catch (const Xapian::Error& error) {
    Rethrow(error);
  }
  RememberMeta(c, std::move(doc), prepared);
}

void RelatedIndex::Remove(int64_t id) {
  std::lock_guard lock(state_->mu);
  Content& c = *state_->content;
  auto it = c.docs.find(id);
  if (it == c.docs.end()) return;
  try {
    c.db.delete_document(it->second.docid);
    if (options_.backend == IndexOptions::Backend::kGlassTempDir) c.db.commit();
  } catch (const Xapian::Error& error) {
    Rethrow(error);
  }
  ForgetMeta(c, it->second);
  c.docs.erase(it);
}

void RelatedIndex::Build(std::vector<IndexedArticle> articles) {
  // Later duplicates of an id win.
  {
    std::unordered_map<int64_t, std::size_t> last;
    for (std::size_t i = 0; i < articles.size(); ++i) last[articles[i].id] = i;
    if (last.size() != articles.size()) {
      std::vector<IndexedArticle> unique;
      for (std::size_t i = 0; i < articles.size(); ++i) {
        if (last[articles[i].id] == i) unique.push_back(std::move(articles[i]));
      }
      articles = std::move(unique);
    }
  }
  std::vector<Prepared> prepared(articles.size());
  unsigned threads = options_.build_threads != 0
                         ? options_.build_threads
                         : std::max(1U, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(
      std::min<std::size_t>(threads, std::max<std::size_t>(1, articles.size() / 64)));
  auto work = [&](unsigned first) {
    for (std::size_t i = first; i < articles.size(); i += threads) {
      DedupeTags(articles[i]);
      prepared[i] = Prepare(analyzer_, options_, articles[i]);
    }
  };
  {
    std::vector<std::jthread> workers;
    for (unsigned t = 1; t < threads; ++t) workers.emplace_back(work, t);
    work(0);
  }

  auto fresh = std::make_unique<Content>(options_.backend);
  Content& c = *fresh;
  try {
    for (std::size_t i = 0; i < articles.size(); ++i) {
      Xapian::Document xdoc = MakeDocument(articles[i], prepared[i]);
      Doc doc = MakeDoc(articles[i]);
      doc.docid = ++c.next_docid;
      c.db.replace_document(doc.docid, xdoc);
      RememberMeta(c, std::move(doc), prepared[i]);
    }
    if (options_.backend == IndexOptions::Backend::kGlassTempDir) c.db.commit();
  } catch (const Xapian::Error& error) {
    Rethrow(error);
  }
  {
    std::lock_guard lock(state_->mu);
    std::swap(state_->content, fresh);
  }
  // The old content is destroyed here, outside the locks.
}

std::size_t RelatedIndex::size() const {
  std::lock_guard lock(state_->mu);
  return state_->content->docs.size();
}

std::optional<ArticleSummary> RelatedIndex::Get(int64_t id) const {
  std::lock_guard lock(state_->mu);
  const Content& c = *state_->content;
  auto it = c.docs.find(id);
  if (it == c.docs.end()) return std::nullopt;
  return it->second.summary;
}

std::vector<Scored> RelatedIndex::Related(int64_t id, const QueryOptions& options) const {
  std::lock_guard lock(state_->mu);
  const Content& c = *state_->content;
  auto it = c.docs.find(id);
  if (it == c.docs.end() || options.limit == 0) return {};
  const Doc& doc = it->second;
  QueryDoc q;
  q.tags = doc.summary.tags;
  q.section = doc.summary.section;
  q.ref_time_us = doc.summary.published_at_us;
  q.indexed = true;
  q.self_id = id;
  try {
    for (auto t = c.db.termlist_begin(doc.docid); t != c.db.termlist_end(doc.docid); ++t) {
      std::string term = *t;
      if (IsTextTerm(term)) q.wdf.emplace(std::move(term), t.get_wdf());
    }
    q.length = c.db.get_doclength(doc.docid);
    return Score(c, q, options);
  } catch (const Xapian::Error& error) {
    Rethrow(error);
  }
}

std::vector<Scored> RelatedIndex::RelatedToDraft(const Draft& draft,
                                                 const QueryOptions& options) const {
  if (options.limit == 0) return {};
  QueryDoc q = DraftQuery(analyzer_, options_, draft, options.now_us);
  std::lock_guard lock(state_->mu);
  try {
    return Score(*state_->content, q, options);
  } catch (const Xapian::Error& error) {
    Rethrow(error);
  }
}

namespace {

std::vector<int64_t> Latest(const std::unordered_map<std::string, TimeOrdered>& lists,
                            const std::string& key, std::size_t n,
                            const std::set<int64_t>& exclude) {
  std::vector<int64_t> ids;
  auto it = lists.find(key);
  if (it == lists.end()) return ids;
  for (auto e = it->second.rbegin(); e != it->second.rend() && ids.size() < n; ++e) {
    if (exclude.count(e->second) == 0) ids.push_back(e->second);
  }
  return ids;
}

}  // namespace

std::vector<int64_t> RelatedIndex::LatestWithTag(const std::string& tag, std::size_t n,
                                                 const std::set<int64_t>& exclude) const {
  std::lock_guard lock(state_->mu);
  return Latest(state_->content->by_tag, tag, n, exclude);
}

std::vector<int64_t> RelatedIndex::LatestInSection(const std::string& section, std::size_t n,
                                                   const std::set<int64_t>& exclude) const {
  std::lock_guard lock(state_->mu);
  return Latest(state_->content->by_section, section, n, exclude);
}

std::vector<RelatedIndex::TagSuggestion> RelatedIndex::SuggestTags(const Draft& draft,
                                                                   std::size_t limit) const {
  if (limit == 0) return {};
  QueryDoc q = DraftQuery(analyzer_, options_, draft, 0);
  std::vector<std::string> sequence = analyzer_.Terms(draft.title);
  sequence.emplace_back();  // the title's last word and the body's first are not a name
  for (std::string& term : analyzer_.Terms(draft.body)) sequence.push_back(std::move(term));

  QueryOptions options;
  options.limit = kSuggestNeighbours;
  options.threshold = 0;
  std::lock_guard lock(state_->mu);
  const Content& c = *state_->content;
  std::vector<Scored> neighbours;
  try {
    neighbours = Score(c, q, options);
  } catch (const Xapian::Error& error) {
    Rethrow(error);
  }
  std::map<std::string, double> scores;
  double total = 0;
  for (const Scored& n : neighbours) total += n.score;
  if (total <= 0) total = 1;
  for (const Scored& n : neighbours) {
    for (const std::string& tag : c.docs.at(n.id).summary.tags) scores[tag] += n.score / total;
  }
  std::set<std::string> named;
  for (std::size_t i = 0; i < sequence.size(); ++i) {
    auto first = c.tags_by_first_stem.find(sequence[i]);
    if (first == c.tags_by_first_stem.end()) continue;
    for (const std::string& tag : first->second) {
      const std::vector<std::string>& stems = c.tags.at(tag).name_stems;
      if (i + stems.size() <= sequence.size() &&
          std::equal(stems.begin(), stems.end(),
                     sequence.begin() + static_cast<std::ptrdiff_t>(i))) {
        named.insert(tag);
      }
    }
  }
  for (const std::string& tag : named) scores[tag] += 1.0;
  for (const std::string& tag : draft.tags) scores.erase(tag);

  std::vector<TagSuggestion> suggestions;
  for (const auto& [slug, score] : scores) {
    suggestions.push_back({slug, c.tags.at(slug).name, score});
  }
  std::sort(suggestions.begin(), suggestions.end(),
            [](const TagSuggestion& a, const TagSuggestion& b) {
              return a.score != b.score ? a.score > b.score : a.slug < b.slug;
            });
  if (suggestions.size() > limit) suggestions.resize(limit);
  return suggestions;
}

}  // namespace akhbar::related
