#pragma once

// One line of a ticker file (JSON Lines, the format of deploy/seed/ticker.jsonl)
// → one PushTickerItemRequest, for `akhbarctl ticker push --from FILE`.
//
// Each line is a JSON object:
//   text               string, required
//   priority           "URGENT", "IMPORTANT" or "NORMAL" (any letter case), required
//   sections           array of section slugs; absent or empty: the whole site
//   articleId          number: the article the headline links to
//   articleExternalId  string: the article's externalId from an import; the
//                      caller resolves it to an id (see ParsedTickerLine)
//   url                string: an http(s) or site-relative link instead
//   startsAt           string, RFC 3339; default: when the server receives it
//   expiresAt          string, RFC 3339; or
//   expiresInMinutes   number: expires_at = now + this; default: the server's
//                      default lifetime
//   author             string
//   requestId          string: makes a re-run push nothing new
// null counts as absent; an unknown field or a wrong type fails the line.

#include <google/protobuf/timestamp.pb.h>

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "akhbar/ticker/v1/ticker.pb.h"

namespace akhbar::ctl {

struct ParsedTickerLine {
  // OK, or INVALID_ARGUMENT naming every problem found on the line.
  absl::Status status;
  akhbar::ticker::v1::PushTickerItemRequest request;
  // Set when the line links to an article by externalId: the caller looks the
  // id up and sets request.item.article_id.
  std::string article_external_id;
};

// `now` anchors expiresInMinutes.
ParsedTickerLine ParseTickerLine(std::string_view line, const google::protobuf::Timestamp& now);

// "urgent", "URGENT" or "PRIORITY_URGENT" → PRIORITY_URGENT; nullopt for
// anything else (UNSPECIFIED included).
std::optional<akhbar::ticker::v1::Priority> ParsePriority(std::string_view text);

}  // namespace akhbar::ctl
