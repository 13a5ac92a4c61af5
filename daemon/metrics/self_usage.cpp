// /proc/self/statm and /proc/self/fd.
#include "daemon/metrics/self_usage.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

namespace tend {

std::int64_t self_resident_bytes() {
    int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char buf[256];
    ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0) return 0;
    buf[n] = '\0';
    long long size = 0, resident = 0;  // in pages: "size resident shared text lib data dt"
    if (std::sscanf(buf, "%lld %lld", &size, &resident) != 2) return 0;
    return static_cast<std::int64_t>(resident) * ::sysconf(_SC_PAGESIZE);
}

std::int64_t self_open_fds() {
    DIR* dir = ::opendir("/proc/self/fd");
    if (!dir) return 0;
    std::int64_t count = 0;
    while (dirent* entry = ::readdir(dir))
        if (entry->d_name[0] != '.') ++count;
    ::closedir(dir);
    return count > 0 ? count - 1 : 0;  // the directory's own descriptor
}

}  // namespace tend
