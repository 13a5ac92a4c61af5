// The real /proc behind ProcSource.
#include "daemon/metrics/proc_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace tend {
namespace {

int proc_source_pid_of(const char* name) {
    int value = 0;
    for (const char* c = name; *c; ++c) {
        if (*c < '0' || *c > '9') return 0;
        value = value * 10 + (*c - '0');
    }
    return value;
}

}  // namespace

std::optional<int> SystemProc::last_pid() {
    int fd = ::open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    char buf[128];
    ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0) return std::nullopt;
    buf[n] = '\0';
    // "0.00 0.01 0.05 1/123 4567\n": the last word.
    const char* last = std::strrchr(buf, ' ');
    if (!last) return std::nullopt;
    int pid = std::atoi(last + 1);
    return pid > 0 ? std::optional<int>(pid) : std::nullopt;
}

bool SystemProc::list(std::vector<ProcEntry>& out) {
    out.clear();
    DIR* dir = ::opendir("/proc");
    if (!dir) return false;
    while (dirent* entry = ::readdir(dir)) {
        int pid = proc_source_pid_of(entry->d_name);
        // procfs gives inode 1 when it could not make the entry: unknown.
        auto inode = static_cast<std::uint32_t>(entry->d_ino);
        if (pid > 0) out.push_back(ProcEntry{pid, entry->d_ino > 1 ? inode : 0u});
    }
    ::closedir(dir);
    // procfs lists by pid already; sorting keeps the contract for any other.
    if (!std::is_sorted(out.begin(), out.end(),
                        [](const ProcEntry& a, const ProcEntry& b) { return a.pid < b.pid; }))
        std::sort(out.begin(), out.end(),
                  [](const ProcEntry& a, const ProcEntry& b) { return a.pid < b.pid; });
    return true;
}

}  // namespace tend
