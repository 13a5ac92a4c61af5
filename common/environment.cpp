// Reading environ.
#include "common/environment.h"

#include <string_view>

extern char** environ;

namespace tend {

std::map<std::string, std::string> current_environment() {
    std::map<std::string, std::string> env;
    for (char** entry = environ; entry && *entry; ++entry) {
        std::string_view pair(*entry);
        auto eq = pair.find('=');
        if (eq == std::string_view::npos) continue;
        env.emplace(std::string(pair.substr(0, eq)), std::string(pair.substr(eq + 1)));
    }
    return env;
}

}  // namespace tend
