// Formats the per-line timestamp prefix, caching it for the current second.
#include "daemon/logs/log_timestamp.h"

namespace tend {

std::string_view TimestampCache::prefix(std::time_t second) {
    if (second != second_) {
        struct tm local {};
        localtime_r(&second, &local);
        size_ = std::strftime(text_, sizeof text_, "%Y-%m-%dT%H:%M:%S: ", &local);
        second_ = second;
    }
    return {text_, size_};
}

}  // namespace tend
