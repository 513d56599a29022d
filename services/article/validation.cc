#include "services/article/validation.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/text/arabic.h"
#include "libs/validate/fields.h"

namespace akhbar::article {
namespace {

bool Wants(const std::vector<std::string>& fields, const std::string& field) {
  if (fields.empty()) return true;
  for (const std::string& f : fields) {
    if (f == field) return true;
  }
  return false;
}

absl::Status ValidateImage(const std::string& field, const pb::Image& image) {
  if (image.url().empty()) return absl::InvalidArgumentError(absl::StrCat(field, ".url is empty"));
  if (absl::Status s = ValidateLink(absl::StrCat(field, ".url"), image.url()); !s.ok()) return s;
  for (const auto& [name, value] :
       {std::pair<const char*, const std::string*>{"caption", &image.caption()},
        {"alt", &image.alt()},
        {"credit", &image.credit()}}) {
    if (absl::Status s = ValidateText(absl::StrCat(field, ".", name), *value, 500, false);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateText(const std::string& field, const std::string& value, std::size_t max,
                          bool required) {
  return validate::Text(field, value, max, required);
}

absl::Status ValidateLink(const std::string& field, const std::string& url) {
  return validate::Url(field, url, Limits::kUrlMax);
}

absl::Status ValidateBody(const google::protobuf::RepeatedPtrField<pb::Block>& body) {
  if (static_cast<std::size_t>(body.size()) > Limits::kBlocksMax) {
    return absl::InvalidArgumentError(
        absl::StrCat("body has ", body.size(), " blocks; the limit is ", Limits::kBlocksMax));
  }
  std::size_t bytes = 0;
  for (int i = 0; i < body.size(); ++i) {
    const pb::Block& block = body[i];
    const std::string where = absl::StrCat("body[", i, "]");
    absl::Status status;
    switch (block.kind_case()) {
      case pb::Block::kParagraph:
        bytes += block.paragraph().text().size();
        status = ValidateText(where + ".paragraph.text", block.paragraph().text(),
                              Limits::kBodyBytesMax, true);
        break;
      case pb::Block::kHeading:
        bytes += block.heading().text().size();
        status = ValidateText(where + ".heading.text", block.heading().text(), 300, true);
        if (status.ok() && block.heading().level() != 2 && block.heading().level() != 3) {
          status = absl::InvalidArgumentError(
              where + ".heading.level must be 2 or 3 (the title is the only level 1)");
        }
        break;
      case pb::Block::kQuote:
        bytes += block.quote().text().size() + block.quote().attribution().size();
        status =
            ValidateText(where + ".quote.text", block.quote().text(), Limits::kBodyBytesMax, true);
        if (status.ok()) {
          status =
              ValidateText(where + ".quote.attribution", block.quote().attribution(), 300, false);
        }
        break;
      case pb::Block::kImage:
        status = ValidateImage(where + ".image", block.image());
        break;
      case pb::Block::KIND_NOT_SET:
        status =
            absl::InvalidArgumentError(where + " is empty: set paragraph, heading, quote or image");
        break;
    }
    if (!status.ok()) return status;
  }
  if (bytes > Limits::kBodyBytesMax) {
    return absl::InvalidArgumentError(
        absl::StrCat("body text is ", bytes, " bytes; the limit is ", Limits::kBodyBytesMax));
  }
  return absl::OkStatus();
}

absl::Status ValidateArticle(const pb::Article& article, const std::vector<std::string>& fields) {
  absl::Status status;
  if (Wants(fields, "title"))
    status = ValidateText("title", article.title(), Limits::kTitleMax, true);
  if (status.ok() && Wants(fields, "summary")) {
    status = ValidateText("summary", article.summary(), Limits::kSummaryMax, false);
  }
  if (status.ok() && Wants(fields, "author")) {
    status = ValidateText("author", article.author(), Limits::kAuthorMax, false);
  }
  if (status.ok() && Wants(fields, "section") && article.section().empty()) {
    status = absl::InvalidArgumentError("section is required (a section slug)");
  }
  if (status.ok() && Wants(fields, "slug") && !article.slug().empty() &&
      !text::IsValidSlug(article.slug())) {
    status = absl::InvalidArgumentError(
        "slug \"" + article.slug().substr(0, 60) +
        "\" is not valid: use lower-case Arabic or Latin words and digits joined by single "
        "hyphens");
  }
  if (status.ok() && Wants(fields, "body")) status = ValidateBody(article.body());
  if (status.ok() && Wants(fields, "image") && article.has_image()) {
    status = ValidateImage("image", article.image());
  }
  if (status.ok() && Wants(fields, "tags") &&
      static_cast<std::size_t>(article.tags_size()) > Limits::kTagsMax) {
    status = absl::InvalidArgumentError(absl::StrCat("an article has at most ", Limits::kTagsMax,
                                                     " tags; got ", article.tags_size()));
  }
  return status;
}

absl::StatusOr<std::vector<TagInput>> ToTagInputs(const std::vector<std::string>& names) {
  if (names.size() > Limits::kTagsMax) {
    return absl::InvalidArgumentError(
        absl::StrCat("an article has at most ", Limits::kTagsMax, " tags; got ", names.size()));
  }
  std::vector<TagInput> tags;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string name(absl::StripAsciiWhitespace(names[i]));
    const std::string field = absl::StrCat("tags[", i, "]");
    if (absl::Status s = ValidateText(field, name, Limits::kTagNameMax, true); !s.ok()) return s;
    TagInput tag{name, text::FoldIdentity(name), text::MakeSlug(name)};
    if (tag.slug.empty()) {
      return absl::InvalidArgumentError(field + " \"" + name + "\" has no letters or digits");
    }
    if (seen.insert(tag.identity_key).second) tags.push_back(std::move(tag));
  }
  return tags;
}

std::string NormalizeSlugLookup(std::string_view slug) {
  std::string folded = text::FoldIdentity(slug);
  for (char& c : folded) {
    if (c == ' ') c = '-';
  }
  return folded;
}

}  // namespace akhbar::article
