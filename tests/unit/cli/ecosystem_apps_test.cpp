// Ecosystem documents → AppSpecs without disk or daemon: PM2's option
// forms, env_<name> blocks, --only, warnings for unknown keys and the exact
// errors for wrong types; and YAML's scalars as JSON types.
#include <doctest/doctest.h>

#include <set>

#include "cli/ecosystem/ecosystem_apps.h"
#include "cli/ecosystem/ecosystem_file.h"
#include "common/errors.h"

using namespace tend;

namespace {

// A shell in /home/u with /srv/app holding server.js and worker.js.
StartEnvironment fake_environment() {
    StartEnvironment env;
    env.cwd = "/home/u";
    env.env = {{"PATH", "/usr/bin"}, {"HOME", "/home/u"}};
    std::set<std::string> files{"/srv/app/server.js", "/srv/app/worker.js", "/srv/app/sub/job.py",
                                "/usr/bin/sleep"};
    env.is_file = [files](const std::string& p) { return files.count(p) > 0; };
    env.is_executable = env.is_file;
    return env;
}

EcosystemSelection selection(std::string env_name = "", std::vector<std::string> only = {}) {
    return EcosystemSelection{
        "ecosystem.json", "/srv/app", std::move(env_name), std::move(only), {}};
}

EcosystemApps convert(const std::string& text, const EcosystemSelection& sel = selection()) {
    return ecosystem_apps(json::parse(text), sel, fake_environment());
}

std::string error_of(const std::string& text, const EcosystemSelection& sel = selection()) {
    try {
        convert(text, sel);
    } catch (const TendError& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("ecosystem: every option of an app reaches its spec, paths from the file's directory") {
    auto apps = convert(R"({"apps":[{
        "name":"api", "script":"server.js", "args":"--port 3000 --msg 'a b'",
        "instances":"max", "exec_mode":"cluster", "port":8080, "wait_ready":true,
        "listen_timeout":"5s", "autorestart":false, "max_restarts":3, "min_uptime":2000,
        "restart_delay":100, "exp_backoff_restart_delay":50, "stop_exit_codes":[0,3],
        "kill_timeout":4000, "max_memory_restart":"200M", "out_file":"out.log",
        "error_file":"/var/log/err.log", "merge_logs":true, "time":true,
        "max_size":"5M", "retain":5, "compress":true, "rotate_interval":"daily",
        "rotate_date_format":"%Y%m%d", "env":{"A":"1","N":5,"B":true}}]})");
    REQUIRE(apps.specs.size() == 1);
    CHECK(apps.warnings.empty());
    const AppSpec& s = apps.specs[0];
    CHECK(s.name == "api");
    CHECK(s.script == "/srv/app/server.js");
    CHECK(s.cwd == "/srv/app");
    CHECK(s.args == std::vector<std::string>{"--port", "3000", "--msg", "a b"});
    CHECK(s.instances_per_cpu == "max");  // the daemon counts its CPUs
    CHECK(s.exec_mode == "cluster");
    CHECK(s.listen.port == 8080);
    CHECK(s.listen.wait_ready);
    CHECK(s.listen.listen_timeout_ms == 5000);
    CHECK_FALSE(s.restart.autorestart);
    CHECK(s.restart.max_restarts == 3);
    CHECK(s.restart.min_uptime_ms == 2000);
    CHECK(s.restart.restart_delay_ms == 100);
    CHECK(s.restart.exp_backoff_restart_delay_ms == 50);
    CHECK(s.restart.stop_exit_codes == std::vector<int>{0, 3});
    CHECK(s.restart.kill_timeout_ms == 4000);
    CHECK(s.restart.max_memory_bytes == 200 << 20);
    CHECK(s.logs.out_file == "/srv/app/out.log");
    CHECK(s.logs.error_file == "/var/log/err.log");
    CHECK(s.logs.merge_logs);
    CHECK(s.logs.time);
    CHECK(s.logs.rotation.max_size == 5 << 20);
    CHECK(s.logs.rotation.retain == 5);
    CHECK(s.logs.rotation.compress == true);
    CHECK(s.logs.rotation.interval == "daily");
    CHECK(s.logs.rotation.date_format == "%Y%m%d");
    CHECK(s.env == std::map<std::string, std::string>{{"A", "1"}, {"B", "true"}, {"N", "5"}});
    CHECK(s.base_env.at("HOME") == "/home/u");
}

