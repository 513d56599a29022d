#pragma once

#include <grpcpp/server_context.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace akhbar::grpc_util {

// Roles in increasing power: an admin may do everything an editor may. A
// signed-in reader (a subscriber) reads exactly as an anonymous one does; the
// two differ only in the refusal of a write (403 rather than 401), so that a
// client knows that signing in again will not help.
enum class Role { kAnonymous = 0, kReader = 1, kEditor = 2, kAdmin = 3 };

// Bearer tokens from configuration, kept only as SHA-256 digests so that
// neither the config nor a memory dump reveals them. Tokens are never logged.
class TokenVerifier {
 public:
  // `spec` is "role:sha256hex[,role:sha256hex...]" with role reader, editor
  // or admin, e.g. from AKHBAR_TOKENS. Empty means no writer at all.
  static absl::StatusOr<TokenVerifier> FromSpec(std::string_view spec);

  // The caller's role from `authorization: Bearer <token>`; kAnonymous when
  // the header is absent. UNAUTHENTICATED for a malformed header or unknown
  // token.
  absl::StatusOr<Role> RoleOf(const grpc::ServerContextBase& context) const;
  // The same from the metadata's value (nullopt: no such metadata).
  absl::StatusOr<Role> RoleOf(std::optional<std::string_view> authorization) const;

  // OK when the caller holds at least `needed`; UNAUTHENTICATED without a
  // valid token, PERMISSION_DENIED with one that is too weak.
  absl::Status Require(const grpc::ServerContextBase& context, Role needed) const;
  absl::Status Require(std::optional<std::string_view> authorization, Role needed) const;

  // Whether the caller may see unpublished articles; never fails (an invalid
  // token on a read is simply a reader).
  bool IsAtLeast(const grpc::ServerContextBase& context, Role role) const;

 private:
  std::map<std::string, Role> roles_by_digest_;
};

}  // namespace akhbar::grpc_util
