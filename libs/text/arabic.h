#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// Arabic text folding. Two foldings with different jobs; never mix them:
//  - identity (tag names, slugs, de-duplication) is conservative, so that
//    «الإسلامي» and «الاسلامي» are one tag while «على» and «علي» stay two words;
//  - matching (search, related) is aggressive and may merge words that differ.
namespace akhbar::text {

// أ إ آ ٱ → ا; strips harakat (U+064B–U+065F, U+0670) and tatweel (U+0640);
// Arabic-Indic and Eastern Arabic-Indic digits → ASCII; ASCII letters
// lowercased; whitespace runs, ZWNJ/ZWJ and other zero-width or bidi marks
// collapse to one space; trimmed. Input must be valid UTF-8.
std::string FoldIdentity(std::string_view text);

// FoldIdentity, then also ة → ه, ى → ي, ؤ → و, ئ → ي.
std::string FoldMatching(std::string_view text);

// Splits already-folded text into words: maximal runs of letters and digits
// (Arabic, Latin); punctuation of both scripts separates words.
std::vector<std::string> Words(std::string_view folded);

// A URL slug for a title: identity-folded words joined with '-', Arabic kept
// as Arabic, at most `max_words` words. Empty when the title has no words.
std::string MakeSlug(std::string_view title, std::size_t max_words = 10);

// True when `slug` is what MakeSlug could produce: non-empty, at most 200
// bytes, lowercase letters/digits of Arabic or Latin separated by single '-'.
bool IsValidSlug(std::string_view slug);

bool IsValidUtf8(std::string_view text);

// Number of Unicode code points (input must be valid UTF-8).
std::size_t CodePointCount(std::string_view text);

}  // namespace akhbar::text
