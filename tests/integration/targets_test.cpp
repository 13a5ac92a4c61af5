// Targets as PM2 users write them, through the real daemon: the script an
// app was started from (absolute, relative, by file name), --instance,
// namespaces and their precedence, and an ambiguous file name.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "harness.h"

using namespace tend::it;

namespace {

int pid_at(TendHome& t, const std::string& name, int index) {
    json insts = t.instances(name);
    REQUIRE(static_cast<int>(insts.size()) > index);
    return insts[index].value("pid", 0);
}

std::string fixture_name() {
    return std::filesystem::path(FIXTURE_BIN).filename().string();
}

// The directory `tend` runs in under the harness.
std::string cli_dir(const TendHome& t) {
    return std::filesystem::path(t.home()).parent_path().string();
}

// A shell script dir/app.sh that sleeps; run by bash (its extension).
std::string sleeper_script(const TendHome& t, const std::string& dir) {
    std::string path = t.scratch(dir) + "/app.sh";
    std::ofstream(path) << "exec sleep 600\n";
    return path;
}

}  // namespace

TEST_CASE("a script path names every app started from it: absolute, relative, file name") {
    TendHome t;
    t.run_ok(start_fixture("one", {}, {"sleep"}));
    t.run_ok(start_fixture("two", {}, {"sleep"}));
    t.wait_for("one", all_online(1), "one online");
    t.wait_for("two", all_online(1), "two online");
    std::string relative = std::filesystem::relative(FIXTURE_BIN, cli_dir(t)).string();
    for (const std::string& target : {std::string(FIXTURE_BIN), relative, fixture_name()}) {
        CAPTURE(target);
        int one = pid_at(t, "one", 0), two = pid_at(t, "two", 0);
        Result r = t.run_ok({"restart", target});
        CHECK(r.out.find("[tend] restarted 2 instance(s)") != std::string::npos);
        CHECK(pid_at(t, "one", 0) != one);
        CHECK(pid_at(t, "two", 0) != two);
    }
}

TEST_CASE("logs and flush take a script path relative to where tend runs") {
    TendHome t;
    t.run_ok(start_fixture("one", {}, {"sleep"}));
    json insts = t.wait_for("one", all_online(1), "one online");
    std::string line = t.wait_for_line(insts[0]["out_log"], "ready ", "one ready");
    std::string relative = std::filesystem::relative(FIXTURE_BIN, cli_dir(t)).string();
    REQUIRE(relative.find('/') != std::string::npos);  // a path, not a file name
    Result logs = t.run_ok({"logs", relative, "--nostream", "--lines", "5"});
    CHECK(logs.out.find(line) != std::string::npos);
    CHECK(t.run_ok({"flush", relative}).out == "[tend] flushed 2 file(s)\n");
}

TEST_CASE("restart SCRIPT --instance 0 restarts exactly one process") {
    TendHome t;
    t.run_ok(start_fixture("api", {"-i", "3"}, {"sleep"}));
    t.wait_for("api", all_online(3), "api online");
    std::vector<int> before{pid_at(t, "api", 0), pid_at(t, "api", 1), pid_at(t, "api", 2)};
    Result r = t.run_ok({"restart", fixture_name(), "--instance", "0"});
    CHECK(r.out.find("[tend] restarted 1 instance(s)") != std::string::npos);
    CHECK(pid_at(t, "api", 0) != before[0]);
    CHECK(pid_at(t, "api", 1) == before[1]);
    CHECK(pid_at(t, "api", 2) == before[2]);

    // Alone, --instance means that index of every app.
    t.run_ok({"stop", "--instance", "2"});
    json insts = t.instances("api");
    CHECK(insts[2]["status"] == "stopped");
    CHECK(insts[1]["status"] == "online");
    CHECK(insts[1]["pid"] == before[1]);
    // restart, which applies ecosystem files, acts on --instance alone too.
    CHECK(t.run_ok({"restart", "--instance", "1"}).out.find("[tend] restarted 1 instance(s)") !=
          std::string::npos);
    CHECK(pid_at(t, "api", 1) != before[1]);

    Result missing = t.run({"restart", "api", "--instance", "7"});
    CHECK(missing.exit_code == 1);
    CHECK(missing.err == "tend: error: no instance 7 of 'api'\n");
}

