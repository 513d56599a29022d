#pragma once

// The small framework every akhbarctl command is written against: how a
// command is declared, what it receives, and the shared helpers for gRPC calls.
// A command group (article, later ticker and related) lives in its own file and
// contributes a std::vector<Command>; main.cc only concatenates and dispatches.

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "google/protobuf/timestamp.pb.h"

namespace akhbar::ctl {

// Exit codes are part of the interface: scripts must tell a batch with bad
// items (1) from a mistyped command line (2) and a failed call (3).
inline constexpr int kExitOk = 0;
inline constexpr int kExitItemsFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRpcFailed = 3;

inline constexpr std::chrono::seconds kDefaultDeadline{10};

// Flags that mean the same for every command, from the command line or the
// environment.
struct GlobalOptions {
  std::optional<std::string> addr;  // --addr; otherwise the command's endpoint decides
  std::string token;                // never printed
  bool json = false;
  std::optional<std::chrono::seconds> timeout;  // --timeout overrides each command's deadline
};

// Where a command's server is when --addr is not given. Each service has its
// own variable so one shell can talk to article and ticker at once.
struct Endpoint {
  const char* env = nullptr;  // e.g. "AKHBAR_ARTICLE_ADDR"; null for offline commands
  const char* fallback = nullptr;
};

// A command's arguments once the global flags and the command's words are gone.
struct CommandArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string> flags;  // name without "--" → value

  bool Has(const std::string& name) const { return flags.contains(name); }
  std::string Get(const std::string& name, std::string fallback = "") const;
};

struct Command;

// Everything a command's run function needs, resolved by main.
struct Invocation {
  const Command& command;
  const GlobalOptions& global;
  CommandArgs args;
  std::string addr;
  std::chrono::seconds deadline;
};

// Declared with designated initializers; every member has a default so that a
// declaration names only what differs.
struct Command {
  std::string name{};                // one or more words: "get", "section create"
  std::string usage{};               // what follows the name, e.g. "ID [--at RFC3339]"
  std::string summary{};             // one line for the help text
  std::vector<std::string> flags{};  // value-taking flags it accepts, without "--"
  std::size_t min_args = 0;
  std::size_t max_args = 0;
  Endpoint endpoint{};
  std::chrono::seconds deadline = kDefaultDeadline;
  std::function<int(const Invocation&)> run{};
};

// Prints "akhbarctl: <message>" and the command's usage line; returns kExitUsage.
int UsageError(const Invocation& invocation, std::string_view message);
void PrintCommandUsage(const Command& command, std::ostream& out);

// An insecure channel: the services listen on loopback or inside the cluster
// network; TLS, when needed, is terminated in front of them.
std::shared_ptr<grpc::Channel> OpenChannel(const Invocation& invocation);

// Sets the call's deadline and, when a token is configured, the bearer header.
void PrepareContext(const Invocation& invocation, grpc::ClientContext* context);

// "NOT_FOUND" for grpc::StatusCode::NOT_FOUND and so on.
std::string StatusCodeName(grpc::StatusCode code);

// Prints "akhbarctl: <CODE>: <message>" to stderr; returns kExitRpcFailed.
int RpcFailed(const grpc::Status& status);

// Strict parsers for command-line values: the whole text must match.
std::optional<std::int64_t> ParseInt64(std::string_view text);
std::optional<google::protobuf::Timestamp> ParseRfc3339(const std::string& text);

}  // namespace akhbar::ctl
