// What makes tendd tend-runtime (daemon/runtime/): a daemon in the
// foreground that starts its apps itself and ends when they are done.
#pragma once

#include <string>
#include <vector>

namespace tend {

struct RuntimeOptions {
    std::vector<std::string> start_words;  // `tend start`'s words
    bool json = false;                     // apps' lines as JSON objects
    bool auto_exit = true;                 // end once nothing is left to run
    std::string tend_program;              // the CLI that starts the apps
    // stdout and stderr are one file or pipe (`2>&1`, a terminal): the
    // apps' lines go through one writer, so none can tear another.
    bool same_stream = false;
};

}  // namespace tend
