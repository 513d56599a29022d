#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "akhbar/article/v1/article.pb.h"
#include "akhbar/article/v1/events.pb.h"

// The persistence ports of the article service. Logic depends on these
// interfaces only; PgArticleStore and RedisArticleCache implement them, and
// unit tests use fakes. The proto messages serve as the plain data model.
namespace akhbar::article {

namespace pb = ::akhbar::article::v1;

// A tag as logic resolved it from an editor's spelling.
struct TagInput {
  std::string name;          // the spelling as typed (trimmed)
  std::string identity_key;  // text::FoldIdentity(name)
  std::string slug;          // text::MakeSlug(name)
};

// A validated article ready to write. Fields not named by the operation are
// ignored (see Update).
struct ArticleInput {
  pb::Article article;  // slug, section, title, summary, body, author, image
  std::vector<TagInput> tags;
  // False when logic derived the slug from the title: the store then adds a
  // suffix on collision instead of refusing.
  bool slug_chosen_by_editor = false;
};

struct Cursor {
  int64_t sort_at_us = 0;
  int64_t id = 0;
};

struct ListFilter {
  std::string section;
  std::string tag;  // slug or identity key; empty: any
  std::string author;
  int64_t published_after_us = 0;   // 0: unbounded
  int64_t published_before_us = 0;  // 0: unbounded
  std::string status = "published";
  int page_size = 20;
  std::optional<Cursor> after;
  bool omit_body = false;
};

struct ListPage {
  std::vector<pb::Article> articles;
  std::optional<Cursor> next;
  int64_t total = 0;
};

struct TagPage {
  std::vector<pb::Tag> tags;
  std::string next_slug;  // empty on the last page
};

// The committed result of a write and the events it appended to the outbox.
struct WriteResult {
  pb::Article article;
  std::vector<pb::ArticleEvent> events;
};

enum class Transition { kPublish, kUnpublish, kTakedown };

struct TransitionInput {
  int64_t id = 0;
  Transition transition = Transition::kPublish;
  int64_t publish_at_us = 0;  // kPublish: 0 or past → now; future → scheduled
  int64_t expected_version = 0;
  std::string reason;  // kTakedown
};

enum class ImportOutcome { kCreated, kUpdated, kUnchanged };

struct ImportWrite {
  ImportOutcome outcome = ImportOutcome::kCreated;
  WriteResult result;  // events empty when unchanged
};

struct MergeResult {
  pb::Tag tag;
  int64_t articles_moved = 0;
  std::vector<pb::ArticleEvent> events;
};

class ArticleStore {
 public:
  virtual ~ArticleStore() = default;

  // Any status; NOT_FOUND when absent. GetBySlug matches old slugs too.
  virtual absl::StatusOr<pb::Article> GetById(int64_t id) = 0;
  virtual absl::StatusOr<pb::Article> GetBySlug(const std::string& slug) = 0;
  virtual absl::StatusOr<std::vector<pb::Article>> GetByIds(const std::vector<int64_t>& ids) = 0;
  virtual absl::StatusOr<ListPage> List(const ListFilter& filter) = 0;

  // Returns the first article when request_id was seen before.
  virtual absl::StatusOr<WriteResult> Create(const ArticleInput& input,
                                             const std::string& request_id) = 0;
  // Applies the fields named in `paths` when the stored version matches.
  virtual absl::StatusOr<WriteResult> Update(int64_t id, const ArticleInput& input,
                                             const std::vector<std::string>& paths,
                                             int64_t expected_version) = 0;
  virtual absl::StatusOr<WriteResult> ApplyTransition(const TransitionInput& input) = 0;
  // Upsert by external id; `digest` identifies the item's content.
  virtual absl::StatusOr<ImportWrite> Import(const ArticleInput& input, pb::ArticleStatus status,
                                             int64_t published_at_us,
                                             const std::string& digest) = 0;
  // Publishes scheduled articles whose time has come.
  virtual absl::StatusOr<std::vector<pb::ArticleEvent>> PublishDue() = 0;

  virtual absl::StatusOr<std::vector<pb::Section>> ListSections() = 0;
  virtual absl::StatusOr<pb::Section> CreateSection(const pb::Section& section) = 0;
  virtual absl::StatusOr<TagPage> ListTags(const std::string& key_prefix, int page_size,
                                           const std::string& after_slug) = 0;
  // By slug, or by identity key of any spelling.
  virtual absl::StatusOr<pb::Tag> GetTag(const std::string& slug, const std::string& key) = 0;
  virtual absl::StatusOr<MergeResult> MergeTags(const TagInput& source, const TagInput& target) = 0;
};

// A byte-string cache (Redis in production). Every call may fail; callers
// treat a failure as a miss and carry on.
// An article as an in-process cache holds it: the bytes of the GetArticle
// answer for it, framed once when stored, and what deciding who may see that
// answer needs, so that a warm read neither parses nor serialises anything.
struct HeldArticle {
  pb::ArticleStatus status = pb::ARTICLE_STATUS_UNSPECIFIED;
  std::string slug;
  // GetArticleResponse{article} in the wire format.
  std::string response;
  // The serialized Article inside `response`.
  std::string_view article_bytes() const {
    return std::string_view(response).substr(article_offset);
  }
  std::size_t article_offset = 0;
};

class ArticleCache {
 public:
  virtual ~ArticleCache() = default;
  virtual absl::StatusOr<std::optional<std::string>> Get(const std::string& key) = 0;
  virtual absl::StatusOr<std::vector<std::optional<std::string>>> MGet(
      const std::vector<std::string>& keys) = 0;
  virtual absl::Status Set(const std::string& key, const std::string& value,
                           std::chrono::milliseconds ttl) = 0;
  virtual absl::Status Del(const std::vector<std::string>& keys) = 0;
  // The article this process holds fresh for `key`, answered without waiting
  // on anything; null when it holds none (always, for caches that live
  // elsewhere) or holds "not found".
  virtual std::shared_ptr<const HeldArticle> PeekArticle(const std::string& /*key*/) {
    return nullptr;
  }
};

// Cache keys. Versioned so that a change of the cached format never reads an
// old entry.
std::string CacheKeyForId(int64_t id);
std::string CacheKeyForSlug(const std::string& slug);
// Every key an event makes stale: its id and every slug it answered to.
std::vector<std::string> CacheKeysFor(const pb::ArticleEvent& event);

}  // namespace akhbar::article
