// The loop lag timer: re-armed after each firing, so each one measures its
// own delay from uv_hrtime() at arming, not libuv's cached loop time.
#include "daemon/metrics/loop_lag.h"

#include <algorithm>

#include "daemon/uv/guard.h"

namespace tend {

void LagWindow::roll(std::uint64_t now_ns) {
    if (now_ns - window_start_ns_ < window_ns_) return;
    // A window with nothing recorded in it (the timer could not run) leaves
    // the last one as it was, so a stall that long is still shown.
    bool skipped = now_ns - window_start_ns_ >= 2 * window_ns_;
    previous_ = skipped ? std::max(previous_, current_) : current_;
    current_ = 0;
    window_start_ns_ = now_ns;
}

void LagWindow::record(std::uint64_t lag_ns, std::uint64_t now_ns) {
    roll(now_ns);
    current_ = std::max(current_, lag_ns);
}

std::uint64_t LagWindow::worst(std::uint64_t now_ns) const {
    LagWindow copy = *this;
    copy.roll(now_ns);
    return std::max(copy.current_, copy.previous_);
}

LoopLag::LoopLag(uv_loop_t* loop)
    : timer_("loop lag timer", uv_timer_init, loop, this), window_(kLoopLagWindowMs * 1'000'000) {
    // Measuring must not keep the loop alive at shutdown.
    uv_unref(timer_.base());
    arm();
}

void LoopLag::arm() {
    armed_ns_ = uv_hrtime();
    uv_timer_start(
        timer_.get(),
        [](uv_timer_t* t) {
            uv::guarded("loop lag timer", [t] { static_cast<LoopLag*>(t->data)->fired(); });
        },
        kLoopLagPeriodMs, 0);
}

void LoopLag::fired() {
    std::uint64_t now = uv_hrtime();
    std::uint64_t due = armed_ns_ + kLoopLagPeriodMs * 1'000'000;
    // libuv may fire up to a millisecond early (its clock is cached at the
    // start of a loop turn): early is no lag.
    window_.record(now > due ? now - due : 0, now);
    arm();
}

double LoopLag::seconds() const {
    return static_cast<double>(window_.worst(uv_hrtime())) / 1e9;
}

}  // namespace tend
