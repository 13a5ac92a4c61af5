// The dump `tend save` writes and `tend resurrect` reads (TEND_HOME/dump.json,
// {"format":1,"apps":[AppSpec...]}), written with common/atomic_file.h.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/app_spec.h"

namespace tend {

inline constexpr int kDumpFormat = 1;

// TEND_HOME/dump.json.
std::string dump_path(const std::string& home);

// Why a dump cannot be used; what() is the reason alone ("not JSON: ...").
class DumpError : public std::runtime_error {
  public:
    explicit DumpError(const std::string& reason) : std::runtime_error(reason) {}
};

// The dump's text for specs, in order.
std::string encode_dump(const std::vector<AppSpec>& specs);

// The apps of a dump's text. Throws DumpError when it is not JSON, has no or
// another format version, or an app is not a valid spec.
std::vector<AppSpec> parse_dump(std::string_view text);

// Replaces the dump at path with specs, first keeping the current dump, if
// it parses, as path + ".bak".
void save_dump(const std::string& path, const std::vector<AppSpec>& specs);

// The apps of the dump at path. Throws TendError(kNotFound) when there is
// none, DumpError when it is corrupt.
std::vector<AppSpec> load_dump(const std::string& path);

}  // namespace tend
