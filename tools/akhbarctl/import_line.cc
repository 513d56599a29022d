#include "tools/akhbarctl/import_line.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "libs/text/arabic.h"
#include "tools/akhbarctl/json_fields.h"

namespace akhbar::ctl {
namespace {

namespace pb = akhbar::article::v1;
using google::protobuf::Struct;
using google::protobuf::Value;

constexpr std::array<std::string_view, 11> kLineFields = {
    "externalId", "section",     "title",  "summary", "body", "tags",
    "author",     "publishedAt", "status", "slug",    "image"};
constexpr std::array<std::string_view, 4> kImageFields = {"url", "caption", "alt", "credit"};

// Every problem on a line is reported at once, so one round of fixing is enough.
using json::Find;
using json::JoinProblems;
using json::Problems;
using json::Quote;
using json::ReadString;
using json::TypeName;

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsAsciiSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsAsciiSpace(text.back())) text.remove_suffix(1);
  return text;
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Optimal string alignment distance, ignoring case: "titel" → "title" is 1,
// "external_id" → "externalId" is 1.
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = AsciiLower(a[i - 1]) == AsciiLower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && AsciiLower(a[i - 1]) == AsciiLower(b[j - 2]) &&
          AsciiLower(a[i - 2]) == AsciiLower(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// A sender's key as an error message shows it: the first 40 bytes or so (cut
// on a character boundary), so that an answer is never as large as the line.
std::string ShownKey(std::string_view key) {
  constexpr std::size_t kShown = 40;
  if (key.size() <= kShown) return std::string(key);
  std::size_t end = kShown;
  while (end > 0 && (static_cast<unsigned char>(key[end]) & 0xC0) == 0x80) --end;
  return std::string(key.substr(0, end)) + "…";
}

template <std::size_t N>
void CheckKnownFields(const Struct& object, const std::array<std::string_view, N>& known,
                      std::string_view where, Problems* problems) {
  // Map order is unspecified; sorting keeps messages stable between runs.
  std::vector<std::string> unknown;
  for (const auto& [key, value] : object.fields()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) unknown.push_back(key);
  }
  std::sort(unknown.begin(), unknown.end());
  for (const std::string& key : unknown) {
    std::string message = "unknown field " + Quote(std::string(where) + ShownKey(key));
    std::string_view best;
    std::size_t best_distance = 3;  // suggest only close misspellings
    for (std::string_view candidate : known) {
      // The distance is at least the difference in length, so a key far
      // longer than any field name cannot be a misspelling of one. Keys come
      // from the sender (the gateway parses an import before it asks for a
      // token), and EditDistance takes a row per byte of the key: a key of
      // a few megabytes would cost gigabytes and minutes.
      const std::size_t length_gap = key.size() > candidate.size() ? key.size() - candidate.size()
                                                                   : candidate.size() - key.size();
      if (length_gap >= best_distance) continue;
      std::size_t distance = EditDistance(key, candidate);
      if (distance < best_distance) {
        best_distance = distance;
        best = candidate;
      }
    }
    if (!best.empty())
      message += " (did you mean " + Quote(std::string(where) + std::string(best)) + "?)";
    problems->push_back(std::move(message));
  }
}

void AddParagraph(std::string_view text, pb::ImportArticlesRequest* request) {
  text = Trim(text);
  if (text.empty()) return;  // an empty paragraph renders as nothing at all
  request->add_body()->mutable_paragraph()->set_text(std::string(text));
}

void ReadBody(const Struct& object, pb::ImportArticlesRequest* request, Problems* problems) {
  const Value* body = Find(object, "body");
  if (body == nullptr) return;
  if (body->kind_case() == Value::kStringValue) {
    // Text pasted from an editor: one paragraph per non-blank line.
    std::string_view text = body->string_value();
    while (!text.empty()) {
      std::size_t end = text.find('\n');
      AddParagraph(text.substr(0, end), request);
      if (end == std::string_view::npos) break;
      text.remove_prefix(end + 1);
    }
    return;
  }
  if (body->kind_case() != Value::kListValue) {
    problems->push_back("\"body\" must be an array of strings or a string, not " +
                        std::string(TypeName(*body)));
    return;
  }
  for (int i = 0; i < body->list_value().values_size(); ++i) {
    const Value& paragraph = body->list_value().values(i);
    if (paragraph.kind_case() != Value::kStringValue) {
      problems->push_back("\"body[" + std::to_string(i) + "]\" must be a string, not " +
                          std::string(TypeName(paragraph)));
      continue;
    }
    AddParagraph(paragraph.string_value(), request);
  }
}

void ReadTags(const Struct& object, pb::ImportArticlesRequest* request, Problems* problems) {
  const Value* tags = Find(object, "tags");
  if (tags == nullptr) return;
  if (tags->kind_case() != Value::kListValue) {
    problems->push_back("\"tags\" must be an array of strings, not " +
                        std::string(TypeName(*tags)));
    return;
  }
  for (int i = 0; i < tags->list_value().values_size(); ++i) {
    const Value& tag = tags->list_value().values(i);
    std::string where = "\"tags[" + std::to_string(i) + "]\"";
    if (tag.kind_case() != Value::kStringValue) {
      problems->push_back(where + " must be a string, not " + std::string(TypeName(tag)));
    } else if (Trim(tag.string_value()).empty()) {
      problems->push_back(where + " is empty");
    } else {
      request->add_tags(std::string(Trim(tag.string_value())));
    }
  }
}

void ReadPublishedAt(const Struct& object, pb::ImportArticlesRequest* request, Problems* problems) {
  std::string text;
  if (!ReadString(object, "publishedAt", "", &text, problems)) return;
  if (!google::protobuf::util::TimeUtil::FromString(text, request->mutable_published_at())) {
    request->clear_published_at();
    problems->push_back(
        "\"publishedAt\" is not an RFC 3339 time such as "
        "2024-05-01T09:30:00+03:00: " +
        Quote(text));
  }
}

void ReadStatus(const Struct& object, pb::ImportArticlesRequest* request, Problems* problems) {
  // Set explicitly even when absent, so what is sent is what the docs promise.
  request->set_status(pb::ARTICLE_STATUS_PUBLISHED);
  std::string text;
  if (!ReadString(object, "status", "", &text, problems)) return;
  std::string upper;
  for (char c : text)
    upper.push_back((c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c);
  if (upper == "PUBLISHED") {
    request->set_status(pb::ARTICLE_STATUS_PUBLISHED);
  } else if (upper == "DRAFT") {
    request->set_status(pb::ARTICLE_STATUS_DRAFT);
  } else {
    problems->push_back("\"status\" must be \"PUBLISHED\" or \"DRAFT\", not " + Quote(text));
  }
}

void ReadImage(const Struct& object, pb::ImportArticlesRequest* request, Problems* problems) {
  const Value* image = Find(object, "image");
  if (image == nullptr) return;
  if (image->kind_case() != Value::kStructValue) {
    problems->push_back("\"image\" must be an object, not " + std::string(TypeName(*image)));
    return;
  }
  const Struct& fields = image->struct_value();
  CheckKnownFields(fields, kImageFields, "image.", problems);
  pb::Image* out = request->mutable_image();
  ReadString(fields, "url", "image.", out->mutable_url(), problems);
  ReadString(fields, "caption", "image.", out->mutable_caption(), problems);
  ReadString(fields, "alt", "image.", out->mutable_alt(), problems);
  ReadString(fields, "credit", "image.", out->mutable_credit(), problems);
  // An image without a URL is certainly a mistake in the export.
  if (Trim(out->url()).empty()) problems->push_back("\"image.url\" is required");
}

// Protobuf's parser messages may continue with the input and a caret under
// the bad column; on one line of a report only the first line reads well.
std::string FirstLine(std::string_view text) {
  text = text.substr(0, text.find('\n'));
  while (!text.empty() && (text.front() == ':' || IsAsciiSpace(text.front()))) {
    text.remove_prefix(1);
  }
  return std::string(Trim(text));
}

}  // namespace

bool IsBlankLine(std::string_view line) { return Trim(line).empty(); }

ParsedImportLine ParseImportLine(std::string_view line) {
  ParsedImportLine parsed;
  // Protobuf strings must be UTF-8; one bad byte would make the server reject
  // the whole stream, so such a line is stopped here instead.
  if (!text::IsValidUtf8(std::string_view(line.data(), line.size()))) {
    parsed.status = absl::InvalidArgumentError("the line is not valid UTF-8");
    return parsed;
  }
  // Checked first because protobuf's wording for it ("Root element must be a
  // message") would puzzle the editor who wrote the file.
  if (!Trim(line).starts_with('{')) {
    parsed.status = absl::InvalidArgumentError("the line is not a JSON object");
    return parsed;
  }
  Struct object;
  auto json_status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(line.data(), line.size()), &object);
  if (!json_status.ok()) {
    auto message = json_status.message();
    parsed.status = absl::InvalidArgumentError(
        "invalid JSON: " + FirstLine(std::string_view(message.data(), message.size())));
    return parsed;
  }

