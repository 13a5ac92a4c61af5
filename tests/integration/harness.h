// The integration-test harness: a private tend home per test with its own
// `tendd --foreground`, helpers to run `tend`, poll `jlist` with deadlines and
// talk to the socket directly. The destructor always stops what it started.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "process_util.h"

namespace tend::it {

using nlohmann::json;

// The fixture binary and its mode arguments, for running it directly.
std::vector<std::string> fixture(std::vector<std::string> mode_args);

// `tend start` args for the fixture: start FIXTURE --name NAME
// --interpreter none OPTIONS... -- MODE_ARGS...
std::vector<std::string> start_fixture(const std::string& name, std::vector<std::string> options,
                                       std::vector<std::string> mode_args);

// Lines of a file that end in '\n' (a trailing partial line is left out).
std::vector<std::string> whole_lines(const std::string& path);

// One request line of the control protocol, as the CLI of this build sends it.
std::string request_line(int id, const std::string& cmd, const json& args);

// Reads one newline-terminated reply from a Unix socket connection.
class RawClient {
  public:
    explicit RawClient(const std::string& socket_path);
    ~RawClient();
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    // Sends everything it can; false when the daemon closed the connection
    // (or stopped reading for seconds) before all bytes were taken.
    bool send(const std::string& bytes);
    // The next line (without '\n'), or nullopt at EOF or on timeout.
    std::optional<std::string> read_line(Millis timeout);

  private:
    int fd_ = -1;
    std::string pending_;
};

class TendHome {
  public:
    struct Options {
        bool start_daemon = true;
        std::vector<std::string> daemon_args;  // after `tendd --foreground`
        std::vector<std::string> daemon_env;   // KEY=VALUE, besides TEND_HOME
        // A command tendd runs under, which must exec it (same pid):
        // {"taskset", "-c", "0"} pins the daemon and not the CLI.
        std::vector<std::string> daemon_wrapper;

        // A home whose test starts the daemon itself, or checks none runs.
        static Options without_daemon() {
            Options o;
            o.start_daemon = false;
            return o;
        }
    };

    TendHome();
    explicit TendHome(Options options);
    ~TendHome();
    TendHome(const TendHome&) = delete;
    TendHome& operator=(const TendHome&) = delete;

    // TEND_HOME; the daemon creates it inside a fresh temp dir.
    const std::string& home() const { return home_; }
    // A scratch directory beside the home, for cwd and files of a test.
    std::string scratch(const std::string& name) const;
    std::string socket_path() const { return home_ + "/tend.sock"; }
    // The process the harness started: `tendd --foreground`, which becomes
    // tend-keeper (same pid) and runs the serving tendd as its child.
    pid_t daemon_pid() const { return daemon_pid_; }
    // The serving tendd, from the pid file (what ping reports, what `kill -9
    // of tendd` means); 0 when there is none.
    pid_t serving_pid() const;

    // Runs `tend args...` with TEND_HOME set, its cwd the scratch dir.
    Result run(std::vector<std::string> args, Millis timeout = 20s) const;
    // Runs `tend args...` and REQUIREs exit 0.
    Result run_ok(std::vector<std::string> args, Millis timeout = 20s) const;
    // Runs any program with TEND_HOME set.
    Result run_program(std::vector<std::string> argv, Millis timeout = 20s) const;
    // A long-running `tend args...` with its stdout on a pipe.
    std::unique_ptr<StreamingChild> stream(std::vector<std::string> args) const;

    // `tend jlist`, REQUIREd to succeed and parse; remembers every pid seen.
    json jlist();
    // The instances of one app, sorted by instance index.
    json instances(const std::string& name);

    // Polls until predicate holds; FAILs with what (and the last jlist) when
    // the deadline passes.
    void wait_until(const std::function<bool()>& predicate, const std::string& what,
                    Millis timeout = 15s);
    // Polls jlist until predicate holds for the app's instances; returns them.
    json wait_for(const std::string& name, const std::function<bool(const json&)>& predicate,
                  const std::string& what, Millis timeout = 15s);

    // Opens a raw connection to the control socket.
    std::unique_ptr<RawClient> connect() const;
    // Sends bytes on a fresh connection and returns the first reply line, or
    // "" when none came within the timeout (or the daemon closed first).
    std::string raw_socket_send(const std::string& bytes, Millis timeout = 5s) const;

    // Waits for the daemon we started to exit and reaps it; its exit code,
    // or nullopt when it still runs at the timeout.
    std::optional<int> wait_daemon_exit(Millis timeout);

    // Polls the file at path until it has a whole line starting with
    // prefix; returns that line (FAILs with what at the timeout).
    std::string wait_for_line(const std::string& path, const std::string& prefix,
                              const std::string& what, Millis timeout = 15s);
    // Registers a pid (e.g. an app's grandchild) to be killed at cleanup.
    void remember_pid(pid_t pid) { seen_pids_.insert(pid); }

    std::string daemon_log_tail(std::size_t lines) const;

  private:
    std::vector<std::string> env() const;
    void start_daemon();
    void cleanup();
    void stop_daemon();
    void kill_auto_started_daemon();
    void kill_seen_pids();
    void print_diagnostics() const;
    std::optional<json> try_jlist();

    std::string base_;
    std::string home_;
    std::vector<std::string> daemon_args_;
    std::vector<std::string> daemon_env_;
    std::vector<std::string> daemon_wrapper_;
    pid_t daemon_pid_ = -1;
    bool daemon_reaped_ = true;
    std::optional<int> daemon_exit_code_;
    std::set<pid_t> seen_pids_;
    std::string last_jlist_;
};

// True when every instance in the array has this status.
bool all_status(const json& instances, const std::string& status);

// A wait_for condition: exactly count instances, each online with a pid.
std::function<bool(const json&)> all_online(std::size_t count);

// The whitespace-separated words of a line or a reply body.
std::vector<std::string> words(const std::string& text);

// True when some line of text holds every word of labels (any case), none
// of excluded, and value as a word of its own, perhaps with a unit ("150ms").
// For output whose layout is free: describe's "kill_timeout: 4321".
bool has_labeled_value(const std::string& text, const std::vector<std::string>& labels,
                       const std::string& value, const std::vector<std::string>& excluded = {});

// True when the current doctest test case has failed an assertion.
bool current_test_failed();

}  // namespace tend::it
