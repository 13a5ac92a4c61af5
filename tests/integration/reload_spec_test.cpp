// `tend reload <file>` and `--update-env` apply a changed spec: a release
// switched by repointing a `current` symlink, new env, a new instance count,
// with no request failing; `startOrReload` starts what does not run.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "cluster_support.h"
#include "http_client.h"

using namespace tend::it;
namespace fs = std::filesystem;

namespace {

// A deploy layout: releases/v1 and releases/v2 each hold the release
// fixture as app.js, and current -> releases/v1.
struct Deploy {
    std::string dir;
    std::string script;  // dir/current/app.js, through the link
};

Deploy make_deploy(const TendHome& t) {
    Deploy d{t.scratch("deploy"), ""};
    for (const char* release : {"v1", "v2"}) {
        fs::create_directories(d.dir + "/releases/" + release);
        fs::copy_file(fixture_js("node_release.js"), d.dir + "/releases/" + release + "/app.js");
    }
    fs::create_directory_symlink("releases/v1", d.dir + "/current");
    d.script = d.dir + "/current/app.js";
    return d;
}

// Repoints current as deploy tools do: a new link renamed over the old one.
void switch_release(const Deploy& d, const std::string& release) {
    fs::create_directory_symlink("releases/" + release, d.dir + "/current.next");
    fs::rename(d.dir + "/current.next", d.dir + "/current");
}

void write_release_file(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
}

std::string release_ecosystem(const Deploy& d, int port, int instances, const std::string& env) {
    json app = {{"name", "web"},          {"script", d.script}, {"cwd", d.dir},
                {"port", port},           {"wait_ready", true}, {"instances", instances},
                {"env", json::parse(env)}};
    std::string path = d.dir + "/ecosystem.json";
    write_release_file(path, json{{"apps", json::array({app})}}.dump(2));
    return path;
}

// Asks until every index in 0..count-1 has answered (an answer's second
// word); the answers' words, one list per index.
std::map<std::string, std::vector<std::string>> answers_by_index(TendHome& t, int port,
                                                                 std::size_t count) {
    std::map<std::string, std::vector<std::string>> seen;
    t.wait_until(
        [&] {
            if (auto body = http_get(port)) seen[words(*body).at(1)] = words(*body);
            return seen.size() == count;
        },
        "every instance answering");
    return seen;
}

Result tend_with_env(TendHome& t, const std::string& assignment, std::vector<std::string> args) {
    args.insert(args.begin(), {"/usr/bin/env", assignment, TEND_BIN});
    return t.run_program(args, 60s);
}

}  // namespace

TEST_CASE("reload <file> switches to the release current points to, with new env and count") {
    TendHome t;
    int port = free_port();
    Deploy d = make_deploy(t);
    t.run_ok(start_node(
        "web", d.script,
        {"-i", "3", "--port", std::to_string(port), "--wait-ready", "--env", "GREETING=one"}));
    for (const auto& [index, answer] : answers_by_index(t, port, 3)) CHECK(answer[0] == "v1");

    std::string file =
        release_ecosystem(d, port, 5, R"({"GREETING": "two", "FEATURE_FLAG": "on"})");
    ClosedLoopClient client(port);
    t.wait_until([&] { return client.ok() >= 20; }, "the client's first requests answered");
    switch_release(d, "v2");
    t.run_ok({"reload", file}, 60s);
    // One request may have been answered by v1 as the reload ended; every
    // one sent after it is v2's.
    int v1_at_reload = client.by_answer()["v1"];
    int ok_at_reload = client.ok();
    t.wait_until([&] { return client.ok() >= ok_at_reload + 20; }, "requests after the reload");
    client.stop();
    CHECK(client.failed() == 0);
    CHECK(client.by_answer()["v1"] <= v1_at_reload + 1);
    CHECK(client.by_answer()["v2"] >= 20);

    t.wait_for("web", all_online(5), "5 instances online after the reload");
    auto answers = answers_by_index(t, port, 5);
    for (const auto& [index, answer] : answers) {
        INFO("instance " << index);
        CHECK(answer[0] == "v2");
        CHECK(answer[3] == "two");
    }
    Result described = t.run_ok({"describe", "web"});
    CHECK(described.out.find("FEATURE_FLAG") != std::string::npos);
}

