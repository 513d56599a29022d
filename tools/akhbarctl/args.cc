#include "tools/akhbarctl/args.h"

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace akhbar::ctl {
namespace {

constexpr long kMaxTimeoutSeconds = 24 * 60 * 60;

bool IsFlag(const std::string& token) { return token.size() > 1 && token[0] == '-'; }

// Bearer tokens travel in an HTTP/2 header; a stray newline or space (often
// from a copied file) would make every call fail obscurely.
bool IsHeaderSafe(const std::string& token) {
  return std::all_of(token.begin(), token.end(), [](char c) { return c > ' ' && c < 127; });
}

std::vector<std::string> SplitWords(const std::string& name) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < name.size()) {
    std::size_t end = name.find(' ', start);
    if (end == std::string::npos) end = name.size();
    words.push_back(name.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

}  // namespace

GlobalParse ParseGlobalFlags(int argc, char** argv, const EnvLookup& env) {
  GlobalParse parse;
  const char* env_token = env("AKHBAR_TOKEN");
  if (env_token != nullptr) parse.options.token = env_token;
  std::optional<std::string> timeout;

  for (int i = 1; i < argc; ++i) {
    std::string token = argv[i];
    if (token == "--") {
      for (; i < argc; ++i) parse.rest.push_back(argv[i]);
      break;
    }
    if (token == "-h" || token == "--help") {
      parse.help = true;
      continue;
    }
    if (token == "--json") {
      parse.options.json = true;
      continue;
    }
    std::string name = token.substr(0, token.find('='));
    if (name != "--addr" && name != "--token" && name != "--timeout") {
      parse.rest.push_back(std::move(token));
      continue;
    }
    std::string value;
    if (name.size() < token.size()) {
      value = token.substr(name.size() + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      parse.error = name + " needs a value";
      return parse;
    }
    if (name == "--addr") parse.options.addr = value;
    if (name == "--token") parse.options.token = value;
    if (name == "--timeout") timeout = value;
  }

  if (parse.options.addr && parse.options.addr->empty()) parse.error = "--addr is empty";
  if (!IsHeaderSafe(parse.options.token)) {
    // Never echo the token itself.
    parse.error = "the token (--token or AKHBAR_TOKEN) contains spaces or control characters";
  }
  if (timeout) {
    std::optional<std::int64_t> seconds = ParseInt64(*timeout);
    if (!seconds || *seconds < 1 || *seconds > kMaxTimeoutSeconds) {
      parse.error = "--timeout must be a whole number of seconds from 1 to " +
                    std::to_string(kMaxTimeoutSeconds);
    } else {
      parse.options.timeout = std::chrono::seconds(*seconds);
    }
  }
  return parse;
}

const Command* MatchCommand(const std::vector<Command>& commands,
                            const std::vector<std::string>& rest, std::size_t* words) {
  const Command* best = nullptr;
  std::size_t best_words = 0;
  for (const Command& command : commands) {
    std::vector<std::string> name = SplitWords(command.name);
    if (name.size() <= best_words || name.size() > rest.size()) continue;
    if (std::equal(name.begin(), name.end(), rest.begin())) {
      best = &command;
      best_words = name.size();
    }
  }
  *words = best_words;
  return best;
}

std::optional<std::string> ParseCommandArgs(const Command& command,
                                            const std::vector<std::string>& tokens,
                                            CommandArgs* args) {
  bool flags_done = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string& token = tokens[i];
    if (flags_done || !IsFlag(token)) {
      args->positional.push_back(token);
      continue;
    }
    if (token == "--") {
      flags_done = true;
      continue;
    }
    std::string name = token.substr(0, token.find('='));
    std::string bare = name.starts_with("--") ? name.substr(2) : "";
    if (std::find(command.flags.begin(), command.flags.end(), bare) == command.flags.end()) {
      return "unknown flag " + name + " for '" + command.name + "'";
    }
    if (args->Has(bare)) return name + " is given twice";
    if (name.size() < token.size()) {
      args->flags[bare] = token.substr(name.size() + 1);
    } else if (i + 1 < tokens.size()) {
      args->flags[bare] = tokens[++i];
    } else {
      return name + " needs a value";
    }
  }
  std::size_t count = args->positional.size();
  if (count < command.min_args || count > command.max_args) {
    std::string expected = std::to_string(command.min_args);
    if (command.max_args != command.min_args) expected += " to " + std::to_string(command.max_args);
    return "'" + command.name + "' takes " + expected + " argument(s), got " +
           std::to_string(count);
  }
  return std::nullopt;
}

std::string ResolveAddress(const GlobalOptions& options, const Endpoint& endpoint,
                           const EnvLookup& env) {
  if (options.addr) return *options.addr;
  if (endpoint.env != nullptr) {
    const char* value = env(endpoint.env);
    if (value != nullptr && *value != '\0') return value;
  }
  return endpoint.fallback != nullptr ? endpoint.fallback : "";
}

}  // namespace akhbar::ctl
