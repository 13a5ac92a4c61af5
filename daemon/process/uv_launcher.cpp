// Spawning with libuv. The instance's stdout and stderr are real pipes we
// create (not libuv's socketpairs), so apps see what they would under a shell
// and the daemon can enlarge them with F_SETPIPE_SZ. Its fd 3 is the app's
// listening socket when it has a port; the IPC channel comes next.
#include "daemon/process/uv_launcher.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>

#include "common/errors.h"
#include "common/self_path.h"
#include "daemon/logs/log_file.h"
#include "daemon/uv/c_strings.h"
#include "daemon/uv/guard.h"
#include "daemon/uv/handle.h"

namespace tend {

struct UvLauncher::Child {
    uv_process_t process{};
    UvLauncher* owner = nullptr;
    int id = 0;
};

namespace {

struct Pipe {
    int read_fd = -1;
    int write_fd = -1;
    ~Pipe() {
        if (read_fd >= 0) ::close(read_fd);
        if (write_fd >= 0) ::close(write_fd);
    }
};

}  // namespace

// Throws why an instance cannot start, from an errno of the daemon's own (a pipe, a
// socket, the spawn). Running out of descriptors names the limit to raise.
[[noreturn]] void throw_start_error(const std::string& name, const std::string& what, int err) {
    std::string text =
        "cannot start '" + name + "': " + what + ": " + uv_strerror(uv_translate_sys_error(err));
    if (err == EMFILE || err == ENFILE) {
        rlimit limit{};
        ::getrlimit(RLIMIT_NOFILE, &limit);
        text += " (tendd may open " + std::to_string(limit.rlim_cur) +
                " files; raise LimitNOFILE= or ulimit -n, or run fewer instances)";
    }
    throw TendError(ErrorCode::kSpawnFailed, text);
}

namespace {

void open_pipe(Pipe& p, const std::string& name) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw_start_error(name, "pipe", errno);
    p.read_fd = fds[0];
    p.write_fd = fds[1];
}

int release(int& fd) {
    int out = fd;
    fd = -1;
    return out;
}

}  // namespace

UvLauncher::UvLauncher(uv_loop_t* loop, LogSink& sink, InstanceChannels& channels,
                       KeeperLink& keeper, long child_nofile)
    : loop_(loop),
      sink_(sink),
      channels_(channels),
      keeper_(keeper),
      spawner_(loop, program_beside_self("tend-spawner"), child_nofile) {
    if (!spawner_.available())
        spdlog::warn("tend-spawner not found beside tendd: instances are started by forking tendd");
    char path[4096];
    std::size_t size = sizeof path;
    if (uv_exepath(path, &size) == 0) self_exe_.assign(path, size);
}

UvLauncher::~UvLauncher() {
    // Exit callbacks that never ran (the loop ended first) must not reach us.
    for (auto& [pid, child] : live_) child->owner = nullptr;
    let_go_of_watched(false);
}

