#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "services/related/index.h"

// Articles for the related tests, with only what a test cares about spelled out.
namespace akhbar::related::fixtures {

inline constexpr int64_t kDayUs = int64_t{86400} * 1000000;
inline constexpr int64_t kT0 = int64_t{1700000000} * 1000000;

inline IndexedArticle Article(int64_t id, std::string title, std::string body,
                              std::string section = "news", std::vector<std::string> tags = {},
                              std::vector<std::string> names = {}, int64_t published = kT0) {
  IndexedArticle a;
  a.id = id;
  a.slug = "article-" + std::to_string(id);
  a.title = std::move(title);
  a.body = std::move(body);
  a.section = std::move(section);
  a.tags = std::move(tags);
  a.tag_names = std::move(names);
  a.published_at_us = published;
  return a;
}

}  // namespace akhbar::related::fixtures