TEST_CASE(
    "ecosystem: cwd is relative to the file, script to cwd, and the name defaults to the stem") {
    auto apps = convert(R"({"apps":[{"script":"job.py","cwd":"sub","args":["-v",2]},
                                    {"script":"sleep","interpreter":"none","instances":-1}]})");
    REQUIRE(apps.specs.size() == 2);
    CHECK(apps.specs[0].name == "job");
    CHECK(apps.specs[0].cwd == "/srv/app/sub");
    CHECK(apps.specs[0].script == "/srv/app/sub/job.py");
    CHECK(apps.specs[0].args == std::vector<std::string>{"-v", "2"});
    CHECK(apps.specs[1].script == "/usr/bin/sleep");
    CHECK(apps.specs[1].interpreter == "none");
    CHECK(apps.specs[1].instances_per_cpu == "-1");
}

TEST_CASE("ecosystem: --env NAME lays env_NAME over env, and KEY=VAL pairs over both") {
    std::string text = R"({"apps":[{"name":"api","script":"server.js",
        "env":{"NODE_ENV":"development","PORT":"1"},"env_production":{"NODE_ENV":"production"}}]})";
    CHECK(convert(text).specs[0].env.at("NODE_ENV") == "development");
    auto sel = selection("production");
    sel.env_pairs = {"PORT=2"};
    auto apps = convert(text, sel);
    CHECK(apps.specs[0].env.at("NODE_ENV") == "production");
    CHECK(apps.specs[0].env.at("PORT") == "2");
    CHECK(apps.warnings.empty());
}

TEST_CASE("ecosystem: --env NAME that no app has is a warning") {
    auto apps = convert(R"({"apps":[{"script":"server.js"}]})", selection("staging"));
    CHECK(apps.warnings == std::vector<std::string>{
                               "ecosystem.json: no app has env_staging (--env staging), ignored"});
}

TEST_CASE("ecosystem: namespace is read, and --only accepts a namespace for its apps") {
    std::string text =
        R"({"apps":[{"name":"api","script":"server.js","namespace":"backend"},
                    {"name":"jobs","script":"worker.js","namespace":"backend"},
                    {"name":"web","script":"server.js"},
                    {"name":"backend","script":"worker.js","namespace":"other"}]})";
    auto all = convert(text);
    REQUIRE(all.specs.size() == 4);
    CHECK(all.specs[0].ns == "backend");
    CHECK(all.specs[2].ns == "default");
    // "backend" is an app of the file: the app wins over the namespace.
    CHECK(ecosystem_app_names(json::parse(text), selection("", {"backend"})) ==
          std::vector<std::string>{"backend"});
    std::string no_app = R"({"apps":[{"name":"api","script":"server.js","namespace":"backend"},
                    {"name":"jobs","script":"worker.js","namespace":"backend"},
                    {"name":"web","script":"server.js"}]})";
    CHECK(ecosystem_app_names(json::parse(no_app), selection("", {"backend"})) ==
          std::vector<std::string>{"api", "jobs"});
    CHECK(ecosystem_app_names(json::parse(no_app), selection("", {"default"})) ==
          std::vector<std::string>{"web"});
    CHECK(error_of(R"({"apps":[{"script":"server.js","namespace":3}]})") ==
          "ecosystem.json: apps[0].namespace must be a string, not 3");
}

TEST_CASE("ecosystem: --only keeps the named apps in file order, and refuses a name not there") {
    std::string text =
        R"({"apps":[{"name":"a","script":"server.js"},{"name":"b","script":"worker.js"},
                    {"name":"c","script":"worker.js"}]})";
    auto apps = convert(text, selection("", {"c", "a"}));
    REQUIRE(apps.specs.size() == 2);
    CHECK(apps.specs[0].name == "a");
    CHECK(apps.specs[1].name == "c");
    CHECK(error_of(text, selection("", {"bb"})) ==
          "ecosystem.json: --only names 'bb', which is not an app or a namespace of this file (did "
          "you mean 'b'?)");
    CHECK(ecosystem_app_names(json::parse(text), selection("", {"b"})) ==
          std::vector<std::string>{"b"});
}

