// File checks with stat/access, and the PATH walk.
#include "cli/path_lookup.h"

#include <sys/stat.h>
#include <unistd.h>

namespace tend {

bool is_regular_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_directory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_executable_file(const std::string& path) {
    return is_regular_file(path) && ::access(path.c_str(), X_OK) == 0;
}

std::optional<std::string> search_path(std::string_view word, std::string_view path_var,
                                       const FileCheck& is_executable) {
    while (!path_var.empty()) {
        auto colon = path_var.find(':');
        std::string_view dir = path_var.substr(0, colon);
        path_var = colon == std::string_view::npos ? "" : path_var.substr(colon + 1);
        if (dir.empty()) continue;
        std::string candidate =
            std::string(dir) + (dir.back() == '/' ? "" : "/") + std::string(word);
        if (is_executable(candidate)) return candidate;
    }
    return std::nullopt;
}

}  // namespace tend
