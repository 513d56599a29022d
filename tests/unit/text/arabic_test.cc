#include "libs/text/arabic.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace akhbar::text {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::Not;

// Every table row has a `name`, used as the test name so that a failure
// points at the row (the Arabic inputs themselves are not valid test names).
template <typename Row>
std::string RowName(const ::testing::TestParamInfo<Row>& info) {
  return std::string(info.param.name);
}

// Each row struct below has a friend PrintTo so that gtest prints the row's
// name in failure messages instead of a hex dump of the struct.

// ----------------------------------------------------------------------------
// FoldIdentity

struct FoldCase {
  std::string_view name;
  std::string_view input;
  std::string_view want;
  friend void PrintTo(const FoldCase& row, std::ostream* os) { *os << row.name; }
};

class FoldIdentityTest : public ::testing::TestWithParam<FoldCase> {};

TEST_P(FoldIdentityTest, Folds) { EXPECT_EQ(FoldIdentity(GetParam().input), GetParam().want); }

INSTANTIATE_TEST_SUITE_P(
    Table, FoldIdentityTest,
    ::testing::Values(
        FoldCase{"Empty", "", ""}, FoldCase{"OnlySpaces", " \t\n ", ""},
        FoldCase{"PlainArabicUnchanged", "منظمة التعاون الاسلامي", "منظمة التعاون الاسلامي"},
        FoldCase{"HamzaBelowAlef", "منظمة التعاون الإسلامي", "منظمة التعاون الاسلامي"},
        FoldCase{"HamzaAboveAlef", "أحمد", "احمد"}, FoldCase{"MaddaAlef", "آمال", "امال"},
        FoldCase{"WaslaAlef", "ٱلله", "الله"}, FoldCase{"Harakat", "مُحَمَّد", "محمد"},
        FoldCase{"Tanween", "كتابًا", "كتابا"}, FoldCase{"SuperscriptAlef", "هٰذا", "هذا"},
        FoldCase{"Tatweel", "الـــعالم", "العالم"}, FoldCase{"ArabicIndicDigits", "٢٠٢٦", "2026"},
        FoldCase{"PersianDigits", "۲۰۲۶", "2026"},
        FoldCase{"AsciiLowercased", "COP28 Summit", "cop28 summit"},
        FoldCase{"NonAsciiLatinCaseKept", "JOSÉ", "josÉ"},
        FoldCase{"WhitespaceCollapsedAndTrimmed", "  غزة \t\n  اليوم  ", "غزة اليوم"},
        FoldCase{"ZwnjBecomesSpace", "سلام\u200Cعليكم", "سلام عليكم"},
        FoldCase{"ZwnjAndSpacesCollapse", "سلام \u200C \u200D  عليكم", "سلام عليكم"},
        FoldCase{"NoBreakSpace", "الامم\u00A0المتحدة", "الامم المتحدة"},
        FoldCase{"BidiMarksTrimmed", "\u200F\u202Bعاجل\u202C\u200E", "عاجل"},
        FoldCase{"ByteOrderMarkTrimmed", "\uFEFFعاجل", "عاجل"},
        FoldCase{"SoftHyphenRemoved", "inter\u00ADnational", "international"},
        // Identity is conservative: these letters stay as written.
        FoldCase{"TehMarbutaKept", "منظمة", "منظمة"}, FoldCase{"AlefMaksuraKept", "على", "على"},
        FoldCase{"HamzaOnWawKept", "مسؤول", "مسؤول"}, FoldCase{"HamzaOnYehKept", "رئيس", "رئيس"},
        // Decomposed (NFD) input must fold like precomposed input.
        FoldCase{"DecomposedWawHamza", "مسو\u0654ول", "مسؤول"},
        FoldCase{"DecomposedYehHamzaAfterKasra", "ري\u0650\u0654يس", "رئيس"},
        FoldCase{"DecomposedAlefHamzaBelow", "ا\u0655سلام", "اسلام"},
        FoldCase{"InvalidBytesReplaced",
                 "a\xFF"
                 "b",
                 "a\uFFFDb"},
        FoldCase{"TruncatedSequenceIsOneReplacement",
                 "a\xE2\x82"
                 "b",
                 "a\uFFFDb"}),
    RowName<FoldCase>);

