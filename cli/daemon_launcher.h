// Reaching the daemon: connect to its socket and, for commands that may,
// launch `tendd` detached when none is listening, then wait for its socket.
#pragma once

#include <optional>
#include <string>

#include "cli/client.h"
#include "common/paths.h"

namespace tend {

// A connection to the daemon of paths; nullopt when none listens there
// (no socket, or a stale one). Other connect failures throw TendError.
std::optional<Client> connect_running(const Paths& paths);

// connect_running(), launching tendd first when no daemon listens, and
// waiting up to 5 s for its socket. Throws TendError
// "daemon did not start; see <home>/tendd.log" after that.
Client connect_or_launch(const Paths& paths);

// The tendd to run: $TEND_DAEMON_BIN, else tendd beside this executable,
// else tendd in PATH. Throws TendError when none is found.
std::string find_daemon_binary();

// Starts binary in a session of its own (double fork, stdio on /dev/null) and
// reaps the intermediate child. Throws TendError when binary cannot be executed.
void launch_daemon(const std::string& binary);

}  // namespace tend
