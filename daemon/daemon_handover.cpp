// tendd and its keeper: taking over what a dead daemon left, and handing
// everything over to the next one (`tend update`). See "Surviving tendd"
// in docs/architecture.md.
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/errors.h"
#include "daemon/daemon_parts.h"
#include "daemon/uv/guard.h"
#include "keeper/wire.h"

namespace tend {

// The control and notify sockets a dead daemon left with the keeper are
// served as they are: a client that connected meanwhile waits in the
// backlog instead of finding no daemon (and starting a second one).
void Daemon::open_sockets() {
    Parts& p = *parts_;
    if (int fd = p.handover.take("control"); fd >= 0) {
        p.server.adopt(fd, paths_.socket);
    } else {
        p.server.listen(paths_.socket);
        p.keeper.hold("control", p.server.fd());
    }
    if (int fd = p.handover.take("notify"); fd >= 0) {
        p.notify.adopt(fd);
    } else if (p.notify.open(paths_.home + "/notify.sock")) {
        p.keeper.hold("notify", p.notify.fd());
    }
}

void Daemon::take_over_apps() {
    Parts& p = *parts_;
    auto confirm = [this](int pid) { parts_->saver.forget_after_save(pid); };
    int adopted =
        take_over(p.handover, {p.table, p.launcher, p.sockets.cluster(), p.keeper}, confirm);
    if (p.handover.last_status >= 0) {
        int st = p.handover.last_status;
        spdlog::warn("took over {} processes from a daemon that {} {}", adopted,
                     WIFSIGNALED(st) ? "was killed by signal" : "exited with code",
                     WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    }
    p.keeper.start(&loop_, [this](int pid, int status) {
        Parts& parts = *parts_;
        if (parts.launcher.on_keeper_exit(pid, status))
            parts.saver.forget_after_save(pid);
        else
            parts.keeper.forget(pid);
    });
}

// `tend update`: everything this daemon knows goes to the keeper, which
// starts the tendd binary installed now in its place. No app is touched:
// their processes, pipes, channels and sockets stay with the keeper.
void Daemon::hand_over() {
    Parts& p = *parts_;
    if (!p.keeper.active())
        throw TendError(ErrorCode::kBadRequest,
                        "this daemon runs without tend-keeper, so nothing can take its apps "
                        "over; 'tend kill' and start them again");
    if (p.services.shutting_down) throw TendError(ErrorCode::kBadRequest, "the daemon is stopping");
    p.services.shutting_down = true;
    spdlog::info("update: handing every app over to the tendd installed now");
    // After this turn, so the reply to `tend update` is written first.
    p.hand_over_timer = uv::Handle<uv_timer_t>("hand-over", uv_timer_init, &loop_, this);
    uv::check(uv_timer_start(
                  p.hand_over_timer.get(),
                  [](uv_timer_t* t) {
                      uv::guarded("hand-over", [t] {
                          auto* self = static_cast<Daemon*>(t->data);
                          self->parts_->server.close(true);
                          self->quiesce_logs([self] { self->finish_hand_over(); });
                      });
                  },
                  0, 0),
              "uv_timer_start");
}

// The pipes are left with every byte not yet written to a file: the next
// daemon reads on from there, so no line is lost or cut in two.
void Daemon::quiesce_logs(std::function<void()> then) {
    parts_->sink.quiesce(std::move(then));
}

void Daemon::finish_hand_over() {
    Parts& p = *parts_;
    p.saver.save_now();
    p.saver.freeze();
    exit_code_ = keeper::kExitUpdate;
    begin_shutdown(true);
}

}  // namespace tend
