// What the file watcher watches for one app, as the process table derives
// it from the app's spec and instances (ProcessTable::watch_targets()).
#pragma once

#include <string>
#include <vector>

namespace tend {

struct WatchTarget {
    std::string app;
    std::string cwd;                        // changes are named relative to it
    std::vector<std::string> paths;         // absolute: directories (their trees) or files
    std::vector<std::string> ignore;        // ignore_watch globs
    std::vector<std::string> log_files;     // every instance's out and err files
    std::vector<std::string> private_dirs;  // TEND_HOME and the log directory

    bool operator==(const WatchTarget&) const = default;
};

}  // namespace tend