// ----------------------------------------------------------------------------
// FoldMatching

class FoldMatchingTest : public ::testing::TestWithParam<FoldCase> {};

TEST_P(FoldMatchingTest, Folds) { EXPECT_EQ(FoldMatching(GetParam().input), GetParam().want); }

INSTANTIATE_TEST_SUITE_P(
    Table, FoldMatchingTest,
    ::testing::Values(FoldCase{"Empty", "", ""}, FoldCase{"TehMarbutaToHeh", "منظمة", "منظمه"},
                      FoldCase{"AlefMaksuraToYeh", "على", "علي"},
                      FoldCase{"WawHamzaToWaw", "مسؤول", "مسوول"},
                      FoldCase{"YehHamzaToYeh", "رئيس", "رييس"},
                      FoldCase{"DecomposedWawHamzaToWaw", "مسو\u0654ول", "مسوول"},
                      FoldCase{"IncludesIdentityFolding", "الـمُنَظَّمَة   الإسلامية ٢٠٢٦",
                               "المنظمه الاسلاميه 2026"}),
    RowName<FoldCase>);

// ----------------------------------------------------------------------------
// Which spellings the two foldings merge.

struct PairCase {
  std::string_view name;
  std::string_view a;
  std::string_view b;
  bool same_identity;
  bool same_matching;
  friend void PrintTo(const PairCase& row, std::ostream* os) { *os << row.name; }
};

class FoldingPairTest : public ::testing::TestWithParam<PairCase> {};

TEST_P(FoldingPairTest, MergesAsExpected) {
  const PairCase& row = GetParam();
  EXPECT_EQ(FoldIdentity(row.a) == FoldIdentity(row.b), row.same_identity);
  EXPECT_EQ(FoldMatching(row.a) == FoldMatching(row.b), row.same_matching);
}

INSTANTIATE_TEST_SUITE_P(
    Table, FoldingPairTest,
    ::testing::Values(PairCase{"TagSpellings", "منظمة التعاون الإسلامي", "منظمة التعاون الاسلامي",
                               true, true},
                      PairCase{"AlaAndAli", "على", "علي", false, true},
                      PairCase{"TehMarbutaAndHeh", "مدرسة", "مدرسه", false, true},
                      PairCase{"HarakatAndPlain", "مُحَمَّد", "محمد", true, true},
                      PairCase{"ArabicAndAsciiDigits", "قمة ٢٠٢٦", "قمة 2026", true, true},
                      PairCase{"LatinCase", "GAZA", "gaza", true, true},
                      PairCase{"ComposedAndDecomposed", "سؤال", "سو\u0654ال", true, true},
                      PairCase{"DifferentWords", "غزة", "عزة", false, false}),
    RowName<PairCase>);

// ----------------------------------------------------------------------------
// Words

struct WordsCase {
  std::string_view name;
  std::string_view folded;
  std::vector<std::string> want;
  friend void PrintTo(const WordsCase& row, std::ostream* os) { *os << row.name; }
};

class WordsTest : public ::testing::TestWithParam<WordsCase> {};

TEST_P(WordsTest, Splits) {
  EXPECT_THAT(Words(GetParam().folded), ElementsAreArray(GetParam().want));
}

