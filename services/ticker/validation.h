#pragma once

#include <google/protobuf/repeated_field.h>
#include <google/protobuf/timestamp.pb.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "akhbar/ticker/v1/ticker.pb.h"

// Input rules for ticker items, with messages that tell an editor exactly what
// to fix. Every write validates before it touches the store, so rejected
// input changes nothing.
namespace akhbar::ticker {

namespace pb = ::akhbar::ticker::v1;

struct Limits {
  static constexpr std::size_t kTextMax = 280;       // code points
  static constexpr std::size_t kAuthorMax = 120;     // code points
  static constexpr std::size_t kSectionsMax = 20;    // sections per item
  static constexpr std::size_t kUrlMax = 2048;       // bytes
  static constexpr std::size_t kRequestIdMax = 200;  // bytes
  // How long one item may stay on the ticker.
  static constexpr std::chrono::hours kLifetimeMax{7 * 24};
};

// Valid UTF-8, no control characters, at most `max` code points, and not
// blank when `required`.
absl::Status ValidateText(const std::string& field, const std::string& value, std::size_t max,
                          bool required);

// The item's link: none (an empty url counts as none), an article id > 0, or
// a URL that is http(s)://host… or site-relative ("/…", not "//…"); nothing
// else (javascript:, data:, ftp:…).
absl::Status ValidateLink(const pb::TickerItem& item);

// URGENT, IMPORTANT or NORMAL.
absl::Status ValidatePriority(int priority);

// The section as clients may type it (any hamza spelling, spaces for hyphens)
// → the slug it names: identity-folded, spaces → '-'.
std::string NormalizeSection(std::string_view section);

// Normalised, validated section slugs, sorted and without duplicates (scope
// is a set); at most Limits::kSectionsMax.
absl::StatusOr<std::vector<std::string>> NormalizeSections(
    const google::protobuf::RepeatedPtrField<std::string>& sections);

// A Timestamp PostgreSQL can store, as microseconds since the epoch (finer
// digits are dropped). `field` names it in the message.
absl::StatusOr<int64_t> TimestampMicros(const std::string& field,
                                        const google::protobuf::Timestamp& timestamp);

// expires_at after starts_at, at most Limits::kLifetimeMax later, and still
// ahead of `now_us`.
absl::Status ValidateSchedule(int64_t starts_at_us, int64_t expires_at_us, int64_t now_us);

// The ids this service makes: 16 lower-case hex digits.
bool IsItemId(std::string_view id);

}  // namespace akhbar::ticker
