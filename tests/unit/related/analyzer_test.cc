#include "services/related/analyzer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace akhbar::related {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

std::vector<std::string> Terms(const std::string& text) {
  static const Analyzer analyzer;
  return analyzer.Terms(text);
}

TEST(AnalyzerTest, StopwordListIsEmbedded) {
  Analyzer analyzer;
  EXPECT_GT(analyzer.stopword_count(), 400U);
  EXPECT_TRUE(analyzer.IsStopword("التي"));
  EXPECT_TRUE(analyzer.IsStopword("جانفي"));  // from the news list
  EXPECT_FALSE(analyzer.IsStopword("الحكومة"));
}

TEST(AnalyzerTest, HamzaFormsMatch) {
  EXPECT_EQ(Terms("الإسلامي"), Terms("الاسلامي"));
  EXPECT_EQ(Terms("أحمد"), Terms("احمد"));
  EXPECT_THAT(Terms("الإسلامي"), SizeIs(1));
}

TEST(AnalyzerTest, TehMarbutaAndAlefMaksuraMatch) {
  EXPECT_EQ(Terms("الحكومة"), Terms("الحكومه"));
  EXPECT_EQ(Terms("مستشفى"), Terms("مستشفي"));
}

TEST(AnalyzerTest, HarakatAndTatweelAreIgnored) {
  EXPECT_EQ(Terms("الحُكُومَة"), Terms("الحكومة"));
  EXPECT_EQ(Terms("الحكـــومة"), Terms("الحكومة"));
}

TEST(AnalyzerTest, StopwordsDigitsAndSingleLettersAreDropped) {
  EXPECT_THAT(Terms("في هذا الذي على من 2017 ١٤ و ب"), IsEmpty());
  // A stopword is recognised in any spelling the folding merges.
  EXPECT_THAT(Terms("إلى الى"), IsEmpty());
  EXPECT_THAT(Terms("الحكومة في تونس"), SizeIs(2));
}

TEST(AnalyzerTest, DefiniteAndPluralFormsShareAStem) {
  EXPECT_EQ(Terms("المعلمون"), Terms("معلم"));
  EXPECT_EQ(Terms("الكتاب"), Terms("كتاب"));
  EXPECT_EQ(Terms("المعلمين"), Terms("معلم"));
  EXPECT_EQ(Terms("بالكتاب"), Terms("كتاب"));
}

TEST(AnalyzerTest, LatinWordsAreLowercasedNotStemmed) {
  EXPECT_THAT(Terms("Samsung Galaxy WhatsApp"), ElementsAre("samsung", "galaxy", "whatsapp"));
  EXPECT_THAT(Terms("a 4G"), ElementsAre("4g"));
}

TEST(AnalyzerTest, TokensKeepAReadableWord) {
  Analyzer analyzer;
  std::vector<Analyzer::Token> tokens = analyzer.Tokens("منظمة التعاون الإسلامي");
  ASSERT_THAT(tokens, SizeIs(3));
  EXPECT_EQ(tokens[2].surface, "الاسلامي");
  EXPECT_EQ(tokens[2].term, Terms("الاسلامي").front());
}

TEST(AnalyzerTest, InvalidUtf8GivesNoTerms) {
  EXPECT_THAT(Terms(std::string("\xff\xfe", 2)), IsEmpty());
}

}  // namespace
}  // namespace akhbar::related
