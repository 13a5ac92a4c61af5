// The PM2 commands users type besides the lifecycle: prettylist, env, reset,
// signal (sendSignal) and report, through the real daemon, with their
// one-line errors.
#include <doctest/doctest.h>

#include "harness.h"

using namespace tend::it;

namespace {

void check_command_error(const Result& r, int exit_code, const std::string& message) {
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.exit_code == exit_code);
    CHECK(r.err == message + "\n");
}

bool env_has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("prettylist prints jlist's array, indented") {
    TendHome t;
    t.run_ok(start_fixture("api", {"-i", "2"}, {"sleep"}));
    t.wait_for("api", all_online(2), "api online");
    Result r = t.run_ok({"prettylist"});
    json pretty = json::parse(r.out);
    REQUIRE(pretty.is_array());
    CHECK(pretty.size() == 2);
    CHECK(pretty[1]["name"] == "api");
    CHECK(r.out.find("\n  {\n    \"") != std::string::npos);
}

TEST_CASE("env prints the environment an instance was started with, secrets included") {
    TendHome t;
    t.run_ok(start_fixture("api", {"--env", "API_TOKEN=s3cret"}, {"sleep"}));
    t.run_ok(start_fixture("many", {"-i", "2"}, {"sleep"}));
    t.wait_for("api", all_online(1), "api online");
    Result r = t.run_ok({"env", "0"});
    CHECK(env_has_line(r.out, "API_TOKEN=s3cret"));
    CHECK(env_has_line(r.out, "TEND_ID=0"));
    CHECK(env_has_line(r.out, "TEND_APP_NAME=api"));
    CHECK(t.run_ok({"env", "api"}).out == r.out);  // an app with one instance

    check_command_error(t.run({"env", "many"}), 1,
                        "tend: error: 'many' has 2 instances: name one by its id (1, 2)");
    check_command_error(t.run({"env", "7"}), 1, "tend: error: no app, id, namespace or script '7'");
    check_command_error(t.run({"env"}), 2, "tend: error: 'env' needs an instance id: tend env 0");
}

TEST_CASE("reset sets restart counts back to zero and leaves the processes alone") {
    TendHome t;
    t.run_ok(start_fixture("api", {}, {"sleep"}));
    t.wait_for("api", all_online(1), "api online");
    t.run_ok({"restart", "api"});
    t.run_ok({"restart", "api"});
    json before = t.wait_for(
        "api", [](const json& i) { return all_online(1)(i) && i[0]["restarts"] == 2; },
        "two restarts counted");
    Result r = t.run_ok({"reset", "api"});
    CHECK(r.out.find("[tend] reset 1 instance(s)") == 0);
    json after = t.instances("api");
    CHECK(after[0]["restarts"] == 0);
    CHECK(after[0]["unstable_restarts"] == 0);
    CHECK(after[0]["pid"] == before[0]["pid"]);

    check_command_error(
        t.run({"reset"}), 2,
        "tend: error: 'reset' needs at least one target: an id, an app name or 'all'");
    check_command_error(t.run({"reset", "nope"}), 1,
                        "tend: error: no app, id, namespace or script 'nope'");
}

TEST_CASE("signal (and sendSignal) sends the signal to the instance's process") {
    TendHome t;
    t.run_ok(start_fixture("api", {}, {"sleep"}));
    json before = t.wait_for("api", all_online(1), "api online");
    Result r = t.run_ok({"signal", "USR2", "api"});
    CHECK(r.out == "[tend] sent SIGUSR2 to 1 instance(s)\n");
    // The sleeping fixture does not handle SIGUSR2: it dies of it and is restarted.
    json after = t.wait_for(
        "api", [&](const json& i) { return all_online(1)(i) && i[0]["pid"] != before[0]["pid"]; },
        "api restarted after SIGUSR2");
    CHECK(after[0]["restart_reason_detail"] == "signal SIGUSR2");

    CHECK(t.run_ok({"sendSignal", "SIGTERM", "api"}).out ==
          "[tend] sent SIGTERM to 1 instance(s)\n");
    check_command_error(t.run({"signal", "SIGNOPE", "api"}), 1,
                        "tend: error: unknown signal 'SIGNOPE'");
    check_command_error(
        t.run({"signal", "SIGUSR2"}), 2,
        "tend: error: 'signal' needs a signal and a target: tend signal SIGUSR2 api");
    check_command_error(t.run({"signal", "SIGUSR2", "nope"}), 1,
                        "tend: error: no app, id, namespace or script 'nope'");
}

TEST_CASE("report shows versions, home, the daemon and its log, and starts no daemon") {
    TendHome t;
    t.run_ok(start_fixture("api", {}, {"sleep"}));
    t.wait_for("api", all_online(1), "api online");
    Result r = t.run_ok({"report"});
    CHECK(r.out.find("tend:    ") != std::string::npos);
    CHECK(r.out.find("home:    " + t.home() + " (mode 0700") != std::string::npos);
    CHECK(r.out.find("daemon:  pid " + std::to_string(t.serving_pid()) + ", version ") !=
          std::string::npos);
    CHECK(r.out.find("1 app(s), 1 instance(s)") != std::string::npos);
    CHECK(r.out.find("--- last lines of " + t.home() + "/tendd.log\n") != std::string::npos);
    CHECK(r.out.find("started api") != std::string::npos);  // a line of tendd.log
}

TEST_CASE("report without a daemon says so and starts none") {
    TendHome t(TendHome::Options::without_daemon());
    Result r = t.run_ok({"report"});
    CHECK(r.out.find("daemon:  daemon is not running\n") != std::string::npos);
    CHECK(t.run({"ping"}).exit_code == 1);
}
