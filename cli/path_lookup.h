// Looking files up on disk and commands up in PATH, as a shell would. The
// start options take these as injected functions so tests need no files.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tend {

using FileCheck = std::function<bool(const std::string& path)>;

// A regular file (or a symlink to one) exists at path.
bool is_regular_file(const std::string& path);

// A directory (or a symlink to one) exists at path.
bool is_directory(const std::string& path);

// A regular file at path that this user may execute.
bool is_executable_file(const std::string& path);

// The first "<dir>/<word>" over the directories of path_var (PATH's value)
// that passes is_executable; nullopt when none does. Empty entries are skipped.
std::optional<std::string> search_path(std::string_view word, std::string_view path_var,
                                       const FileCheck& is_executable);

}  // namespace tend
