// Where tend keeps its files: TEND_HOME (default ~/.tend) and what is in it.
#pragma once

#include <string>

namespace tend {

struct Paths {
    std::string home;        // TEND_HOME
    std::string socket;      // home/tend.sock
    std::string pidfile;     // home/tendd.pid, flocked by the live daemon
    std::string daemon_log;  // home/tendd.log
    std::string log_dir;     // home/logs
};

// Resolves TEND_HOME from the environment, else $HOME/.tend, else the
// user's home from the password database (never a shared directory such as
// /tmp, where another user could plant the socket). Throws TendError when
// none is known.
Paths resolve_paths();

// Refuses (TendError, one line saying why and what to do) a home that
// exists and is not a directory of the effective user that nobody else may
// write: the socket, the pid file and the logs live there.
void check_home(const std::string& home);
Paths paths_for(const std::string& home);

// path made absolute against base and normalised, without a trailing '/':
// how the CLI writes a script's path and how targets compare with it.
std::string absolute_path(const std::string& path, const std::string& base);

}  // namespace tend
