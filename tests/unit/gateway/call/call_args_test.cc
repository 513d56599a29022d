#include "services/gateway/call_args.h"

#include <gtest/gtest.h>

namespace akhbar::gateway {
namespace {

// The 400 a read produced, or a failure when there is none.
std::string RefusalOf(Response* error) {
  if (error == nullptr) return "no refusal";
  EXPECT_EQ(error->status, 400u);
  return error->body;
}

TEST(SlugOf, DecodesArabic) {
  OrError<std::string> slug = SlugOf("%D9%82%D9%85%D8%A9", "slug");
  ASSERT_EQ(ErrorOf(slug), nullptr);
  EXPECT_EQ(std::get<std::string>(slug), "قمة");
}

TEST(SlugOf, RefusesBytesThatAreNotUtf8) {
  // Each would fail the service's parse of the request: a 500, not a 400.
  for (const char* encoded : {"%FF", "%C0%AF", "%ED%A0%80", "%D8", "a%80b"}) {
    OrError<std::string> slug = SlugOf(encoded, "slug");
    EXPECT_NE(RefusalOf(ErrorOf(slug)).find("the slug in the path is not valid UTF-8"),
              std::string::npos)
        << encoded;
  }
}

TEST(SlugOf, RefusesControlCharacters) {
  for (const char* encoded : {"%D9%82%00", "a%0Ab", "%0D%0ASet-Cookie:x", "%7F"}) {
    OrError<std::string> slug = SlugOf(encoded, "tag");
    EXPECT_NE(RefusalOf(ErrorOf(slug)).find("must not contain control characters"),
              std::string::npos)
        << encoded;
  }
}

TEST(StringParam, RefusesWhatSlugOfRefusesAndKeepsTheRest) {
  Call call;
  call.query = "section=%FF&author=a%00b&tag=%D9%82+x";
  OrError<std::string> section = StringParam(call, "section");
  EXPECT_NE(RefusalOf(ErrorOf(section)).find("section is not valid UTF-8"), std::string::npos);
  OrError<std::string> author = StringParam(call, "author");
  EXPECT_NE(RefusalOf(ErrorOf(author)).find("author must not contain control characters"),
            std::string::npos);
  OrError<std::string> tag = StringParam(call, "tag");
  ASSERT_EQ(ErrorOf(tag), nullptr);
  EXPECT_EQ(std::get<std::string>(tag), "ق x");
  OrError<std::string> absent = StringParam(call, "pageToken");
  ASSERT_EQ(ErrorOf(absent), nullptr);
  EXPECT_EQ(std::get<std::string>(absent), "");
}

}  // namespace
}  // namespace akhbar::gateway
