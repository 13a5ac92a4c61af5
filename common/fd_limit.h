// Raising the open-file limit of tend's own processes. tendd holds five
// descriptors per instance (two pipes, IPC, two log files) and the keeper
// three: 10,000 instances need far more than the usual soft limit of 1,024.
// Apps must not inherit the raised limit (a program that uses select()
// breaks above 1,024), so the limit the first of tend's processes was
// started with is kept in TEND_NOFILE_SOFT for the ones it starts, and
// tend-spawner gives it back to every app, as systemd does for services.
// Header-only: tend-keeper links nothing of tend's but its own code.
#pragma once

#include <sys/resource.h>

#include <cstdlib>
#include <string>

namespace tend {

inline constexpr const char* kNofileSoftEnv = "TEND_NOFILE_SOFT";

// Raises the soft limit to the hard one (never the hard one: that is the
// administrator's, LimitNOFILE= or ulimit -Hn). Returns the soft limit the
// apps get.
inline long raise_fd_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
    const char* inherited = std::getenv(kNofileSoftEnv);
    long original = inherited ? std::atol(inherited) : static_cast<long>(limit.rlim_cur);
    if (!inherited) ::setenv(kNofileSoftEnv, std::to_string(original).c_str(), 1);
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    return original;
}

}  // namespace tend
