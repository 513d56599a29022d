#include "libs/text/arabic.h"

#include "libs/text/utf8.h"

namespace akhbar::text {
namespace {

// A slug is a URL path segment and a database key; 200 bytes keeps it well
// inside every URL and index limit even after percent-encoding triples it.
constexpr std::size_t kMaxSlugBytes = 200;

constexpr char32_t kAlef = 0x0627;          // ا
constexpr char32_t kTatweel = 0x0640;       // ـ, stretches a word; carries no meaning
constexpr char32_t kHamzaAbove = 0x0654;    // combining ٔ
constexpr char32_t kSoftHyphen = 0x00AD;    // invisible hyphenation hint
constexpr char32_t kTehMarbuta = 0x0629;    // ة
constexpr char32_t kHeh = 0x0647;           // ه
constexpr char32_t kAlefMaksura = 0x0649;   // ى
constexpr char32_t kYeh = 0x064A;           // ي
constexpr char32_t kWawWithHamza = 0x0624;  // ؤ
constexpr char32_t kWaw = 0x0648;           // و
constexpr char32_t kYehWithHamza = 0x0626;  // ئ

constexpr bool InRange(char32_t c, char32_t first, char32_t last) {
  return c >= first && c <= last;
}

// ---------------------------------------------------------------------------
// Character classes. Hand-written ranges instead of ICU: the text is Arabic
// and Latin, and the few ranges below are all this module needs.

// Harakat: tanween, short vowels, shadda, sukun, and the other combining
// marks of U+064B–U+065F, plus the superscript (dagger) alef.
bool IsHaraka(char32_t c) { return InRange(c, 0x064B, 0x065F) || c == 0x0670; }

// Code points that identity folding deletes without leaving a gap, because
// they sit inside a word: vowel marks, tatweel, and soft hyphens (which
// editors paste from word processors in the middle of long words).
bool IsStrippedByIdentity(char32_t c) { return IsHaraka(c) || c == kTatweel || c == kSoftHyphen; }

// Whitespace, controls, and invisible zero-width or bidi format characters.
// They end a word, so identity folding turns each run of them into one space.
bool IsSpaceLike(char32_t c) {
  return c <= 0x20 || InRange(c, 0x7F, 0xA0)  // ASCII space and controls, C1, NBSP
         || c == 0x061C                       // ARABIC LETTER MARK (bidi)
         || c == 0x1680 || c == 0x180E        // Ogham space, Mongolian vowel separator
         || InRange(c, 0x2000, 0x200F)        // typographic spaces, ZWSP, ZWNJ, ZWJ, LRM, RLM
         || InRange(c, 0x2028, 0x202F)        // line/paragraph separators, bidi embeddings
         || InRange(c, 0x205F, 0x2064)        // math space, word joiner, invisible operators
         || InRange(c, 0x2066, 0x206F)        // bidi isolates, deprecated format controls
         || c == 0x3000 || c == 0xFEFF;       // ideographic space, BOM / ZWNBSP
}

bool IsAsciiLetterOrDigit(char32_t c) {
  return InRange(c, '0', '9') || InRange(c, 'a', 'z') || InRange(c, 'A', 'Z');
}

// Latin-1 Supplement and Latin Extended-A letters (é, ü, ş, ł ...), so that a
// foreign name such as «José» stays one word.
bool IsNonAsciiLatinLetter(char32_t c) {
  return InRange(c, 0x00C0, 0x017F) && c != 0xD7 && c != 0xF7;
}

bool IsArabicDigit(char32_t c) {
  return InRange(c, 0x0660, 0x0669)      // Arabic-Indic ٠..٩
         || InRange(c, 0x06F0, 0x06F9);  // Eastern Arabic-Indic (Persian, Urdu) ۰..۹
}

// Letters of the Arabic, Arabic Supplement and Arabic Extended-A blocks. The
// gaps are punctuation (، ؛ ؟ ٪ ٫ ٬ ۔ ...), digits, marks and tatweel.
bool IsArabicLetter(char32_t c) {
  return InRange(c, 0x0620, 0x063F) || InRange(c, 0x0641, 0x064A) || InRange(c, 0x066E, 0x066F) ||
         InRange(c, 0x0671, 0x06D3) || c == 0x06D5 || InRange(c, 0x06EE, 0x06EF) ||
         InRange(c, 0x06FA, 0x06FC) || c == 0x06FF || InRange(c, 0x0750, 0x077F) ||
         InRange(c, 0x08A0, 0x08C8);
}

// May begin a word.
bool IsWordStart(char32_t c) {
  return IsAsciiLetterOrDigit(c) || IsNonAsciiLatinLetter(c) || IsArabicLetter(c) ||
         IsArabicDigit(c);
}

// Combining marks and tatweel belong to the letter before them: they continue
// a word but cannot start one. Folded text has no harakat or tatweel left, but
// Words() should not cut unfolded text in the middle of a word either.
bool IsWordMark(char32_t c) {
  return InRange(c, 0x0300, 0x036F)                                     // Latin combining accents
         || InRange(c, 0x0610, 0x061A) || IsHaraka(c) || c == kTatweel  // Arabic signs, harakat
         || InRange(c, 0x06D6, 0x06DC) || InRange(c, 0x06DF, 0x06E4)    // Quranic annotation
         || InRange(c, 0x06E7, 0x06E8) || InRange(c, 0x06EA, 0x06ED);
}

// ---------------------------------------------------------------------------
// Per-code-point mappings.

// The identity mapping of a code point that is kept.
char32_t FoldIdentityCodePoint(char32_t c) {
  switch (c) {
    case 0x0622:  // آ alef with madda
    case 0x0623:  // أ alef with hamza above
    case 0x0625:  // إ alef with hamza below
    case 0x0671:  // ٱ alef wasla
      return kAlef;
    default:
      break;
  }
  if (InRange(c, 0x0660, 0x0669)) return '0' + (c - 0x0660);
  if (InRange(c, 0x06F0, 0x06F9)) return '0' + (c - 0x06F0);
  if (InRange(c, 'A', 'Z')) return c + ('a' - 'A');
  return c;
}

// Matching additionally merges letters that writers use interchangeably, at
// the cost of merging some distinct words (على / علي).
char32_t FoldMatchingCodePoint(char32_t c) {
  switch (c) {
    case kTehMarbuta:
      return kHeh;
    case kAlefMaksura:
      return kYeh;
    case kWawWithHamza:
      return kWaw;
    case kYehWithHamza:
      return kYeh;
    default:
      return c;
  }
}

// Unicode's canonical composition of a letter with a following combining
// hamza above (e.g. و + ٔ = ؤ), or the letter itself when there is none.
// Alef is left out: all its hamza and madda forms fold to bare alef anyway,
// which is exactly what stripping the combining mark gives.
char32_t ComposeWithHamzaAbove(char32_t base) {
  switch (base) {
    case kWaw:
      return kWawWithHamza;  // ؤ
    case kYeh:
      return kYehWithHamza;  // ئ
    case 0x06C1:
      return 0x06C2;  // ۂ
    case 0x06D2:
      return 0x06D3;  // ۓ
    case 0x06D5:
      return 0x06C0;  // ۀ
    default:
      return base;
  }
}

// Whether the combining marks that start at text[pos] include a hamza above
// that canonical composition (NFC) would fold into the preceding letter.
// Canonical ordering puts the short vowels, shadda and sukun (combining
// classes 27–35) before the hamza (class 230), and they do not block it.
bool HamzaAboveFollows(std::string_view text, std::size_t pos) {
  while (pos < text.size()) {
    const utf8::Decoded next = utf8::Decode(text, pos);
    if (next.code_point == kHamzaAbove) return true;
    const bool lower_class_mark =
        InRange(next.code_point, 0x064B, 0x0652) || next.code_point == 0x0670;
    if (!lower_class_mark) return false;
    pos += next.length;
  }
  return false;
}

// Lowercases Latin letters (ASCII, Latin-1 Supplement, Latin Extended-A) for
// slugs, which must be lowercase whatever the title's capitalisation.
char32_t LowerLatin(char32_t c) {
  if (InRange(c, 'A', 'Z')) return c + ('a' - 'A');
  if (InRange(c, 0x00C0, 0x00DE) && c != 0xD7) return c + 0x20;
  if (c == 0x0130) return 'i';   // İ
  if (c == 0x0178) return 0xFF;  // Ÿ
  // Latin Extended-A pairs each capital with the small letter after it; the
  // pairs start on even code points except in U+0139–U+0148 and U+0179–U+017E.
  const bool capital_on_even =
      InRange(c, 0x0100, 0x012F) || InRange(c, 0x0132, 0x0137) || InRange(c, 0x014A, 0x0177);
  const bool capital_on_odd = InRange(c, 0x0139, 0x0148) || InRange(c, 0x0179, 0x017E);
  if ((capital_on_even && c % 2 == 0) || (capital_on_odd && c % 2 == 1)) return c + 1;
  return c;
}

std::string LowerLatin(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  for (std::size_t pos = 0; pos < word.size();) {
    const utf8::Decoded decoded = utf8::Decode(word, pos);
    utf8::Append(out, LowerLatin(decoded.code_point));
    pos += decoded.length;
  }
  return out;
}

// The longest prefix of `word` of at most `max_bytes` bytes that does not
// split a code point.
std::string_view TruncateUtf8(std::string_view word, std::size_t max_bytes) {
  if (word.size() <= max_bytes) return word;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80) --end;
  return word.substr(0, end);
}

// Whether `c` may appear in a slug: a word character that MakeSlug's folding
// and lowercasing would leave as it is. `word_start` is true for the first
// code point after the start or a '-'.
bool IsSlugCodePoint(char32_t c, bool word_start) {
  if (IsStrippedByIdentity(c) || FoldIdentityCodePoint(c) != c || LowerLatin(c) != c) return false;
  return IsWordStart(c) || (!word_start && IsWordMark(c));
}

}  // namespace

