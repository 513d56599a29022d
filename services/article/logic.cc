#include "services/article/logic.h"

#include <google/protobuf/util/time_util.h>

#include <random>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/crypto/sha256.h"
#include "libs/text/arabic.h"
#include "services/article/validation.h"

namespace akhbar::article {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;
constexpr std::size_t kMaxBatch = 100;
const std::set<std::string> kUpdatablePaths = {"slug", "section", "title",  "summary",
                                               "body", "tags",    "author", "image"};

bool Visible(const pb::Article& article, Viewer viewer) {
  return viewer.sees_unpublished || article.status() == pb::ARTICLE_STATUS_PUBLISHED;
}

absl::Status ArticleNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("article ", id, " does not exist"));
}

std::vector<std::string> TagNames(const pb::Article& article) {
  std::vector<std::string> names;
  for (const pb::Tag& tag : article.tags()) names.push_back(tag.name());
  return names;
}

int64_t Micros(const google::protobuf::Timestamp& timestamp) {
  return TimeUtil::TimestampToMicroseconds(timestamp);
}

int64_t NowMicros() { return Micros(TimeUtil::GetCurrentTime()); }

// Fills in the slug and tags of an article about to be written.
absl::StatusOr<ArticleInput> PrepareInput(const pb::Article& article, bool with_slug,
                                          bool with_tags) {
  ArticleInput input;
  input.article = article;
  if (with_slug) {
    input.slug_chosen_by_editor = !article.slug().empty();
    if (!input.slug_chosen_by_editor) {
      input.article.set_slug(text::MakeSlug(article.title()));
      if (input.article.slug().empty()) {
        return absl::InvalidArgumentError(
            "the title has no letters or digits to make a slug from; set slug");
      }
    }
  }
  if (with_tags) {
    absl::StatusOr<std::vector<TagInput>> tags = ToTagInputs(TagNames(article));
    if (!tags.ok()) return tags.status();
    input.tags = *std::move(tags);
  }
  return input;
}

TagInput TagLookup(const std::string& slug_or_name) {
  return {slug_or_name, text::FoldIdentity(slug_or_name), NormalizeSlugLookup(slug_or_name)};
}

// What GetBySlug and GetTag look up at all; anything else is refused before
// a lookup. The bound also keeps the not-found message (which quotes the
// slug) far below gRPC's 8 KB limit on a reply's metadata, past which the
// caller would see RESOURCE_EXHAUSTED instead. A control character is in no
// slug, and a NUL would cut the value short in the database driver, where
// "slug\0anything" would find "slug".
bool IsSlugLookup(const std::string& slug) {
  if (slug.empty() || slug.size() > 400 || !text::IsValidUtf8(slug)) return false;
  for (const unsigned char c : slug) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

constexpr char kSlugLookupRule[] =
    "slug must be non-empty UTF-8 of at most 400 bytes, without control characters";

}  // namespace

ArticleLogic::ArticleLogic(ArticleStore& store, ArticleCache& cache, LogicOptions options,
                           ArticleCache* editor_cache)
    : store_(store),
      cache_(cache),
      editor_cache_(editor_cache != nullptr ? *editor_cache : cache),
      options_(options) {}

std::chrono::milliseconds ArticleLogic::JitteredTtl() {
  thread_local std::mt19937 engine{std::random_device{}()};
  std::uniform_real_distribution<double> factor(1.0 - options_.cache_ttl_jitter,
                                                1.0 + options_.cache_ttl_jitter);
  return std::chrono::milliseconds(
      static_cast<int64_t>(static_cast<double>(options_.cache_ttl.count()) * factor(engine)));
}

void ArticleLogic::Store(ArticleCache& cache, const std::string& key, const pb::Article& article) {
  // A failed write only costs a later miss.
  (void)cache.Set(key, article.SerializeAsString(), JitteredTtl());
}