TEST_CASE("ecosystem: unknown keys are warned about with the file, the path and what to use") {
    auto apps = convert(R"({"apps":[{"script":"server.js","watch_options":{},"log_file":"a.log",
                                     "some_plugin_key":1}],
                            "deploy":{}})");
    CHECK(apps.specs.size() == 1);
    CHECK(apps.warnings ==
          std::vector<std::string>{
              "ecosystem.json: deploy is not supported, ignored: tend does not deploy: deploy "
              "with your own tooling, then `tend reload FILE`",
              "ecosystem.json: apps[0].log_file is not supported, ignored: use out_file and "
              "error_file, with merge_logs: true for one pair",
              "ecosystem.json: apps[0].some_plugin_key is not supported, ignored",
              "ecosystem.json: apps[0].watch_options is not supported, ignored: tend watches "
              "with inotify; use watch, ignore_watch and watch_delay"});
}

TEST_CASE("ecosystem: wrong types are errors naming the file, the key and the expected type") {
    CHECK(
        error_of(R"({"apps":[{"script":"server.js"},{"script":"worker.js","instances":true}]})") ==
        "ecosystem.json: apps[1].instances must be an integer, 'max' or -1, not boolean");
    CHECK(error_of(R"({"apps":[{"script":"server.js","instances":"lots"}]})") ==
          "ecosystem.json: apps[0].instances must be an integer, 'max' or -1, not 'lots'");
    CHECK(error_of(R"({"apps":[{"script":"server.js","autorestart":"yes"}]})") ==
          "ecosystem.json: apps[0].autorestart must be a boolean, not 'yes'");
    CHECK(error_of(R"({"apps":[{"script":"server.js","env":{"A":[1]}}]})") ==
          "ecosystem.json: apps[0].env.A must be a string, number or boolean, not array");
    CHECK(error_of(R"({"apps":[{"script":"server.js","max_memory_restart":"lots"}]})") ==
          "ecosystem.json: apps[0].max_memory_restart must be a size such as '200M' or a number "
          "of bytes, not 'lots'");
    CHECK(error_of(R"({"apps":[{"script":"server.js","kill_timeout":"soon"}]})") ==
          "ecosystem.json: apps[0].kill_timeout must be a number of milliseconds or a duration "
          "such as '2s', not 'soon'");
    // Hours past what an int64 of milliseconds holds: refused, not wrapped.
    CHECK(error_of(R"({"apps":[{"script":"server.js","restart_delay":"9223372036854775807h"}]})") ==
          "ecosystem.json: apps[0].restart_delay must be a number of milliseconds or a duration "
          "such as '2s', not '9223372036854775807h'");
    CHECK(error_of(R"({"apps":[{"script":"server.js","args":{}}]})") ==
          "ecosystem.json: apps[0].args must be a string or an array of strings, not object");
    CHECK(error_of(R"({"apps":[{"script":"server.js","port":70000}]})") ==
          "ecosystem.json: apps[0].port must be a port number 1..65535, not 70000");
    CHECK(error_of(R"({"apps":{}})") == "ecosystem.json: apps must be an array, not object");
    CHECK(error_of(R"({"apps":[{"name":"x"}]})") == "ecosystem.json: apps[0].script is required");
}

TEST_CASE("ecosystem: a missing script or a repeated name is an error for that app") {
    CHECK(error_of(R"({"apps":[{"script":"nope.js"}]})") ==
          "ecosystem.json: apps[0]: script 'nope.js' not found in /srv/app or in PATH");
    CHECK(error_of(R"({"apps":[{"script":"server.js"},{"name":"server","script":"worker.js"}]})") ==
          "ecosystem.json: apps[1]: the name 'server' is used by an earlier app");
}

