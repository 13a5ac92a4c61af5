// The keeper's loop: one poll() over a signalfd and the daemon's channel.
#include "keeper/keeper.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "keeper/wire.h"

namespace tend::keeper {
namespace {

// A daemon that dies within this of its start counts as failing to start:
// the next one waits, doubling from kFirstBackoffMs up to kMaxBackoffMs, so
// a daemon that cannot start does not spin the machine.
constexpr std::int64_t kShortLifeMs = 1000;
constexpr std::int64_t kFirstBackoffMs = 100;
constexpr std::int64_t kMaxBackoffMs = 5000;

std::int64_t now_ms() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void say(const std::string& text) {
    std::string line = "tend-keeper: " + text + "\n";
    [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

std::string describe_status(int status) {
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "exit code " + std::to_string(WEXITSTATUS(status));
}

sigset_t handled_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR2}) sigaddset(&set, s);
    return set;
}

// In the child, before exec: the daemon starts with a clean signal state
// and its end of the channel at a number it reads from the environment.
[[noreturn]] void exec_server(const std::vector<std::string>& argv, int channel) {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    ::fcntl(channel, F_SETFD, 0);
    std::string value = std::to_string(channel);
    ::setenv(kFdEnv, value.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    std::fprintf(stderr, "tend-keeper: cannot run %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
}

}  // namespace

Keeper::Keeper(KeeperConfig config, FdStore& store) : config_(std::move(config)), store_(store) {}

int Keeper::run() {
    // Orphans anywhere below us (the apps of a daemon that died) become ours.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    ::signal(SIGPIPE, SIG_IGN);
    sigset_t set = handled_signals();
    ::sigprocmask(SIG_BLOCK, &set, nullptr);
    signal_fd_ = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (signal_fd_ < 0) {
        say(std::string("signalfd: ") + std::strerror(errno));
        return 1;
    }
    reap();  // children left unreaped across a re-exec
    launch();
    while (exit_code_ < 0) wait_for_events();
    return exit_code_;
}

void Keeper::launch() {
    relaunch_ms_ = -1;
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
        say(std::string("socketpair: ") + std::strerror(errno));
        relaunch_ms_ = now_ms() + kMaxBackoffMs;
        return;
    }
    pid_t pid = ::fork();
    if (pid == 0) {
        ::close(pair[0]);
        exec_server(config_.server_argv, pair[1]);
    }
    ::close(pair[1]);
    if (pid < 0) {
        say(std::string("fork: ") + std::strerror(errno));
        ::close(pair[0]);
        relaunch_ms_ = now_ms() + kMaxBackoffMs;
        return;
    }
    server_pid_ = pid;
    channel_ = pair[0];
    launched_ms_ = now_ms();
    served_ = false;
    hand_over();
}

// Everything the new daemon needs, before it does anything: the held
// descriptors, the exits it has not saved, and how the last one ended.
// Blocking sends: the daemon reads them first thing. If it dies meanwhile,
// its exit comes as SIGCHLD and the next one gets all of it again.
void Keeper::hand_over() {
    handed_over_ = false;
    for (const auto& [name, fd] : store_.held())
        if (!send_message(channel_, {Type::kHeld, 0, 0, name, fd})) return;
    for (const ExitRecord& e : store_.exits())
        if (!send_message(channel_, {Type::kExited, e.pid, e.status, "", -1})) return;
    if (!send_message(channel_, {Type::kHandedOver, last_status_, 0, "", -1})) return;
    handed_over_ = true;
}

void Keeper::wait_for_events() {
    pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {channel_, POLLIN, 0}};
    int timeout = -1;
    if (relaunch_ms_ >= 0)
        timeout = static_cast<int>(std::max<std::int64_t>(0, relaunch_ms_ - now_ms()));
    int n = ::poll(fds, channel_ >= 0 ? 2 : 1, timeout);
    if (n < 0 && errno != EINTR) say(std::string("poll: ") + std::strerror(errno));
    if (channel_ >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) read_channel(false);
    if (fds[0].revents & POLLIN) {
        signalfd_siginfo info;
        while (::read(signal_fd_, &info, sizeof info) == sizeof info)
            on_signal(static_cast<int>(info.ssi_signo));
    }
    if (exit_code_ < 0 && relaunch_ms_ >= 0 && now_ms() >= relaunch_ms_) launch();
}

