// tend-runtime: tendd in the foreground as a container's main process. It
// is the daemon itself (no tend-keeper: when it dies the container does,
// and the platform restarts it), in a home of its own, with every app's
// lines on its stdout and stderr; see daemon/runtime/runtime_session.h.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/errors.h"
#include "common/fd_limit.h"
#include "common/paths.h"
#include "common/self_path.h"
#include "common/version.h"
#include "daemon/daemon.h"
#include "daemon/runtime/runtime_args.h"
#include "daemon/runtime/runtime_home.h"

namespace {

constexpr int kExitUsage = 2;

// Apps' lines reach stdout and stderr through descriptors of their own
// (log_file_open.h), which append. A file the shell opened with `>` (not
// `>>`) is written at the daemon's own offset too: made to append, the
// daemon's lines cannot overwrite the apps'.
void append_to_std_files() {
    for (int fd : {1, 2}) {
        struct stat st {};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) continue;
        int flags = ::fcntl(fd, F_GETFL);
        if (flags >= 0) ::fcntl(fd, F_SETFL, flags | O_APPEND);
    }
}

// Whether stdout and stderr are the same file or pipe.
bool same_std_stream() {
    struct stat out {};
    struct stat err {};
    return ::fstat(1, &out) == 0 && ::fstat(2, &err) == 0 && out.st_dev == err.st_dev &&
           out.st_ino == err.st_ino;
}

int run(const tend::RuntimeArgs& args) {
    // As PID 1, a signal without a handler is dropped: `docker stop` in the
    // first milliseconds would be lost. Blocked, it waits until the daemon
    // handles it (Daemon::start_parts unblocks them).
    sigset_t stops;
    sigemptyset(&stops);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGINT);
    ::sigprocmask(SIG_BLOCK, &stops, nullptr);
    tend::RuntimeHome home;
    // Whatever started us may have left descriptors open: none may reach an app.
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    append_to_std_files();
    tend::DaemonOptions options;
    options.log_to_stderr = true;
    options.version = tend::kVersion;
    options.child_nofile = tend::raise_fd_limit();
    options.runtime = tend::RuntimeOptions{args.start_words, args.json, args.auto_exit,
                                           tend::program_beside_self("tend"), same_std_stream()};
    tend::Daemon daemon(tend::resolve_paths(), options);
    return daemon.run();
}

}  // namespace

int main(int argc, char** argv) {
    tend::RuntimeArgs args;
    try {
        args = tend::parse_runtime_args(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "tend-runtime: error: %s\n", e.what());
        return kExitUsage;
    }
    if (args.help) {
        std::fputs(tend::runtime_usage().c_str(), stdout);
        return 0;
    }
    if (args.version) {
        std::printf("tend-runtime %s\n", tend::kVersion);
        return 0;
    }
    try {
        return run(args);
    } catch (const tend::TendError& e) {
        std::fprintf(stderr, "tend-runtime: error: %s\n", e.what());
        return 1;
    }
}
