#include "services/gateway/section_directory.h"

#include <algorithm>

#include "libs/grpc/status.h"

namespace akhbar::gateway {

absl::StatusOr<std::shared_ptr<const SectionDirectory::Sections>> SectionDirectory::All() {
  std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (sections_ && now - fetched_ < max_age_) return sections_;
  article::v1::ListSectionsResponse reply;
  grpc::Status status = backends_.article().ListSections(
      backends_.ReadContext().get(), article::v1::ListSectionsRequest(), &reply);
  if (!status.ok()) {
    if (sections_) return sections_;
    return grpc_util::FromGrpcStatus(status);
  }
  auto sections = std::make_shared<Sections>(reply.sections().begin(), reply.sections().end());
  std::stable_sort(sections->begin(), sections->end(),
                   [](const auto& a, const auto& b) { return a.position() < b.position(); });
  sections_ = std::move(sections);
  fetched_ = now;
  return sections_;
}

absl::StatusOr<const article::v1::Section*> SectionDirectory::Find(
    std::string_view slug, std::shared_ptr<const Sections>* holder) {
  absl::StatusOr<std::shared_ptr<const Sections>> all = All();
  if (!all.ok()) return all.status();
  *holder = *all;
  for (const article::v1::Section& section : **holder) {
    if (section.slug() == slug) return &section;
  }
  return nullptr;
}

}  // namespace akhbar::gateway