INSTANTIATE_TEST_SUITE_P(
    Table, WordsTest,
    ::testing::Values(
        WordsCase{"Empty", "", {}}, WordsCase{"OnlyPunctuation", "؟! ... ، «»", {}},
        WordsCase{"Spaces", "منظمة التعاون الاسلامي", {"منظمة", "التعاون", "الاسلامي"}},
        WordsCase{"ArabicComma", "غزة،القدس", {"غزة", "القدس"}},
        WordsCase{"ArabicSemicolon", "غزة؛القدس", {"غزة", "القدس"}},
        WordsCase{"ArabicQuestionMark", "لماذا؟الان", {"لماذا", "الان"}},
        WordsCase{"Guillemets", "«عاجل»الان", {"عاجل", "الان"}},
        WordsCase{"ArabicFullStop", "انتهى۔بدا", {"انتهى", "بدا"}},
        WordsCase{"ArabicPercentAndDecimalSeparator", "3٫5٪", {"3", "5"}},
        WordsCase{"AsciiPunctuation", "\"الرياض\": ما-الجديد?", {"الرياض", "ما", "الجديد"}},
        WordsCase{"LettersAndDigitsTogether", "cop28 في 2026", {"cop28", "في", "2026"}},
        WordsCase{"ArabicDigitsAreWordCharacters", "٢٠٢٦", {"٢٠٢٦"}},
        WordsCase{"LatinAccentsKeepWordWhole", "josé müller", {"josé", "müller"}},
        WordsCase{"HarakatDoNotSplitUnfoldedText", "مُحَمَّد", {"مُحَمَّد"}},
        WordsCase{"LoneMarkIsNotAWord", "\u064E غزة", {"غزة"}},
        WordsCase{"SymbolsSeparate", "a+b=c$d€e", {"a", "b", "c", "d", "e"}}),
    RowName<WordsCase>);

// ----------------------------------------------------------------------------
// MakeSlug

struct SlugCase {
  std::string_view name;
  std::string title;  // owned: some rows are built at run time
  std::size_t max_words;
  std::string want;
  friend void PrintTo(const SlugCase& row, std::ostream* os) { *os << row.name; }
};

class MakeSlugTest : public ::testing::TestWithParam<SlugCase> {};

TEST_P(MakeSlugTest, Makes) {
  const std::string slug = MakeSlug(GetParam().title, GetParam().max_words);
  EXPECT_EQ(slug, GetParam().want);
  // Whatever MakeSlug produces (when it produces anything) must validate.
  if (!slug.empty()) {
    EXPECT_TRUE(IsValidSlug(slug)) << slug;
  }
}

std::string Repeat(std::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Table, MakeSlugTest,
    ::testing::Values(
        SlugCase{"ArabicTitleWithPunctuation", "قمة \"الرياض\": ما الجديد؟", 10,
                 "قمة-الرياض-ما-الجديد"},
        SlugCase{"ArabicPunctuationSeparates", "غزة،القدس؛رام الله؟«عاجل»", 10,
                 "غزة-القدس-رام-الله-عاجل"},
        SlugCase{"IdentityFolded", "إعلانٌ مُهِمّ في الـــعالم", 10, "اعلان-مهم-في-العالم"},
        SlugCase{"DigitsToAscii", "قمة ٢٠٢٦ و۲۰۲۷", 10, "قمة-2026-و2027"},
        SlugCase{"ZwnjSplits", "سلام\u200Cعليكم", 10, "سلام-عليكم"},
        SlugCase{"LatinLowercased", "Apple's New iPhone 17!", 10, "apple-s-new-iphone-17"},
        SlugCase{"NonAsciiLatinLowercased", "JOSÉ MOURINHO ŞAHİN", 10, "josé-mourinho-şahin"},
        SlugCase{"MaxWords", "واحد اثنان ثلاثة اربعة خمسة", 3, "واحد-اثنان-ثلاثة"},
        SlugCase{"ZeroMaxWords", "غزة", 0, ""}, SlugCase{"NoWords", "؟! … «» -- ", 10, ""},
        SlugCase{"EmptyTitle", "", 10, ""},
        SlugCase{"LongWordCutTo200Bytes", Repeat("a", 300), 10, Repeat("a", 200)},
        // 'ب' is two bytes: 100 fit exactly.
        SlugCase{"LongArabicWordCutOnCodePoint", Repeat("ب", 150), 10, Repeat("ب", 100)},
        SlugCase{"OddByteBudgetDoesNotSplitCodePoint", "a" + Repeat("ب", 150), 10,
                 "a" + Repeat("ب", 99)},
        // Ten words of 25 bytes: seven (7 * 25 + 6 separators = 181) fit, eight do not.
        SlugCase{"StopsAtWordBoundary", Repeat(Repeat("x", 25) + " ", 10), 10,
                 Repeat(Repeat("x", 25) + "-", 6) + Repeat("x", 25)}),
    RowName<SlugCase>);

