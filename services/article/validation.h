#pragma once

#include <google/protobuf/repeated_field.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/article/store.h"

// Input rules for articles, with messages that tell an editor or a client
// exactly what to fix. Every write validates before it touches the store, so
// rejected input changes nothing.
namespace akhbar::article {

struct Limits {
  static constexpr std::size_t kTitleMax = 200;    // code points
  static constexpr std::size_t kSummaryMax = 600;  // code points
  static constexpr std::size_t kAuthorMax = 120;   // code points
  static constexpr std::size_t kTagNameMax = 80;   // code points
  static constexpr std::size_t kTagsMax = 20;
  static constexpr std::size_t kBlocksMax = 500;
  static constexpr std::size_t kBodyBytesMax = 200 * 1024;
  static constexpr std::size_t kUrlMax = 2048;        // bytes
  static constexpr std::size_t kExternalIdMax = 200;  // bytes
  static constexpr std::size_t kRequestIdMax = 200;   // bytes
};

// Valid UTF-8, no control characters, at most `max` code points, and not
// blank when `required`.
absl::Status ValidateText(const std::string& field, const std::string& value, std::size_t max,
                          bool required);

// http(s)://host… or a site-relative path ("/…", not "//…"); nothing else.
absl::Status ValidateLink(const std::string& field, const std::string& url);

absl::Status ValidateBody(const google::protobuf::RepeatedPtrField<pb::Block>& body);

// Validates the fields of `article` named in `fields` (all when empty).
absl::Status ValidateArticle(const pb::Article& article, const std::vector<std::string>& fields);

// Tag spellings → TagInputs: trimmed, validated, de-duplicated by identity
// (the first spelling wins).
absl::StatusOr<std::vector<TagInput>> ToTagInputs(const std::vector<std::string>& names);

// The identity of a slug as typed by a reader: folded like the slugs we make.
std::string NormalizeSlugLookup(std::string_view slug);

}  // namespace akhbar::article
