#pragma once

#include <string_view>

namespace akhbar::gateway {

// The OpenAPI 3 description of every gateway route (openapi.json here,
// embedded at build time), served at /openapi.json.
std::string_view OpenApiDocument();

}  // namespace akhbar::gateway
