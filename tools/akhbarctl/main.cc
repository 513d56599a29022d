// akhbarctl: a command-line client for akhbar's gRPC services. This file only
// gathers the command groups, parses the command line and dispatches.

#include <cstddef>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tools/akhbarctl/args.h"
#include "tools/akhbarctl/cli.h"
#include "tools/akhbarctl/commands.h"

namespace akhbar::ctl {
namespace {

std::vector<Command> AllCommands() {
  std::vector<Command> commands;
  for (auto group :
       {ArticleCommands, ImportCommands, TickerCommands, RelatedCommands, TokenCommands}) {
    for (Command& command : group()) commands.push_back(std::move(command));
  }
  return commands;
}

void PrintHelp(const std::vector<Command>& commands, std::ostream& out) {
  out << "usage: akhbarctl [--addr HOST:PORT] [--token T] [--json] [--timeout SECONDS] "
         "COMMAND [ARGS]\n\ncommands:\n";
  for (const Command& command : commands) {
    out << "  " << command.name;
    if (!command.usage.empty()) out << " " << command.usage;
    out << "\n      " << command.summary << "\n";
  }
  out << "\nglobal flags:\n"
         "  --addr HOST:PORT   server address (default: $AKHBAR_ARTICLE_ADDR or "
         "127.0.0.1:50051;\n"
         "                     ticker commands: $AKHBAR_TICKER_ADDR or 127.0.0.1:50052;\n"
         "                     related commands: $AKHBAR_RELATED_ADDR or 127.0.0.1:50053)\n"
         "  --token T          sent as 'authorization: Bearer T' (default: $AKHBAR_TOKEN)\n"
         "  --json             print responses as proto3 JSON\n"
         "  --timeout SECONDS  deadline of each call (default: 10, import: 600)\n"
         "\nexit codes: 0 ok, 1 some import items failed, 2 usage error, 3 call failed\n";
}

int Main(int argc, char** argv) {
  const std::vector<Command> commands = AllCommands();
  EnvLookup env = [](const char* name) { return std::getenv(name); };
  GlobalParse parse = ParseGlobalFlags(argc, argv, env);
  if (!parse.rest.empty() && parse.rest.front() == "help") {
    parse.help = true;
    parse.rest.erase(parse.rest.begin());
  }

  std::size_t words = 0;
  const Command* command = MatchCommand(commands, parse.rest, &words);
  if (parse.help) {
    if (command == nullptr) {
      PrintHelp(commands, std::cout);
    } else {
      PrintCommandUsage(*command, std::cout);
      std::cout << command->summary << "\n";
    }
    return kExitOk;
  }
  if (!parse.error.empty()) {
    std::cerr << "akhbarctl: " << parse.error << "\n";
    return kExitUsage;
  }
  if (command == nullptr) {
    if (parse.rest.empty()) {
      PrintHelp(commands, std::cerr);
    } else {
      std::cerr << "akhbarctl: unknown command \"" << parse.rest.front()
                << "\"; see akhbarctl --help\n";
    }
    return kExitUsage;
  }

  std::vector<std::string> tokens(parse.rest.begin() + static_cast<std::ptrdiff_t>(words),
                                  parse.rest.end());
  CommandArgs args;
  std::optional<std::string> error = ParseCommandArgs(*command, tokens, &args);
  Invocation invocation{.command = *command,
                        .global = parse.options,
                        .args = std::move(args),
                        .addr = ResolveAddress(parse.options, command->endpoint, env),
                        .deadline = parse.options.timeout.value_or(command->deadline)};
  if (error) return UsageError(invocation, *error);
  return command->run(invocation);
}

}  // namespace
}  // namespace akhbar::ctl

int main(int argc, char** argv) { return akhbar::ctl::Main(argc, argv); }
