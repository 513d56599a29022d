// Slugs (libs/text): derived from titles by the article service and checked
// on every write, so what MakeSlug makes must pass IsValidSlug and stay put.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "libs/text/arabic.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using akhbar::text::FoldIdentity;
using akhbar::text::IsValidSlug;
using akhbar::text::IsValidUtf8;
using akhbar::text::MakeSlug;
using akhbar::text::Words;

constexpr std::size_t kMaxSlugBytes = 200;  // IsValidSlug's documented limit

std::size_t CountWords(std::string_view slug) {
  std::size_t words = slug.empty() ? 0 : 1;
  for (char c : slug) words += c == '-' ? 1 : 0;
  return words;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the word limit, so that short limits are tried too.
  const std::size_t max_words = data[0] % 12;
  const std::string_view title(reinterpret_cast<const char*>(data + 1), size - 1);

  const std::string slug = MakeSlug(title, max_words);
  FUZZ_CHECK(IsValidUtf8(slug));
  FUZZ_CHECK(slug.size() <= kMaxSlugBytes);
  FUZZ_CHECK(CountWords(slug) <= max_words);
  FUZZ_CHECK(slug.empty() == (max_words == 0 || Words(FoldIdentity(title)).empty()));
  if (!slug.empty()) FUZZ_CHECK(IsValidSlug(slug));
  // Stable: a slug made again from itself, or from the folded title, is the same.
  FUZZ_CHECK(MakeSlug(slug, max_words) == slug);
  FUZZ_CHECK(MakeSlug(FoldIdentity(title), max_words) == slug);

  // Every valid slug is one MakeSlug could have made: editors may type their own.
  if (IsValidSlug(title)) {
    FUZZ_CHECK(IsValidUtf8(title) && title.size() <= kMaxSlugBytes);
    if (CountWords(title) <= 10) FUZZ_CHECK(MakeSlug(title) == title);
  }
  return 0;
}
