// tend-keeper: started by tendd (which execs it in its own place), never by
// a user. `tend-keeper --lock-fd N -- TENDD --serve ...` holds the home
// lock on fd N and runs the daemon under it; `--resume FD -- ...` is the
// keeper re-executed by `tend update`, its store in the file at FD.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "common/fd_limit.h"
#include "keeper/fd_store.h"
#include "keeper/keeper.h"

namespace {

int usage() {
    std::fputs(
        "tend-keeper: the process that holds tendd's apps while tendd restarts; tendd "
        "starts it\n"
        "usage: tend-keeper (--lock-fd N | --resume FD) -- TENDD ARGS...\n",
        stderr);
    return 2;
}

std::string own_path(const char* argv0) {
    char path[4096];
    ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
    // Read before any update replaces the file: a path, not the inode.
    if (n > 0) {
        std::string text(path, static_cast<std::size_t>(n));
        const std::string deleted = " (deleted)";
        if (text.size() > deleted.size() &&
            text.compare(text.size() - deleted.size(), deleted.size(), deleted) == 0)
            text.resize(text.size() - deleted.size());
        return text;
    }
    return argv0;
}

}  // namespace

int main(int argc, char** argv) {
    // It holds three descriptors of every instance (tendd sets
    // TEND_NOFILE_SOFT before it execs the keeper in its own place).
    tend::raise_fd_limit();
    tend::keeper::FdStore store;
    tend::keeper::KeeperConfig config;
    config.self_path = own_path(argv[0]);
    int i = 1;
    for (; i + 1 < argc && std::strcmp(argv[i], "--") != 0; i += 2) {
        int fd = std::atoi(argv[i + 1]);
        if (std::strcmp(argv[i], "--lock-fd") == 0 && fd > 2) {
            ::fcntl(fd, F_SETFD, FD_CLOEXEC);
            store.put("lock", fd);
        } else if (std::strcmp(argv[i], "--resume") == 0 && fd > 2) {
            store.from_file(fd);
        } else {
            return usage();
        }
    }
    if (i >= argc || std::strcmp(argv[i], "--") != 0 || i + 1 >= argc) return usage();
    config.server_argv.assign(argv + i + 1, argv + argc);
    tend::keeper::Keeper keeper(std::move(config), store);
    return keeper.run();
}
