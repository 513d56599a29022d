#include "services/gateway/url.h"

#include <gtest/gtest.h>

namespace akhbar::gateway {
namespace {

TEST(UrlTest, AnArabicSlugSurvivesEncodingAndDecoding) {
  const std::string slug = "منظمة-التعاون-الاسلامي";
  const std::string encoded = PercentEncode(slug);
  EXPECT_EQ(encoded.find_first_not_of("%0123456789ABCDEF-"), std::string::npos) << encoded;
  EXPECT_EQ(PercentDecode(encoded), slug);
}

TEST(UrlTest, PlusIsASpaceOnlyInQueries) {
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
  EXPECT_EQ(PercentDecode("a+b", /*plus_is_space=*/true), "a b");
}

TEST(UrlTest, MalformedEscapesAreRefused) {
  EXPECT_FALSE(PercentDecode("%G1").has_value());
  EXPECT_FALSE(PercentDecode("abc%D").has_value());
  EXPECT_FALSE(PercentDecode("%").has_value());
  EXPECT_EQ(PercentDecode("%41%2f"), "A/");
}

TEST(UrlTest, QueryParamsAreFoundDecodedAndToldApartFromMalformed) {
  const std::string query = "a=1&section=%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9&empty=&bare&bad=%ZZ&a=2";
  EXPECT_EQ(QueryParam(query, "a"), "1");
  EXPECT_EQ(QueryParam(query, "section"), "سياسة");
  EXPECT_EQ(QueryParam(query, "empty"), "");
  EXPECT_EQ(QueryParam(query, "bare"), "");
  EXPECT_FALSE(QueryParam(query, "missing").has_value());
  EXPECT_FALSE(HasQueryParam(query, "missing"));
  EXPECT_FALSE(QueryParam(query, "bad").has_value());
  EXPECT_TRUE(HasQueryParam(query, "bad"));
  EXPECT_FALSE(HasQueryParam("xsection=1", "section"));
}

}  // namespace
}  // namespace akhbar::gateway
