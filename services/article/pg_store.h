#pragma once

#include <vector>

#include "libs/db/pool.h"
#include "services/article/store.h"

namespace akhbar::article {

// ArticleStore on PostgreSQL. Every write runs in one transaction that also
// appends its change events to article_outbox, so an event exists exactly
// when its change committed. Reads go to the replica when one is configured.
class PgArticleStore : public ArticleStore {
 public:
  explicit PgArticleStore(db::Database& database) : database_(database) {}

  // Prepared on every connection of the pools given to this store.
  static std::vector<db::Statement> Statements();

  absl::StatusOr<pb::Article> GetById(int64_t id) override;
  absl::StatusOr<pb::Article> GetBySlug(const std::string& slug) override;
  absl::StatusOr<std::vector<pb::Article>> GetByIds(const std::vector<int64_t>& ids) override;
  absl::StatusOr<ListPage> List(const ListFilter& filter) override;
  absl::StatusOr<WriteResult> Create(const ArticleInput& input,
                                     const std::string& request_id) override;
  absl::StatusOr<WriteResult> Update(int64_t id, const ArticleInput& input,
                                     const std::vector<std::string>& paths,
                                     int64_t expected_version) override;
  absl::StatusOr<WriteResult> ApplyTransition(const TransitionInput& input) override;
  absl::StatusOr<ImportWrite> Import(const ArticleInput& input, pb::ArticleStatus status,
                                     int64_t published_at_us, const std::string& digest) override;
  absl::StatusOr<std::vector<pb::ArticleEvent>> PublishDue() override;
  absl::StatusOr<std::vector<pb::Section>> ListSections() override;
  absl::StatusOr<pb::Section> CreateSection(const pb::Section& section) override;
  absl::StatusOr<TagPage> ListTags(const std::string& key_prefix, int page_size,
                                   const std::string& after_slug) override;
  absl::StatusOr<pb::Tag> GetTag(const std::string& slug, const std::string& key) override;
  absl::StatusOr<MergeResult> MergeTags(const TagInput& source, const TagInput& target) override;

 private:
  db::Database& database_;
};

}  // namespace akhbar::article
