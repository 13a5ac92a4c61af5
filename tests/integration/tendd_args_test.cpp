// tendd's own command line: its one-line errors and exit 2, --version, the
// sampling interval from the option or the environment, and the
// --exec-listen-pid shim, whose every word after PROGRAM is the program's.
#include <doctest/doctest.h>

#include <sstream>

#include "common/version.h"
#include "harness.h"

using namespace tend::it;

namespace {

std::string interval_error(const std::string& source, const std::string& value) {
    return "tendd: error: " + source + ": expected milliseconds from 50 to 3600000, got '" + value +
           "'\n";
}

// The daemon's sampling interval, as monit's snapshot reports it.
std::int64_t interval_ms(const TendHome& t) {
    std::string request = R"({"v":)" + std::to_string(tend::kProtocolVersion) +
                          R"(,"id":1,"cmd":"monit","args":{"lines_per_second":0}})" + "\n";
    json reply = json::parse(t.raw_socket_send(request), nullptr, false);
    INFO("monit reply: " << reply.dump());
    REQUIRE(reply.value("ok", false));
    return reply["result"].value("interval_ms", std::int64_t{0});
}

}  // namespace

TEST_CASE("tendd: unknown options, stray words and bad intervals are one line and exit 2") {
    TendHome t(TendHome::Options::without_daemon());
    Result r = t.run_program({TENDD_BIN, "--forground"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "tendd: error: unknown option '--forground'\n");
    r = t.run_program({TENDD_BIN, "now"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "tendd: error: unexpected argument 'now'\n");
    r = t.run_program({TENDD_BIN, "--metrics-interval", "10"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == interval_error("--metrics-interval", "10"));
    r = t.run_program({TENDD_BIN, "--metrics-interval=lots"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == interval_error("--metrics-interval", "lots"));
    r = t.run_program({TENDD_BIN, "--metrics-interval"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "tendd: error: --metrics-interval: expected a value\n");
    r = run_command({{TENDD_BIN}, {"TEND_HOME=" + t.home(), "TEND_METRICS_INTERVAL_MS=9"}, ""},
                    10s);
    CHECK(r.exit_code == 2);
    CHECK(r.err == interval_error("TEND_METRICS_INTERVAL_MS", "9"));
    r = t.run_program({TENDD_BIN, "--metrics-idle-interval", "10"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == interval_error("--metrics-idle-interval", "10"));
    r = run_command(
        {{TENDD_BIN}, {"TEND_HOME=" + t.home(), "TEND_METRICS_IDLE_INTERVAL_MS=lots"}, ""}, 10s);
    CHECK(r.exit_code == 2);
    CHECK(r.err == interval_error("TEND_METRICS_IDLE_INTERVAL_MS", "lots"));
    CHECK(t.run({"ping"}).exit_code == 1);  // none of them started a daemon
}

TEST_CASE("tendd --version prints it and exits 0, --help lists the options") {
    TendHome t(TendHome::Options::without_daemon());
    Result r = t.run_program({TENDD_BIN, "--version"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == std::string("tendd ") + tend::kVersion + "\n");
    r = t.run_program({TENDD_BIN, "--help"});
    CHECK(r.exit_code == 0);
    for (const char* option :
         {"--foreground", "--metrics-interval MS", "--metrics-idle-interval MS", "--version",
          "--exec-listen-pid PROGRAM"})
        CHECK_MESSAGE(contains(r.out, option), option << " in:\n" << r.out);
}

TEST_CASE("the sampling interval comes from TEND_METRICS_INTERVAL_MS, and the option wins") {
    TendHome::Options from_env;
    from_env.daemon_env = {"TEND_METRICS_INTERVAL_MS=250"};
    CHECK(interval_ms(TendHome(from_env)) == 250);

    TendHome::Options both = from_env;
    both.daemon_args = {"--metrics-interval", "300"};
    CHECK(interval_ms(TendHome(both)) == 300);
}

TEST_CASE("--exec-listen-pid runs PROGRAM as itself with LISTEN_PID, its words untouched") {
    TendHome t(TendHome::Options::without_daemon());
    // tendd's own options after PROGRAM, and a bad interval in the
    // environment, are the program's business, not tendd's.
    Result r = run_command({{TENDD_BIN, "--exec-listen-pid", "/bin/sh", "-c",
                             R"(echo "$LISTEN_PID $$ $0 $1")", "--version", "--foreground"},
                            {"TEND_METRICS_INTERVAL_MS=9"},
                            ""},
                           10s);
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 0);
    std::istringstream words(r.out);
    std::string listen_pid, shell_pid, first, second;
    words >> listen_pid >> shell_pid >> first >> second;
    CHECK(listen_pid == shell_pid);
    CHECK(first == "--version");
    CHECK(second == "--foreground");

    r = t.run_program({TENDD_BIN, "--exec-listen-pid", "/nonexistent/program", "x"});
    CHECK(r.exit_code == 127);
    CHECK(r.err == "tendd: cannot start /nonexistent/program: No such file or directory\n");
}
