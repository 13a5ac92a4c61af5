// How a log file is opened. In the home (the default TEND_HOME/logs/...,
// or any path under TEND_HOME) no link is followed, at any level: each
// directory is opened from the one before with O_NOFOLLOW | O_DIRECTORY and
// the file with O_NOFOLLOW, so a link planted there cannot make tend write
// another file. Elsewhere the directories are the user's, and only the file
// itself must not be a link (except under /dev, where /dev/stdout is one by
// design). A FIFO is opened without blocking: with no reader it is refused.
#pragma once

#include <string>

namespace tend {

struct OpenedLog {
    int fd = -1;           // O_APPEND; O_NONBLOCK unless a regular file
    bool regular = false;  // a regular file (else a FIFO, pipe, terminal, device)
    bool remote = false;   // on a network or FUSE file system: it may stall for good
    std::string error;     // why fd is -1
};

// Opens path for appending, creating it and its directories (0700 in the
// home) as needed. home may be empty (no path is then "in the home").
OpenedLog open_log(const std::string& path, const std::string& home);

}  // namespace tend
