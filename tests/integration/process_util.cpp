// fork/exec, pipes and /proc reading for the integration tests.
#include "process_util.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>
#include <thread>

extern char** environ;

namespace tend::it {
namespace {

using Clock = std::chrono::steady_clock;

struct Pipe {
    int read = -1;
    int write = -1;
};

Pipe make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe2");
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
    return {fds[0], fds[1]};
}

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

// Our environment with the overrides ("KEY=value") applied.
std::vector<std::string> merged_env(const std::vector<std::string>& overrides) {
    std::map<std::string, std::string> vars;
    auto put = [&vars](const std::string& entry) {
        auto eq = entry.find('=');
        if (eq != std::string::npos) vars[entry.substr(0, eq)] = entry.substr(eq + 1);
    };
    for (char** e = environ; *e; ++e) put(*e);
    for (const auto& entry : overrides) put(entry);
    std::vector<std::string> out;
    for (const auto& [key, value] : vars) out.push_back(key + "=" + value);
    return out;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// Runs in the forked child: only async-signal-safe calls until execve.
[[noreturn]] void exec_child(char** argv, char** envp, const char* cwd, int devnull, int out_fd,
                             int err_fd, pid_t parent) {
    // A test that crashes (an abort, a fatal signal) runs no destructor: its
    // children, a `tendd --foreground` among them, get SIGTERM instead, and
    // a daemon stops its apps on SIGTERM. Checked after the prctl, in case
    // the test died first.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &dfl, nullptr);
    ::dup2(devnull, 0);
    ::dup2(out_fd >= 0 ? out_fd : devnull, 1);
    ::dup2(err_fd >= 0 ? err_fd : devnull, 2);
    if (cwd && ::chdir(cwd) != 0) ::_exit(127);
    ::execve(argv[0], argv, envp);
    ::_exit(127);
}

// Appends what fd has now; false at EOF or on an error.
bool drain(int fd, std::string& out) {
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            out.append(buf, static_cast<std::size_t>(n));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            return n < 0 && errno == EAGAIN;
        }
    }
}

std::optional<int> reap_nohang(pid_t pid) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return decode_status(status);
    if (r < 0 && errno == ECHILD) return -1;
    return std::nullopt;
}

void drain_all(int (&fds)[2], std::string* (&bufs)[2]) {
    for (int i = 0; i < 2; ++i) {
        if (fds[i] < 0 || drain(fds[i], *bufs[i])) continue;
        ::close(fds[i]);
        fds[i] = -1;
    }
}

// Reads both pipes until the child exits (a grandchild that kept the pipes
// open does not hold us up) or the deadline passes.
void capture(pid_t pid, int (&fds)[2], Result& r, Clock::time_point deadline) {
    std::string* bufs[2] = {&r.out, &r.err};
    for (;;) {
        pollfd p[2];
        int n = 0;
        for (int fd : fds)
            if (fd >= 0) p[n++] = pollfd{fd, POLLIN, 0};
        if (n > 0) ::poll(p, static_cast<nfds_t>(n), 20);
        drain_all(fds, bufs);
        if (auto code = reap_nohang(pid)) {
            drain_all(fds, bufs);
            r.exit_code = *code;
            break;
        }
        if (n == 0) std::this_thread::sleep_for(5ms);
        if (Clock::now() >= deadline) {
            kill_child(pid);
            r.timed_out = true;
            break;
        }
    }
    for (int fd : fds)
        if (fd >= 0) ::close(fd);
}

}  // namespace

pid_t spawn_command(const Command& cmd, int out_fd, int err_fd) {
    auto env = merged_env(cmd.env);
    auto args = cmd.argv;
    auto argv = c_strings(args);
    auto envp = c_strings(env);
    int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
    if (pid == 0)
        exec_child(argv.data(), envp.data(), cmd.cwd.empty() ? nullptr : cmd.cwd.c_str(), devnull,
                   out_fd, err_fd, parent);
    ::close(devnull);
    return pid;
}

Result run_command(const Command& cmd, Millis timeout) {
    Pipe out = make_pipe();
    Pipe err = make_pipe();
    pid_t pid = spawn_command(cmd, out.write, err.write);
    ::close(out.write);
    ::close(err.write);
    Result r;
    int fds[2] = {out.read, err.read};
    capture(pid, fds, r, Clock::now() + timeout);
    return r;
}

std::optional<int> wait_child(pid_t pid, Millis timeout) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
        if (auto code = reap_nohang(pid)) return code;
        if (Clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(10ms);
    }
}

void kill_child(pid_t pid) {
    if (pid <= 0 || reap_nohang(pid)) return;
    ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

bool process_alive(pid_t pid) {
    if (pid <= 0) return false;
    if (::kill(pid, 0) != 0 && errno != EPERM) return false;
    std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    auto paren = stat.rfind(')');
    if (paren == std::string::npos || paren + 2 >= stat.size()) return false;
    char state = stat[paren + 2];
    return state != 'Z' && state != 'X';
}

std::vector<pid_t> children_of(pid_t pid) {
    std::vector<pid_t> out;
    std::error_code ec;
    for (const auto& task :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
        std::ifstream in(task.path() / "children");
        pid_t child = 0;
        while (in >> child) out.push_back(child);
    }
    return out;
}

pid_t parent_pid(pid_t pid) {
    std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    auto paren = stat.rfind(')');
    if (paren == std::string::npos || paren + 4 >= stat.size()) return 0;
    return static_cast<pid_t>(std::atoi(stat.c_str() + paren + 4));
}

bool process_has_env(pid_t pid, const std::string& entry) {
    if (pid <= 0) return false;
    std::string environ_text = read_file("/proc/" + std::to_string(pid) + "/environ");
    std::size_t start = 0;
    while (start < environ_text.size()) {
        auto end = environ_text.find('\0', start);
        if (end == std::string::npos) end = environ_text.size();
        if (environ_text.compare(start, end - start, entry) == 0) return true;
        start = end + 1;
    }
    return false;
}

StreamingChild::StreamingChild(const Command& cmd) {
    Pipe out = make_pipe();
    pid_ = spawn_command(cmd, out.write, -1);
    ::close(out.write);
    out_fd_ = out.read;
}

StreamingChild::~StreamingChild() {
    kill();
    if (out_fd_ >= 0) ::close(out_fd_);
}

void StreamingChild::kill() {
    kill_child(pid_);
    pid_ = -1;
}

std::optional<std::string> StreamingChild::read_line(Millis timeout) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
        if (auto nl = pending_.find('\n'); nl != std::string::npos) {
            std::string line = pending_.substr(0, nl);
            pending_.erase(0, nl + 1);
            return line;
        }
        auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
        if (eof_ || left <= 0) return std::nullopt;
        pollfd p{out_fd_, POLLIN, 0};
        ::poll(&p, 1, static_cast<int>(left));
        if (!drain(out_fd_, pending_)) eof_ = true;
    }
}

bool StreamingChild::read_until(const std::string& wanted, Millis timeout,
                                std::vector<std::string>& seen) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
        auto line = read_line(std::max(left, Millis(0)));
        if (!line) return false;
        seen.push_back(*line);
        if (*line == wanted) return true;
    }
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        auto nl = text.find('\n', start);
        if (nl == std::string::npos) nl = text.size();
        lines.push_back(text.substr(start, nl - start));
        start = nl + 1;
    }
    return lines;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace tend::it
