#include "services/article/pg_store.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <string_view>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace akhbar::article {
namespace {

using google::protobuf::util::TimeUtil;

// Tags and old slugs come back aggregated in one row, joined with ASCII unit
// and record separators, which validation keeps out of every text field.
constexpr char kUnitSeparator = '\x1f';
constexpr char kRecordSeparator = '\x1e';

std::string ArticleColumns(bool with_body) {
  return absl::StrCat(
      "a.id, a.slug, a.section, a.title, a.summary, ",
      with_body ? "a.content::text" : "(a.content - 'body')::text",
      ", a.author, a.status, coalesce(epoch_us(a.published_at), 0), epoch_us(a.created_at),"
      " epoch_us(a.updated_at), a.version, coalesce(a.external_id, ''),"
      " coalesce((SELECT string_agg(t.slug || chr(31) || t.name, chr(30) ORDER BY at.position)"
      "           FROM article_tags at JOIN tags t ON t.id = at.tag_id"
      "           WHERE at.article_id = a.id), ''),"
      " coalesce((SELECT string_agg(s.slug, chr(30) ORDER BY s.created_at, s.slug)"
      "           FROM article_slugs s WHERE s.article_id = a.id AND s.slug <> a.slug), '')");
}

const std::string& FullColumns() {
  static const std::string kColumns = ArticleColumns(true);
  return kColumns;
}

std::string_view StatusName(pb::ArticleStatus status) {
  switch (status) {
    case pb::ARTICLE_STATUS_SCHEDULED:
      return "scheduled";
    case pb::ARTICLE_STATUS_PUBLISHED:
      return "published";
    case pb::ARTICLE_STATUS_UNPUBLISHED:
      return "unpublished";
    case pb::ARTICLE_STATUS_TAKEN_DOWN:
      return "taken_down";
    default:
      return "draft";
  }
}

pb::ArticleStatus StatusFromName(std::string_view name) {
  if (name == "scheduled") return pb::ARTICLE_STATUS_SCHEDULED;
  if (name == "published") return pb::ARTICLE_STATUS_PUBLISHED;
  if (name == "unpublished") return pb::ARTICLE_STATUS_UNPUBLISHED;
  if (name == "taken_down") return pb::ARTICLE_STATUS_TAKEN_DOWN;
  return pb::ARTICLE_STATUS_DRAFT;
}

std::string ContentJson(const pb::Article& article) {
  pb::Article content;
  *content.mutable_body() = article.body();
  if (article.has_image()) *content.mutable_image() = article.image();
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(content, &json);
  return json;
}

pb::Article RowToArticle(const pqxx::row& row) {
  pb::Article article;
  article.set_id(row[0].as<int64_t>());
  article.set_slug(row[1].as<std::string>());
  article.set_section(row[2].as<std::string>());
  article.set_title(row[3].as<std::string>());
  article.set_summary(row[4].as<std::string>());
  pb::Article content;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (google::protobuf::util::JsonStringToMessage(row[5].as<std::string>(), &content, options)
          .ok()) {
    *article.mutable_body() = std::move(*content.mutable_body());
    if (content.has_image()) *article.mutable_image() = content.image();
  }
  article.set_author(row[6].as<std::string>());
  article.set_status(StatusFromName(row[7].as<std::string>()));
  if (int64_t published = row[8].as<int64_t>(); published != 0) {
    *article.mutable_published_at() = TimeUtil::MicrosecondsToTimestamp(published);
  }
  *article.mutable_created_at() = TimeUtil::MicrosecondsToTimestamp(row[9].as<int64_t>());
  *article.mutable_updated_at() = TimeUtil::MicrosecondsToTimestamp(row[10].as<int64_t>());
  article.set_version(row[11].as<int64_t>());
  article.set_external_id(row[12].as<std::string>());
  for (absl::string_view entry :
       absl::StrSplit(row[13].as<std::string>(), kRecordSeparator, absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> parts = absl::StrSplit(entry, kUnitSeparator);
    pb::Tag* tag = article.add_tags();
    tag->set_slug(std::string(parts.first));
    tag->set_name(std::string(parts.second));
  }
  for (absl::string_view slug :
       absl::StrSplit(row[14].as<std::string>(), kRecordSeparator, absl::SkipEmpty())) {
    article.add_previous_slugs(std::string(slug));
  }
  return article;
}

absl::StatusOr<pb::Article> LoadArticle(pqxx::transaction_base& tx, int64_t id) {
  pqxx::result rows = tx.exec_prepared("article_by_id", id);
  if (rows.empty()) return absl::NotFoundError(absl::StrCat("article ", id, " does not exist"));
  return RowToArticle(rows[0]);
}

pb::ArticleEvent EventFor(pb::ArticleEvent::Kind kind, const pb::Article& article) {
  pb::ArticleEvent event;
  event.set_kind(kind);
  event.set_article_id(article.id());
  event.set_version(article.version());
  event.add_slugs(article.slug());
  for (const std::string& slug : article.previous_slugs()) event.add_slugs(slug);
  event.set_section(article.section());
  for (const pb::Tag& tag : article.tags()) event.add_tags(tag.slug());
  return event;
}

// Writes `event` to the outbox in the caller's transaction; returns it with
// its id and time filled in.
pb::ArticleEvent AppendEvent(pqxx::transaction_base& tx, pb::ArticleEvent event) {
  event.set_event_id(tx.exec1("SELECT nextval('article_outbox_id_seq')")[0].as<int64_t>());
  *event.mutable_occurred_at() = TimeUtil::GetCurrentTime();
  tx.exec_params0("INSERT INTO article_outbox (id, payload) VALUES ($1, decode($2, 'hex'))",
                  event.event_id(), absl::BytesToHexString(event.SerializeAsString()));
  return event;
}

pb::ArticleEvent AppendEvent(pqxx::transaction_base& tx, pb::ArticleEvent::Kind kind,
                             const pb::Article& article) {
  return AppendEvent(tx, EventFor(kind, article));
}

absl::Status CheckSection(pqxx::transaction_base& tx, const std::string& section) {
  if (tx.exec_params("SELECT 1 FROM sections WHERE slug = $1", section).empty()) {
    return absl::InvalidArgumentError("section \"" + section +
                                      "\" does not exist; ListSections shows the sections");
  }
  return absl::OkStatus();
}

// The slug an article gets: `wanted` when free (or already its own); when
// taken, an editor's choice is refused and a derived one gets the id added.
absl::StatusOr<std::string> PickSlug(pqxx::transaction_base& tx, int64_t id,
                                     const std::string& wanted, bool chosen_by_editor) {
  pqxx::result owner =
      tx.exec_params("SELECT article_id FROM article_slugs WHERE slug = $1", wanted);
  if (owner.empty() || owner[0][0].as<int64_t>() == id) return wanted;
  if (chosen_by_editor) {
    return absl::AlreadyExistsError(absl::StrCat("slug \"", wanted,
                                                 "\" is already used by article ",
                                                 owner[0][0].as<int64_t>(), "; choose another"));
  }
  return absl::StrCat(wanted, "-", id);
}

void RecordSlug(pqxx::transaction_base& tx, int64_t id, const std::string& slug) {
  tx.exec_params0(
      "INSERT INTO article_slugs (slug, article_id) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING",
      slug, id);
}

// Finds the tag an editor's spelling belongs to, creating it on first use.
int64_t ResolveTag(pqxx::transaction_base& tx, const TagInput& tag) {
  pqxx::result found =
      tx.exec_params("SELECT tag_id FROM tag_keys WHERE identity_key = $1", tag.identity_key);
  int64_t tag_id;
  if (!found.empty()) {
    tag_id = found[0][0].as<int64_t>();
  } else {
    std::string slug = tag.slug;
    for (int suffix = 2; !tx.exec_params("SELECT 1 FROM tags WHERE slug = $1", slug).empty();
         ++suffix) {
      slug = absl::StrCat(tag.slug, "-", suffix);
    }
    tag_id = tx.exec_params1("INSERT INTO tags (slug, name) VALUES ($1, $2) RETURNING id", slug,
                             tag.name)[0]
                 .as<int64_t>();
    tx.exec_params0("INSERT INTO tag_keys (identity_key, tag_id) VALUES ($1, $2)", tag.identity_key,
                    tag_id);
  }
  tx.exec_params0(
      "INSERT INTO tag_spellings (tag_id, spelling) VALUES ($1, $2) ON CONFLICT DO NOTHING", tag_id,
      tag.name);
  return tag_id;
}

void ReplaceTags(pqxx::transaction_base& tx, int64_t article_id,
                 const std::vector<TagInput>& tags) {
  // Serialises creation of the same new tag by concurrent writers; locks are
  // taken in key order so that two writers cannot deadlock on them.
  std::vector<std::string> keys;
  for (const TagInput& tag : tags) keys.push_back(tag.identity_key);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (const std::string& key : keys) {
    tx.exec_params("SELECT pg_advisory_xact_lock(hashtext('tag:' || $1))", key);
  }
  tx.exec_params0("DELETE FROM article_tags WHERE article_id = $1", article_id);
  int position = 0;
  for (const TagInput& tag : tags) {
    tx.exec_params0(
        "INSERT INTO article_tags (article_id, tag_id, position) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING",
        article_id, ResolveTag(tx, tag), position++);
  }
}

struct NewArticle {
  const ArticleInput& input;
  pb::ArticleStatus status;
  int64_t published_at_us;  // 0: none
  std::string external_id;
  std::string digest;
};

absl::StatusOr<int64_t> InsertArticle(pqxx::transaction_base& tx, const NewArticle& fresh) {
  const pb::Article& article = fresh.input.article;
  if (absl::Status status = CheckSection(tx, article.section()); !status.ok()) return status;
  int64_t id = tx.exec1("SELECT nextval('articles_id_seq')")[0].as<int64_t>();
  absl::StatusOr<std::string> slug =
      PickSlug(tx, id, article.slug(), fresh.input.slug_chosen_by_editor);
  if (!slug.ok()) return slug.status();
  tx.exec_params0(
      "INSERT INTO articles (id, slug, section, title, summary, content, author, status,"
      " published_at, external_id, import_digest)"
      " VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8,"
      " CASE WHEN $9::bigint <> 0 THEN to_timestamp($9::bigint / 1e6)"
      "      WHEN $8 = 'published' THEN now() END,"
      " nullif($10, ''), nullif($11, ''))",
      id, *slug, article.section(), article.title(), article.summary(), ContentJson(article),
      article.author(), std::string(StatusName(fresh.status)), fresh.published_at_us,
      fresh.external_id, fresh.digest);
  RecordSlug(tx, id, *slug);
  ReplaceTags(tx, id, fresh.input.tags);
  return id;
}

pb::ArticleEvent::Kind EventKindForStatus(pb::ArticleStatus status) {
  switch (status) {
    case pb::ARTICLE_STATUS_PUBLISHED:
      return pb::ArticleEvent::KIND_PUBLISHED;
    case pb::ARTICLE_STATUS_SCHEDULED:
      return pb::ArticleEvent::KIND_SCHEDULED;
    default:
      return pb::ArticleEvent::KIND_CREATED;
  }
}

std::string IdArray(const std::vector<int64_t>& ids) { return "{" + absl::StrJoin(ids, ",") + "}"; }

std::string LikePrefix(const std::string& prefix) {
  std::string escaped;
  for (char c : prefix) {
    if (c == '%' || c == '_' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return escaped + "%";
}

pb::Tag RowToTag(const pqxx::row& row) {
  pb::Tag tag;
  tag.set_slug(row[0].as<std::string>());
  tag.set_name(row[1].as<std::string>());
  tag.set_article_count(row[2].as<int64_t>());
  for (absl::string_view alias :
       absl::StrSplit(row[3].as<std::string>(), kRecordSeparator, absl::SkipEmpty())) {
    tag.add_aliases(std::string(alias));
  }
  return tag;
}

constexpr char kTagColumns[] =
    "t.slug, t.name,"
    " (SELECT count(*) FROM article_tags at JOIN articles a ON a.id = at.article_id"
    "  WHERE at.tag_id = t.id AND a.status = 'published'),"
    " coalesce((SELECT string_agg(s.spelling, chr(30) ORDER BY s.spelling) FROM tag_spellings s"
    "           WHERE s.tag_id = t.id AND s.spelling <> t.name), '')";

absl::StatusOr<int64_t> FindTagId(pqxx::transaction_base& tx, const TagInput& tag) {
  pqxx::result rows = tx.exec_params(
      "SELECT id FROM tags WHERE slug = $1"
      " UNION ALL SELECT tag_id FROM tag_keys WHERE identity_key = $2 LIMIT 1",
      tag.slug, tag.identity_key);
  if (rows.empty()) return absl::NotFoundError("tag \"" + tag.name + "\" does not exist");
  return rows[0][0].as<int64_t>();
}

}  // namespace

std::vector<db::Statement> PgArticleStore::Statements() {
  return {
      {"article_by_id", "SELECT " + FullColumns() + " FROM articles a WHERE a.id = $1"},
      {"article_by_slug", "SELECT " + FullColumns() +
                              " FROM articles a JOIN article_slugs s ON s.article_id = a.id"
                              " WHERE s.slug = $1"},
      {"articles_by_ids",
       "SELECT " + FullColumns() + " FROM articles a WHERE a.id = ANY($1::bigint[])"},
  };
}

absl::StatusOr<pb::Article> PgArticleStore::GetById(int64_t id) {
  absl::StatusOr<pb::Article> result;
  absl::Status status = database_.reader().Read("article_by_id", [&](pqxx::work& tx) {
    result = LoadArticle(tx, id);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<pb::Article> PgArticleStore::GetBySlug(const std::string& slug) {
  absl::StatusOr<pb::Article> result;
  absl::Status status = database_.reader().Read("article_by_slug", [&](pqxx::work& tx) {
    pqxx::result rows = tx.exec_prepared("article_by_slug", slug);
    result = rows.empty() ? absl::StatusOr<pb::Article>(
                                absl::NotFoundError("no article has the slug \"" + slug + "\""))
                          : RowToArticle(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::vector<pb::Article>> PgArticleStore::GetByIds(const std::vector<int64_t>& ids) {
  std::vector<pb::Article> articles;
  absl::Status status = database_.reader().Read("articles_by_ids", [&](pqxx::work& tx) {
    for (const pqxx::row& row : tx.exec_prepared("articles_by_ids", IdArray(ids))) {
      articles.push_back(RowToArticle(row));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return articles;
}

absl::StatusOr<ListPage> PgArticleStore::List(const ListFilter& filter) {
  // Unset filters are '' or 0 and switch their condition off, so one
  // parameterised statement serves every combination.
  static const std::string kWhere =
      " WHERE a.status = $1"
      " AND ($2 = '' OR a.section = $2)"
      " AND ($3::bigint = 0 OR EXISTS (SELECT 1 FROM article_tags at WHERE at.article_id = a.id"
      "                        AND at.tag_id = $3))"
      " AND ($4 = '' OR a.author = $4)"
      " AND ($5::bigint = 0 OR a.sort_at >= to_timestamp($5::bigint / 1e6))"
      " AND ($6::bigint = 0 OR a.sort_at < to_timestamp($6::bigint / 1e6))";
  ListPage page;
  absl::Status status = database_.reader().Read("list_articles", [&](pqxx::work& tx) {
    int64_t tag_id = 0;
    if (!filter.tag.empty()) {
      pqxx::result tag = tx.exec_params(
          "SELECT id FROM tags WHERE slug = $1"
          " UNION ALL SELECT tag_id FROM tag_keys WHERE identity_key = $1 LIMIT 1",
          filter.tag);
      if (tag.empty()) return absl::OkStatus();  // an unknown tag has no articles
      tag_id = tag[0][0].as<int64_t>();
    }
    page.total = tx.exec_params1("SELECT count(*) FROM articles a" + kWhere, filter.status,
                                 filter.section, tag_id, filter.author, filter.published_after_us,
                                 filter.published_before_us)[0]
                     .as<int64_t>();
    int64_t after_sort = filter.after ? filter.after->sort_at_us : 0;
    int64_t after_id = filter.after ? filter.after->id : 0;
    pqxx::result rows = tx.exec_params(
        "SELECT " + ArticleColumns(!filter.omit_body) + ", epoch_us(a.sort_at) FROM articles a" +
            kWhere +
            " AND ($7::bigint = 0 OR (epoch_us(a.sort_at), a.id) < ($7::bigint, $8::bigint))"
            " ORDER BY a.sort_at DESC, a.id DESC LIMIT $9",
        filter.status, filter.section, tag_id, filter.author, filter.published_after_us,
        filter.published_before_us, after_sort, after_id, filter.page_size + 1);
    for (const pqxx::row& row : rows) {
      if (static_cast<int>(page.articles.size()) == filter.page_size) {
        const pqxx::row& last = rows[filter.page_size - 1];
        page.next = Cursor{last[15].as<int64_t>(), last[0].as<int64_t>()};
        break;
      }
      page.articles.push_back(RowToArticle(row));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<WriteResult> PgArticleStore::Create(const ArticleInput& input,
                                                   const std::string& request_id) {
  WriteResult result;
  absl::Status status = database_.primary().Transact("create_article", [&](pqxx::work& tx) {
    if (!request_id.empty()) {
      tx.exec_params("SELECT pg_advisory_xact_lock(hashtext('create:' || $1))", request_id);
      pqxx::result seen = tx.exec_params(
          "SELECT article_id FROM create_requests WHERE request_id = $1", request_id);
      if (!seen.empty()) {
        absl::StatusOr<pb::Article> first = LoadArticle(tx, seen[0][0].as<int64_t>());
        if (!first.ok()) return first.status();
        result.article = *std::move(first);
        return absl::OkStatus();
      }
    }
    int64_t published_at = input.article.has_published_at()
                               ? TimeUtil::TimestampToMicroseconds(input.article.published_at())
                               : 0;
    absl::StatusOr<int64_t> id =
        InsertArticle(tx, {input, input.article.status(), published_at, "", ""});
    if (!id.ok()) return id.status();
    if (!request_id.empty()) {
      tx.exec_params0("INSERT INTO create_requests (request_id, article_id) VALUES ($1, $2)",
                      request_id, *id);
    }
    absl::StatusOr<pb::Article> created = LoadArticle(tx, *id);
    if (!created.ok()) return created.status();
    result.article = *std::move(created);
    result.events.push_back(
        AppendEvent(tx, EventKindForStatus(result.article.status()), result.article));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<WriteResult> PgArticleStore::Update(int64_t id, const ArticleInput& input,
                                                   const std::vector<std::string>& paths,
                                                   int64_t expected_version) {
  WriteResult result;
  absl::Status status = database_.primary().Transact("update_article", [&](pqxx::work& tx) {
    pqxx::result locked =
        tx.exec_params("SELECT version, status FROM articles WHERE id = $1 FOR UPDATE", id);
    if (locked.empty()) return absl::NotFoundError(absl::StrCat("article ", id, " does not exist"));
    int64_t version = locked[0][0].as<int64_t>();
    if (version != expected_version) {
      return absl::AbortedError(absl::StrCat("article ", id, " is at version ", version, ", not ",
                                             expected_version,
                                             ": reload it and apply your change again"));
    }
    if (locked[0][1].as<std::string>() == "taken_down") {
      return absl::FailedPreconditionError(
          absl::StrCat("article ", id, " was taken down and can no longer be edited"));
    }
    absl::StatusOr<pb::Article> current = LoadArticle(tx, id);
    if (!current.ok()) return current.status();
    pb::Article& article = *current;
    const pb::Article& changes = input.article;
    for (const std::string& path : paths) {
      if (path == "slug") {
        absl::StatusOr<std::string> slug = PickSlug(tx, id, changes.slug(), true);
        if (!slug.ok()) return slug.status();
        article.set_slug(*slug);
        RecordSlug(tx, id, *slug);
      } else if (path == "section") {
        if (absl::Status ok = CheckSection(tx, changes.section()); !ok.ok()) return ok;
        article.set_section(changes.section());
      } else if (path == "title") {
        article.set_title(changes.title());
      } else if (path == "summary") {
        article.set_summary(changes.summary());
      } else if (path == "body") {
        *article.mutable_body() = changes.body();
      } else if (path == "author") {
        article.set_author(changes.author());
      } else if (path == "image") {
        if (changes.has_image()) {
          *article.mutable_image() = changes.image();
        } else {
          article.clear_image();
        }
      } else if (path == "tags") {
        ReplaceTags(tx, id, input.tags);
      }
    }
    tx.exec_params0(
        "UPDATE articles SET slug = $2, section = $3, title = $4, summary = $5,"
        " content = $6::jsonb, author = $7, version = version + 1, updated_at = now()"
        " WHERE id = $1",
        id, article.slug(), article.section(), article.title(), article.summary(),
        ContentJson(article), article.author());
    absl::StatusOr<pb::Article> updated = LoadArticle(tx, id);
    if (!updated.ok()) return updated.status();
    result.article = *std::move(updated);
    result.events.push_back(AppendEvent(tx, pb::ArticleEvent::KIND_UPDATED, result.article));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<WriteResult> PgArticleStore::ApplyTransition(const TransitionInput& input) {
  WriteResult result;
  absl::Status status = database_.primary().Transact("transition_article", [&](pqxx::work& tx) {
    pqxx::result locked = tx.exec_params(
        "SELECT version, status, to_timestamp($2::bigint / 1e6) > now()"
        " FROM articles WHERE id = $1 FOR UPDATE",
        input.id, input.publish_at_us);
    if (locked.empty()) {
      return absl::NotFoundError(absl::StrCat("article ", input.id, " does not exist"));
    }
    int64_t version = locked[0][0].as<int64_t>();
    std::string current = locked[0][1].as<std::string>();
    bool in_future = locked[0][2].as<bool>();
    if (input.expected_version != 0 && version != input.expected_version) {
      return absl::AbortedError(absl::StrCat("article ", input.id, " is at version ", version,
                                             ", not ", input.expected_version,
                                             ": reload it and try again"));
    }
    // How published_at changes: "keep" it, set it to the requested time
    // ("at"), or "now" — except that republishing keeps the original date.
    std::string next;
    std::string published_at_mode = "keep";
    pb::ArticleEvent::Kind kind = pb::ArticleEvent::KIND_UPDATED;
    switch (input.transition) {
      case Transition::kPublish:
        if (current == "taken_down") {
          return absl::FailedPreconditionError(
              absl::StrCat("article ", input.id, " was taken down and cannot be published"));
        }
        next = in_future ? "scheduled" : "published";
        published_at_mode = in_future ? "at" : "now";
        kind = in_future ? pb::ArticleEvent::KIND_SCHEDULED : pb::ArticleEvent::KIND_PUBLISHED;
        break;
      case Transition::kUnpublish:
        if (current == "taken_down" || current == "draft") {
          return absl::FailedPreconditionError(absl::StrCat(
              "article ", input.id, " is ", current == "draft" ? "a draft" : "taken down",
              " and cannot be unpublished"));
        }
        next = "unpublished";
        kind = pb::ArticleEvent::KIND_UNPUBLISHED;
        break;
      case Transition::kTakedown:
        next = "taken_down";
        kind = pb::ArticleEvent::KIND_TAKEN_DOWN;
        break;
    }
    bool unchanged = next == current && next != "scheduled";
    if (!unchanged) {
      tx.exec_params0(
          "UPDATE articles SET status = $2,"
          " published_at = CASE $3"
          "   WHEN 'at' THEN to_timestamp($4::bigint / 1e6)"
          "   WHEN 'now' THEN CASE WHEN status = 'unpublished' AND published_at IS NOT NULL"
          "                   THEN published_at ELSE now() END"
          "   ELSE published_at END,"
          " takedown_reason = CASE WHEN $2 = 'taken_down' THEN $5 ELSE takedown_reason END,"
          " version = version + 1, updated_at = now() WHERE id = $1",
          input.id, next, published_at_mode, input.publish_at_us, input.reason);
    }
    absl::StatusOr<pb::Article> article = LoadArticle(tx, input.id);
    if (!article.ok()) return article.status();
    result.article = *std::move(article);
    if (!unchanged) result.events.push_back(AppendEvent(tx, kind, result.article));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<ImportWrite> PgArticleStore::Import(const ArticleInput& input,
                                                   pb::ArticleStatus status_wanted,
                                                   int64_t published_at_us,
                                                   const std::string& digest) {
  ImportWrite write;
  const std::string& external_id = input.article.external_id();
  absl::Status status = database_.primary().Transact("import_article", [&](pqxx::work& tx) {
    tx.exec_params("SELECT pg_advisory_xact_lock(hashtext('import:' || $1))", external_id);
    pqxx::result existing = tx.exec_params(
        "SELECT id, coalesce(import_digest, ''), status FROM articles WHERE external_id = $1"
        " FOR UPDATE",
        external_id);
    int64_t id;
    pb::ArticleEvent::Kind kind;
    if (existing.empty()) {
      absl::StatusOr<int64_t> created =
          InsertArticle(tx, {input, status_wanted, published_at_us, external_id, digest});
      if (!created.ok()) return created.status();
      id = *created;
      write.outcome = ImportOutcome::kCreated;
      kind = EventKindForStatus(status_wanted);
    } else {
      id = existing[0][0].as<int64_t>();
      if (existing[0][2].as<std::string>() == "taken_down") {
        return absl::FailedPreconditionError(
            absl::StrCat("article ", id, " was taken down; an import cannot bring it back"));
      }
      if (existing[0][1].as<std::string>() == digest) {
        absl::StatusOr<pb::Article> same = LoadArticle(tx, id);
        if (!same.ok()) return same.status();
        write.outcome = ImportOutcome::kUnchanged;
        write.result.article = *std::move(same);
        return absl::OkStatus();
      }
      const pb::Article& article = input.article;
      if (absl::Status ok = CheckSection(tx, article.section()); !ok.ok()) return ok;
      tx.exec_params0(
          "UPDATE articles SET section = $2, title = $3, summary = $4, content = $5::jsonb,"
          " author = $6, status = $7,"
          " published_at = CASE WHEN $8::bigint = 0 THEN published_at"
          "                ELSE to_timestamp($8::bigint / 1e6) END,"
          " import_digest = $9, version = version + 1, updated_at = now() WHERE id = $1",
          id, article.section(), article.title(), article.summary(), ContentJson(article),
          article.author(), std::string(StatusName(status_wanted)), published_at_us, digest);
      ReplaceTags(tx, id, input.tags);
      write.outcome = ImportOutcome::kUpdated;
      kind = pb::ArticleEvent::KIND_UPDATED;
    }
    absl::StatusOr<pb::Article> article = LoadArticle(tx, id);
    if (!article.ok()) return article.status();
    write.result.article = *std::move(article);
    write.result.events.push_back(AppendEvent(tx, kind, write.result.article));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return write;
}

absl::StatusOr<std::vector<pb::ArticleEvent>> PgArticleStore::PublishDue() {
  std::vector<pb::ArticleEvent> events;
  absl::Status status = database_.primary().Transact("publish_due", [&](pqxx::work& tx) {
    // SKIP LOCKED: replicas running this at once share the work, never block.
    pqxx::result due = tx.exec(
        "WITH due AS (SELECT id FROM articles WHERE status = 'scheduled' AND published_at <= "
        " now() ORDER BY published_at LIMIT 100 FOR UPDATE SKIP LOCKED)"
        " UPDATE articles a SET status = 'published', version = a.version + 1,"
        " updated_at = now() FROM due WHERE a.id = due.id RETURNING a.id");
    for (const pqxx::row& row : due) {
      absl::StatusOr<pb::Article> article = LoadArticle(tx, row[0].as<int64_t>());
      if (!article.ok()) return article.status();
      events.push_back(AppendEvent(tx, pb::ArticleEvent::KIND_PUBLISHED, *article));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return events;
}

absl::StatusOr<std::vector<pb::Section>> PgArticleStore::ListSections() {
  std::vector<pb::Section> sections;
  absl::Status status = database_.reader().Read("list_sections", [&](pqxx::work& tx) {
    for (const pqxx::row& row :
         tx.exec("SELECT slug, name, position FROM sections ORDER BY position, slug")) {
      pb::Section& section = sections.emplace_back();
      section.set_slug(row[0].as<std::string>());
      section.set_name(row[1].as<std::string>());
      section.set_position(row[2].as<int>());
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return sections;
}

absl::StatusOr<pb::Section> PgArticleStore::CreateSection(const pb::Section& section) {
  absl::Status status = database_.primary().Transact("create_section", [&](pqxx::work& tx) {
    pqxx::result inserted = tx.exec_params(
        "INSERT INTO sections (slug, name, position) VALUES ($1, $2, $3)"
        " ON CONFLICT (slug) DO NOTHING RETURNING slug",
        section.slug(), section.name(), section.position());
    if (inserted.empty()) {
      return absl::AlreadyExistsError("section \"" + section.slug() + "\" already exists");
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return section;
}

absl::StatusOr<TagPage> PgArticleStore::ListTags(const std::string& key_prefix, int page_size,
                                                 const std::string& after_slug) {
  TagPage page;
  absl::Status status = database_.reader().Read("list_tags", [&](pqxx::work& tx) {
    pqxx::result rows = tx.exec_params(
        std::string("SELECT ") + kTagColumns +
            " FROM tags t WHERE t.slug > $2 AND ($1 = '' OR EXISTS (SELECT 1 FROM tag_keys k"
            " WHERE k.tag_id = t.id AND k.identity_key LIKE $3))"
            " ORDER BY t.slug LIMIT $4",
        key_prefix, after_slug, LikePrefix(key_prefix), page_size + 1);
    for (const pqxx::row& row : rows) {
      if (static_cast<int>(page.tags.size()) == page_size) {
        page.next_slug = page.tags.back().slug();
        break;
      }
      page.tags.push_back(RowToTag(row));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<pb::Tag> PgArticleStore::GetTag(const std::string& slug, const std::string& key) {
  absl::StatusOr<pb::Tag> tag;
  absl::Status status = database_.reader().Read("get_tag", [&](pqxx::work& tx) {
    pqxx::result rows = tx.exec_params(std::string("SELECT ") + kTagColumns +
                                           " FROM tags t WHERE t.slug = $1 OR t.id ="
                                           " (SELECT tag_id FROM tag_keys WHERE identity_key = $2)"
                                           " ORDER BY t.slug = $1 DESC LIMIT 1",
                                       slug, key);
    tag = rows.empty()
              ? absl::StatusOr<pb::Tag>(absl::NotFoundError("tag \"" + slug + "\" does not exist"))
              : RowToTag(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return tag;
}

absl::StatusOr<MergeResult> PgArticleStore::MergeTags(const TagInput& source,
                                                      const TagInput& target) {
  MergeResult result;
  absl::Status status = database_.primary().Transact("merge_tags", [&](pqxx::work& tx) {
    absl::StatusOr<int64_t> source_id = FindTagId(tx, source);
    if (!source_id.ok()) return source_id.status();
    absl::StatusOr<int64_t> target_id = FindTagId(tx, target);
    if (!target_id.ok()) return target_id.status();
    if (*source_id == *target_id) {
      return absl::InvalidArgumentError("\"" + source.name + "\" and \"" + target.name +
                                        "\" are already the same tag");
    }
    std::string source_slug =
        tx.exec_params1("SELECT slug FROM tags WHERE id = $1", *source_id)[0].as<std::string>();
    std::vector<int64_t> moved;
    for (const pqxx::row& row : tx.exec_params(
             "SELECT article_id FROM article_tags WHERE tag_id = $1 ORDER BY article_id FOR UPDATE",
             *source_id)) {
      moved.push_back(row[0].as<int64_t>());
    }
    tx.exec_params0(
        "INSERT INTO article_tags (article_id, tag_id, position)"
        " SELECT article_id, $2, position FROM article_tags WHERE tag_id = $1"
        " ON CONFLICT DO NOTHING",
        *source_id, *target_id);
    tx.exec_params0("UPDATE tag_keys SET tag_id = $2 WHERE tag_id = $1", *source_id, *target_id);
    tx.exec_params0(
        "INSERT INTO tag_spellings (tag_id, spelling)"
        " SELECT $2, spelling FROM tag_spellings WHERE tag_id = $1 ON CONFLICT DO NOTHING",
        *source_id, *target_id);
    tx.exec_params0("DELETE FROM tags WHERE id = $1", *source_id);
    tx.exec_params0(
        "UPDATE articles SET version = version + 1, updated_at = now()"
        " WHERE id = ANY($1::bigint[])",
        IdArray(moved));
    for (int64_t id : moved) {
      absl::StatusOr<pb::Article> article = LoadArticle(tx, id);
      if (!article.ok()) return article.status();
      result.events.push_back(AppendEvent(tx, pb::ArticleEvent::KIND_UPDATED, *article));
    }
    pqxx::result tag = tx.exec_params(
        std::string("SELECT ") + kTagColumns + " FROM tags t WHERE t.id = $1", *target_id);
    result.tag = RowToTag(tag[0]);
    result.articles_moved = static_cast<int64_t>(moved.size());
    pb::ArticleEvent merged;
    merged.set_kind(pb::ArticleEvent::KIND_TAGS_MERGED);
    merged.add_tags(source_slug);
    merged.add_tags(result.tag.slug());
    result.events.push_back(AppendEvent(tx, std::move(merged)));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

}  // namespace akhbar::article