namespace {

// systemd sets LISTEN_PID in the child between fork and exec; uv_spawn has no
// such hook, so an instance with a listening socket is started through
// `tendd --exec-listen-pid`, which sets it to its own pid and execs the app
// (the pid stays the same). A missing program is still refused at once.
std::vector<std::string> with_listen_pid_shim(const std::string& self_exe, const SpawnRequest& r) {
    const std::string& program = r.argv.front();
    if (program.find('/') != std::string::npos && ::access(program.c_str(), X_OK) != 0)
        throw TendError(ErrorCode::kSpawnFailed, "cannot start '" + r.name + "': " + program +
                                                     ": " +
                                                     uv_strerror(uv_translate_sys_error(errno)));
    std::vector<std::string> argv{self_exe, "--exec-listen-pid"};
    argv.insert(argv.end(), r.argv.begin(), r.argv.end());
    return argv;
}

// Whether a bare program name is an executable file in one of PATH's
// folders (an empty entry is the current folder, as execvp reads it).
bool found_in_path(const std::string& program, std::string_view path) {
    while (true) {
        std::size_t colon = path.find(':');
        std::string dir(path.substr(0, colon));
        std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
        std::error_code ec;
        if (std::filesystem::is_regular_file(candidate, ec) &&
            ::access(candidate.c_str(), X_OK) == 0)
            return true;
        if (colon == std::string_view::npos) return false;
        path.remove_prefix(colon + 1);
    }
}

// A bare name is looked up by exec in a PATH: the instance's, or (in older
// libuv) the daemon's own. Refused only when neither has it.
bool bare_name_missing(const SpawnRequest& r, const std::string& program) {
    auto own = r.env.find("PATH");
    const char* daemon_path = std::getenv("PATH");
    return !found_in_path(program, own != r.env.end() ? own->second : "") &&
           !found_in_path(program, daemon_path ? daemon_path : "");
}

// What uv_spawn would refuse, checked before the log files are opened, so a
// start that cannot run leaves no empty log files behind.
void check_runnable(const SpawnRequest& r) {
    const std::string& program = r.argv.front();
    auto refuse = [&](const std::string& what) {
        throw TendError(ErrorCode::kSpawnFailed, "cannot start '" + r.name + "': " + what + ": " +
                                                     uv_strerror(uv_translate_sys_error(errno)));
    };
    if (!r.cwd.empty() && ::access(r.cwd.c_str(), X_OK) != 0) refuse(r.cwd);
    bool bare = program.find('/') == std::string::npos;
    if (!bare && ::access(program.c_str(), X_OK) != 0) refuse(program);
    if (bare && bare_name_missing(r, program)) {
        errno = ENOENT;
        refuse(program);
    }
}

void open_socketpair(Pipe& p, const std::string& name) {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        throw_start_error(name, "socketpair", errno);
    p.read_fd = fds[0];   // the daemon's end
    p.write_fd = fds[1];  // the instance's end
}

// `uid` / `gid`: libuv drops the supplementary groups, then sets the gid,
// then the uid, in the child before exec.
void set_identity(uv_process_options_t& options, const SpawnRequest& r) {
    if (!r.run_as) return;
    options.flags |= UV_PROCESS_SETUID | UV_PROCESS_SETGID;
    options.uid = r.run_as->uid;
    options.gid = r.run_as->gid;
}

}  // namespace

int UvLauncher::spawn(const SpawnRequest& r) {
    check_runnable(r);
    std::shared_ptr<LogFile> out_file, err_file;
    try {
        out_file = sink_.open(r.out_log, r.rotation);
        err_file = sink_.open(r.err_log, r.rotation);
    } catch (const TendError& e) {
        throw TendError(ErrorCode::kSpawnFailed, "cannot start '" + r.name + "': " + e.what());
    }
    if (r.run_as) {
        out_file->give_to(r.run_as->uid, r.run_as->gid);
        err_file->give_to(r.run_as->uid, r.run_as->gid);
    }
    Pipe out, err, ipc;
    open_pipe(out, r.name);
    open_pipe(err, r.name);
    open_socketpair(ipc, r.name);
    // fd 1, 2, then the listening socket (fd 3) when it has one, then IPC.
    std::vector<int> fds{out.write_fd, err.write_fd};
    if (r.inherits_listener()) fds.push_back(r.listen_fd);
    fds.push_back(ipc.write_fd);
    int pid = spawner_.available() ? start_by_spawner(r, fds) : start_by_libuv(r, fds);
    ::close(release(out.write_fd));
    ::close(release(err.write_fd));
    ::close(release(ipc.write_fd));
    hold_streams(pid, out.read_fd, err.read_fd, ipc.read_fd);
    LogSource source{r.id, r.name, r.instance};
    sink_.attach(release(out.read_fd), source, StreamKind::kOut, out_file, r.log_format);
    sink_.attach(release(err.read_fd), source, StreamKind::kErr, err_file, r.log_format);
    channels_.open(release(ipc.read_fd), r.id, pid);
    spdlog::info("started {} ({}:{}) pid {}", r.name, r.id, r.instance, pid);
    return pid;
}

// The fallback when tend-spawner is missing: libuv forks tendd itself.
int UvLauncher::start_by_libuv(const SpawnRequest& r, const std::vector<int>& fds) {
    std::vector<std::string> argv =
        r.inherits_listener() ? with_listen_pid_shim(self_exe_, r) : r.argv;
    uv::CStrings args{argv, {}};
    uv::CStrings env = uv::CStrings::from_env(r.env);
    uv_stdio_container_t stdio[5];
    int count = 0;
    stdio[count++].flags = UV_IGNORE;
    for (int fd : fds) {
        stdio[count].flags = UV_INHERIT_FD;
        stdio[count++].data.fd = fd;
    }
    uv_process_options_t options{};
    options.file = argv.front().c_str();
    options.args = args.get();
    options.env = env.get();
    options.cwd = r.cwd.empty() ? nullptr : r.cwd.c_str();
    // Detached = setsid: the instance leads its own process group, so a stop
    // can signal everything it started, and a Ctrl-C to tendd never reaches it.
    options.flags = UV_PROCESS_DETACHED;
    set_identity(options, r);
    options.stdio_count = count;
    options.stdio = stdio;
    options.exit_cb = &UvLauncher::handle_exit;

    auto* child = new Child;
    child->owner = this;
    child->id = r.id;
    child->process.data = child;
    if (int rc = uv_spawn(loop_, &child->process, &options); rc != 0) {
        uv::close_and_delete(child, &child->process);
        throw_start_error(r.name, r.argv.front(), -rc);
    }
    live_[child->process.pid] = child;
    return child->process.pid;
}

