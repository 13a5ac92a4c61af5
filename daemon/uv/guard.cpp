// Logging what escaped a loop callback.
#include "daemon/uv/guard.h"

#include <spdlog/spdlog.h>

namespace tend::uv {

void log_escaped(const char* what, const std::exception* e) noexcept {
    try {
        spdlog::error("{}: {} (the daemon carries on)", what, e ? e->what() : "unknown exception");
    } catch (...) {
    }
}

}  // namespace tend::uv
