#include "services/ticker/logic.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/text/arabic.h"
#include "services/ticker/validation.h"

namespace akhbar::ticker {
namespace {

using google::protobuf::util::TimeUtil;

// The fields an update may change, as update_mask paths.
struct UpdateFields {
  bool text = false;
  bool link = false;
  bool priority = false;
  bool sections = false;
  bool starts_at = false;
  bool expires_at = false;

  // The canonical paths, for the store.
  std::vector<std::string> Paths() const {
    std::vector<std::string> paths;
    if (text) paths.push_back("text");
    if (link) paths.push_back("link");
    if (priority) paths.push_back("priority");
    if (sections) paths.push_back("sections");
    if (starts_at) paths.push_back("starts_at");
    if (expires_at) paths.push_back("expires_at");
    return paths;
  }
};

absl::StatusOr<UpdateFields> ParsePaths(const std::vector<std::string>& paths) {
  if (paths.empty()) {
    return absl::InvalidArgumentError(
        "update_mask must name the fields to change: text, link, priority, sections, starts_at "
        "or expires_at");
  }
  UpdateFields fields;
  for (const std::string& path : paths) {
    if (path == "text") {
      fields.text = true;
    } else if (path == "link" || path == "article_id" || path == "url") {
      fields.link = true;
    } else if (path == "priority") {
      fields.priority = true;
    } else if (path == "sections") {
      fields.sections = true;
    } else if (path == "starts_at") {
      fields.starts_at = true;
    } else if (path == "expires_at") {
      fields.expires_at = true;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask path \"", path.substr(0, 60),
                       "\" cannot be updated; use text, link, priority, sections, starts_at or "
                       "expires_at"));
    }
  }
  return fields;
}

void CopyLink(const pb::TickerItem& from, pb::TickerItem* to) {
  switch (from.link_case()) {
    case pb::TickerItem::kArticleId:
      to->set_article_id(from.article_id());
      break;
    case pb::TickerItem::kUrl:
      if (from.url().empty()) {
        to->clear_link();
      } else {
        to->set_url(from.url());
      }
      break;
    case pb::TickerItem::LINK_NOT_SET:
      to->clear_link();
      break;
  }
}

absl::Status ValidateRequestId(const std::string& request_id) {
  if (request_id.size() > Limits::kRequestIdMax) {
    return absl::InvalidArgumentError(
        absl::StrCat("request_id is longer than ", Limits::kRequestIdMax, " bytes"));
  }
  return ValidateText("request_id", request_id, Limits::kRequestIdMax, false);
}

absl::Status NoSuchItem(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("ticker item \"", id.substr(0, 40), "\" does not exist"));
}

std::string FormatMicros(int64_t us) {
  return TimeUtil::ToString(TimeUtil::MicrosecondsToTimestamp(us));
}

}  // namespace

std::string NewItemId() {
  thread_local std::mt19937_64 engine{(static_cast<uint64_t>(std::random_device{}()) << 32) ^
                                      std::random_device{}()};
  char id[17];
  std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(engine()));
  return id;
}

TickerLogic::TickerLogic(TickerStore& store, TickerNotifier& notifier, LogicOptions options)
    : store_(store), notifier_(notifier), options_(std::move(options)) {}

int64_t TickerLogic::NowMicros() const {
  if (options_.now_us) return options_.now_us();
  return TimeUtil::TimestampToMicroseconds(TimeUtil::GetCurrentTime());
}

void TickerLogic::Notify(const std::vector<StoredEvent>& events) {
  uint64_t latest = 0;
  for (const StoredEvent& event : events) latest = std::max(latest, event.sequence);
  if (latest > 0) notifier_.EventsCommitted(latest);
}

absl::StatusOr<ItemList> TickerLogic::List(const std::string& section) {
  std::string slug;
  if (!section.empty()) {
    if (text::IsValidUtf8(section)) slug = NormalizeSection(section);
    if (!text::IsValidSlug(slug)) {
      return absl::InvalidArgumentError(
          "section must be a section slug (or empty for the whole site's items)");
    }
  }
  return store_.List(slug, options_.list_limit);
}

absl::StatusOr<pb::TickerItem> TickerLogic::Push(const pb::TickerItem& item,
                                                 const std::string& request_id) {
  pb::TickerItem fresh;
  fresh.set_text(std::string(absl::StripAsciiWhitespace(item.text())));
  if (absl::Status s = ValidateText("text", fresh.text(), Limits::kTextMax, true); !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateLink(item); !s.ok()) return s;
  CopyLink(item, &fresh);
  if (absl::Status s = ValidatePriority(item.priority()); !s.ok()) return s;
  fresh.set_priority(item.priority());
  absl::StatusOr<std::vector<std::string>> sections = NormalizeSections(item.sections());
  if (!sections.ok()) return sections.status();
  for (std::string& section : *sections) fresh.add_sections(std::move(section));
  fresh.set_author(std::string(absl::StripAsciiWhitespace(item.author())));
  if (absl::Status s = ValidateText("author", fresh.author(), Limits::kAuthorMax, false); !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateRequestId(request_id); !s.ok()) return s;

  const int64_t now = NowMicros();
  int64_t starts_at = now;
  if (item.has_starts_at()) {
    absl::StatusOr<int64_t> given = TimestampMicros("starts_at", item.starts_at());
    if (!given.ok()) return given.status();
    starts_at = *given;
  }
  int64_t expires_at = starts_at + std::chrono::microseconds(options_.default_lifetime).count();
  if (item.has_expires_at()) {
    absl::StatusOr<int64_t> given = TimestampMicros("expires_at", item.expires_at());
    if (!given.ok()) return given.status();
    expires_at = *given;
  }
  if (absl::Status s = ValidateSchedule(starts_at, expires_at, now); !s.ok()) return s;
  *fresh.mutable_starts_at() = TimeUtil::MicrosecondsToTimestamp(starts_at);
  *fresh.mutable_expires_at() = TimeUtil::MicrosecondsToTimestamp(expires_at);
  fresh.set_id(NewItemId());

  absl::StatusOr<WriteResult> written = store_.Push(fresh, request_id);
  if (!written.ok()) return written.status();
  Notify(written->events);
  return std::move(written->item);
}