std::string FoldIdentity(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space_pending = false;  // emitted lazily, so runs collapse and ends are trimmed
  for (std::size_t pos = 0; pos < text.size();) {
    const utf8::Decoded decoded = utf8::Decode(text, pos);
    pos += decoded.length;
    char32_t c = decoded.code_point;  // U+FFFD for invalid bytes: the output stays valid
    if (IsSpaceLike(c)) {
      space_pending = !out.empty();
      continue;
    }
    if (IsStrippedByIdentity(c)) continue;
    if (space_pending) {
      out.push_back(' ');
      space_pending = false;
    }
    // A decomposed «و + ٔ» must give the same identity as a precomposed «ؤ»;
    // otherwise stripping the mark would turn it into «و».
    if (ComposeWithHamzaAbove(c) != c && HamzaAboveFollows(text, pos)) {
      c = ComposeWithHamzaAbove(c);
    }
    utf8::Append(out, FoldIdentityCodePoint(c));
  }
  return out;
}

std::string FoldMatching(std::string_view text) {
  const std::string identity = FoldIdentity(text);
  std::string out;
  out.reserve(identity.size());
  for (std::size_t pos = 0; pos < identity.size();) {
    const utf8::Decoded decoded = utf8::Decode(identity, pos);
    utf8::Append(out, FoldMatchingCodePoint(decoded.code_point));
    pos += decoded.length;
  }
  return out;
}