absl::StatusOr<pb::Article> ArticleLogic::LoadCached(
    ArticleCache& cache, const std::string& key,
    const std::function<absl::StatusOr<pb::Article>()>& load) {
  absl::StatusOr<std::optional<std::string>> cached = cache.Get(key);
  if (cached.ok() && cached->has_value()) {
    if ((*cached)->empty()) return absl::NotFoundError("not found (cached)");
    pb::Article article;
    if (article.ParseFromString(**cached)) return article;
  }
  return loads_.Do(key, [&]() -> absl::StatusOr<pb::Article> {
    absl::StatusOr<pb::Article> loaded = load();
    if (loaded.ok()) {
      Store(cache, key, *loaded);
    } else if (absl::IsNotFound(loaded.status())) {
      (void)cache.Set(key, "", options_.negative_ttl);
    }
    return loaded;
  });
}

absl::StatusOr<GetResult> ArticleLogic::GetById(int64_t id, Viewer viewer) {
  if (id <= 0) return absl::InvalidArgumentError("id must be a positive number");
  absl::StatusOr<pb::Article> article =
      LoadCached(CacheFor(viewer), CacheKeyForId(id), [&] { return store_.GetById(id); });
  if (absl::IsNotFound(article.status())) return ArticleNotFound(id);
  if (!article.ok()) return article.status();
  if (!Visible(*article, viewer)) return ArticleNotFound(id);
  return GetResult{*std::move(article), false};
}

absl::StatusOr<GetResult> ArticleLogic::GetBySlug(const std::string& slug, Viewer viewer) {
  if (!IsSlugLookup(slug)) return absl::InvalidArgumentError(kSlugLookupRule);
  const std::string normalized = NormalizeSlugLookup(slug);
  absl::Status not_found = absl::NotFoundError("no article has the slug \"" + slug + "\"");
  absl::StatusOr<pb::Article> article = LoadCached(CacheFor(viewer), CacheKeyForSlug(normalized),
                                                   [&] { return store_.GetBySlug(normalized); });
  if (absl::IsNotFound(article.status())) return not_found;
  if (!article.ok()) return article.status();
  if (!Visible(*article, viewer)) return not_found;
  bool outdated = article->slug() != normalized;
  return GetResult{*std::move(article), outdated};
}

std::shared_ptr<const HeldArticle> ArticleLogic::TryGetEncoded(const pb::GetArticleRequest& request,
                                                               Viewer viewer) {
  // Editors read around the in-process cache (see the constructor).
  if (viewer.sees_unpublished) return nullptr;
  std::shared_ptr<const HeldArticle> held;
  if (request.key_case() == pb::GetArticleRequest::kId && request.id() > 0) {
    held = cache_.PeekArticle(CacheKeyForId(request.id()));
  } else if (request.key_case() == pb::GetArticleRequest::kSlug && IsSlugLookup(request.slug())) {
    const std::string normalized = NormalizeSlugLookup(request.slug());
    held = cache_.PeekArticle(CacheKeyForSlug(normalized));
    if (held != nullptr && held->slug != normalized) return nullptr;
  }
  if (held == nullptr || held->status != pb::ARTICLE_STATUS_PUBLISHED) return nullptr;
  return held;
}

absl::StatusOr<BatchResult> ArticleLogic::BatchGet(const std::vector<int64_t>& ids, Viewer viewer) {
  if (ids.size() > kMaxBatch) {
    return absl::InvalidArgumentError(
        absl::StrCat("ask for at most ", kMaxBatch, " ids at once; got ", ids.size()));
  }
  std::map<int64_t, pb::Article> found;
  std::vector<std::string> keys;
  for (int64_t id : ids) keys.push_back(CacheKeyForId(id));
  std::vector<int64_t> misses;
  ArticleCache& cache = CacheFor(viewer);
  absl::StatusOr<std::vector<std::optional<std::string>>> cached = cache.MGet(keys);
  std::set<int64_t> negative;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (found.count(ids[i])) continue;
    if (cached.ok() && (*cached)[i].has_value()) {
      if ((*cached)[i]->empty()) {
        negative.insert(ids[i]);
        continue;
      }
      pb::Article article;
      if (article.ParseFromString(*(*cached)[i])) {
        found.emplace(ids[i], std::move(article));
        continue;
      }
    }
    misses.push_back(ids[i]);
  }
  if (!misses.empty()) {
    absl::StatusOr<std::vector<pb::Article>> loaded = store_.GetByIds(misses);
    if (!loaded.ok()) return loaded.status();
    for (pb::Article& article : *loaded) {
      Store(cache, CacheKeyForId(article.id()), article);
      int64_t id = article.id();
      found.emplace(id, std::move(article));
    }
    for (int64_t id : misses) {
      if (!found.count(id)) (void)cache.Set(CacheKeyForId(id), "", options_.negative_ttl);
    }
  }
  BatchResult result;
  for (int64_t id : ids) {
    auto it = found.find(id);
    if (it != found.end() && Visible(it->second, viewer)) {
      result.articles.push_back(it->second);
    } else {
      result.missing_ids.push_back(id);
    }
  }
  return result;
}

