// tend-runtime's command line: its own few flags, and the words it hands to
// `tend start` (an ecosystem file or a script, and start options), which
// the CLI checks as it always does. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace tend {

struct RuntimeArgs {
    bool json = false;                     // --json: apps' lines as JSON objects
    bool auto_exit = true;                 // --no-auto-exit: run on once nothing is left to run
    bool help = false;                     // -h, --help
    bool version = false;                  // --version
    std::vector<std::string> start_words;  // for `tend start`
};

// Reads argv's words (without the program's name). The runtime's flags may
// come anywhere before a `--`; a leading `start` is dropped (PM2 users write
// `pm2-runtime start ecosystem.config.js`). Throws std::invalid_argument
// with a one-line message when no app is named.
RuntimeArgs parse_runtime_args(const std::vector<std::string>& words);

// What `tend-runtime --help` prints.
std::string runtime_usage();

}  // namespace tend
