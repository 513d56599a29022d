#pragma once

// The command groups main.cc dispatches to, one source file each. A new
// service's commands (ticker, related) add a group here and a file beside.

#include <vector>

#include "tools/akhbarctl/cli.h"

namespace akhbar::ctl {

inline constexpr Endpoint kArticleEndpoint{"AKHBAR_ARTICLE_ADDR", "127.0.0.1:50051"};
inline constexpr Endpoint kTickerEndpoint{"AKHBAR_TICKER_ADDR", "127.0.0.1:50052"};
inline constexpr Endpoint kRelatedEndpoint{"AKHBAR_RELATED_ADDR", "127.0.0.1:50053"};

// get, list, sections, section create, tags, tag, merge-tags, publish,
// unpublish, takedown (article_commands.cc).
std::vector<Command> ArticleCommands();

// import (import_command.cc).
std::vector<Command> ImportCommands();

// ticker list, ticker push, ticker retract (ticker_commands.cc).
std::vector<Command> TickerCommands();

// related, related draft, related suggest-tags, related pin, related opt-out,
// and health, which asks any server (related_commands.cc).
std::vector<Command> RelatedCommands();

// hash-token (token_command.cc); needs no server.
std::vector<Command> TokenCommands();

}  // namespace akhbar::ctl