TEST_CASE("describe, delete and scale take --instance") {
    TendHome t;
    t.run_ok(start_fixture("api", {"-i", "3"}, {"sleep"}));
    t.wait_for("api", all_online(3), "api online");
    Result d = t.run_ok({"describe", "api", "--instance", "1"});
    CHECK(d.out.find("'api' instance 1") != std::string::npos);
    CHECK(d.out.find("'api' instance 0") == std::string::npos);

    t.run_ok({"scale", "api", "-1", "--instance", "0"});
    json insts = t.instances("api");
    REQUIRE(insts.size() == 2);
    CHECK(insts[0]["instance"] == 1);
    CHECK(insts[1]["instance"] == 2);
    Result bad = t.run({"scale", "api", "5", "--instance", "1"});
    CHECK(bad.exit_code == 1);
    CHECK(bad.err == "tend: error: --instance removes that one instance: scale 'api' to -1 (1)\n");

    t.run_ok({"delete", "api", "--instance", "2"});
    insts = t.instances("api");
    REQUIRE(insts.size() == 1);
    CHECK(insts[0]["instance"] == 1);
}

TEST_CASE("a namespace is a target, shown by list and describe") {
    TendHome t;
    t.run_ok(start_fixture("api", {"--namespace", "backend"}, {"sleep"}));
    t.run_ok(start_fixture("jobs", {"--namespace", "backend"}, {"sleep"}));
    t.run_ok(start_fixture("web", {}, {"sleep"}));
    for (const char* name : {"api", "jobs", "web"}) t.wait_for(name, all_online(1), name);
    int web = pid_at(t, "web", 0);
    Result r = t.run_ok({"stop", "backend"});
    CHECK(r.err.empty());
    CHECK(t.instances("api")[0]["status"] == "stopped");
    CHECK(t.instances("jobs")[0]["status"] == "stopped");
    CHECK(t.instances("web")[0]["pid"] == web);

    CHECK(t.instances("api")[0]["namespace"] == "backend");
    CHECK(t.instances("web")[0]["namespace"] == "default");
    Result list = t.run_ok({"list"});
    CHECK(list.out.find("namespace") != std::string::npos);
    CHECK(list.out.find("backend") != std::string::npos);
    CHECK(has_labeled_value(t.run_ok({"describe", "api"}).out, {"namespace"}, "backend"));
}

TEST_CASE("a name that is both an app and a namespace is the app, and the CLI says so") {
    TendHome t;
    t.run_ok(start_fixture("backend", {}, {"sleep"}));
    t.run_ok(start_fixture("api", {"--namespace", "backend"}, {"sleep"}));
    t.wait_for("backend", all_online(1), "backend online");
    t.wait_for("api", all_online(1), "api online");
    int api = pid_at(t, "api", 0), app = pid_at(t, "backend", 0);
    Result r = t.run_ok({"restart", "backend"});
    CHECK(r.err == "tend: warning: 'backend' is both an app and a namespace: acting on the app\n");
    CHECK(pid_at(t, "backend", 0) != app);
    CHECK(pid_at(t, "api", 0) == api);
}

TEST_CASE("a file name shared by two scripts is refused, listing both") {
    TendHome t;
    std::string a = sleeper_script(t, "a"), b = sleeper_script(t, "b");
    t.run_ok({"start", a, "--name", "first"});
    t.run_ok({"start", b, "--name", "second"});
    t.wait_for("first", all_online(1), "first online");
    Result r = t.run({"stop", "app.sh"});
    CHECK(r.exit_code == 1);
    CHECK(r.err == "tend: error: 'app.sh' is ambiguous: it is the script of " + a + " (first); " +
                       b + " (second); give its path or an app name\n");
    // Its path is not ambiguous.
    t.run_ok({"stop", "a/app.sh"});
    CHECK(t.instances("first")[0]["status"] == "stopped");
    CHECK(t.instances("second")[0]["status"] == "online");
}

TEST_CASE("stop all with nothing started fails, as PM2") {
    TendHome t;
    Result r = t.run({"stop", "all"});
    CHECK(r.exit_code == 1);
    CHECK(r.err == "tend: error: no process found: no app is started\n");
}