TEST_CASE("ecosystem: args strings split like a shell's words") {
    CHECK(split_command_words("  a  'b c' \"d \\\" e\" f\\ g ''") ==
          std::vector<std::string>{"a", "b c", "d \" e", "f g", ""});
    CHECK(split_only("a,b,,c") == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("ecosystem: --env values without '=' name the block, with '=' are pairs") {
    auto sel = make_selection("conf/eco.yaml", "/home/u", "a,b", {"production", "X=1"});
    CHECK(sel.file == "eco.yaml");
    CHECK(sel.dir == "/home/u/conf");
    CHECK(sel.env_name == "production");
    CHECK(sel.env_pairs == std::vector<std::string>{"X=1"});
    CHECK(sel.only == std::vector<std::string>{"a", "b"});
}

TEST_CASE("ecosystem files are told apart by name") {
    CHECK(has_ecosystem_name("ecosystem.config.js"));
    CHECK(has_ecosystem_name("dir/pm2.config.cjs"));
    CHECK(has_ecosystem_name("apps.json"));
    CHECK(has_ecosystem_name("apps.yaml"));
    CHECK(has_ecosystem_name("apps.yml"));
    CHECK_FALSE(has_ecosystem_name("server.js"));
    CHECK_FALSE(has_ecosystem_name("api"));
}

TEST_CASE("yaml: core schema scalars become JSON types, quoted scalars stay strings") {
    json doc = parse_yaml(R"(apps:
  - name: api
    script: server.js
    instances: 2
    ratio: 1.5
    autorestart: false
    port: "8080"
    note: ~
    args: [a, 1]
    env:
      DEBUG: yes
)");
    const json& app = doc["apps"][0];
    CHECK(app["name"] == "api");
    CHECK(app["instances"] == 2);
    CHECK(app["ratio"] == 1.5);
    CHECK(app["autorestart"] == false);
    CHECK(app["port"] == "8080");
    CHECK(app["note"].is_null());
    CHECK(app["args"] == json::array({"a", 1}));
    CHECK(app["env"]["DEBUG"] == "yes");  // YAML 1.2: not a boolean
}

TEST_CASE("yaml: a syntax error names the line") {
    try {
        parse_yaml("apps:\n  - name: [a\n");
        FAIL("no error");
    } catch (const TendError& e) {
        CHECK(std::string(e.what()).rfind("invalid YAML at line ", 0) == 0);
    }
}

TEST_CASE("yaml: an anchor inside its own node, an alias bomb and deep nesting are refused") {
    CHECK_THROWS_WITH(parse_yaml("&a [*a]\n"), "it nests deeper than 64 levels");
    CHECK_THROWS_WITH(parse_yaml("apps: &a {x: *a}\n"), "it nests deeper than 64 levels");
    // Ten levels of ten aliases each: ten billion values once expanded.
    std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (char c = 'b'; c <= 'j'; ++c) {
        bomb.append(1, c).append(": &").append(1, c).append(" [");
        for (int k = 0; k < 10; ++k)
            bomb.append(k ? ", *" : "*").append(1, static_cast<char>(c - 1));
        bomb.append("]\n");
    }
    CHECK_THROWS_WITH(parse_yaml(bomb), "its aliases expand to too many values");
    std::string deep = std::string(100, '[') + std::string(100, ']');
    CHECK_THROWS_WITH(parse_yaml(deep), "it nests deeper than 64 levels");
    // A few aliases are what anchors are for.
    json doc = parse_yaml("base: &env {A: 1}\napps: [{env: *env}, {env: *env}]\n");
    CHECK(doc["apps"][1]["env"]["A"] == 1);
}

TEST_CASE("ecosystem JSON: an error says where, and deep nesting is refused") {
    CHECK(parse_ecosystem_json(R"({"apps":[]})")["apps"].is_array());
    try {
        parse_ecosystem_json("{\"apps\": [}");
        FAIL("no error");
    } catch (const TendError& e) {
        std::string what = e.what();
        CHECK(what.rfind("invalid JSON: parse error at line 1, column 11: syntax error", 0) == 0);
    }
    std::string deep = std::string(100000, '[') + std::string(100000, ']');
    CHECK_THROWS_WITH(parse_ecosystem_json(deep), "it nests deeper than 64 levels");
    // Found by fuzzing: nlohmann reports this one as out_of_range.
    CHECK_THROWS_WITH(parse_ecosystem_json(R"({"apps":[],"n":1e400})"),
                      "invalid JSON: number overflow parsing '1e400'");
}

TEST_CASE("ecosystem: exec_mode takes PM2's spellings and refuses any other") {
    auto mode = [](const std::string& value) {
        return convert(R"({"apps":[{"script":"server.js","exec_mode":")" + value + R"("}]})")
            .specs.at(0)
            .exec_mode;
    };
    CHECK(mode("fork") == "fork");
    CHECK(mode("fork_mode") == "fork");
    CHECK(mode("cluster_mode") == "cluster");
    CHECK(convert(R"({"apps":[{"script":"server.js"}]})").specs.at(0).exec_mode.empty());
    CHECK(error_of(R"({"apps":[{"script":"server.js","exec_mode":"threads"}]})") ==
          "ecosystem.json: apps[0].exec_mode must be 'fork' or 'cluster', not 'threads'");
}