void Keeper::on_signal(int signo) {
    switch (signo) {
        case SIGCHLD:
            reap();
            break;
        case SIGTERM:
        case SIGINT:
            // Stop every app and end (systemd's stop, Ctrl-C): the daemon does it.
            stopping_ = true;
            if (server_pid_ == 0 && relaunch_ms_ >= 0) relaunch_ms_ = now_ms();
            forward(signo);
            break;
        case SIGUSR2:
            forward(signo);
            break;
        default:  // SIGHUP: a closed terminal is no reason to stop
            break;
    }
}

// A signal for the daemon reaches it once it serves (its handlers are set).
void Keeper::forward(int signo) {
    if (server_pid_ > 0 && served_)
        ::kill(server_pid_, signo);
    else
        pending_signal_ = signo;
}

void Keeper::reap() {
    for (;;) {
        int status = 0;
        pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid <= 0) return;
        if (pid == server_pid_)
            on_server_exit(status);
        else
            report_exit(pid, status);
    }
}

// An app (or a leftover of one) ended while it was ours: the daemon hears
// of it now, or the next daemon does; it is kept until a daemon says it
// saved it.
void Keeper::report_exit(int pid, int status) {
    store_.add_exit(pid, status);
    if (channel_ >= 0 && handed_over_) send_message(channel_, {Type::kExited, pid, status, "", -1});
}

void Keeper::on_server_exit(int status) {
    // What it said before it died still counts: its last state, its drops.
    if (channel_ >= 0) read_channel(true);
    if (channel_ >= 0) ::close(channel_);
    channel_ = -1;
    server_pid_ = 0;
    last_status_ = status;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        exit_code_ = 0;  // `tend kill`, SIGTERM: every app stopped
        return;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == kExitUpdate) {
        reexec();
        return;
    }
    bool holds_apps = store_.held().size() > 1;  // more than the home lock
    if (!served_ && !holds_apps) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 1;  // it could not start
        return;
    }
    say("tendd " + describe_status(status) + "; starting a new one");
    std::int64_t lived = now_ms() - launched_ms_;
    backoff_ms_ = lived < kShortLifeMs
                      ? std::min(std::max(backoff_ms_ * 2, kFirstBackoffMs), kMaxBackoffMs)
                      : 0;
    relaunch_ms_ = now_ms() + (stopping_ ? 0 : backoff_ms_);
}

void Keeper::read_channel(bool draining) {
    for (;;) {
        pollfd p{channel_, POLLIN, 0};
        if (::poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN)) {
            if (!draining && (p.revents & (POLLHUP | POLLERR))) {
                // The daemon is gone; its SIGCHLD follows. Stop polling the channel.
                ::close(channel_);
                channel_ = -1;
            }
            return;
        }
        auto m = receive_message(channel_);
        if (!m) {
            if (!draining) {
                ::close(channel_);
                channel_ = -1;
            }
            return;
        }
        apply(*m);
    }
}

void Keeper::apply(const Message& m) {
    switch (m.type) {
        case Type::kHold:
            if (m.fd >= 0) store_.put(m.name, m.fd);
            return;
        case Type::kDrop:
            store_.drop(m.name);
            break;
        case Type::kServing:
            served_ = true;
            if (pending_signal_ != 0) ::kill(server_pid_, pending_signal_);
            pending_signal_ = 0;
            break;
        case Type::kForget:
            store_.forget_exit(static_cast<int>(m.a));
            break;
        default:
            break;
    }
    if (m.fd >= 0) ::close(m.fd);
}

// `tend update`: the daemon saved everything and exited; the keeper now
// installed replaces this one (same pid, so the apps stay its children)
// and starts the daemon now installed.
void Keeper::reexec() {
    int file = store_.to_file();
    if (file < 0) {
        say("cannot save the store for the update; keeping this keeper");
        relaunch_ms_ = now_ms();
        return;
    }
    std::string fd_text = std::to_string(file);
    std::vector<std::string> argv{config_.self_path, "--resume", fd_text, "--"};
    argv.insert(argv.end(), config_.server_argv.begin(), config_.server_argv.end());
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::close(signal_fd_);
    store_.release_all();
    ::execv(args[0], args.data());
    say("cannot run " + config_.self_path + ": " + std::strerror(errno) + "; keeping this keeper");
    store_.from_file(file);  // descriptors back to close-on-exec
    signal_fd_ = -1;
    sigset_t set = handled_signals();
    signal_fd_ = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    relaunch_ms_ = now_ms();
}

}  // namespace tend::keeper
