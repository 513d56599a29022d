#pragma once

// Command-line parsing. Global flags may stand anywhere (before or after the
// command), which is how people actually type them; "--" ends all flags.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tools/akhbarctl/cli.h"

namespace akhbar::ctl {

using EnvLookup = std::function<const char*(const char*)>;

struct GlobalParse {
  GlobalOptions options;
  std::vector<std::string> rest;  // command words, command flags and arguments, in order
  bool help = false;
  std::string error;  // non-empty on a usage error
};

// Takes --addr, --token, --timeout, --json and --help out of argv; the token
// falls back to AKHBAR_TOKEN.
GlobalParse ParseGlobalFlags(int argc, char** argv, const EnvLookup& env);

// The command whose words begin `rest` (the longest such name wins, so
// "section create" beats a hypothetical "section"); *words is set to how many
// of `rest` the name used. Null when none matches.
const Command* MatchCommand(const std::vector<Command>& commands,
                            const std::vector<std::string>& rest, std::size_t* words);

// Splits what follows the command's words into flags and positional
// arguments and checks them against the command's declaration. Returns an
// error message, or nullopt when the arguments are acceptable.
std::optional<std::string> ParseCommandArgs(const Command& command,
                                            const std::vector<std::string>& tokens,
                                            CommandArgs* args);

// --addr, else the command's environment variable, else its fallback.
std::string ResolveAddress(const GlobalOptions& options, const Endpoint& endpoint,
                           const EnvLookup& env);

}  // namespace akhbar::ctl
