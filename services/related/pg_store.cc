#include "services/related/pg_store.h"

#include "absl/strings/str_split.h"
#include "libs/text/arabic.h"

namespace akhbar::related {
namespace {

// One row per published article: what the index needs. Body text is the
// summary and the text blocks of the proto3-JSON content, one per line; tags
// travel joined by the ASCII unit separator, which slugs and names never
// contain (the article service refuses control characters).
constexpr char kArticleQuery[] =
    "SELECT a.id, a.slug, a.title, a.section, epoch_us(a.published_at), a.version,"
    " concat_ws(E'\\n', nullif(a.summary, ''),"
    "   (SELECT string_agg(coalesce(b->'paragraph'->>'text', b->'heading'->>'text',"
    "                               b->'quote'->>'text'), E'\\n')"
    "      FROM jsonb_array_elements(coalesce(a.content->'body', '[]'::jsonb)) b)),"
    " coalesce((SELECT string_agg(t.slug, chr(31) ORDER BY at.position)"
    "             FROM article_tags at JOIN tags t ON t.id = at.tag_id"
    "            WHERE at.article_id = a.id), ''),"
    " coalesce((SELECT string_agg(t.name, chr(31) ORDER BY at.position)"
    "             FROM article_tags at JOIN tags t ON t.id = at.tag_id"
    "            WHERE at.article_id = a.id), '')"
    " FROM articles a WHERE a.status = 'published'";

std::vector<std::string> SplitList(const std::string& joined) {
  if (joined.empty()) return {};
  return absl::StrSplit(joined, '\x1f');
}

SourcedArticle RowToArticle(const pqxx::row& row) {
  SourcedArticle sourced;
  IndexedArticle& article = sourced.article;
  article.id = row[0].as<int64_t>();
  article.slug = row[1].as<std::string>();
  article.title = row[2].as<std::string>();
  article.section = row[3].as<std::string>();
  article.published_at_us = row[4].is_null() ? 0 : row[4].as<int64_t>();
  sourced.version = row[5].as<int64_t>();
  article.body = row[6].is_null() ? "" : row[6].as<std::string>();
  article.tags = SplitList(row[7].as<std::string>());
  article.tag_names = SplitList(row[8].as<std::string>());
  return sourced;
}

}  // namespace

std::vector<db::Statement> PgRelatedStore::Statements() {
  return {
      {"related_load_all", kArticleQuery},
      {"related_load_one", std::string(kArticleQuery) + " AND a.id = $1"},
      {"related_versions", "SELECT id, version FROM articles WHERE status = 'published'"},
      {"related_resolve_tag",
       "SELECT t.slug FROM tag_keys k JOIN tags t ON t.id = k.tag_id WHERE k.identity_key = $1"},
      {"related_settings",
       "SELECT 0, pinned_id, position FROM related_pins WHERE article_id = $1"
       " UNION ALL SELECT 1, article_id, 0 FROM related_opt_outs ORDER BY 1, 3"},
      {"related_clear_pins", "DELETE FROM related_pins WHERE article_id = $1"},
      {"related_add_pin",
       "INSERT INTO related_pins (article_id, position, pinned_id) VALUES ($1, $2, $3)"},
      {"related_opt_out",
       "INSERT INTO related_opt_outs (article_id) VALUES ($1) ON CONFLICT DO NOTHING"},
      {"related_opt_in", "DELETE FROM related_opt_outs WHERE article_id = $1"},
      {"related_note_change", "INSERT INTO related_settings_changes (article_id) VALUES ($1)"},
      // Settings writers take turns, so that change numbers commit in order
      // and a replica tailing them by number never skips one.
      {"related_settings_lock", "SELECT pg_advisory_xact_lock(7365747469) "},
      {"related_changes_after",
       "SELECT id, article_id FROM related_settings_changes WHERE id > $1 ORDER BY id LIMIT 1000"},
      {"related_latest_change", "SELECT coalesce(max(id), 0) FROM related_settings_changes"},
  };
}

absl::StatusOr<std::vector<SourcedArticle>> PgRelatedStore::LoadPublished() {
  std::vector<SourcedArticle> articles;
  absl::Status status = database_.primary().Read("related_load_all", [&](pqxx::work& tx) {
    for (const pqxx::row& row : tx.exec_prepared("related_load_all")) {
      articles.push_back(RowToArticle(row));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return articles;
}

absl::StatusOr<std::optional<SourcedArticle>> PgRelatedStore::LoadPublished(int64_t id) {
  std::optional<SourcedArticle> article;
  absl::Status status = database_.primary().Read("related_load_one", [&](pqxx::work& tx) {
    pqxx::result rows = tx.exec_prepared("related_load_one", id);
    if (!rows.empty()) article = RowToArticle(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return article;
}

absl::StatusOr<std::vector<ArticleVersion>> PgRelatedStore::PublishedVersions() {
  std::vector<ArticleVersion> versions;
  absl::Status status = database_.primary().Read("related_versions", [&](pqxx::work& tx) {
    for (const pqxx::row& row : tx.exec_prepared("related_versions")) {
      versions.push_back({row[0].as<int64_t>(), row[1].as<int64_t>()});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return versions;
}

absl::StatusOr<std::vector<std::string>> PgRelatedStore::ResolveTags(
    const std::vector<std::string>& spellings) {
  std::vector<std::string> slugs;
  absl::Status status = database_.primary().Read("related_resolve_tag", [&](pqxx::work& tx) {
    for (const std::string& spelling : spellings) {
      pqxx::result rows = tx.exec_prepared("related_resolve_tag", text::FoldIdentity(spelling));
      if (!rows.empty()) slugs.push_back(rows[0][0].as<std::string>());
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return slugs;
}

absl::StatusOr<EditorialSettings> PgRelatedStore::SettingsFor(int64_t article_id) {
  EditorialSettings settings;
  absl::Status status = database_.primary().Read("related_settings", [&](pqxx::work& tx) {
    for (const pqxx::row& row : tx.exec_prepared("related_settings", article_id)) {
      if (row[0].as<int>() == 0) {
        settings.pins.push_back(row[1].as<int64_t>());
      } else {
        settings.opted_out.insert(row[1].as<int64_t>());
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return settings;
}

absl::Status PgRelatedStore::SetPins(int64_t article_id, const std::vector<int64_t>& pinned_ids) {
  return database_.primary().Transact("related_set_pins", [&](pqxx::work& tx) {
    tx.exec_prepared0("related_clear_pins", article_id);
    for (std::size_t i = 0; i < pinned_ids.size(); ++i) {
      tx.exec_prepared0("related_add_pin", article_id, static_cast<int>(i), pinned_ids[i]);
    }
    tx.exec_prepared("related_settings_lock");
    tx.exec_prepared0("related_note_change", article_id);
    return absl::OkStatus();
  });
}

absl::Status PgRelatedStore::SetOptOut(int64_t article_id, bool opt_out) {
  return database_.primary().Transact("related_set_opt_out", [&](pqxx::work& tx) {
    tx.exec_prepared0(opt_out ? "related_opt_out" : "related_opt_in", article_id);
    tx.exec_prepared("related_settings_lock");
    tx.exec_prepared0("related_note_change", article_id);
    return absl::OkStatus();
  });
}

absl::StatusOr<SettingsStore::Changes> PgRelatedStore::ChangesAfter(int64_t after) {
  Changes changes{.article_ids = {}, .last = after};
  absl::Status status = database_.primary().Read("related_changes_after", [&](pqxx::work& tx) {
    for (const pqxx::row& row : tx.exec_prepared("related_changes_after", after)) {
      changes.last = row[0].as<int64_t>();
      changes.article_ids.push_back(row[1].as<int64_t>());
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return changes;
}

absl::StatusOr<int64_t> PgRelatedStore::LatestChange() {
  int64_t latest = 0;
  absl::Status status = database_.primary().Read("related_latest_change", [&](pqxx::work& tx) {
    latest = tx.exec_prepared1("related_latest_change")[0].as<int64_t>();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return latest;
}

}  // namespace akhbar::related
