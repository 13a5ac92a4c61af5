// The child's side of a launch. Everything it needs is prepared before the
// clone: between clone and exec the child runs on our memory, so it may not
// allocate or take a lock, only make system calls (as posix_spawn's child).
#include "spawner/launch.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <string>
#include <vector>

namespace tend::spawner {
namespace {

constexpr std::size_t kStackSize = 256 * 1024;
constexpr const char* kListenPidPrefix = "LISTEN_PID=";

// What the child reads and writes: the order, flattened to C arrays.
struct ChildPlan {
    std::vector<std::string> candidates;  // paths to exec, in order
    std::vector<char*> argv;              // null-terminated
    std::vector<char*> shell_argv;        // /bin/sh, the candidate, argv[1..]: for ENOEXEC
    std::vector<char*> envp;              // null-terminated
    std::string listen_pid;               // "LISTEN_PID=" and room for the digits
    std::vector<int> sources;             // fd i of the child is sources[i]
    const char* cwd = nullptr;
    bool new_session = false;
    bool set_identity = false;
    unsigned uid = 0;
    unsigned gid = 0;
    // Written by the child before it gives up, read by us after the clone.
    int error = 0;
    Stage stage = Stage::kNone;
};

// Where exec looks for file, as execvp would: file itself when it names a
// path, else each folder of search_path (an empty one is the current folder).
std::vector<std::string> exec_candidates(const std::string& file, const std::string& search_path) {
    if (file.find('/') != std::string::npos) return {file};
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        std::size_t colon = search_path.find(':', start);
        std::string dir = search_path.substr(start, colon - start);
        out.push_back((dir.empty() ? std::string(".") : dir) + "/" + file);
        if (colon == std::string::npos) return out;
        start = colon + 1;
    }
}

void prepare(ChildPlan& plan, const Order& order, int dev_null) {
    plan.candidates = exec_candidates(order.file, order.search_path);
    for (const std::string& arg : order.argv) plan.argv.push_back(const_cast<char*>(arg.c_str()));
    plan.argv.push_back(nullptr);
    plan.shell_argv = {const_cast<char*>("/bin/sh"), nullptr};
    plan.shell_argv.insert(plan.shell_argv.end(), plan.argv.begin() + 1, plan.argv.end());
    for (const std::string& entry : order.env) {
        if (order.listen_pid && entry.rfind(kListenPidPrefix, 0) == 0) continue;
        plan.envp.push_back(const_cast<char*>(entry.c_str()));
    }
    if (order.listen_pid) {
        plan.listen_pid = std::string(kListenPidPrefix) + std::string(20, '\0');
        plan.envp.push_back(plan.listen_pid.data());
    }
    plan.envp.push_back(nullptr);
    plan.sources.push_back(dev_null);
    plan.sources.insert(plan.sources.end(), order.fds.begin(), order.fds.end());
    plan.cwd = order.cwd.empty() ? nullptr : order.cwd.c_str();
    plan.new_session = order.new_session;
    plan.set_identity = order.set_identity;
    plan.uid = order.uid;
    plan.gid = order.gid;
}

[[noreturn]] void give_up(ChildPlan& plan, Stage stage) {
    plan.error = errno != 0 ? errno : EIO;
    plan.stage = stage;
    ::_exit(127);
}

// Writes n's digits where the LISTEN_PID entry has room for them.
void write_pid(char* at, long n) {
    char digits[24];
    int count = 0;
    do digits[count++] = static_cast<char>('0' + n % 10);
    while ((n /= 10) > 0);
    while (count > 0) *at++ = digits[--count];
    *at = '\0';
}

// Puts sources[i] at fd i: first every source that sits where a target
// will go is moved above the targets, so no dup2 closes a source still to
// be placed. dup2 leaves the copy without FD_CLOEXEC; the rest close at exec.
bool place_fds(ChildPlan& plan) {
    int count = static_cast<int>(plan.sources.size());
    for (int& fd : plan.sources)
        if (fd < count && (fd = ::fcntl(fd, F_DUPFD_CLOEXEC, count)) < 0) return false;
    for (int target = 0; target < count; ++target)
        if (::dup2(plan.sources[target], target) < 0) return false;
    return true;
}

// Raw system calls for the identity: glibc's setuid() would try to tell
// every thread of the process whose memory the child borrows.
bool become(const ChildPlan& plan) {
    return ::syscall(SYS_setgroups, 0, nullptr) == 0 && ::syscall(SYS_setgid, plan.gid) == 0 &&
           ::syscall(SYS_setuid, plan.uid) == 0;
}

// Tries each candidate as execvp does: a file the kernel cannot run as a
// program is run by /bin/sh; a missing one is passed over; EACCES is
// remembered and reported if none ran; any other error ends the search.
void exec_any(ChildPlan& plan) {
    bool denied = false;
    for (std::string& path : plan.candidates) {
        ::execve(path.c_str(), plan.argv.data(), plan.envp.data());
        if (errno == ENOEXEC) {
            plan.shell_argv[1] = path.data();
            ::execve("/bin/sh", plan.shell_argv.data(), plan.envp.data());
        }
        if (errno == EACCES)
            denied = true;
        else if (errno != ENOENT && errno != ENOTDIR && errno != ESTALE)
            return;
    }
    errno = denied ? EACCES : ENOENT;
}

int child_main(void* arg) {
    auto& plan = *static_cast<ChildPlan*>(arg);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (plan.new_session && ::setsid() < 0) give_up(plan, Stage::kSession);
    if (!place_fds(plan)) give_up(plan, Stage::kFds);
    if (plan.cwd && ::chdir(plan.cwd) != 0) give_up(plan, Stage::kCwd);
    if (plan.set_identity && !become(plan)) give_up(plan, Stage::kIdentity);
    if (!plan.listen_pid.empty())
        write_pid(plan.listen_pid.data() + std::char_traits<char>::length(kListenPidPrefix),
                  ::getpid());
    exec_any(plan);
    give_up(plan, Stage::kExec);
}

}  // namespace

Launcher::Launcher(int dev_null) : dev_null_(dev_null) {
    void* stack = ::mmap(nullptr, kStackSize, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    stack_ = stack == MAP_FAILED ? nullptr : static_cast<char*>(stack);
}

Launcher::~Launcher() {
    if (stack_) ::munmap(stack_, kStackSize);
}

Reply Launcher::launch(const Order& order) {
    if (!stack_) return Reply{0, ENOMEM, Stage::kClone};
    ChildPlan plan;
    prepare(plan, order, dev_null_);
    // CLONE_VFORK: we wait here until the child has exec'd or exited, so
    // its stack and plan are ours again when clone returns.
    int pid = ::clone(child_main, stack_ + kStackSize,
                      CLONE_VM | CLONE_VFORK | CLONE_PARENT | SIGCHLD, &plan);
    if (pid < 0) return Reply{0, errno, Stage::kClone};
    return Reply{pid, plan.error, plan.error ? plan.stage : Stage::kNone};
}

}  // namespace tend::spawner
