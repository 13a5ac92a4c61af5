// Resolution of TEND_HOME.
#include "common/paths.h"

#include <cstdlib>
#include <filesystem>

namespace tend {

Paths paths_for(const std::string& home) {
    return Paths{home, home + "/tend.sock", home + "/tendd.pid", home + "/tendd.log",
                 home + "/logs"};
}

Paths resolve_paths() {
    if (const char* h = std::getenv("TEND_HOME"); h && *h) return paths_for(h);
    const char* user_home = std::getenv("HOME");
    return paths_for(std::string(user_home && *user_home ? user_home : "/tmp") + "/.tend");
}

std::string absolute_path(const std::string& path, const std::string& base) {
    std::filesystem::path p(path);
    if (p.is_relative()) p = std::filesystem::path(base) / p;
    std::string text = p.lexically_normal().string();
    while (text.size() > 1 && text.back() == '/') text.pop_back();
    return text;
}

}  // namespace tend