TEST(MakeSlugDefaultsTest, KeepsTehMarbutaBecauseSlugsUseIdentityFolding) {
  const std::string slug = MakeSlug("قمة \"الرياض\": ما الجديد؟");
  EXPECT_THAT(slug, HasSubstr("قمة"));
  EXPECT_THAT(slug, Not(HasSubstr("قمه")));
}

TEST(MakeSlugDefaultsTest, DefaultIsTenWords) {
  EXPECT_EQ(MakeSlug("a b c d e f g h i j k l"), "a-b-c-d-e-f-g-h-i-j");
}

// ----------------------------------------------------------------------------
// IsValidSlug

struct ValidSlugCase {
  std::string_view name;
  std::string slug;
  bool want;
  friend void PrintTo(const ValidSlugCase& row, std::ostream* os) { *os << row.name; }
};

class IsValidSlugTest : public ::testing::TestWithParam<ValidSlugCase> {};

TEST_P(IsValidSlugTest, Validates) { EXPECT_EQ(IsValidSlug(GetParam().slug), GetParam().want); }

INSTANTIATE_TEST_SUITE_P(
    Table, IsValidSlugTest,
    ::testing::Values(
        ValidSlugCase{"ArabicWords", "قمة-الرياض-ما-الجديد", true},
        ValidSlugCase{"SingleLetter", "a", true},
        ValidSlugCase{"LatinAndDigits", "cop28-2026", true},
        ValidSlugCase{"LowercaseAccentedLatin", "josé-şahin", true},
        ValidSlugCase{"Exactly200Bytes", Repeat("a", 200), true}, ValidSlugCase{"Empty", "", false},
        ValidSlugCase{"Over200Bytes", Repeat("a", 201), false},
        ValidSlugCase{"DoubleDash", "a--b", false}, ValidSlugCase{"LeadingDash", "-a", false},
        ValidSlugCase{"TrailingDash", "a-", false}, ValidSlugCase{"OnlyDash", "-", false},
        ValidSlugCase{"Slash", "a/b", false}, ValidSlugCase{"DotDot", "../x", false},
        ValidSlugCase{"Space", "a b", false}, ValidSlugCase{"Underscore", "a_b", false},
        ValidSlugCase{"Dot", "a.b", false}, ValidSlugCase{"UppercaseAscii", "ABC", false},
        ValidSlugCase{"MixedCaseAscii", "Gaza", false},
        ValidSlugCase{"UppercaseAccentedLatin", "josÉ", false},
        ValidSlugCase{"ArabicPunctuation", "قمة؟", false},
        // Characters that identity folding would have changed.
        ValidSlugCase{"UnfoldedHamza", "إسلام", false}, ValidSlugCase{"Harakat", "مُحمد", false},
        ValidSlugCase{"Tatweel", "الـعالم", false},
        ValidSlugCase{"ArabicIndicDigits", "٢٠٢٦", false},
        ValidSlugCase{"PercentEncoded", "%D9%82", false},
        ValidSlugCase{"InvalidUtf8", "a\xC3", false},
        ValidSlugCase{"NulByte", std::string("a\0b", 3), false}),
    RowName<ValidSlugCase>);

// ----------------------------------------------------------------------------
// IsValidUtf8

struct Utf8Case {
  std::string_view name;
  std::string bytes;
  bool want;
  friend void PrintTo(const Utf8Case& row, std::ostream* os) { *os << row.name; }
};

class IsValidUtf8Test : public ::testing::TestWithParam<Utf8Case> {};

TEST_P(IsValidUtf8Test, Validates) { EXPECT_EQ(IsValidUtf8(GetParam().bytes), GetParam().want); }

