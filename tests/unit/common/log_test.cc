#include "libs/log/log.h"

#include <gtest/gtest.h>

namespace akhbar::log {
namespace {

TEST(JsonQuote, EscapesWhatJsonRequires) {
  EXPECT_EQ(JsonQuote("a\"b\\c\nd\te\x01"), R"("a\"b\\c\nd\te\u0001")");
}

TEST(JsonQuote, KeepsArabicAndReplacesInvalidBytes) {
  EXPECT_EQ(JsonQuote("عاجل"), "\"عاجل\"");
  EXPECT_EQ(JsonQuote("a\xff"
                      "b"),
            "\"a\\ufffdb\"");
  EXPECT_EQ(JsonQuote("\xd8"), "\"\\ufffd\"");  // truncated sequence
}

TEST(ParseLevel, KnowsTheFourLevels) {
  Level level = Level::kInfo;
  EXPECT_TRUE(ParseLevel("warning", &level));
  EXPECT_EQ(level, Level::kWarning);
  EXPECT_FALSE(ParseLevel("verbose", &level));
}

TEST(Field, RendersNumbersAndBooleansAsJson) {
  EXPECT_EQ(Field("n", 42).json(), "42");
  EXPECT_EQ(Field("b", true).json(), "true");
  EXPECT_EQ(Field("s", "x").json(), "\"x\"");
}

}  // namespace
}  // namespace akhbar::log
