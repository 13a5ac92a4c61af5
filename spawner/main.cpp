// tend-spawner: started by tendd, never by a user. `tend-spawner --fd N
// [--nofile SOFT]` reads orders on the socket at fd N and starts each
// program as tendd's child, so tendd, however large its memory and however
// many descriptors it holds, never forks: a start costs the same with a
// thousand instances as with one. It ends when tendd closes the socket.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "spawner/launch.h"
#include "spawner/wire.h"

namespace {

int usage() {
    std::fputs(
        "tend-spawner: starts tendd's apps for it; tendd starts it\n"
        "usage: tend-spawner --fd N [--nofile SOFT]\n",
        stderr);
    return 2;
}

// tendd raises its own descriptor limit; its apps get the limit tendd was
// started with (a program that uses select() breaks above 1024), as
// systemd does for its services.
void restore_nofile(long soft) {
    rlimit limit{};
    if (soft <= 0 || ::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    limit.rlim_cur =
        static_cast<rlim_t>(soft) < limit.rlim_max ? static_cast<rlim_t>(soft) : limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
}

// Whatever else was inherited is closed: a child starts from our table.
void close_others(int keep) {
    if (keep > 3) ::close_range(3, static_cast<unsigned>(keep - 1), 0);
    ::close_range(static_cast<unsigned>(keep + 1), ~0U, 0);
    ::fcntl(keep, F_SETFD, FD_CLOEXEC);
}

}  // namespace

int main(int argc, char** argv) {
    int socket = -1;
    long nofile = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--fd") == 0)
            socket = std::atoi(argv[i + 1]);
        else if (std::strcmp(argv[i], "--nofile") == 0)
            nofile = std::atol(argv[i + 1]);
        else
            return usage();
    }
    if (socket < 3 || argc % 2 == 0) return usage();
    close_others(socket);
    restore_nofile(nofile);
    int dev_null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (dev_null < 0) {
        std::perror("tend-spawner: /dev/null");
        return 1;
    }
    tend::spawner::Launcher launcher(dev_null);
    while (auto order = tend::spawner::receive_order(socket)) {
        tend::spawner::Reply reply = launcher.launch(*order);
        for (int fd : order->fds) ::close(fd);
        if (!tend::spawner::send_reply(socket, reply)) return 0;
    }
    // EOF: tendd is done with us. A malformed order: we no longer know
    // where the next one begins, so tendd is told and starts another.
    if (errno == EPROTO) {
        tend::spawner::send_reply(socket, {0, EPROTO, tend::spawner::Stage::kOrder});
        return 1;
    }
    return 0;
}
