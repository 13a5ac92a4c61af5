// Glob matching on relative paths, and the ignore rules of a watched app.
#include "daemon/watch/watch_filter.h"

#include <fnmatch.h>

namespace tend {
namespace {

std::vector<std::string_view> components(std::string_view path) {
    std::vector<std::string_view> out;
    while (!path.empty()) {
        std::size_t slash = path.find('/');
        std::string_view part = path.substr(0, slash);
        if (!part.empty() && part != ".") out.push_back(part);
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

bool component_matches(std::string_view pattern, std::string_view name) {
    // fnmatch wants NUL-terminated strings; components are short.
    return ::fnmatch(std::string(pattern).c_str(), std::string(name).c_str(), 0) == 0;
}

// Backtracking on "**" only: patterns have a handful of components.
bool match_components(const std::vector<std::string_view>& pat, std::size_t p,
                      const std::vector<std::string_view>& path, std::size_t i) {
    while (p < pat.size()) {
        if (pat[p] == "**") {
            for (std::size_t skip = i; skip <= path.size(); ++skip)
                if (match_components(pat, p + 1, path, skip)) return true;
            return false;
        }
        if (i == path.size() || !component_matches(pat[p], path[i])) return false;
        ++p;
        ++i;
    }
    return i == path.size();
}

// "dir/stem.ext" → ("dir/", "stem").
std::pair<std::string_view, std::string_view> dir_and_stem(std::string_view file) {
    std::size_t slash = file.rfind('/');
    std::string_view dir = file.substr(0, slash + 1);
    std::string_view base = file.substr(slash + 1);
    std::size_t dot = base.rfind('.');
    return {dir, dot == 0 || dot == std::string_view::npos ? base : base.substr(0, dot)};
}

bool under(std::string_view path, std::string_view dir) {
    return path.size() > dir.size() && path.substr(0, dir.size()) == dir && path[dir.size()] == '/';
}

}  // namespace

bool glob_matches_path(std::string_view pattern, std::string_view path) {
    return match_components(components(pattern), 0, components(path), 0);
}

WatchFilter::WatchFilter(std::vector<std::string> globs, std::vector<std::string> log_files,
                         std::vector<std::string> private_dirs)
    : globs_(std::move(globs)),
      log_files_(std::move(log_files)),
      private_dirs_(std::move(private_dirs)) {
    for (std::string_view d : kDefaultWatchIgnores) globs_.emplace_back(d);
}

bool WatchFilter::ignored(std::string_view root, std::string_view rel) const {
    if (rel.empty()) return false;
    std::string absolute(root);
    absolute += '/';
    absolute += rel;
    // tend's own directories only where they lie inside the root: a root
    // inside TEND_HOME (odd, but asked for) is still watched.
    for (const auto& dir : private_dirs_)
        if (under(dir, root) && (absolute == dir || under(absolute, dir))) return true;
    return ignored_own(absolute) || ignored_glob(root, rel);
}

bool WatchFilter::ignored_own(const std::string& absolute) const {
    for (const auto& live : log_files_) {
        if (absolute.compare(0, live.size(), live) == 0) return true;  // live, live.1, ...
        auto [dir, stem] = dir_and_stem(live);
        std::string archive_prefix = std::string(dir) + std::string(stem) + "__";
        if (absolute.compare(0, archive_prefix.size(), archive_prefix) == 0) return true;
    }
    return false;
}

bool WatchFilter::ignored_glob(std::string_view root, std::string_view rel) const {
    std::vector<std::string_view> parts = components(rel);
    for (const auto& glob : globs_) {
        if (glob.empty()) continue;
        if (glob.find('/') == std::string::npos) {
            for (std::string_view part : parts)
                if (component_matches(glob, part)) return true;
            continue;
        }
        // The path or any directory above it.
        std::string base = glob.front() == '/' ? std::string(root) + "/" : std::string();
        std::string prefix = base;
        for (std::string_view part : parts) {
            if (prefix.size() > base.size()) prefix += '/';
            prefix += part;
            if (glob_matches_path(glob, prefix)) return true;
        }
    }
    return false;
}

}  // namespace tend
