#include <iostream>
#include <string>

#include "libs/crypto/sha256.h"
#include "tools/akhbarctl/commands.h"

namespace akhbar::ctl {
namespace {

int RunHashToken(const Invocation& invocation) {
  std::string token = invocation.args.positional[0];
  // "-" reads the token from stdin, keeping it out of shell history and `ps`.
  if (token == "-" && !std::getline(std::cin, token)) {
    return UsageError(invocation, "no token on standard input");
  }
  if (!token.empty() && token.back() == '\r') token.pop_back();
  if (token.empty()) return UsageError(invocation, "the token is empty");
  // The server compares digests of exactly these bytes, so nothing is trimmed.
  std::cout << crypto::Sha256Hex(token) << "\n";
  return kExitOk;
}

}  // namespace

std::vector<Command> TokenCommands() {
  return {{.name = "hash-token",
           .usage = "TOKEN|-",
           .summary = "print the SHA-256 of a token for AKHBAR_TOKENS (\"-\" reads stdin)",
           .min_args = 1,
           .max_args = 1,
           .run = RunHashToken}};
}

}  // namespace akhbar::ctl
