// What shell completion offers, computed from the command table and each
// command's CLI11 options, so completion cannot drift from the CLI: command
// names, a command's flags, and what fits the word being typed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tend {

// What the word under the cursor should be, for a command's arguments.
struct ArgumentCompletion {
    enum class Kind {
        kNone,     // nothing to offer (a number, JSON, a name to invent)
        kWords,    // exactly words
        kFiles,    // a file name; the shell completes it
        kTargets,  // a live app name or id; ask the daemon
    };
    Kind kind = Kind::kNone;
    std::vector<std::string> words;
};

// Every command name, sorted (aliases are left out: they would crowd the list).
std::vector<std::string> command_candidates();

// Every spelling of a command's options ("--name", "-i"); none for an unknown command.
std::vector<std::string> flag_candidates(std::string_view command);

// What fits after `tend <command> typed...`, where typed are the words the
// user has finished (the word being typed is not among them).
ArgumentCompletion argument_completion(std::string_view command,
                                       const std::vector<std::string>& typed);

// The shells `tend completion` has a script for.
std::vector<std::string> completion_shells();

}  // namespace tend