absl::StatusOr<ListResult> ArticleLogic::List(const pb::ListArticlesRequest& request,
                                              Viewer viewer) {
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError("page_size must not be negative");
  }
  ListFilter filter;
  filter.page_size =
      request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  filter.section = request.section();
  filter.tag = request.tag().empty() ? "" : text::FoldIdentity(request.tag());
  filter.author = request.author();
  filter.omit_body = request.omit_body();
  if (request.has_published_after()) filter.published_after_us = Micros(request.published_after());
  if (request.has_published_before()) {
    filter.published_before_us = Micros(request.published_before());
  }
  if (viewer.sees_unpublished && request.status() != pb::ARTICLE_STATUS_UNSPECIFIED) {
    static const std::map<pb::ArticleStatus, std::string> kNames = {
        {pb::ARTICLE_STATUS_DRAFT, "draft"},
        {pb::ARTICLE_STATUS_SCHEDULED, "scheduled"},
        {pb::ARTICLE_STATUS_PUBLISHED, "published"},
        {pb::ARTICLE_STATUS_UNPUBLISHED, "unpublished"},
        {pb::ARTICLE_STATUS_TAKEN_DOWN, "taken_down"}};
    auto it = kNames.find(request.status());
    if (it == kNames.end()) return absl::InvalidArgumentError("status is not a known status");
    filter.status = it->second;
  }
  if (!request.page_token().empty()) {
    absl::StatusOr<Cursor> cursor = DecodePageToken(request.page_token());
    if (!cursor.ok()) return cursor.status();
    filter.after = *cursor;
  }
  absl::StatusOr<ListPage> page = store_.List(filter);
  if (!page.ok()) return page.status();
  ListResult result;
  result.articles = std::move(page->articles);
  result.total = page->total;
  if (page->next) result.next_page_token = EncodePageToken(*page->next);
  return result;
}

absl::StatusOr<pb::Article> ArticleLogic::Create(const pb::Article& article,
                                                 const std::string& request_id) {
  if (absl::Status s = ValidateArticle(article, {}); !s.ok()) return s;
  if (request_id.size() > Limits::kRequestIdMax) {
    return absl::InvalidArgumentError(
        absl::StrCat("request_id is longer than ", Limits::kRequestIdMax, " bytes"));
  }
  absl::StatusOr<ArticleInput> input = PrepareInput(article, true, true);
  if (!input.ok()) return input.status();
  pb::Article& fresh = input->article;
  switch (fresh.status()) {
    case pb::ARTICLE_STATUS_UNSPECIFIED:
    case pb::ARTICLE_STATUS_DRAFT:
      fresh.set_status(pb::ARTICLE_STATUS_DRAFT);
      fresh.clear_published_at();
      break;
    case pb::ARTICLE_STATUS_PUBLISHED:
      break;
    case pb::ARTICLE_STATUS_SCHEDULED:
      if (!fresh.has_published_at() || Micros(fresh.published_at()) <= NowMicros()) {
        return absl::InvalidArgumentError("a SCHEDULED article needs published_at in the future");
      }
      break;
    default:
      return absl::InvalidArgumentError(
          "a new article's status must be DRAFT, SCHEDULED or PUBLISHED");
  }
  absl::StatusOr<WriteResult> written = store_.Create(*input, request_id);
  if (!written.ok()) return written.status();
  Invalidate(written->events);
  return written->article;
}

