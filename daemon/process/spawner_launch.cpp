// UvLauncher's way to start an instance through tend-spawner, and to hear of
// its exit: the instance is tendd's child (the spawner clones it so), and a
// pidfd, polled by the loop, says when it has ended. Each exit costs one
// waitid on that pidfd, however many instances run.
#include <spdlog/spdlog.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "common/errors.h"
#include "daemon/process/uv_launcher.h"
#include "daemon/uv/guard.h"
#include "daemon/uv/handle.h"

namespace tend {

struct UvLauncher::Watched {
    uv_poll_t poll{};
    UvLauncher* owner = nullptr;
    int pidfd = -1;
    int id = 0;
    int pid = 0;
};

namespace {

// Where a bare program name is looked for: the instance's PATH, then the
// daemon's (as check_runnable accepts it from either).
std::string spawn_search_path(const SpawnRequest& r) {
    auto own = r.env.find("PATH");
    const char* daemon_path = std::getenv("PATH");
    std::string path = own != r.env.end() ? own->second : "";
    if (daemon_path && *daemon_path) {
        if (!path.empty()) path += ':';
        path += daemon_path;
    }
    return path.empty() ? "/usr/local/bin:/usr/bin:/bin" : path;
}

spawner::Order order_for(const SpawnRequest& r, const std::vector<int>& fds) {
    spawner::Order order;
    order.file = r.argv.front();
    order.search_path = spawn_search_path(r);
    order.argv = r.argv;
    for (const auto& [key, value] : r.env) {
        std::string entry = key;
        entry += '=';
        entry += value;
        order.env.push_back(std::move(entry));
    }
    order.cwd = r.cwd;
    order.new_session = true;  // see start_by_libuv: the instance leads its own group
    order.listen_pid = r.inherits_listener();
    if (r.run_as) {
        order.set_identity = true;
        order.uid = r.run_as->uid;
        order.gid = r.run_as->gid;
    }
    order.fds = fds;
    return order;
}

// "cannot start 'api': /srv/api/server: permission denied", naming what the
// failed step was about.
[[noreturn]] void refuse_start(const SpawnRequest& r, const spawner::Reply& reply) {
    std::string what;
    switch (reply.stage) {
        case spawner::Stage::kExec:
            what = r.argv.front();
            break;
        case spawner::Stage::kCwd:
            what = r.cwd;
            break;
        case spawner::Stage::kIdentity:
            what = "user " + std::to_string(r.run_as ? r.run_as->uid : 0);
            break;
        default:
            what = spawner::stage_name(reply.stage);
            break;
    }
    throw TendError(ErrorCode::kSpawnFailed, "cannot start '" + r.name + "': " + what + ": " +
                                                 uv_strerror(uv_translate_sys_error(reply.error)));
}

}  // namespace

int UvLauncher::start_by_spawner(const SpawnRequest& r, const std::vector<int>& fds) {
    spawner::Reply reply = spawner_.run(order_for(r, fds));
    if (reply.error != 0) refuse_start(r, reply);
    watch_exit(r, reply.pid);
    return reply.pid;
}

// A pidfd for the new child: it is ours and not yet reaped, so its pid
// cannot name another process meanwhile. Without one its exit could not be
// seen: it is stopped at once and the start fails.
void UvLauncher::watch_exit(const SpawnRequest& r, int pid) {
    auto abandon = [&r, pid](int err) {
        ::kill(-pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        throw_start_error(r.name, "pidfd", err);
    };
    // The system call itself: Debian 12's <sys/pidfd.h> declares pidfd_open
    // without C linkage, so C++ cannot link to it.
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (pidfd < 0) abandon(errno);
    auto* w = new Watched;
    w->owner = this;
    w->pidfd = pidfd;
    w->id = r.id;
    w->pid = pid;
    if (int rc = uv_poll_init(loop_, &w->poll, pidfd); rc != 0) {
        ::close(pidfd);
        delete w;  // never initialised: libuv knows nothing of it
        abandon(-rc);
    }
    w->poll.data = w;
    if (int rc = uv_poll_start(&w->poll, UV_READABLE, &UvLauncher::handle_pidfd); rc != 0) {
        close_watched(w);
        abandon(-rc);
    }
    watched_[pid] = w;
}

void UvLauncher::close_watched(Watched* w) {
    w->owner = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(&w->poll), [](uv_handle_t* h) {
        auto* closing = static_cast<Watched*>(h->data);
        ::close(closing->pidfd);
        delete closing;
    });
}

void UvLauncher::let_go_of_watched(bool close) {
    for (auto& [pid, w] : watched_) {
        if (close)
            close_watched(w);
        else
            w->owner = nullptr;
    }
    if (close) watched_.clear();
}

void UvLauncher::handle_pidfd(uv_poll_t* poll, int status, int events) {
    auto* w = static_cast<Watched*>(poll->data);
    UvLauncher* self = w->owner;
    if (!self) return;
    siginfo_t info{};
    int rc;
    do
        rc = ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(w->pidfd), &info,
                      WEXITED | WNOHANG);
    while (rc < 0 && errno == EINTR);
    if (rc == 0 && info.si_pid == 0) return;  // readable, but not yet reapable
    std::optional<int> code, signal;
    if (rc == 0 && info.si_code == CLD_EXITED)
        code = info.si_status;
    else if (rc == 0)
        signal = info.si_status;
    else
        spdlog::warn("instance pid {}: waitid: {}", w->pid, std::strerror(errno));
    int id = w->id, pid = w->pid;
    self->watched_.erase(pid);
    self->close_watched(w);
    self->report_exit(id, pid, code, signal);
}

}  // namespace tend
