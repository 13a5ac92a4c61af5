// Subreaper set-up and reaping of adopted orphans.
#include "daemon/process/orphan_reaper.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <string>

namespace tend {

OrphanReaper::OrphanReaper(uv_loop_t* loop, std::function<bool(int)> is_instance)
    : is_instance_(std::move(is_instance)) {
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    uv_signal_init(loop, &signal_);
    signal_.data = this;
    uv_signal_start(
        &signal_, [](uv_signal_t* s, int) { static_cast<OrphanReaper*>(s->data)->reap(); },
        SIGCHLD);
    uv_unref(reinterpret_cast<uv_handle_t*>(&signal_));
    open_ = true;
}

OrphanReaper::~OrphanReaper() {
    close();
}

void OrphanReaper::close() {
    if (!open_) return;
    open_ = false;
    uv_close(reinterpret_cast<uv_handle_t*>(&signal_), nullptr);
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
