#include "libs/grpc/auth.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "libs/crypto/sha256.h"

namespace akhbar::grpc_util {

absl::StatusOr<TokenVerifier> TokenVerifier::FromSpec(std::string_view spec) {
  TokenVerifier verifier;
  for (absl::string_view entry : absl::StrSplit(std::string(spec), ',', absl::SkipWhitespace())) {
    std::pair<absl::string_view, absl::string_view> parts = absl::StrSplit(entry, ':');
    std::string role_name(absl::StripAsciiWhitespace(parts.first));
    std::string digest = absl::AsciiStrToLower(absl::StripAsciiWhitespace(parts.second));
    Role role;
    if (role_name == "reader") {
      role = Role::kReader;
    } else if (role_name == "editor") {
      role = Role::kEditor;
    } else if (role_name == "admin") {
      role = Role::kAdmin;
    } else {
      return absl::InvalidArgumentError("token role \"" + role_name +
                                        "\" must be reader, editor or admin");
    }
    bool is_hex =
        digest.size() == 64 && digest.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (!is_hex) {
      return absl::InvalidArgumentError("a token for role " + role_name +
                                        " is not a SHA-256 hex digest (64 hex characters)");
    }
    verifier.roles_by_digest_[digest] = role;
  }
  return verifier;
}

namespace {

std::optional<std::string_view> AuthorizationOf(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return std::nullopt;
  return std::string_view(it->second.data(), it->second.size());
}

}  // namespace

absl::StatusOr<Role> TokenVerifier::RoleOf(const grpc::ServerContextBase& context) const {
  return RoleOf(AuthorizationOf(context));
}

absl::StatusOr<Role> TokenVerifier::RoleOf(std::optional<std::string_view> authorization) const {
  if (!authorization) return Role::kAnonymous;
  absl::string_view header(authorization->data(), authorization->size());
  constexpr absl::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size() || !absl::EqualsIgnoreCase(header.substr(0, 7), kScheme)) {
    return absl::UnauthenticatedError("authorization metadata must be \"Bearer <token>\"");
  }
  auto found = roles_by_digest_.find(crypto::Sha256Hex(std::string(header.substr(kScheme.size()))));
  if (found == roles_by_digest_.end()) {
    return absl::UnauthenticatedError("the bearer token is not valid");
  }
  return found->second;
}

absl::Status TokenVerifier::Require(const grpc::ServerContextBase& context, Role needed) const {
  return Require(AuthorizationOf(context), needed);
}

absl::Status TokenVerifier::Require(std::optional<std::string_view> authorization,
                                    Role needed) const {
  absl::StatusOr<Role> role = RoleOf(authorization);
  if (!role.ok()) return role.status();
  if (*role == Role::kAnonymous) {
    return absl::UnauthenticatedError(
        "this call changes data: send \"authorization: Bearer <token>\" metadata");
  }
  if (*role < needed) {
    return absl::PermissionDeniedError(needed == Role::kAdmin ? "this call needs an admin token"
                                                              : "this call needs an editor token");
  }
  return absl::OkStatus();
}

bool TokenVerifier::IsAtLeast(const grpc::ServerContextBase& context, Role role) const {
  absl::StatusOr<Role> actual = RoleOf(context);
  return actual.ok() && *actual >= role;
}

}  // namespace akhbar::grpc_util
