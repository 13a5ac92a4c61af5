// Time as the process table sees it, behind an interface so unit tests can
// drive restarts and kill timeouts with a fake clock.
#pragma once

#include <cstdint>

namespace tend {

class Clock {
  public:
    virtual ~Clock() = default;
    // Monotonic milliseconds: for uptimes and deadlines.
    virtual std::int64_t now_ms() = 0;
    // Milliseconds since the epoch: for times users read.
    virtual std::int64_t wall_ms() = 0;
};

// The real clocks.
class SystemClock : public Clock {
  public:
    std::int64_t now_ms() override;
    std::int64_t wall_ms() override;
};

}  // namespace tend
