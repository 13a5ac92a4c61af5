// tendd: the tend daemon. Normally started by the tend CLI on first use;
// `tendd --foreground` also logs to stderr (tests, systemd). The metrics
// sampling interval is --metrics-interval MS, or TEND_METRICS_INTERVAL_MS
// in the environment (which reaches a daemon the CLI starts).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "common/errors.h"
#include "common/paths.h"
#include "common/text.h"
#include "common/version.h"
#include "daemon/daemon.h"

namespace {

constexpr std::int64_t kMinInterval = 50;
constexpr std::int64_t kMaxInterval = 3'600'000;

std::optional<std::int64_t> parse_interval(const char* text) {
    auto ms = tend::parse_int(text ? text : "");
    if (!ms || *ms < kMinInterval || *ms > kMaxInterval) return std::nullopt;
    return ms;
}

int bad_interval(const char* what, const char* text) {
    std::fprintf(stderr, "tendd: error: %s: expected milliseconds from %lld to %lld, got '%s'\n",
                 what, static_cast<long long>(kMinInterval), static_cast<long long>(kMaxInterval),
                 text ? text : "");
    return 2;
}

}  // namespace

// `tendd --exec-listen-pid PROGRAM ARGS...`: what the launcher runs for an
// instance with a shared port. Sets LISTEN_PID to this pid, which exec keeps.
int exec_with_listen_pid(int argc, char** argv) {
    if (argc < 3) return 64;
    std::string pid = std::to_string(::getpid());
    ::setenv("LISTEN_PID", pid.c_str(), 1);
    ::execvp(argv[2], argv + 2);
    std::fprintf(stderr, "tendd: cannot start %s: %s\n", argv[2], std::strerror(errno));
    return 127;
}

int main(int argc, char** argv) {
    if (argc >= 2 && std::strcmp(argv[1], "--exec-listen-pid") == 0)
        return exec_with_listen_pid(argc, argv);
    tend::DaemonOptions options;
    if (const char* env = std::getenv("TEND_METRICS_INTERVAL_MS"); env && *env) {
        auto ms = parse_interval(env);
        if (!ms) return bad_interval("TEND_METRICS_INTERVAL_MS", env);
        options.sample_interval_ms = *ms;
    }
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--foreground") == 0) {
            options.log_to_stderr = true;
        } else if (std::strcmp(argv[i], "--metrics-interval") == 0) {
            const char* value = i + 1 < argc ? argv[++i] : nullptr;
            auto ms = parse_interval(value);
            if (!ms) return bad_interval("--metrics-interval", value);
            options.sample_interval_ms = *ms;
        } else if (std::strcmp(argv[i], "--version") == 0) {
            std::printf("tendd %s\n", tend::kVersion);
            return 0;
        } else {
            std::fprintf(stderr, "tendd: error: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    try {
        tend::Daemon daemon(tend::resolve_paths(), options);
        return daemon.run();
    } catch (const tend::TendError& e) {
        std::fprintf(stderr, "tendd: error: %s\n", e.what());
        return 1;
    }
}
