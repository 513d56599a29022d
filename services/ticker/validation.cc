#include "services/ticker/validation.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/text/arabic.h"
#include "libs/text/utf8.h"
#include "libs/validate/fields.h"

namespace akhbar::ticker {
namespace {

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range of Timestamp.
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;
constexpr int64_t kMicrosPerHour = int64_t{3600} * 1000000;

}  // namespace

absl::Status ValidateText(const std::string& field, const std::string& value, std::size_t max,
                          bool required) {
  return validate::Text(field, value, max, required);
}

absl::Status ValidateLink(const pb::TickerItem& item) {
  switch (item.link_case()) {
    case pb::TickerItem::LINK_NOT_SET:
      return absl::OkStatus();
    case pb::TickerItem::kArticleId:
      if (item.article_id() <= 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("article_id must be a positive article id; got ", item.article_id()));
      }
      return absl::OkStatus();
    case pb::TickerItem::kUrl:
      break;
  }
  if (item.url().empty()) return absl::OkStatus();  // an empty url is no link
  return validate::Url("url", item.url(), Limits::kUrlMax);
}

absl::Status ValidatePriority(int priority) {
  if (priority == pb::PRIORITY_UNSPECIFIED) {
    return absl::InvalidArgumentError("priority is required: URGENT, IMPORTANT or NORMAL");
  }
  if (priority != pb::PRIORITY_URGENT && priority != pb::PRIORITY_IMPORTANT &&
      priority != pb::PRIORITY_NORMAL) {
    return absl::InvalidArgumentError(
        absl::StrCat("priority ", priority, " is not one of URGENT, IMPORTANT or NORMAL"));
  }
  return absl::OkStatus();
}

std::string NormalizeSection(std::string_view section) {
  std::string folded = text::FoldIdentity(section);
  std::replace(folded.begin(), folded.end(), ' ', '-');
  return folded;
}

absl::StatusOr<std::vector<std::string>> NormalizeSections(
    const google::protobuf::RepeatedPtrField<std::string>& sections) {
  if (static_cast<std::size_t>(sections.size()) > Limits::kSectionsMax) {
    return absl::InvalidArgumentError(absl::StrCat("an item has at most ", Limits::kSectionsMax,
                                                   " sections; got ", sections.size(),
                                                   " (no sections: the whole site)"));
  }
  std::vector<std::string> slugs;
  for (int i = 0; i < sections.size(); ++i) {
    const std::string& section = sections[i];
    std::string field = absl::StrCat("sections[", i, "]");
    if (!text::IsValidUtf8(section)) {
      return absl::InvalidArgumentError(absl::StrCat(field, " is not valid UTF-8"));
    }
    std::string slug = NormalizeSection(section);
    if (!text::IsValidSlug(slug)) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " \"", validate::Excerpt(section),
          "\" is not a section slug: use the section's slug, lower-case Arabic or Latin words "
          "and digits joined by single hyphens"));
    }
    slugs.push_back(std::move(slug));
  }
  std::sort(slugs.begin(), slugs.end());
  slugs.erase(std::unique(slugs.begin(), slugs.end()), slugs.end());
  return slugs;
}

absl::StatusOr<int64_t> TimestampMicros(const std::string& field,
                                        const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() < kMinSeconds || timestamp.seconds() > kMaxSeconds ||
      timestamp.nanos() < 0 || timestamp.nanos() > 999999999) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not a valid time"));
  }
  return timestamp.seconds() * 1000000 + timestamp.nanos() / 1000;
}

absl::Status ValidateSchedule(int64_t starts_at_us, int64_t expires_at_us, int64_t now_us) {
  if (expires_at_us <= starts_at_us) {
    return absl::InvalidArgumentError("expires_at must be after starts_at");
  }
  constexpr int64_t kMaxHours = Limits::kLifetimeMax.count();
  if (expires_at_us - starts_at_us > kMaxHours * kMicrosPerHour) {
    return absl::InvalidArgumentError(absl::StrCat(
        "an item may stay on the ticker at most ", kMaxHours / 24, " days; expires_at is ",
        (expires_at_us - starts_at_us) / kMicrosPerHour, " hours after starts_at"));
  }
  if (expires_at_us <= now_us) {
    return absl::InvalidArgumentError("expires_at is in the past; the item would never show");
  }
  return absl::OkStatus();
}

bool IsItemId(std::string_view id) {
  return id.size() == 16 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace akhbar::ticker