  Problems problems;
  pb::ImportArticlesRequest& request = parsed.request;
  CheckKnownFields(object, kLineFields, "", &problems);
  // A wrong type has been reported by ReadString already; absent or blank not yet.
  bool is_string = ReadString(object, "externalId", "", &parsed.external_id, &problems);
  if (!Trim(parsed.external_id).empty()) {
    request.set_external_id(parsed.external_id);
  } else if (is_string || Find(object, "externalId") == nullptr) {
    problems.push_back(
        "\"externalId\" is required: it lets a re-run update articles instead "
        "of duplicating them");
  }
  ReadString(object, "section", "", request.mutable_section(), &problems);
  ReadString(object, "title", "", request.mutable_title(), &problems);
  ReadString(object, "summary", "", request.mutable_summary(), &problems);
  ReadString(object, "author", "", request.mutable_author(), &problems);
  ReadString(object, "slug", "", request.mutable_slug(), &problems);
  ReadBody(object, &request, &problems);
  ReadTags(object, &request, &problems);
  ReadPublishedAt(object, &request, &problems);
  ReadStatus(object, &request, &problems);
  ReadImage(object, &request, &problems);

  if (!problems.empty()) parsed.status = absl::InvalidArgumentError(JoinProblems(problems));
  return parsed;
}

}  // namespace akhbar::ctl
