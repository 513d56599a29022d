#pragma once

#include <grpcpp/server_context.h>

#include <map>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace akhbar::grpc_util {

// Roles in increasing power: an admin may do everything an editor may.
enum class Role { kReader = 0, kEditor = 1, kAdmin = 2 };

// Bearer tokens from configuration, kept only as SHA-256 digests so that
// neither the config nor a memory dump reveals them. Tokens are never logged.
class TokenVerifier {
 public:
  // `spec` is "role:sha256hex[,role:sha256hex...]" with role editor or admin,
  // e.g. from AKHBAR_TOKENS. Empty means no writer at all.
  static absl::StatusOr<TokenVerifier> FromSpec(std::string_view spec);

  // The caller's role from `authorization: Bearer <token>`; kReader when the
  // header is absent. UNAUTHENTICATED for a malformed header or unknown token.
  absl::StatusOr<Role> RoleOf(const grpc::ServerContextBase& context) const;

  // OK when the caller holds at least `needed`; UNAUTHENTICATED without a
  // token, PERMISSION_DENIED with one that is too weak.
  absl::Status Require(const grpc::ServerContextBase& context, Role needed) const;

  // Whether the caller may see unpublished articles; never fails (an invalid
  // token on a read is simply a reader).
  bool IsAtLeast(const grpc::ServerContextBase& context, Role role) const;

 private:
  std::map<std::string, Role> roles_by_digest_;
};

}  // namespace akhbar::grpc_util
