// Process plumbing for the integration tests: run a program with a timeout and
// capture its output, spawn a long-running one with its stdout on a pipe, ask
// whether a pid is alive. Everything here acts on pids the tests started or
// saw, never on process names.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace tend::it {

using namespace std::chrono_literals;
using Millis = std::chrono::milliseconds;

struct Result {
    int exit_code = -1;  // exit status; 128 + signal when killed; -1 on timeout
    std::string out;
    std::string err;
    bool timed_out = false;
};

// What a child process runs: argv[0] is a path; env entries "KEY=value"
// override or extend this process's environment; cwd empty = ours.
struct Command {
    std::vector<std::string> argv;
    std::vector<std::string> env;
    std::string cwd;
};

// Runs cmd to completion with stdin on /dev/null, capturing stdout and
// stderr. Kills it (SIGKILL) when it runs longer than timeout.
Result run_command(const Command& cmd, Millis timeout);

// Forks and execs cmd with stdin on /dev/null and stdout/stderr going to the
// given fds (-1 = /dev/null). Returns the child's pid; throws on failure.
pid_t spawn_command(const Command& cmd, int out_fd, int err_fd);

// Waits up to timeout for our child pid to exit; returns its Result-style
// exit code, or nullopt when it is still running.
std::optional<int> wait_child(pid_t pid, Millis timeout);

// Kills our child pid with SIGKILL unless it already exited, and reaps it.
void kill_child(pid_t pid);

// A live process: kill(pid, 0) succeeds and /proc/<pid>/stat is not 'Z'.
bool process_alive(pid_t pid);

// The parent of pid from /proc; 0 when pid is gone.
pid_t parent_pid(pid_t pid);

// Children of pid, from /proc (the kernel lists them per thread).
std::vector<pid_t> children_of(pid_t pid);

// True when the process's environment holds exactly this "KEY=value" entry;
// used to make sure a pid still belongs to the test before killing it.
bool process_has_env(pid_t pid, const std::string& entry);

// A child whose stdout is a pipe we read line by line (e.g. `tend logs`).
// The destructor kills it by pid and reaps it.
class StreamingChild {
  public:
    explicit StreamingChild(const Command& cmd);
    ~StreamingChild();
    StreamingChild(const StreamingChild&) = delete;
    StreamingChild& operator=(const StreamingChild&) = delete;

    // The next complete stdout line (without '\n'), or nullopt when none
    // arrives before the timeout or the stream ends.
    std::optional<std::string> read_line(Millis timeout);

    // Reads lines until one equals wanted or the timeout passes; says
    // whether it was seen. Every line read is appended to seen.
    bool read_until(const std::string& wanted, Millis timeout, std::vector<std::string>& seen);

    pid_t pid() const { return pid_; }
    void kill();

  private:
    pid_t pid_ = -1;
    int out_fd_ = -1;
    std::string pending_;
    bool eof_ = false;
};

std::string read_file(const std::string& path);
// Replaces the file at path with text.
void write_text(const std::string& path, const std::string& text);
std::vector<std::string> split_lines(const std::string& text);
bool contains(const std::string& haystack, const std::string& needle);

}  // namespace tend::it
