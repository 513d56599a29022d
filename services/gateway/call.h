#pragma once

#include <string>

#include "services/gateway/router.h"

namespace akhbar::gateway {

// What a handler needs of one request, owned, so that it can be answered on a
// backend thread while the connection goes on with its life.
struct Call {
  RouteId route = RouteId::kNotFound;
  std::string path;    // undecoded, without the query
  std::string first;   // the path's id or slug, still percent-encoded
  std::string second;  // /news/{id}/{slug}: the slug
  std::string query;   // without '?'
  std::string authorization;
  std::string if_match;
  std::string idempotency_key;
  std::string content_type;
  std::string body;
};

}  // namespace akhbar::gateway
