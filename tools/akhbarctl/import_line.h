#pragma once

// One line of an import file (JSON Lines) → one ImportArticlesRequest.
//
// Each line is a JSON object:
//   externalId   string, required: the idempotency key of the import
//   section      string (section slug)
//   title        string
//   summary      string
//   body         array of paragraph strings, or one string whose non-blank
//                lines are the paragraphs
//   tags         array of strings (tag names in any spelling)
//   author       string
//   publishedAt  string, RFC 3339 with an offset, e.g. 2024-05-01T09:30:00+03:00
//   status       "PUBLISHED" (default) or "DRAFT", any letter case
//   slug         string, optional; the server derives one from the title
//   image        object {url (required), caption, alt, credit}
// null counts as absent. Anything else — an unknown field, a wrong type, a
// bad time — makes the whole line fail, so a typo such as "titel" is caught
// before an article is imported without its title. Completeness (a title, a
// known section) is the server's to judge.

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "akhbar/article/v1/article.pb.h"

namespace akhbar::ctl {

struct ParsedImportLine {
  // OK, or INVALID_ARGUMENT naming every problem found on the line.
  absl::Status status;
  // Best effort even when the line failed, so a failure can name the article.
  std::string external_id;
  // Only meaningful when status is OK.
  akhbar::article::v1::ImportArticlesRequest request;
};

ParsedImportLine ParseImportLine(std::string_view line);

// True for a line with nothing but whitespace; such lines are skipped, not
// failed, since editors and tools leave them at the end of files.
bool IsBlankLine(std::string_view line);

}  // namespace akhbar::ctl
