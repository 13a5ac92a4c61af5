// A home of the runtime's own, unless one is given.
#include "daemon/runtime/runtime_home.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "common/errors.h"

namespace tend {

RuntimeHome::RuntimeHome() {
    if (const char* home = std::getenv("TEND_HOME"); home && *home) {
        path_ = home;
        return;
    }
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = (tmp && *tmp) ? tmp : "/tmp";
    pattern += "/tend-runtime.XXXXXX";
    // mkdtemp's directory is 0700 and new: nobody else can have planted
    // the socket in it, which is why tend refuses /tmp as a home otherwise.
    if (!::mkdtemp(pattern.data()))
        throw TendError(ErrorCode::kInternal,
                        "cannot make a home in " + pattern + ": " + std::strerror(errno));
    path_ = pattern;
    temporary_ = true;
    ::setenv("TEND_HOME", path_.c_str(), 1);
}

RuntimeHome::~RuntimeHome() {
    if (!temporary_) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

}  // namespace tend
