// Resolution of TEND_HOME.
#include "common/paths.h"

#include "common/errors.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace tend {

Paths paths_for(const std::string& home) {
    return Paths{home, home + "/tend.sock", home + "/tendd.pid", home + "/tendd.log",
                 home + "/logs"};
}

Paths resolve_paths() {
    if (const char* h = std::getenv("TEND_HOME"); h && *h) return paths_for(h);
    if (const char* h = std::getenv("HOME"); h && *h) return paths_for(std::string(h) + "/.tend");
    if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_dir && *pw->pw_dir)
        return paths_for(std::string(pw->pw_dir) + "/.tend");
    throw TendError(ErrorCode::kBadRequest,
                    "no home for tend: HOME is unset and the user has none; set TEND_HOME");
}

void check_home(const std::string& home) {
    struct stat st {};
    if (::lstat(home.c_str(), &st) != 0) return;  // not there yet: it is made 0700
    auto refuse = [&](const std::string& why) {
        throw TendError(ErrorCode::kBadRequest, "refusing TEND_HOME " + home + ": " + why);
    };
    if (S_ISLNK(st.st_mode)) refuse("it is a symbolic link; use the directory itself");
    if (!S_ISDIR(st.st_mode)) refuse("it is not a directory");
    if (st.st_uid != ::geteuid())
        refuse("it belongs to uid " + std::to_string(st.st_uid) + ", not to uid " +
               std::to_string(::geteuid()) + "; choose a home of your own");
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        refuse(std::string("others may write to it (mode ") + mode + "); chmod 700 it");
    }
}

std::string absolute_path(const std::string& path, const std::string& base) {
    std::filesystem::path p(path);
    if (p.is_relative()) p = std::filesystem::path(base) / p;
    std::string text = p.lexically_normal().string();
    while (text.size() > 1 && text.back() == '/') text.pop_back();
    return text;
}

}  // namespace tend