absl::StatusOr<pb::TickerItem> TickerLogic::Update(const pb::TickerItem& item,
                                                   const std::vector<std::string>& paths,
                                                   int64_t expected_version) {
  if (item.id().empty()) return absl::InvalidArgumentError("item.id is required");
  absl::StatusOr<UpdateFields> fields = ParsePaths(paths);
  if (!fields.ok()) return fields.status();
  if (expected_version <= 0) {
    return absl::InvalidArgumentError("expected_version is required: send the version you edited");
  }
  pb::TickerItem changes;
  changes.set_id(item.id());
  if (fields->text) {
    changes.set_text(std::string(absl::StripAsciiWhitespace(item.text())));
    if (absl::Status s = ValidateText("text", changes.text(), Limits::kTextMax, true); !s.ok()) {
      return s;
    }
  }
  if (fields->link) {
    if (absl::Status s = ValidateLink(item); !s.ok()) return s;
    CopyLink(item, &changes);
  }
  if (fields->priority) {
    if (absl::Status s = ValidatePriority(item.priority()); !s.ok()) return s;
    changes.set_priority(item.priority());
  }
  if (fields->sections) {
    absl::StatusOr<std::vector<std::string>> sections = NormalizeSections(item.sections());
    if (!sections.ok()) return sections.status();
    for (std::string& section : *sections) changes.add_sections(std::move(section));
  }
  std::optional<int64_t> starts_at, expires_at;
  if (fields->starts_at && item.has_starts_at()) {
    absl::StatusOr<int64_t> given = TimestampMicros("starts_at", item.starts_at());
    if (!given.ok()) return given.status();
    starts_at = *given;
  }
  if (fields->expires_at && item.has_expires_at()) {
    absl::StatusOr<int64_t> given = TimestampMicros("expires_at", item.expires_at());
    if (!given.ok()) return given.status();
    expires_at = *given;
  }
  if (!IsItemId(item.id())) return NoSuchItem(item.id());

  // The schedule is checked on the item as it will be: the stored version
  // with the changes. The store writes only if that version is still current.
  absl::StatusOr<StoredItem> current = store_.Get(item.id());
  if (!current.ok()) return current.status();
  if (current->retracted) {
    return absl::FailedPreconditionError(absl::StrCat(
        "ticker item ", item.id(), " was retracted; push a new item instead of editing it"));
  }
  if (current->item.version() != expected_version) {
    return absl::AbortedError(absl::StrCat("ticker item ", item.id(), " is at version ",
                                           current->item.version(), ", not ", expected_version,
                                           ": reload it and apply your change again"));
  }
  const int64_t now = NowMicros();
  const int64_t current_expiry = TimeUtil::TimestampToMicroseconds(current->item.expires_at());
  if (current_expiry <= now) {
    return absl::FailedPreconditionError(absl::StrCat("ticker item ", item.id(), " expired at ",
                                                      FormatMicros(current_expiry),
                                                      "; push a new item instead"));
  }
  if (fields->starts_at || fields->expires_at) {
    if (fields->starts_at && !starts_at) starts_at = now;  // cleared: start now
    int64_t starts =
        starts_at.value_or(TimeUtil::TimestampToMicroseconds(current->item.starts_at()));
    if (fields->expires_at && !expires_at) {  // cleared: the default lifetime
      expires_at = starts + std::chrono::microseconds(options_.default_lifetime).count();
    }
    int64_t expires = expires_at.value_or(current_expiry);
    if (absl::Status s = ValidateSchedule(starts, expires, now); !s.ok()) return s;
    // The store writes the times named in the paths; the other one is the
    // stored value, which the version check guarantees was the one checked.
    *changes.mutable_starts_at() = TimeUtil::MicrosecondsToTimestamp(starts);
    *changes.mutable_expires_at() = TimeUtil::MicrosecondsToTimestamp(expires);
  }

  absl::StatusOr<WriteResult> written = store_.Update(changes, fields->Paths(), expected_version);
  if (!written.ok()) return written.status();
  Notify(written->events);
  return std::move(written->item);
}

absl::Status TickerLogic::Retract(const std::string& id, int64_t expected_version) {
  if (id.empty()) return absl::InvalidArgumentError("id is required");
  if (expected_version < 0) {
    return absl::InvalidArgumentError("expected_version must not be negative (0 skips the check)");
  }
  if (!IsItemId(id)) return NoSuchItem(id);
  absl::StatusOr<WriteResult> written = store_.Retract(id, expected_version);
  if (!written.ok()) return written.status();
  Notify(written->events);
  return absl::OkStatus();
}

absl::StatusOr<int> TickerLogic::AnnounceDue() {
  absl::StatusOr<std::vector<StoredEvent>> events = store_.AnnounceDue();
  if (!events.ok()) return events.status();
  Notify(*events);
  return static_cast<int>(events->size());
}

}  // namespace akhbar::ticker
