// Starting and talking to tend-spawner. Orders are answered at once (the
// spawner answers when the child has exec'd), so run() waits in place,
// with a deadline: the loop is held only as long as a start takes.
#include "daemon/process/spawner_client.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "common/errors.h"
#include "daemon/uv/handle.h"

namespace tend {

namespace {

// How long a start may take before the spawner is taken for hung. A clone
// and an exec take a millisecond; this is for a machine out of memory.
constexpr int kAnswerTimeoutMs = 10000;

[[noreturn]] void spawner_failed(const std::string& why) {
    throw TendError(ErrorCode::kSpawnFailed, "tend-spawner " + why);
}

}  // namespace

struct SpawnerClient::Process {
    uv_process_t handle{};
    SpawnerClient* owner = nullptr;
};

SpawnerClient::SpawnerClient(uv_loop_t* loop, std::string program, long child_nofile)
    : loop_(loop),
      program_(std::move(program)),
      child_nofile_(child_nofile),
      available_(!program_.empty() && ::access(program_.c_str(), X_OK) == 0) {}

SpawnerClient::~SpawnerClient() {
    close();
    // Their exits, when libuv reaps them, concern nobody now.
    for (Process* process : processes_) process->owner = nullptr;
}

bool SpawnerClient::owns(int pid) const {
    for (const Process* process : processes_)
        if (process->handle.pid == pid) return true;
    return false;
}

void SpawnerClient::close() {
    forget(false);
}

// The spawner is gone or no longer trusted: its socket is closed (so it
// exits, if it still runs) and, with kill, it is killed.
void SpawnerClient::forget(bool kill) {
    if (socket_ >= 0) ::close(socket_);
    socket_ = -1;
    if (current_ && kill) uv_process_kill(&current_->handle, SIGKILL);
    current_ = nullptr;
}

void SpawnerClient::on_process_exit(Process* process) {
    std::erase(processes_, process);
    if (process != current_) return;
    spdlog::warn("tend-spawner pid {} ended; the next start starts another", process->handle.pid);
    forget(false);
}

void SpawnerClient::start() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        spawner_failed(std::string("socketpair: ") + std::strerror(errno));
    std::string fd_text = "3";
    std::string nofile = std::to_string(child_nofile_);
    std::vector<char*> args{program_.data(), const_cast<char*>("--fd"), fd_text.data()};
    if (child_nofile_ > 0) {
        args.push_back(const_cast<char*>("--nofile"));
        args.push_back(nofile.data());
    }
    args.push_back(nullptr);
    uv_stdio_container_t stdio[4];
    stdio[0].flags = UV_IGNORE;
    stdio[1].flags = UV_IGNORE;
    stdio[2].flags = UV_INHERIT_FD;  // its rare complaints go where tendd's own go
    stdio[2].data.fd = 2;
    stdio[3].flags = UV_INHERIT_FD;
    stdio[3].data.fd = fds[1];
    uv_process_options_t options{};
    options.file = program_.c_str();
    options.args = args.data();
    // Its own session: a Ctrl-C meant for a foreground tendd does not reach it.
    options.flags = UV_PROCESS_DETACHED;
    options.stdio_count = 4;
    options.stdio = stdio;
    options.exit_cb = [](uv_process_t* handle, int64_t status, int signal) {
        auto* process = static_cast<Process*>(handle->data);
        if (process->owner) process->owner->on_process_exit(process);
        uv::close_and_delete(process, handle);
    };
    auto* process = new Process;
    process->handle.data = process;
    int rc = uv_spawn(loop_, &process->handle, &options);
    ::close(fds[1]);
    if (rc != 0) {
        ::close(fds[0]);
        uv::close_and_delete(process, &process->handle);
        spawner_failed(program_ + ": " + uv_strerror(rc));
    }
    process->owner = this;
    current_ = process;
    processes_.push_back(process);
    socket_ = fds[0];
    spdlog::info("tend-spawner started, pid {}", process->handle.pid);
}

spawner::Reply SpawnerClient::run(const spawner::Order& order) {
    if (socket_ < 0) start();
    if (!spawner::send_order(socket_, order)) {
        int err = errno;
        forget(true);
        spawner_failed(std::string("did not take the order: ") + std::strerror(err));
    }
    pollfd ready{socket_, POLLIN, 0};
    int n;
    do n = ::poll(&ready, 1, kAnswerTimeoutMs);
    while (n < 0 && errno == EINTR);
    std::optional<spawner::Reply> reply;
    if (n > 0) reply = spawner::receive_reply(socket_);
    if (!reply) {
        forget(true);
        spawner_failed(n == 0 ? "did not answer in time" : "ended without answering");
    }
    if (reply->stage == spawner::Stage::kOrder) forget(true);
    // A child that failed before exec has exited; it is ours to reap.
    if (reply->error != 0 && reply->pid > 0) ::waitpid(reply->pid, nullptr, 0);
    return *reply;
}

}  // namespace tend
