#pragma once

#include "services/gateway/backends.h"
#include "services/gateway/call.h"
#include "services/gateway/response.h"

namespace akhbar::gateway {

// /api/v1/articles…, /api/v1/sections and /api/v1/tags: each a call to the
// article (or related) service, its answer in the proto3 JSON mapping.
// Blocking: runs on a backend thread.
class ArticleApi {
 public:
  explicit ArticleApi(Backends& backends) : backends_(backends) {}

  Response Get(const Call& call);
  Response GetBySlug(const Call& call);
  Response List(const Call& call);
  Response Related(const Call& call);
  Response Sections(const Call& call);
  Response Tag(const Call& call);

  Response Create(const Call& call);
  Response Update(const Call& call);
  Response Publish(const Call& call);
  Response Unpublish(const Call& call);
  Response Takedown(const Call& call);
  Response Import(const Call& call);

 private:
  Backends& backends_;
};

}  // namespace akhbar::gateway
