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
  std::string spec = "editor:" + crypto::Sha256Hex("e") + ", admin:" + crypto::Sha256Hex("a") +
                     ",reader:" + crypto::Sha256Hex("r");
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

// One verifier knowing a token of each role, and the headers that carry them.
class Roles : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<TokenVerifier> parsed =
        TokenVerifier::FromSpec("reader:" + crypto::Sha256Hex("reader-secret") +
                                ",editor:" + crypto::Sha256Hex("editor-secret") +
                                ",admin:" + crypto::Sha256Hex("admin-secret"));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    verifier_ = *std::move(parsed);
  }
  TokenVerifier verifier_;
};

TEST_F(Roles, EachTokenHasItsRoleAndNoHeaderIsAnonymous) {
  EXPECT_EQ(verifier_.RoleOf(std::nullopt).value(), Role::kAnonymous);
  EXPECT_EQ(verifier_.RoleOf("Bearer reader-secret").value(), Role::kReader);
  EXPECT_EQ(verifier_.RoleOf("Bearer editor-secret").value(), Role::kEditor);
  EXPECT_EQ(verifier_.RoleOf("bearer admin-secret").value(), Role::kAdmin);
  EXPECT_EQ(verifier_.RoleOf("Bearer someone-else").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(verifier_.RoleOf("Basic cmVhZGVyOnB3").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(verifier_.RoleOf("Bearer ").status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(Roles, AReaderMayWriteNothingAndIsToldItIsNotAMatterOfSigningIn) {
  for (Role needed : {Role::kEditor, Role::kAdmin}) {
    absl::Status refused = verifier_.Require("Bearer reader-secret", needed);
    EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied) << refused;
    // No token at all, or one nobody issued, is another matter: 401.
    EXPECT_EQ(verifier_.Require(std::nullopt, needed).code(), absl::StatusCode::kUnauthenticated);
    EXPECT_EQ(verifier_.Require("Bearer reader-secre", needed).code(),
              absl::StatusCode::kUnauthenticated);
  }
}

TEST_F(Roles, EditorsAndAdminsWriteWhatTheirRoleAllows) {
  EXPECT_TRUE(verifier_.Require("Bearer editor-secret", Role::kEditor).ok());
  EXPECT_EQ(verifier_.Require("Bearer editor-secret", Role::kAdmin).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(verifier_.Require("Bearer admin-secret", Role::kEditor).ok());
  EXPECT_TRUE(verifier_.Require("Bearer admin-secret", Role::kAdmin).ok());
}

TEST_F(Roles, ARefusalNeverRepeatsTheToken) {
  for (const char* header : {"Bearer reader-secret", "Bearer wrong-secret", "Basic x"}) {
    absl::Status refused = verifier_.Require(header, Role::kEditor);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(std::string(refused.message()).find("secret"), std::string::npos) << refused;
    EXPECT_EQ(std::string(refused.message()).find("Basic x"), std::string::npos) << refused;
  }
}

}  // namespace
}  // namespace akhbar::grpc_util