// Named by pid: a process has one of each, and its pid is unique while it lives.
void UvLauncher::hold_streams(int pid, int out_fd, int err_fd, int ipc_fd) {
    std::string p = std::to_string(pid);
    keeper_.hold("out:" + p, out_fd);
    keeper_.hold("err:" + p, err_fd);
    keeper_.hold("ipc:" + p, ipc_fd);
}

void UvLauncher::adopt(const SpawnRequest& r, int pid, int out_fd, int err_fd, int ipc_fd) {
    adopted_[pid] = r.id;
    LogSource source{r.id, r.name, r.instance};
    if (out_fd >= 0)
        sink_.attach(out_fd, source, StreamKind::kOut, sink_.open(r.out_log, r.rotation),
                     r.log_format);
    if (err_fd >= 0)
        sink_.attach(err_fd, source, StreamKind::kErr, sink_.open(r.err_log, r.rotation),
                     r.log_format);
    if (ipc_fd >= 0) channels_.open(ipc_fd, r.id, pid);
    spdlog::info("adopted {} ({}:{}) pid {}", r.name, r.id, r.instance, pid);
}

void UvLauncher::release_all() {
    for (auto& [pid, child] : live_) {
        child->owner = nullptr;
        uv::close_and_delete(child, &child->process);  // closing a process handle kills nothing
    }
    live_.clear();
    let_go_of_watched(true);  // closing a pidfd kills nothing
    adopted_.clear();
    spawner_.close();
}

bool UvLauncher::on_keeper_exit(int pid, int status) {
    auto it = adopted_.find(pid);
    if (it == adopted_.end()) return false;
    int id = it->second;
    adopted_.erase(it);
    std::optional<int> code, signal;
    if (WIFSIGNALED(status))
        signal = WTERMSIG(status);
    else
        code = WEXITSTATUS(status);
    report_exit(id, pid, code, signal);
    return true;
}

// The process is gone: the keeper's copies of its streams go too. (What is
// still unread in its pipes is read on to EOF by this daemon.)
void UvLauncher::report_exit(int id, int pid, std::optional<int> code, std::optional<int> signal) {
    std::string p = std::to_string(pid);
    for (const char* kind : {"out:", "err:", "ipc:"}) keeper_.drop(kind + p);
    spdlog::info("instance {} pid {} exited ({} {})", id, pid, signal ? "signal" : "code",
                 signal ? *signal : code.value_or(0));
    uv::guarded("instance exit", [&] {
        if (on_exit_) on_exit_(id, pid, code, signal);
    });
}

void UvLauncher::signal_group(int pid, int sig) {
    if (pid <= 0 || sig <= 0) return;
    if (::kill(-pid, sig) != 0 && errno != ESRCH)
        spdlog::warn("kill(-{}, {}) failed: {}", pid, sig, std::strerror(errno));
}

void UvLauncher::signal_process(int pid, int sig) {
    if (pid <= 0 || sig <= 0) return;
    if (::kill(pid, sig) != 0 && errno != ESRCH)
        spdlog::warn("kill({}, {}) failed: {}", pid, sig, std::strerror(errno));
}

void UvLauncher::handle_exit(uv_process_t* process, int64_t exit_status, int term_signal) {
    auto* child = static_cast<Child*>(process->data);
    int pid = process->pid;
    uv::close_and_delete(child, process);  // child lives until the close callback
    UvLauncher* self = child->owner;
    if (!self) return;
    self->live_.erase(pid);
    std::optional<int> code, signal;
    if (term_signal != 0)
        signal = term_signal;
    else
        code = static_cast<int>(exit_status);
    self->report_exit(child->id, pid, code, signal);
}

}  // namespace tend