absl::StatusOr<pb::Article> ArticleLogic::Update(const pb::Article& article,
                                                 const std::vector<std::string>& paths,
                                                 int64_t expected_version) {
  if (article.id() <= 0) return absl::InvalidArgumentError("article.id is required");
  if (paths.empty()) {
    return absl::InvalidArgumentError("update_mask must name the fields to change");
  }
  for (const std::string& path : paths) {
    if (!kUpdatablePaths.count(path)) {
      return absl::InvalidArgumentError(
          "update_mask path \"" + path +
          "\" cannot be updated; use slug, section, title, summary, body, tags, author or image");
    }
  }
  if (expected_version <= 0) {
    return absl::InvalidArgumentError("expected_version is required: send the version you edited");
  }
  if (absl::Status s = ValidateArticle(article, paths); !s.ok()) return s;
  bool with_slug = std::find(paths.begin(), paths.end(), "slug") != paths.end();
  if (with_slug && article.slug().empty()) {
    return absl::InvalidArgumentError("slug cannot be set to empty");
  }
  bool with_tags = std::find(paths.begin(), paths.end(), "tags") != paths.end();
  absl::StatusOr<ArticleInput> input = PrepareInput(article, false, with_tags);
  if (!input.ok()) return input.status();
  absl::StatusOr<WriteResult> written =
      store_.Update(article.id(), *input, paths, expected_version);
  if (!written.ok()) return written.status();
  Invalidate(written->events);
  return written->article;
}

absl::StatusOr<pb::Article> ArticleLogic::Transition(const TransitionInput& input) {
  if (input.id <= 0) return absl::InvalidArgumentError("id must be a positive number");
  if (input.transition == Transition::kTakedown) {
    if (absl::Status s = ValidateText("reason", input.reason, 500, false); !s.ok()) return s;
  }
  absl::StatusOr<WriteResult> written = store_.ApplyTransition(input);
  if (!written.ok()) return written.status();
  Invalidate(written->events);
  return written->article;
}

pb::ImportResult ArticleLogic::Import(int index, const pb::ImportArticlesRequest& item) {
  pb::ImportResult result;
  result.set_index(index);
  result.set_external_id(item.external_id());
  auto fail = [&](const absl::Status& status) {
    result.set_outcome(pb::ImportResult::OUTCOME_FAILED);
    result.set_error(std::string(status.message()));
    return result;
  };
  if (absl::Status s = ValidateText("externalId", item.external_id(), Limits::kExternalIdMax, true);
      !s.ok()) {
    return fail(s);
  }
  pb::Article article;
  article.set_external_id(item.external_id());
  article.set_section(item.section());
  article.set_title(item.title());
  article.set_summary(item.summary());
  *article.mutable_body() = item.body();
  for (const std::string& name : item.tags()) article.add_tags()->set_name(name);
  article.set_author(item.author());
  article.set_slug(item.slug());
  if (item.has_image()) *article.mutable_image() = item.image();
  if (absl::Status s = ValidateArticle(article, {}); !s.ok()) return fail(s);
  pb::ArticleStatus status = item.status() == pb::ARTICLE_STATUS_UNSPECIFIED
                                 ? pb::ARTICLE_STATUS_PUBLISHED
                                 : item.status();
  if (status != pb::ARTICLE_STATUS_PUBLISHED && status != pb::ARTICLE_STATUS_DRAFT) {
    return fail(absl::InvalidArgumentError("status must be PUBLISHED or DRAFT in an import"));
  }
  absl::StatusOr<ArticleInput> input = PrepareInput(article, true, true);
  if (!input.ok()) return fail(input.status());
  int64_t published_at = item.has_published_at() ? Micros(item.published_at()) : 0;
  absl::StatusOr<ImportWrite> written =
      store_.Import(*input, status, published_at, crypto::Sha256Hex(item.SerializeAsString()));
  if (!written.ok()) return fail(written.status());
  Invalidate(written->result.events);
  result.set_article_id(written->result.article.id());
  switch (written->outcome) {
    case ImportOutcome::kCreated:
      result.set_outcome(pb::ImportResult::OUTCOME_CREATED);
      break;
    case ImportOutcome::kUpdated:
      result.set_outcome(pb::ImportResult::OUTCOME_UPDATED);
      break;
    case ImportOutcome::kUnchanged:
      result.set_outcome(pb::ImportResult::OUTCOME_UNCHANGED);
      break;
  }
  return result;
}

