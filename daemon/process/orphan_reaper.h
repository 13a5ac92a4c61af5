// tendd is a child subreaper (PR_SET_CHILD_SUBREAPER): whatever an instance
// leaves behind when its leader dies is re-parented to tendd instead of to
// PID 1, which may not reap at all (it does not in some containers). This
// reaps those orphans on SIGCHLD, leaving libuv's own children to libuv.
#pragma once

#include <uv.h>

#include <functional>

#include "daemon/uv/handle.h"

namespace tend {

class OrphanReaper {
  public:
    // is_instance(pid) says whether libuv still has to reap pid itself.
    OrphanReaper(uv_loop_t* loop, std::function<bool(int)> is_instance);
    void close();
    void reap();

  private:
    uv::Handle<uv_signal_t> signal_;
    std::function<bool(int)> is_instance_;
};

}  // namespace tend
