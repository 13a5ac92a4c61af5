// Gives the heap's free pages back to the kernel a little after the daemon
// has worked. A reply to `tend jlist` with 1,000 instances builds a JSON tree
// of tens of thousands of small blocks; freed, they leave holes between
// blocks still in use that glibc keeps (its trim only cuts the top of the
// heap), so RSS would keep the high-water mark of every list a client asks
// for: 7 MB of 20 at 1,000 instances. malloc_trim(0) returns every free page,
// holes included. It walks every free block of the heap, so it
// runs at most once per kDelayMs, and only after work: an idle daemon never
// wakes for it.
#pragma once

#include <malloc.h>
#include <uv.h>

#include <cstdint>

#include "daemon/uv/guard.h"
#include "daemon/uv/handle.h"

namespace tend {

class HeapTrimmer {
  public:
    static constexpr std::uint64_t kDelayMs = 2000;

    explicit HeapTrimmer(uv_loop_t* loop) : timer_("heap trim timer", uv_timer_init, loop, this) {
        // A pending trim never keeps the loop alive at shutdown.
        uv_unref(timer_.base());
    }

    // Work was done: trim within kDelayMs (a timer already set stays).
    void after_work() {
        if (!timer_ || uv_is_active(timer_.base())) return;
        uv_timer_start(
            timer_.get(), [](uv_timer_t*) { uv::guarded("heap trim", [] { ::malloc_trim(0); }); },
            kDelayMs, 0);
    }

  private:
    uv::Handle<uv_timer_t> timer_;
};

}  // namespace tend
