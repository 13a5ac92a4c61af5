// depends_on end to end: `tend start FILE` starts a chain (db ready ->
// migrate completed -> api) in order, a failing migration leaves api
// unstarted, stop goes in reverse, --only brings what it needs and
// --no-deps does not, and a cycle or an unknown name starts nothing.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "harness.h"

using namespace tend::it;

namespace {

// A shell app whose command runs in dir; `at NAME` writes a nanosecond
// timestamp to the file NAME there (the apps' one clock, for ordering).
json shell_app(const std::string& name, const std::string& dir, const std::string& body) {
    std::string at = "at() { date +%s%N > \"$1.tmp\" && mv \"$1.tmp\" \"$1\"; }; ";
    return json{{"name", name},
                {"script", "/bin/sh"},
                {"interpreter", "none"},
                {"cwd", dir},
                {"args", {"-c", at + body}}};
}

// Runs until SIGINT (tend's stop signal), noting when it was stopped.
const char* kUntilStopped = "trap 'at $0.stop; exit 0' INT; while :; do sleep 0.05; done";

// db: ready (wait_ready, over TEND_IPC_FD) two seconds after it starts.
json db_app(const std::string& dir) {
    json db = shell_app(
        "db", dir,
        std::string("sleep 2; at db.ready; echo '\"ready\"' >&$TEND_IPC_FD; ") + kUntilStopped);
    db["args"].push_back("db");  // $0
    db["wait_ready"] = true;
    db["listen_timeout"] = 60000;
    return db;
}

json migrate_app(const std::string& dir, int exit_code) {
    json migrate =
        shell_app("migrate", dir,
                  "at migrate.start; sleep 0.3; at migrate.end; exit " + std::to_string(exit_code));
    migrate["autorestart"] = false;
    migrate["depends_on"] = {{"db", "ready"}};
    return migrate;
}

// api takes half a second to stop: were everything stopped at once, db would
// note its stop first.
json api_app(const std::string& dir) {
    json api = shell_app(
        "api", dir,
        "at api.start; trap 'sleep 0.5; at api.stop; exit 0' INT; while :; do sleep 0.05; done");
    api["depends_on"] = {{"migrate", "completed_successfully"}};
    return api;
}

long long stamp(const std::string& path) {
    return std::stoll(read_file(path));
}

std::string chain_file(TendHome& t, int migrate_exit) {
    std::string dir = t.scratch("deps");
    std::string file = dir + "/apps.json";
    write_text(file,
               json{{"apps", {api_app(dir), migrate_app(dir, migrate_exit), db_app(dir)}}}.dump());
    return file;
}

bool has_app(const json& list, const std::string& name) {
    for (const auto& inst : list)
        if (inst.value("name", "") == name) return true;
    return false;
}

}  // namespace

TEST_CASE(
    "depends_on: db ready then migrate completed then api start in order and stop in reverse") {
    TendHome t;
    std::string file = chain_file(t, 0);
    std::string dir = t.scratch("deps");

    Result started = t.run({"start", file}, 60s);
    CHECK_MESSAGE(started.exit_code == 0, started.err);
    CHECK(contains(started.out, "'migrate' waits for 'db' to be ready"));
    // Each link started only once the one before met its condition.
    CHECK(stamp(dir + "/migrate.start") >= stamp(dir + "/db.ready"));
    t.wait_until([&] { return std::filesystem::exists(dir + "/api.start"); }, "api running");
    CHECK(stamp(dir + "/api.start") >= stamp(dir + "/migrate.end"));
    t.wait_for("api", all_online(1), "api online");
    CHECK(all_status(t.instances("migrate"), "completed"));
    CHECK(t.instances("migrate")[0]["exit_code"] == 0);
    CHECK(t.instances("db")[0]["ready"] == true);

    t.run_ok({"stop", file}, 30s);
    CHECK(stamp(dir + "/api.stop") <= stamp(dir + "/db.stop"));
    CHECK(all_status(t.instances("db"), "stopped"));
    CHECK(all_status(t.instances("api"), "stopped"));
}

TEST_CASE("depends_on: a failing migration leaves api unstarted and the start fails naming it") {
    TendHome t;
    std::string file = chain_file(t, 1);

    Result started = t.run({"start", file}, 60s);
    CHECK(started.exit_code == 1);
    CHECK(contains(started.err, "'api' not started: its dependency 'migrate' exited with code 1"));
    json list = t.jlist();
    CHECK_FALSE(has_app(list, "api"));
    CHECK(has_app(list, "db"));
    CHECK(t.instances("migrate")[0]["exit_code"] == 1);
}

TEST_CASE("depends_on: --only brings its dependencies and --no-deps starts the app alone") {
    TendHome t;
    std::string dir = t.scratch("deps");
    std::string file = dir + "/apps.json";
    json web = shell_app("web", dir, "exec sleep 600");
    web["depends_on"] = json::array({"cache"});  // a list: each "started"
    json cache = shell_app("cache", dir, "exec sleep 600");
    json other = shell_app("other", dir, "exec sleep 600");
    write_text(file, json{{"apps", {web, cache, other}}}.dump());

    t.run_ok({"start", file, "--only", "web"});
    json list = t.jlist();
    CHECK(has_app(list, "web"));
    CHECK(has_app(list, "cache"));
    CHECK_FALSE(has_app(list, "other"));

    t.run_ok({"delete", "all"});
    t.run_ok({"start", file, "--only", "web", "--no-deps"});
    list = t.jlist();
    CHECK(has_app(list, "web"));
    CHECK_FALSE(has_app(list, "cache"));
}

TEST_CASE("depends_on: a cycle or an unknown name is an error before anything starts") {
    TendHome t;
    std::string dir = t.scratch("deps");
    std::string file = dir + "/apps.json";
    json a = shell_app("a", dir, "exec sleep 600");
    json b = shell_app("b", dir, "exec sleep 600");
    a["depends_on"] = {{"b", "started"}};
    b["depends_on"] = {{"a", "ready"}};
    write_text(file, json{{"apps", {a, b}}}.dump());
    Result cycle = t.run({"start", file});
    CHECK(cycle.exit_code != 0);
    CHECK(contains(cycle.err, "a cycle in depends_on: a -> b -> a"));
    CHECK(t.jlist().empty());

    b["depends_on"] = {{"nope", "started"}};
    write_text(file, json{{"apps", {a, b}}}.dump());
    Result unknown = t.run({"start", file});
    CHECK(unknown.exit_code != 0);
    CHECK(contains(unknown.err, "'b' depends on 'nope', which is not an app"));
    CHECK(t.jlist().empty());

    b["depends_on"] = {{"a", "whenever"}};
    write_text(file, json{{"apps", {a, b}}}.dump());
    Result condition = t.run({"start", file});
    CHECK(condition.exit_code != 0);
    CHECK(contains(condition.err,
                   "depends_on.a must be started, ready, healthy or "
                   "completed_successfully"));
}