absl::StatusOr<std::vector<pb::Section>> ArticleLogic::ListSections() {
  return store_.ListSections();
}

absl::StatusOr<pb::Section> ArticleLogic::CreateSection(const pb::Section& section) {
  if (!text::IsValidSlug(section.slug())) {
    return absl::InvalidArgumentError(
        "section.slug must be lower-case Arabic or Latin words and digits joined by hyphens");
  }
  if (absl::Status s = ValidateText("section.name", section.name(), 100, true); !s.ok()) return s;
  return store_.CreateSection(section);
}

absl::StatusOr<pb::ListTagsResponse> ArticleLogic::ListTags(const pb::ListTagsRequest& request) {
  if (request.page_size() < 0) return absl::InvalidArgumentError("page_size must not be negative");
  int page_size = request.page_size() == 0 ? 50 : std::min(request.page_size(), 200);
  std::string after;
  if (!request.page_token().empty() && !absl::WebSafeBase64Unescape(request.page_token(), &after)) {
    return absl::InvalidArgumentError("page_token is not one this service issued");
  }
  if (!text::IsValidUtf8(request.prefix())) {
    return absl::InvalidArgumentError("prefix is not valid UTF-8");
  }
  absl::StatusOr<TagPage> page =
      store_.ListTags(text::FoldIdentity(request.prefix()), page_size, after);
  if (!page.ok()) return page.status();
  pb::ListTagsResponse response;
  for (pb::Tag& tag : page->tags) *response.add_tags() = std::move(tag);
  if (!page->next_slug.empty()) {
    response.set_next_page_token(absl::WebSafeBase64Escape(page->next_slug));
  }
  return response;
}

absl::StatusOr<pb::Tag> ArticleLogic::GetTag(const std::string& slug_or_name) {
  if (!IsSlugLookup(slug_or_name)) return absl::InvalidArgumentError(kSlugLookupRule);
  TagInput lookup = TagLookup(slug_or_name);
  return store_.GetTag(lookup.slug, lookup.identity_key);
}

absl::StatusOr<pb::MergeTagsResponse> ArticleLogic::MergeTags(const std::string& source,
                                                              const std::string& target) {
  for (const auto& [field, value] : {std::pair{"source", &source}, {"target", &target}}) {
    if (absl::Status s = ValidateText(field, *value, Limits::kTagNameMax * 2, true); !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<MergeResult> merged = store_.MergeTags(TagLookup(source), TagLookup(target));
  if (!merged.ok()) return merged.status();
  Invalidate(merged->events);
  pb::MergeTagsResponse response;
  *response.mutable_tag() = merged->tag;
  response.set_articles_moved(merged->articles_moved);
  return response;
}

absl::StatusOr<int> ArticleLogic::PublishDue() {
  absl::StatusOr<std::vector<pb::ArticleEvent>> events = store_.PublishDue();
  if (!events.ok()) return events.status();
  Invalidate(*events);
  return static_cast<int>(events->size());
}

void ArticleLogic::Invalidate(const std::vector<pb::ArticleEvent>& events) {
  std::vector<std::string> keys;
  for (const pb::ArticleEvent& event : events) {
    for (std::string& key : CacheKeysFor(event)) keys.push_back(std::move(key));
  }
  if (!keys.empty()) (void)cache_.Del(keys);
}

std::string EncodePageToken(const Cursor& cursor) {
  return absl::WebSafeBase64Escape(absl::StrCat("a1:", cursor.sort_at_us, ":", cursor.id));
}

absl::StatusOr<Cursor> DecodePageToken(const std::string& token) {
  std::string raw;
  std::vector<std::string> parts;
  Cursor cursor;
  if (absl::WebSafeBase64Unescape(token, &raw)) parts = absl::StrSplit(raw, ':');
  if (parts.size() != 3 || parts[0] != "a1" || !absl::SimpleAtoi(parts[1], &cursor.sort_at_us) ||
      !absl::SimpleAtoi(parts[2], &cursor.id)) {
    return absl::InvalidArgumentError("page_token is not one this service issued");
  }
  return cursor;
}

}  // namespace akhbar::article
