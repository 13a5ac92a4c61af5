// How late tendd's loop runs: a timer due every kLoopLagPeriodMs notes how
// much later than due it fired (the loop was busy: a long callback, a slow
// disk write, a scan of /proc), and /metrics shows the worst of the last
// window as a gauge.
#pragma once

#include <uv.h>

#include <cstdint>

#include "daemon/uv/handle.h"

namespace tend {

// Often enough to catch a stall of a fraction of a second; the timer costs
// one wake-up per period while the HTTP endpoint is on (and none otherwise).
inline constexpr std::uint64_t kLoopLagPeriodMs = 250;
// The worst lag is kept for a window and the one before it, so a scrape
// every 15 s (Prometheus' default) sees a one-off stall at least once.
inline constexpr std::uint64_t kLoopLagWindowMs = 15'000;

// The worst of the lags recorded over the current window and the one before.
// Pure: times are given, in nanoseconds of any monotonic clock.
class LagWindow {
  public:
    explicit LagWindow(std::uint64_t window_ns) : window_ns_(window_ns) {}
    void record(std::uint64_t lag_ns, std::uint64_t now_ns);
    std::uint64_t worst(std::uint64_t now_ns) const;

  private:
    void roll(std::uint64_t now_ns);
    std::uint64_t window_ns_;
    std::uint64_t window_start_ns_ = 0;
    std::uint64_t current_ = 0;
    std::uint64_t previous_ = 0;
};

class LoopLag {
  public:
    explicit LoopLag(uv_loop_t* loop);
    void close() { timer_.close(); }
    // The worst lag of the last one or two windows, in seconds.
    double seconds() const;

  private:
    void arm();
    void fired();
    uv::Handle<uv_timer_t> timer_;
    LagWindow window_;
    std::uint64_t armed_ns_ = 0;
};

}  // namespace tend
