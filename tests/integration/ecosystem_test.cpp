// Ecosystem files end to end: `tend start FILE` from JSON, YAML and a .js
// file evaluated by node, --only and --env NAME, the warning and error texts
// users read, `tend stop|delete FILE`, and `tend ecosystem`'s sample.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "harness.h"
#include "http_client.h"

using namespace tend::it;

namespace {

void write_text(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
}

// One app entry running the fixture in the given mode, as JSON.
json fixture_app(const std::string& name, std::vector<std::string> mode_args) {
    return json{
        {"name", name}, {"script", FIXTURE_BIN}, {"interpreter", "none"}, {"args", mode_args}};
}

std::vector<std::string> app_names(const json& list) {
    std::vector<std::string> names;
    for (const auto& inst : list) {
        std::string name = inst.value("name", "");
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
    return names;
}

}  // namespace

TEST_CASE("start FILE.json --only b starts just b, then start FILE adds a and reports b exists") {
    TendHome t;
    std::string file = t.scratch("eco") + "/apps.json";
    write_text(file,
               json{{"apps", {fixture_app("a", {"sleep"}), fixture_app("b", {"sleep"})}}}.dump());

    Result mixed = t.run({"start", file, "-i", "3"});
    CHECK(mixed.exit_code == 2);
    CHECK(mixed.err ==
          "tend: error: with an ecosystem file, only --only and --env apply: set "
          "the other options in the file\n");

    t.run_ok({"start", file, "--only", "b"});
    t.wait_for("b", all_online(1), "b online");
    CHECK(app_names(t.jlist()) == std::vector<std::string>{"b"});

    Result again = t.run({"start", file});
    CHECK(again.exit_code == 1);
    CHECK(contains(again.err, "tend: error: "));
    CHECK(contains(again.err, "'b'"));
    t.wait_for("a", all_online(1), "a online after the second start");
    CHECK(app_names(t.jlist()) == std::vector<std::string>{"b", "a"});
}

TEST_CASE("start FILE.yaml runs its apps with their instances and environment") {
    TendHome t;
    std::string file = t.scratch("eco") + "/apps.yaml";
    write_text(file, std::string("apps:\n") +
                         "  - name: y\n"
                         "    script: " FIXTURE_BIN
                         "\n"
                         "    interpreter: none\n"
                         "    args: env GREETING\n"
                         "    instances: 2\n"
                         "    env:\n"
                         "      GREETING: hello yaml\n");
    t.run_ok({"start", file});
    json insts = t.wait_for("y", all_online(2), "2 instances of y online");
    t.wait_for_line(insts[0]["out_log"].get<std::string>(), "GREETING=hello yaml",
                    "y's environment from the YAML file");
}

TEST_CASE(
    "start ecosystem.config.js --env production runs node on the file and uses env_production") {
    TendHome t;
    std::string dir = t.scratch("eco");
    write_text(dir + "/ecosystem.config.js",
               "const stage = 'dev';\n"
               "module.exports = { apps: [{ name: 'js', script: '" FIXTURE_BIN
               "',\n"
               "  interpreter: 'none', args: ['env', 'STAGE', 'PORT_HINT'],\n"
               "  env: { STAGE: stage, PORT_HINT: 3000 },\n"
               "  env_production: { STAGE: 'prod' } }] };\n");
    t.run_ok({"start", dir + "/ecosystem.config.js", "--env", "production"});
    json insts = t.wait_for("js", all_online(1), "js online");
    std::string log = insts[0]["out_log"].get<std::string>();
    t.wait_for_line(log, "STAGE=prod", "env_production's STAGE");
    t.wait_for_line(log, "PORT_HINT=3000", "env's number as a string");
}

TEST_CASE("an unknown key is warned about with the file and path, and the app still starts") {
    TendHome t;
    std::string file = t.scratch("eco") + "/apps.json";
    json app = fixture_app("w", {"sleep"});
    app["pid_file"] = "/tmp/w.pid";  // (watch is read now: see watch_test.cpp)
    write_text(file, json{{"apps", {app}}}.dump());
    Result r = t.run_ok({"start", file});
    CHECK(r.err ==
          "tend: warning: apps.json: apps[0].pid_file is not supported, ignored: tend writes no "
          "pid files: `tend jlist` shows every pid\n");
    t.wait_for("w", all_online(1), "w online despite the warning");
}

TEST_CASE("a wrong type is one error line naming file, key and type, and nothing starts") {
    TendHome t;
    std::string file = t.scratch("eco") + "/ecosystem.json";
    json bad = fixture_app("b", {"sleep"});
    bad["instances"] = true;
    write_text(file, json{{"apps", {fixture_app("a", {"sleep"}), bad}}}.dump());
    Result r = t.run({"start", file});
    CHECK(r.exit_code == 1);
    CHECK(r.err ==
          "tend: error: ecosystem.json: apps[1].instances must be an integer, 'max' or -1, not "
          "boolean\n");
    CHECK(t.jlist().empty());
}

TEST_CASE("stop FILE and delete FILE act on the file's apps only") {
    TendHome t;
    std::string file = t.scratch("eco") + "/apps.json";
    write_text(file,
               json{{"apps", {fixture_app("a", {"sleep"}), fixture_app("b", {"sleep"})}}}.dump());
    t.run_ok({"start", file});
    t.run_ok(start_fixture("other", {}, {"sleep"}));
    t.wait_for("other", all_online(1), "other online");

    t.run_ok({"stop", file, "--only", "a"});
    CHECK(all_status(t.instances("a"), "stopped"));
    t.wait_for("b", all_online(1), "b still online after stop --only a");

    t.run_ok({"stop", file});
    CHECK(all_status(t.instances("b"), "stopped"));
    t.run_ok({"delete", file});
    CHECK(app_names(t.jlist()) == std::vector<std::string>{"other"});
    CHECK(all_status(t.instances("other"), "online"));
}

TEST_CASE("tend ecosystem writes a sample that tend start accepts, and never overwrites it") {
    TendHome t;
    Result wrote = t.run_ok({"ecosystem"});
    std::string dir = std::filesystem::path(t.scratch("unused")).parent_path().string();
    std::string file = dir + "/ecosystem.config.js";
    CHECK(contains(wrote.out, file));

    Result again = t.run({"init"});
    CHECK(again.exit_code == 1);
    CHECK(again.err ==
          "tend: error: ecosystem.config.js already exists here: edit it, or remove it first\n");

    // The sample's scripts, and a free port in place of 3000.
    std::string text = read_file(file);
    auto at = text.find("port: 3000");
    REQUIRE(at != std::string::npos);
    text.replace(at, 10, "port: " + std::to_string(free_port()));
    write_text(file, text);
    write_text(dir + "/server.js",
               "process.send && process.send('ready');\nsetInterval(() => {}, 1000);\n");
    write_text(dir + "/worker.js", "setInterval(() => {}, 1000);\n");

    Result started = t.run({"start", "ecosystem.config.js", "--env", "production"});
    INFO("stdout: " << started.out << "\nstderr: " << started.err);
    CHECK(started.exit_code == 0);
    CHECK(started.err.empty());
    t.wait_for("worker", all_online(1), "the sample's worker online");
    t.wait_for(
        "api", [](const json& i) { return !i.empty() && all_status(i, "online"); },
        "the sample's api online");
}
