#include "tools/akhbarctl/output.h"

#include <iostream>
#include <string_view>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace akhbar::ctl {
namespace {

namespace pb = akhbar::article::v1;

// Left-aligned labels so values line up; every label here is ASCII, so byte
// width equals display width.
void Field(std::ostream& out, std::string_view label, const std::string& value) {
  constexpr std::size_t kLabelWidth = 14;
  out << label << ':' << std::string(kLabelWidth - label.size() - 1, ' ') << value << "\n";
}

std::string JoinTags(const google::protobuf::RepeatedPtrField<pb::Tag>& tags) {
  std::string joined;
  for (const pb::Tag& tag : tags) {
    if (!joined.empty()) joined += ", ";
    joined += tag.name() + " (" + tag.slug() + ")";
  }
  return joined.empty() ? "-" : joined;
}

void PrintBlock(const pb::Block& block, std::ostream& out) {
  switch (block.kind_case()) {
    case pb::Block::kParagraph:
      out << block.paragraph().text() << "\n";
      break;
    case pb::Block::kHeading:
      // Markdown-like, so a heading stands out from the paragraphs around it.
      out << (block.heading().level() == 3 ? "### " : "## ") << block.heading().text() << "\n";
      break;
    case pb::Block::kQuote:
      out << "> " << block.quote().text() << "\n";
      if (!block.quote().attribution().empty()) {
        out << "> — " << block.quote().attribution() << "\n";
      }
      break;
    case pb::Block::kImage:
      out << "[image " << block.image().url();
      if (!block.image().caption().empty()) out << " — " << block.image().caption();
      out << "]\n";
      break;
    case pb::Block::KIND_NOT_SET:
      break;
  }
}

}  // namespace

bool PrintJson(const google::protobuf::Message& message, std::ostream& out) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    std::cerr << "akhbarctl: cannot print the response as JSON: " << status.message() << "\n";
    return false;
  }
  out << json << "\n";
  return true;
}

std::string JsonQuote(const std::string& text) {
  google::protobuf::Value value;
  value.set_string_value(text);
  std::string json;
  // Only invalid UTF-8 fails, and every string here came through protobuf.
  if (!google::protobuf::util::MessageToJsonString(value, &json).ok()) return "\"\"";
  return json;
}

std::string StatusLabel(pb::ArticleStatus status) {
  constexpr std::string_view kPrefix = "ARTICLE_STATUS_";
  std::string name = pb::ArticleStatus_Name(status);
  if (name.empty()) return std::to_string(static_cast<int>(status));  // newer server
  return std::string(std::string_view(name).substr(kPrefix.size()));
}

std::string FormatTime(bool present, const google::protobuf::Timestamp& timestamp) {
  if (!present) return "-";
  return google::protobuf::util::TimeUtil::ToString(timestamp);
}

void PrintArticle(const pb::Article& article, bool with_body, std::ostream& out) {
  Field(out, "id", std::to_string(article.id()));
  Field(out, "slug", article.slug());
  Field(out, "status", StatusLabel(article.status()));
  Field(out, "section", article.section());
  Field(out, "title", article.title());
  Field(out, "published_at", FormatTime(article.has_published_at(), article.published_at()));
  Field(out, "version", std::to_string(article.version()));
  Field(out, "tags", JoinTags(article.tags()));
  if (!with_body) return;
  for (const pb::Block& block : article.body()) {
    out << "\n";
    PrintBlock(block, out);
  }
}

void PrintArticleLine(const pb::Article& article, std::ostream& out) {
  out << article.id() << "  " << FormatTime(article.has_published_at(), article.published_at())
      << "  " << article.section() << "  " << article.title() << "\n";
}

void PrintSection(const pb::Section& section, std::ostream& out) {
  out << section.position() << "  " << section.slug() << "  " << section.name() << "\n";
}

void PrintTag(const pb::Tag& tag, std::ostream& out) {
  Field(out, "slug", tag.slug());
  Field(out, "name", tag.name());
  Field(out, "articles", std::to_string(tag.article_count()));
  std::string aliases;
  for (const std::string& alias : tag.aliases()) {
    if (!aliases.empty()) aliases += ", ";
    aliases += alias;
  }
  Field(out, "aliases", aliases.empty() ? "-" : aliases);
}

void PrintTagLine(const pb::Tag& tag, std::ostream& out) {
  out << tag.slug() << "  " << tag.name() << "  (" << tag.article_count()
      << (tag.article_count() == 1 ? " article)" : " articles)") << "\n";
}

}  // namespace akhbar::ctl