INSTANTIATE_TEST_SUITE_P(
    Table, IsValidUtf8Test,
    ::testing::Values(Utf8Case{"Empty", "", true}, Utf8Case{"Ascii", "hello", true},
                      Utf8Case{"EmbeddedNul", std::string("a\0b", 3), true},
                      Utf8Case{"Arabic", "منظمة التعاون الإسلامي", true},
                      Utf8Case{"ThreeByte", "\xE2\x82\xAC", true},             // €
                      Utf8Case{"FourByte", "\xF0\x9F\x98\x80", true},          // U+1F600
                      Utf8Case{"LastBeforeSurrogates", "\xED\x9F\xBF", true},  // U+D7FF
                      Utf8Case{"FirstAfterSurrogates", "\xEE\x80\x80", true},  // U+E000
                      Utf8Case{"MaxCodePoint", "\xF4\x8F\xBF\xBF", true},      // U+10FFFF
                      Utf8Case{"ReplacementChar", "\xEF\xBF\xBD", true},
                      Utf8Case{"OverlongSlashTwoBytes", "\xC0\xAF", false},
                      Utf8Case{"OverlongC1", "\xC1\xBF", false},
                      Utf8Case{"OverlongNul", "\xC0\x80", false},
                      Utf8Case{"OverlongThreeBytes", "\xE0\x80\xAF", false},
                      Utf8Case{"OverlongThreeBytesHighest", "\xE0\x9F\xBF", false},
                      Utf8Case{"OverlongFourBytes", "\xF0\x80\x80\xAF", false},
                      Utf8Case{"OverlongFourBytesHighest", "\xF0\x8F\xBF\xBF", false},
                      Utf8Case{"HighSurrogate", "\xED\xA0\x80", false},
                      Utf8Case{"LowSurrogate", "\xED\xBF\xBF", false},
                      Utf8Case{"SurrogatePairCesu8", "\xED\xA0\xBD\xED\xB8\x80", false},
                      Utf8Case{"AboveMaxCodePoint", "\xF4\x90\x80\x80", false},
                      Utf8Case{"LeadF5", "\xF5\x80\x80\x80", false},
                      Utf8Case{"ByteFE", "\xFE", false}, Utf8Case{"ByteFF", "\xFF", false},
                      Utf8Case{"TruncatedTwoBytes", "\xD9", false},
                      Utf8Case{"TruncatedThreeBytes", "\xE2\x82", false},
                      Utf8Case{"TruncatedFourBytes", "\xF0\x9F\x98", false},
                      Utf8Case{"TruncatedBeforeAscii",
                               "\xE2\x82"
                               "a",
                               false},
                      Utf8Case{"TruncatedArabicAtEnd", "منظم\xD8", false},
                      Utf8Case{"StrayContinuation", "\x80", false},
                      Utf8Case{"StrayContinuationInText",
                               "a\xBF"
                               "b",
                               false}),
    RowName<Utf8Case>);

// ----------------------------------------------------------------------------
// CodePointCount

struct CountCase {
  std::string_view name;
  std::string_view text;
  std::size_t want;
  friend void PrintTo(const CountCase& row, std::ostream* os) { *os << row.name; }
};

class CodePointCountTest : public ::testing::TestWithParam<CountCase> {};

TEST_P(CodePointCountTest, Counts) { EXPECT_EQ(CodePointCount(GetParam().text), GetParam().want); }

INSTANTIATE_TEST_SUITE_P(Table, CodePointCountTest,
                         ::testing::Values(CountCase{"Empty", "", 0}, CountCase{"Ascii", "abc", 3},
                                           CountCase{"Arabic", "محمد", 4},
                                           // م ُ ح َ م ّ َ د: the shadda carries its own fatha.
                                           CountCase{"ArabicWithHarakat", "مُحَمَّد", 8},
                                           CountCase{"MixedWidths", "a٢€\xF0\x9F\x98\x80", 4}),
                         RowName<CountCase>);

}  // namespace
}  // namespace akhbar::text
