#include "libs/grpc/auth.h"

#include <gtest/gtest.h>

#include "libs/crypto/sha256.h"

namespace akhbar::grpc_util {
namespace {

TEST(Sha256Hex, MatchesTheKnownDigest) {
  EXPECT_EQ(crypto::Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(TokenVerifier, AcceptsRoleDigestPairs) {
  std::string spec = "editor:" + crypto::Sha256Hex("e") + ", admin:" + crypto::Sha256Hex("a");
  EXPECT_TRUE(TokenVerifier::FromSpec(spec).ok());
  EXPECT_TRUE(TokenVerifier::FromSpec("").ok());
}

TEST(TokenVerifier, RefusesUnknownRolesAndPlainTokens) {
  absl::StatusOr<TokenVerifier> role = TokenVerifier::FromSpec("root:" + crypto::Sha256Hex("x"));
  EXPECT_EQ(role.status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<TokenVerifier> plain = TokenVerifier::FromSpec("editor:my-secret-token");
  EXPECT_EQ(plain.status().code(), absl::StatusCode::kInvalidArgument);
  // The refusal must not repeat what may be a secret pasted by mistake.
  EXPECT_EQ(std::string(plain.status().message()).find("my-secret-token"), std::string::npos);
}

}  // namespace
}  // namespace akhbar::grpc_util
