// Subreaper set-up and reaping of adopted orphans.
#include "daemon/process/orphan_reaper.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <string>

#include "daemon/uv/guard.h"

namespace tend {

OrphanReaper::OrphanReaper(uv_loop_t* loop, std::function<bool(int)> is_instance)
    : signal_("SIGCHLD watcher", uv_signal_init, loop, this), is_instance_(std::move(is_instance)) {
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    uv::check(uv_signal_start(
                  signal_.get(),
                  [](uv_signal_t* s, int) {
                      uv::guarded("orphan reaper",
                                  [s] { static_cast<OrphanReaper*>(s->data)->reap(); });
                  },
                  SIGCHLD),
              "uv_signal_start");
    uv_unref(signal_.base());
}

void OrphanReaper::close() {
    signal_.close();
}

void OrphanReaper::reap() {
    // Our children are listed by the kernel per thread; adopted orphans
    // belong to the main thread, whose tid is our pid.
    std::string path = "/proc/self/task/" + std::to_string(::getpid()) + "/children";
    std::ifstream in(path);
    int pid = 0;
    while (in >> pid) {
        if (is_instance_(pid)) continue;
        int status = 0;
        ::waitpid(pid, &status, WNOHANG);
    }
}

}  // namespace tend
