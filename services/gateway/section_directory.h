#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "akhbar/article/v1/article.pb.h"
#include "services/gateway/backends.h"

namespace akhbar::gateway {

// The site's sections, asked of the article service at most every few
// seconds: every page's navigation shows them, and a section named in a
// ticker URL must exist before a Watch is opened for it.
class SectionDirectory {
 public:
  using Sections = std::vector<article::v1::Section>;

  SectionDirectory(Backends& backends, std::chrono::milliseconds max_age)
      : backends_(backends), max_age_(max_age) {}

  // In position order. On a failed refresh the last list is kept; with none
  // yet, the service's error.
  absl::StatusOr<std::shared_ptr<const Sections>> All();

  // The section with `slug`, or null (NOT_FOUND is the caller's to phrase).
  absl::StatusOr<const article::v1::Section*> Find(std::string_view slug,
                                                   std::shared_ptr<const Sections>* holder);

 private:
  Backends& backends_;
  const std::chrono::milliseconds max_age_;
  std::mutex mu_;  // one refresh at a time; readers copy the pointer
  std::shared_ptr<const Sections> sections_;
  std::chrono::steady_clock::time_point fetched_;
};

}  // namespace akhbar::gateway
