// The running program's directory, from /proc/self/exe.
#include "common/self_path.h"

#include <unistd.h>

namespace tend {

std::string program_beside_self(std::string_view name) {
    char path[4096];
    ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0) return "";
    std::string self(path, static_cast<std::size_t>(n));
    return self.substr(0, self.rfind('/') + 1).append(name);
}

}  // namespace tend
