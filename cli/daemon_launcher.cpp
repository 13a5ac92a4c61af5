// Finding, launching and waiting for tendd. The launch is a double fork so
// the daemon is nobody's child and lives in its own session; a close-on-exec
// pipe reports a failed exec at once instead of after the 5 s wait.
#include "cli/daemon_launcher.h"
#include "common/self_path.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "cli/path_lookup.h"

namespace tend {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(5);
constexpr auto kRetryInterval = std::chrono::milliseconds(5);

std::string errno_text(int err) {
    std::string text = std::strerror(err);
    if (!text.empty())
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return text;
}

// Marks every descriptor above stdio close-on-exec, so the daemon keeps no
// pipe of whoever ran tend: a caller reading one would wait for EOF for the
// daemon's whole life. Older kernels lack the flag; close them instead.
void drop_inherited_fds(int keep_fd, int max_fd) {
    if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
    for (int fd = 3; fd < max_fd; ++fd)
        if (fd != keep_fd) ::close(fd);
}

// In the daemon-to-be: stdio on /dev/null, then exec. Only async-signal-safe calls.
[[noreturn]] void exec_daemon(char* const argv[], int status_fd, int max_fd) {
    drop_inherited_fds(status_fd, max_fd);
    int null_fd = ::open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
        ::dup2(null_fd, STDIN_FILENO);
        ::dup2(null_fd, STDOUT_FILENO);
        ::dup2(null_fd, STDERR_FILENO);
        if (null_fd > STDERR_FILENO) ::close(null_fd);
    }
    ::execv(argv[0], argv);
    int err = errno;
    [[maybe_unused]] ssize_t n = ::write(status_fd, &err, sizeof err);
    ::_exit(127);
}

// In the intermediate child: a new session, one more fork, and out.
[[noreturn]] void detach_and_exec(char* const argv[], int status_fd, int max_fd) {
    ::setsid();
    pid_t daemon = ::fork();
    if (daemon == 0) exec_daemon(argv, status_fd, max_fd);
    if (daemon < 0) {
        int err = errno;
        [[maybe_unused]] ssize_t n = ::write(status_fd, &err, sizeof err);
    }
    ::_exit(0);
}

// The errno the daemon's exec failed with, or 0 once the pipe closes on a
// successful exec.
int read_exec_status(int fd) {
    int err = 0;
    ssize_t n;
    do {
        n = ::read(fd, &err, sizeof err);
    } while (n < 0 && errno == EINTR);
    return n == static_cast<ssize_t>(sizeof err) ? err : 0;
}

}  // namespace

std::optional<Client> connect_running(const Paths& paths) {
    check_home(paths.home);
    int fd = connect_unix(paths.socket);
    if (fd >= 0) {
        Client client(fd);
        check_daemon_identity(fd, paths.socket);  // before a byte is sent
        return client;
    }
    if (fd == -ENOENT || fd == -ECONNREFUSED) return std::nullopt;
    throw TendError(ErrorCode::kDaemonUnavailable,
                    "cannot connect to " + paths.socket + ": " + errno_text(-fd));
}

Client connect_or_launch(const Paths& paths) {
    if (auto client = connect_running(paths)) return std::move(*client);
    launch_daemon(find_daemon_binary());
    auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
    for (;;) {
        if (auto client = connect_running(paths)) return std::move(*client);
        if (std::chrono::steady_clock::now() >= deadline)
            throw TendError(ErrorCode::kDaemonUnavailable,
                            "daemon did not start; see " + paths.daemon_log);
        std::this_thread::sleep_for(kRetryInterval);
    }
}

std::string find_daemon_binary() {
    if (const char* bin = std::getenv("TEND_DAEMON_BIN"); bin && *bin) return bin;
    if (std::string beside = program_beside_self("tendd");
        !beside.empty() && is_executable_file(beside))
        return beside;
    const char* path = std::getenv("PATH");
    if (auto found = search_path("tendd", path ? path : "", is_executable_file)) return *found;
    throw TendError(ErrorCode::kDaemonUnavailable,
                    "cannot find tendd beside tend or in PATH; set TEND_DAEMON_BIN to its path");
}

void launch_daemon(const std::string& binary) {
    std::string arg0 = binary;
    char* argv[] = {arg0.data(), nullptr};
    int status[2];
    if (::pipe2(status, O_CLOEXEC) != 0)
        throw TendError(ErrorCode::kDaemonUnavailable,
                        "cannot start the daemon: " + errno_text(errno));
    long open_max = ::sysconf(_SC_OPEN_MAX);
    int max_fd = open_max > 0 ? static_cast<int>(std::min(open_max, 65536L)) : 1024;
    std::fflush(nullptr);
    pid_t middle = ::fork();
    if (middle == 0) detach_and_exec(argv, status[1], max_fd);
    int fork_errno = errno;
    ::close(status[1]);
    if (middle < 0) {
        ::close(status[0]);
        throw TendError(ErrorCode::kDaemonUnavailable,
                        "cannot start the daemon: " + errno_text(fork_errno));
    }
    while (::waitpid(middle, nullptr, 0) < 0 && errno == EINTR) {
    }
    int exec_errno = read_exec_status(status[0]);
    ::close(status[0]);
    if (exec_errno != 0)
        throw TendError(ErrorCode::kDaemonUnavailable,
                        "cannot run the daemon '" + binary + "': " + errno_text(exec_errno));
}

}  // namespace tend
