// tendd: the tend daemon. Normally started by the tend CLI on first use;
// `tendd --foreground` also logs to stderr (tests, systemd). The metrics
// sampling interval is --metrics-interval MS, or TEND_METRICS_INTERVAL_MS
// in the environment (which reaches a daemon the CLI starts). Its options
// are parsed with CLI11, as the CLI's are.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/cli11_errors.h"
#include "common/errors.h"
#include "common/fd_limit.h"
#include "common/http_address.h"
#include "common/paths.h"
#include "common/self_path.h"
#include "common/text.h"
#include "common/version.h"
#include "daemon/daemon.h"
#include "daemon/home_lock.h"

namespace {

constexpr std::int64_t kMinInterval = 50;
constexpr std::int64_t kMaxInterval = 3'600'000;
constexpr const char* kIntervalEnv = "TEND_METRICS_INTERVAL_MS";
constexpr const char* kIdleIntervalEnv = "TEND_METRICS_IDLE_INTERVAL_MS";
constexpr const char* kShimOption = "--exec-listen-pid";
constexpr int kExitUsage = 2;
// A build may name another version (the copy `tend update` is tested with).
#ifdef TEND_DAEMON_VERSION
constexpr const char* kDaemonVersion = TEND_DAEMON_VERSION;
#else
constexpr const char* kDaemonVersion = tend::kVersion;
#endif

// A command line tendd cannot run: main prints it and exits 2.
class UsageError : public std::runtime_error {
  public:
    explicit UsageError(const std::string& message) : std::runtime_error(message) {}
};

struct Flags {
    bool foreground = false;
    bool version = false;
    bool serve = false;                        // run the daemon itself (tend-keeper starts it so)
    std::optional<std::string> interval;       // --metrics-interval, as written
    std::optional<std::string> idle_interval;  // --metrics-idle-interval, as written
    std::string shim_program;                  // --exec-listen-pid PROGRAM
    std::optional<std::string> http;           // --http ADDR
};

void add_options(CLI::App& app, Flags& f) {
    app.add_flag("--foreground", f.foreground, "log to stderr too (systemd, tests)");
    app.add_option_function<std::string>(
           "--metrics-interval", [&f](const std::string& text) { f.interval = text; },
           "sample CPU and memory every MS milliseconds, 50 to 3600000 (default 1000; "
           "also TEND_METRICS_INTERVAL_MS)")
        ->type_name("MS")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.add_option_function<std::string>(
           "--metrics-idle-interval", [&f](const std::string& text) { f.idle_interval = text; },
           "while no monit or dashboard watches, sample every MS milliseconds, 50 to 3600000 "
           "(default 30000, never below --metrics-interval; apps with max_memory_restart are "
           "still sampled each interval; also TEND_METRICS_IDLE_INTERVAL_MS)")
        ->type_name("MS")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.add_option_function<std::string>(
           "--http", [&f](const std::string& text) { f.http = text; },
           "serve /metrics, the HTTP API and the dashboard at ADDR: PORT, HOST:PORT or "
           "[IPV6]:PORT, loopback unless a host is given, port 0 to let tendd choose (also "
           "config.json's \"http\": {\"listen\": ADDR})")
        ->type_name("ADDR")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.add_flag("--version", f.version, "print the version and exit");
    app.add_flag("--serve", f.serve,
                 "be the daemon itself, without tend-keeper (tend-keeper starts tendd so; "
                 "run by hand, apps die with it)");
    app.add_option(kShimOption, f.shim_program,
                   "exec PROGRAM ARGS... with LISTEN_PID set to its pid (how the daemon starts "
                   "an instance that shares a port); every word after PROGRAM is the program's")
        ->type_name("PROGRAM");
    // Words CLI11 cannot place are reported by reject_extras, in tend's words.
    app.allow_extras();
}

// Where the shim's PROGRAM is in argv; argc when there is no shim.
int shim_program_index(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], kShimOption) == 0) return std::min(i + 1, argc);
    return argc;
}

void reject_extras(const CLI::App& app) {
    auto extras = app.remaining();
    if (extras.empty()) return;
    const std::string& word = extras.front();
    if (word.size() > 1 && word[0] == '-') throw UsageError("unknown option '" + word + "'");
    throw UsageError("unexpected argument '" + word + "'");
}

// Parses tendd's own words: those before the shim's PROGRAM and PROGRAM
// itself. The words after it are the program's argv, which CLI11 never
// sees (the program's --version is not tendd's). False after --help.
bool parse_flags(int argc, char** argv, Flags& flags) {
    CLI::App app("tendd: the tend daemon, normally started by tend itself", "tendd");
    app.set_help_flag("-h,--help", "show this help and exit");
    add_options(app, flags);
    std::vector<std::string> words(argv + 1,
                                   argv + std::min(shim_program_index(argc, argv) + 1, argc));
    std::reverse(words.begin(), words.end());  // CLI11 parses a reversed vector
    try {
        app.parse(std::move(words));
    } catch (const CLI::CallForHelp&) {
        std::fputs(app.help().c_str(), stdout);
        return false;
    } catch (const CLI::ParseError& e) {
        throw UsageError(tend::describe_parse_error(e));
    }
    reject_extras(app);
    return true;
}

