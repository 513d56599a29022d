#pragma once

// How results look: proto3 JSON for scripts (--json), short aligned text for
// people. Human output goes to the given stream so tests can capture it.

#include <ostream>
#include <string>

#include "akhbar/article/v1/article.pb.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"

namespace akhbar::ctl {

// One JSON document per line on `out`, every field present (zero values
// included) so that `jq .totalSize` never has to guess. False, with a message
// on stderr, if the message cannot be converted.
bool PrintJson(const google::protobuf::Message& message, std::ostream& out);

// `text` as a JSON string literal, quotes included, escaped as protobuf does.
std::string JsonQuote(const std::string& text);

// "PUBLISHED" for ARTICLE_STATUS_PUBLISHED.
std::string StatusLabel(akhbar::article::v1::ArticleStatus status);

// RFC 3339 in UTC, or "-" when the timestamp is unset.
std::string FormatTime(bool present, const google::protobuf::Timestamp& timestamp);

// The header (id, slug, status, section, title, published_at, version, tags)
// and, when `with_body`, the body blocks separated by blank lines.
void PrintArticle(const akhbar::article::v1::Article& article, bool with_body, std::ostream& out);

// `id  published_at  section  title`, for listings.
void PrintArticleLine(const akhbar::article::v1::Article& article, std::ostream& out);

void PrintSection(const akhbar::article::v1::Section& section, std::ostream& out);
void PrintTag(const akhbar::article::v1::Tag& tag, std::ostream& out);
// `slug  name  (N articles)`, for listings.
void PrintTagLine(const akhbar::article::v1::Tag& tag, std::ostream& out);

}  // namespace akhbar::ctl
