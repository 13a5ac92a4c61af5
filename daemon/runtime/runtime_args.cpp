// tend-runtime's flags, apart from what `tend start` reads.
#include "daemon/runtime/runtime_args.h"

#include <stdexcept>

namespace tend {

RuntimeArgs parse_runtime_args(const std::vector<std::string>& words) {
    RuntimeArgs args;
    bool passed_dashes = false;
    for (const std::string& word : words) {
        if (!passed_dashes) {
            if (word == "--") passed_dashes = true;
            if (word == "--json") {
                args.json = true;
                continue;
            }
            if (word == "--no-auto-exit") {
                args.auto_exit = false;
                continue;
            }
            if (word == "-h" || word == "--help") {
                args.help = true;
                continue;
            }
            if (word == "--version") {
                args.version = true;
                continue;
            }
        }
        if (args.start_words.empty() && word == "start") continue;
        args.start_words.push_back(word);
    }
    if (args.help || args.version) return args;
    if (args.start_words.empty() || args.start_words.front().rfind('-', 0) == 0)
        throw std::invalid_argument(
            "name an ecosystem file or a script to run (tend-runtime --help)");
    return args;
}

std::string runtime_usage() {
    return "Usage: tend-runtime [--json] [--no-auto-exit] <ecosystem file | script> "
           "[start options]\n"
           "\n"
           "Runs tend in the foreground, as a container's main process (PID 1): starts the\n"
           "apps as `tend start` would, writes their lines to its own stdout and stderr,\n"
           "reaps every orphan, and stops every app gracefully on SIGTERM or SIGINT.\n"
           "It exits once nothing is left to run: 0 when every app completed or stopped\n"
           "cleanly, 1 when any ended errored or was killed; 2 on a bad command line.\n"
           "\n"
           "Options:\n"
           "  --json          each line as a JSON object (time, app, id, instance, stream,\n"
           "                  message) instead of 'name-N | line'\n"
           "  --no-auto-exit  run on when nothing is left to run, until SIGTERM\n"
           "  -h, --help      show this help and exit\n"
           "  --version       print the version and exit\n"
           "\n"
           "Start options are tend start's (tend start --help): -i max, --name, --port, ...\n"
           "TEND_HOME, when set, is the home (so `tend list` in the container finds it);\n"
           "else a temporary one is made and removed at exit.\n";
}

}  // namespace tend
