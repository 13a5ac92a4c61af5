// What a user reads from the CLI: the exact one-line errors of docs/cli.md
// with their exit codes, and `tend describe` showing an app's whole spec.
#include <doctest/doctest.h>
#include <unistd.h>

#include <climits>
#include <filesystem>

#include "harness.h"

using namespace tend::it;

namespace {

void check_error(const Result& r, int exit_code, const std::string& message) {
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.exit_code == exit_code);
    CHECK(r.err == message + "\n");
}

bool one_online(const json& insts) {
    return insts.size() == 1 && insts[0].value("status", "") == "online" &&
           insts[0].value("pid", 0) > 0;
}

// Starts "api" and returns its instances once online.
json start_api(TendHome& t) {
    t.run_ok(start_fixture("api", {}, {"sleep"}));
    return t.wait_for("api", one_online, "api online");
}

void check_api_untouched(TendHome& t, const json& before) {
    json list = t.jlist();
    REQUIRE(list.size() == 1);
    CHECK(list[0]["name"] == "api");
    CHECK(list[0]["pid"] == before[0]["pid"]);
    CHECK(list[0]["status"] == "online");
}

}  // namespace

TEST_CASE("mistyped commands, options and values are refused with exit 2 and a clear message") {
    TendHome t;
    json before = start_api(t);

    check_error(t.run({"strat"}), 2,
                "tend: error: unknown command 'strat' (did you mean 'start'?)");
    check_error(t.run({"start", FIXTURE_BIN, "--nmae", "x"}), 2,
                "tend: error: unknown option '--nmae' for 'start' (did you mean '--name'?)");
    check_error(t.run(start_fixture("x", {"-i", "lots"}, {"sleep"})), 2,
                "tend: error: --instances: expected a number, 'max' or -N, got 'lots'");
    check_api_untouched(t, before);
}

TEST_CASE("a missing script is refused with exit 1 and nothing is started") {
    TendHome t;
    json before = start_api(t);

    std::string cwd = std::filesystem::path(t.home()).parent_path().string();
    check_error(t.run({"start", "nope.js"}), 1,
                "tend: error: script 'nope.js' not found in " + cwd + " or in PATH");
    check_api_untouched(t, before);
}

TEST_CASE("an unknown target is refused, with a did-you-mean when a name is close") {
    TendHome t;
    json before = start_api(t);

    check_error(t.run({"stop", "apu"}), 1,
                "tend: error: no app, id, namespace or script 'apu' (did you mean 'api'?)");
    check_error(t.run({"stop", "zzzzzzzz"}), 1,
                "tend: error: no app, id, namespace or script 'zzzzzzzz'");
    check_error(t.run({"stop", "999"}), 1, "tend: error: no app, id, namespace or script '999'");
    check_api_untouched(t, before);
}

TEST_CASE("starting a name that exists is refused and points at restart") {
    TendHome t;
    json before = start_api(t);

    check_error(t.run(start_fixture("api", {}, {"sleep"})), 1,
                "tend: error: an app named 'api' already exists; use 'tend restart api'");
    check_api_untouched(t, before);
}

TEST_CASE("describe shows the command, cwd, log paths, restart policy and --env keys") {
    TendHome t;
    std::string cwd = t.scratch("appdir");
    t.run_ok(start_fixture("d",
                           {"--cwd", cwd, "--env", "ALPHA_KEY=one", "--env", "BETA_KEY=two",
                            "--max-restarts", "23", "--min-uptime", "2345", "--restart-delay",
                            "150", "--kill-timeout", "4321", "--kill-signal", "SIGTERM"},
                           {"sleep"}));
    json insts = t.wait_for("d", one_online, "d online");

    Result describe = t.run_ok({"describe", "d"});
    const std::string& out = describe.out;
    INFO("describe:\n" << out);
    CHECK(contains(out, FIXTURE_BIN));
    CHECK(contains(out, "sleep"));
    CHECK(contains(out, cwd));
    CHECK(contains(out, insts[0]["out_log"].get<std::string>()));
    CHECK(contains(out, insts[0]["err_log"].get<std::string>()));
    CHECK(contains(out, "ALPHA_KEY"));
    CHECK(contains(out, "BETA_KEY"));
    CHECK(has_labeled_value(out, {"max", "restart"}, "23"));
    CHECK(has_labeled_value(out, {"uptime"}, "2345"));
    CHECK(has_labeled_value(out, {"delay"}, "150"));
    CHECK(has_labeled_value(out, {"kill"}, "4321"));
    CHECK(contains(out, "SIGTERM"));

    // --cwd is where the app really runs.
    char real[PATH_MAX] = {};
    std::string link = "/proc/" + std::to_string(insts[0]["pid"].get<int>()) + "/cwd";
    REQUIRE(::readlink(link.c_str(), real, sizeof real - 1) > 0);
    CHECK(std::string(real) == cwd);
}
