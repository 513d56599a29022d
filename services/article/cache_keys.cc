#include "absl/strings/str_cat.h"
#include "services/article/store.h"

namespace akhbar::article {

std::string CacheKeyForId(int64_t id) { return absl::StrCat("akhbar:article:v1:id:", id); }

std::string CacheKeyForSlug(const std::string& slug) {
  return absl::StrCat("akhbar:article:v1:slug:", slug);
}

std::vector<std::string> CacheKeysFor(const pb::ArticleEvent& event) {
  std::vector<std::string> keys;
  if (event.article_id() != 0) keys.push_back(CacheKeyForId(event.article_id()));
  for (const std::string& slug : event.slugs()) keys.push_back(CacheKeyForSlug(slug));
  return keys;
}

}  // namespace akhbar::article
