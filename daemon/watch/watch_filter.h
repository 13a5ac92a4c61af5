// What a watched app does not react to: its ignore_watch globs, the default
// ignores (node_modules, .git), and tend's own files (the app's logs and
// their archives, TEND_HOME), which would otherwise restart an app that logs
// into its own tree forever. Pure code: unit-tested without inotify.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tend {

// Ignored in every watched tree, whatever ignore_watch says.
inline constexpr std::string_view kDefaultWatchIgnores[] = {"node_modules", ".git"};

// Whether path (components separated by '/') matches a glob: '*', '?' and
// '[...]' within one component (fnmatch), and a component "**" for any
// number of components, none included.
bool glob_matches_path(std::string_view pattern, std::string_view path);

class WatchFilter {
  public:
    // globs: ignore_watch as given. log_files: the app's live log files
    // (absolute); their archives ("<stem>__<date><ext>[.gz[.tmp]]") go too.
    // private_dirs: directories of tend's own (TEND_HOME, its logs/),
    // ignored where they fall under a watched root.
    WatchFilter(std::vector<std::string> globs, std::vector<std::string> log_files,
                std::vector<std::string> private_dirs);

    // Whether the change at rel (relative to root, "" = root itself) is
    // ignored. A glob without '/' matches any component of rel ("*.log",
    // "tmp"); one with '/' matches rel or a directory above it, from the
    // root ("src/gen", "**/*.map"); one starting with '/' is absolute.
    // What an ignored directory holds is ignored too.
    bool ignored(std::string_view root, std::string_view rel) const;

  private:
    bool ignored_glob(std::string_view root, std::string_view rel) const;
    bool ignored_own(const std::string& absolute) const;

    std::vector<std::string> globs_;
    std::vector<std::string> log_files_;
    std::vector<std::string> private_dirs_;
};

}  // namespace tend