std::vector<std::string> Words(std::string_view folded) {
  std::vector<std::string> words;
  std::string word;
  for (std::size_t pos = 0; pos < folded.size();) {
    const utf8::Decoded decoded = utf8::Decode(folded, pos);
    pos += decoded.length;
    const char32_t c = decoded.code_point;
    if (IsWordStart(c) || (!word.empty() && IsWordMark(c))) {
      utf8::Append(word, c);
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::string MakeSlug(std::string_view title, std::size_t max_words) {
  std::string slug;
  std::size_t word_count = 0;
  for (const std::string& folded_word : Words(FoldIdentity(title))) {
    if (word_count == max_words) break;
    const std::string word = LowerLatin(folded_word);
    const std::size_t separator = slug.empty() ? 0 : 1;
    if (slug.size() + separator + word.size() > kMaxSlugBytes) {
      // Stop at a word boundary; only a single enormous word gets cut.
      if (slug.empty()) slug = TruncateUtf8(word, kMaxSlugBytes);
      break;
    }
    if (separator != 0) slug.push_back('-');
    slug += word;
    ++word_count;
  }
  return slug;
}

bool IsValidSlug(std::string_view slug) {
  if (slug.empty() || slug.size() > kMaxSlugBytes) return false;
  bool word_start = true;
  for (std::size_t pos = 0; pos < slug.size();) {
    const utf8::Decoded decoded = utf8::Decode(slug, pos);
    if (!decoded.valid) return false;
    pos += decoded.length;
    if (decoded.code_point == '-') {
      if (word_start) return false;  // leading '-' or "--"
      word_start = true;
      continue;
    }
    if (!IsSlugCodePoint(decoded.code_point, word_start)) return false;
    word_start = false;
  }
  return !word_start;  // no trailing '-'
}

bool IsValidUtf8(std::string_view text) { return utf8::IsValid(text); }

std::size_t CodePointCount(std::string_view text) { return utf8::CodePointCount(text); }

}  // namespace akhbar::text