std::int64_t checked_interval(const std::string& source, const std::string& text) {
    auto ms = tend::parse_int(text);
    if (!ms || *ms < kMinInterval || *ms > kMaxInterval)
        throw UsageError(source + ": expected milliseconds from " + std::to_string(kMinInterval) +
                         " to " + std::to_string(kMaxInterval) + ", got '" + text + "'");
    return *ms;
}

// The option wins over the environment; an error names where the bad value
// came from. (Not CLI11's envname: its value could not be told from the
// option's, and the shim must never read the variable.)
tend::DaemonOptions daemon_options(const Flags& flags) {
    tend::DaemonOptions options;
    options.log_to_stderr = flags.foreground;
    options.version = kDaemonVersion;
    const char* env = std::getenv(kIntervalEnv);
    if (flags.interval)
        options.sample_interval_ms = checked_interval("--metrics-interval", *flags.interval);
    else if (env && *env)
        options.sample_interval_ms = checked_interval(kIntervalEnv, env);
    const char* idle_env = std::getenv(kIdleIntervalEnv);
    if (flags.idle_interval)
        options.idle_sample_interval_ms =
            checked_interval("--metrics-idle-interval", *flags.idle_interval);
    else if (idle_env && *idle_env)
        options.idle_sample_interval_ms = checked_interval(kIdleIntervalEnv, idle_env);
    if (flags.http) {
        try {
            options.http = tend::parse_http_address(*flags.http);
        } catch (const tend::TendError& e) {
            throw UsageError(std::string("--http: ") + e.what());
        }
    }
    return options;
}

// `tendd --exec-listen-pid PROGRAM ARGS...`: what the spawner runs for an
// instance with a shared port. Sets LISTEN_PID to this pid, which exec keeps.
int exec_with_listen_pid(char** program_argv) {
    std::string pid = std::to_string(::getpid());
    ::setenv("LISTEN_PID", pid.c_str(), 1);
    ::execvp(program_argv[0], program_argv);
    std::fprintf(stderr, "tendd: cannot start %s: %s\n", program_argv[0], std::strerror(errno));
    return 127;
}

// tendd as the user starts it becomes tend-keeper (same pid), which runs
// `tendd --serve` under it and starts a new one whenever it dies. The home
// lock is taken here, so a second daemon is refused with a clear error
// before any keeper runs, and passes to the keeper across exec. Without the
// keeper binary the daemon runs alone, as before it existed.
int run_under_keeper(int argc, char** argv) {
    tend::Paths paths = tend::resolve_paths();
    std::string keeper = tend::program_beside_self("tend-keeper");
    std::string self = tend::program_beside_self("tendd");
    if (keeper.empty() || ::access(keeper.c_str(), X_OK) != 0) return -1;
    tend::ensure_home(paths);
    tend::HomeLock lock(paths.pidfile);
    std::string lock_fd = std::to_string(lock.release_for_exec());
    std::vector<std::string> words{keeper, "--lock-fd", lock_fd, "--", self, "--serve"};
    words.insert(words.end(), argv + 1, argv + argc);
    std::vector<char*> args;
    for (auto& w : words) args.push_back(w.data());
    args.push_back(nullptr);
    ::execv(keeper.c_str(), args.data());
    throw tend::TendError(tend::ErrorCode::kInternal,
                          "cannot run " + keeper + ": " + std::strerror(errno));
}

int run(int argc, char** argv) {
    Flags flags;
    if (!parse_flags(argc, argv, flags)) return 0;
    if (flags.version) {
        std::printf("tendd %s\n", kDaemonVersion);
        return 0;
    }
    if (!flags.shim_program.empty())
        return exec_with_listen_pid(argv + shim_program_index(argc, argv));
    // Whatever started us may have left descriptors open (a shell, a test
    // runner): none of them may reach an app, which uv_spawn would let them.
    // The keeper's channel and the home lock are opened or passed on anew.
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    tend::DaemonOptions options = daemon_options(flags);
    options.child_nofile = tend::raise_fd_limit();
    if (!flags.serve) {
        int rc = run_under_keeper(argc, argv);
        if (rc >= 0) return rc;
        std::fprintf(stderr,
                     "tendd: tend-keeper not found beside tendd; apps will not survive "
                     "this daemon\n");
    }
    tend::Daemon daemon(tend::resolve_paths(), options);
    return daemon.run();
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "tendd: error: %s\n", e.what());
        return kExitUsage;
    } catch (const tend::TendError& e) {
        std::fprintf(stderr, "tendd: error: %s\n", e.what());
        return 1;
    }
}