TEST_CASE("reload --update-env takes this shell's environment, without it the app keeps its own") {
    TendHome t;
    int port = free_port();
    Deploy d = make_deploy(t);
    Result started = tend_with_env(t, "DEPLOY_ID=1",
                                   start_node("web", d.script, {"--port", std::to_string(port)}));
    REQUIRE(started.exit_code == 0);
    t.wait_for("web", all_online(1), "web online");
    CHECK(answers_by_index(t, port, 1)["0"][4] == "1");

    REQUIRE(tend_with_env(t, "DEPLOY_ID=2", {"reload", "web"}).exit_code == 0);
    t.wait_for("web", all_online(1), "web online after a plain reload");
    CHECK(answers_by_index(t, port, 1)["0"][4] == "1");

    REQUIRE(tend_with_env(t, "DEPLOY_ID=2", {"reload", "web", "--update-env"}).exit_code == 0);
    t.wait_for("web", all_online(1), "web online after --update-env");
    CHECK(answers_by_index(t, port, 1)["0"][4] == "2");
}

TEST_CASE("restart --update-env applies the new environment too") {
    TendHome t;
    int port = free_port();
    Deploy d = make_deploy(t);
    REQUIRE(tend_with_env(t, "DEPLOY_ID=1",
                          start_node("web", d.script, {"--port", std::to_string(port)}))
                .exit_code == 0);
    t.wait_for("web", all_online(1), "web online");
    REQUIRE(tend_with_env(t, "DEPLOY_ID=3", {"restart", "web", "--update-env"}).exit_code == 0);
    t.wait_for("web", all_online(1), "web online after the restart");
    CHECK(answers_by_index(t, port, 1)["0"][4] == "3");
}

TEST_CASE("startOrReload <file> starts the apps not running and reloads the others") {
    TendHome t;
    std::string dir = t.scratch("apps");
    json apps = json::array();
    for (const char* name : {"one", "two"})
        apps.push_back({{"name", name},
                        {"script", FIXTURE_BIN},
                        {"interpreter", "none"},
                        {"args", json::array({"sleep"})}});
    std::string file = dir + "/ecosystem.json";
    write_release_file(file, json{{"apps", apps}}.dump());
    t.run_ok({"start", file, "--only", "one"});
    json before = t.wait_for("one", all_online(1), "one online");

    Result r = t.run_ok({"startOrReload", file});
    CHECK(r.out.find("started 'two'") != std::string::npos);
    json after = t.wait_for("one", all_online(1), "one online after the reload");
    CHECK(after[0]["pid"] != before[0]["pid"]);
    t.wait_for("two", all_online(1), "two started");
}

TEST_CASE("reload: a changed port, or --env without a file, is refused and changes nothing") {
    TendHome t;
    int port = free_port();
    Deploy d = make_deploy(t);
    t.run_ok(start_node("web", d.script, {"--port", std::to_string(port)}));
    json before = t.wait_for("web", all_online(1), "web online");

    int other = free_port();
    std::string file = release_ecosystem(d, other, 1, "{}");
    Result moved = t.run({"reload", file});
    CHECK(moved.exit_code == 1);
    CHECK(moved.err == "tend: error: cannot change the port of 'web' from 0.0.0.0:" +
                           std::to_string(port) + " to 0.0.0.0:" + std::to_string(other) +
                           " by a reload: delete the app and start it again\n");

    Result env = t.run({"reload", "web", "--env", "production"});
    CHECK(env.exit_code == 2);
    CHECK(env.err ==
          "tend: error: --env needs an ecosystem file among the targets: use --update-env to "
          "take this shell's environment\n");

    json after = t.wait_for("web", all_online(1), "web untouched");
    CHECK(after[0]["pid"] == before[0]["pid"]);
}
