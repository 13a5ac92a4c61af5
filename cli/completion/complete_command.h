// `tend __complete ...`: the hidden command the completion scripts call. It
// is not in the command table, so `tend help` and "did you mean" never show it.
#pragma once

#include <string>
#include <vector>

namespace tend {

// The word that routes to run_complete() in run.cpp.
inline constexpr const char* kCompleteCommand = "__complete";

// Prints candidates one per line and returns 0, whatever happens: completion
// must never print an error into the user's command line.
//   commands               every command name
//   flags CMD              CMD's option spellings
//   targets                live app names and ids (never starts a daemon)
//   args CMD WORDS...      what fits after `tend CMD WORDS...`; the line
//                          "::files" asks the shell to complete file names
int run_complete(const std::vector<std::string>& args);

}  // namespace tend
