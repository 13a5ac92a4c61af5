// SystemClock: steady and wall time in milliseconds.
#include "daemon/process/clock.h"

#include <chrono>

namespace tend {

std::int64_t SystemClock::now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

std::int64_t SystemClock::wall_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace tend
