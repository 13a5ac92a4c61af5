// The keys PM2 configs use for an instance's interpreter, environment and
// user, from `tend start` flags and from ecosystem documents; and the hints
// of the warning for keys tend does not read.
#include <doctest/doctest.h>

#include "cli/ecosystem/ecosystem_apps.h"
#include "cli/ecosystem/unsupported_keys.h"
#include "cli/start_options.h"
#include "common/errors.h"

using namespace tend;

namespace {

using Vars = std::map<std::string, std::string>;

// A shell in /srv/app holding server.js, with /srv/app/.env and
// /srv/app/conf/prod.env as the only env files.
StartEnvironment keys_environment() {
    StartEnvironment env;
    env.cwd = "/srv/app";
    env.env = {{"PATH", "/usr/bin"}};
    env.is_file = [](const std::string& p) { return p == "/srv/app/server.js"; };
    env.is_executable = env.is_file;
    env.read_env_file = [](const std::string& path, const std::string& label) {
        if (path == "/srv/app/.env") return Vars{{"FROM_FILE", "1"}, {"SHARED", "file"}};
        if (path == "/srv/app/conf/prod.env") return Vars{{"PROD", "yes"}, {"SHARED", "prod"}};
        throw TendError(ErrorCode::kBadRequest, "cannot read env file '" + label + "'");
    };
    return env;
}

StartFlags server_flags() {
    StartFlags flags;
    flags.script = "server.js";
    return flags;
}

EcosystemApps keys_convert(const std::string& text, const std::string& env_name = "") {
    EcosystemSelection sel{"ecosystem.json", "/srv/app", env_name, {}, {}};
    return ecosystem_apps(json::parse(text), sel, keys_environment());
}

std::string keys_error(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("start flags: interpreter args go before the script") {
    StartFlags flags = server_flags();
    flags.interpreter_args = {"--import", "tsx", "--max-old-space-size=256"};
    AppSpec spec = to_app_spec(flags, keys_environment());
    CHECK(spec.interpreter_args == flags.interpreter_args);
    CHECK(command_line(spec) == std::vector<std::string>{"node", "--import", "tsx",
                                                         "--max-old-space-size=256",
                                                         "/srv/app/server.js"});
}

TEST_CASE("start flags: an env file relative to cwd, under --env") {
    StartFlags flags = server_flags();
    flags.env_file = ".env";
    flags.env = {"SHARED=flag"};
    AppSpec spec = to_app_spec(flags, keys_environment());
    CHECK(spec.env == Vars{{"FROM_FILE", "1"}, {"SHARED", "flag"}});
    CHECK(spec.env_file == "/srv/app/.env");
    flags.env_file = "missing.env";
    CHECK(keys_error([&] { to_app_spec(flags, keys_environment()); }) ==
          "cannot read env file 'missing.env'");
}

TEST_CASE("start flags: instance_var, increment_var, uid and gid reach the spec") {
    StartFlags flags = server_flags();
    AppSpec plain = to_app_spec(flags, keys_environment());
    CHECK(plain.vars.instance_var == "NODE_APP_INSTANCE");
    CHECK(plain.vars.increment_var.empty());
    CHECK(plain.run_as.uid.empty());
    flags.instance_var = "INSTANCE_ID";
    flags.increment_var = "PORT";
    flags.uid = "nobody";
    flags.gid = "nogroup";
    AppSpec spec = to_app_spec(flags, keys_environment());
    CHECK(spec.vars.instance_var == "INSTANCE_ID");
    CHECK(spec.vars.increment_var == "PORT");
    CHECK(spec.run_as.uid == "nobody");
    CHECK(spec.run_as.gid == "nogroup");
}

TEST_CASE("ecosystem: node_args and interpreter_args as a string or an array") {
    auto apps = keys_convert(R"({"apps":[
        {"name":"a","script":"server.js","node_args":"--import tsx --title 'my app'"},
        {"name":"b","script":"server.js","interpreter_args":["--max-old-space-size=256"]}]})");
    REQUIRE(apps.specs.size() == 2);
    CHECK(apps.warnings.empty());
    CHECK(apps.specs[0].interpreter_args ==
          std::vector<std::string>{"--import", "tsx", "--title", "my app"});
    CHECK(apps.specs[1].interpreter_args == std::vector<std::string>{"--max-old-space-size=256"});
}

TEST_CASE("ecosystem: env_file lies under env and env_NAME, which win") {
    const std::string text = R"({"apps":[{"script":"server.js","env_file":"conf/prod.env",
        "env":{"SHARED":"env"},"env_production":{"MODE":"prod"}}]})";
    auto apps = keys_convert(text, "production");
    REQUIRE(apps.specs.size() == 1);
    CHECK(apps.specs[0].env == Vars{{"MODE", "prod"}, {"PROD", "yes"}, {"SHARED", "env"}});
    CHECK(apps.specs[0].env_file == "/srv/app/conf/prod.env");
}

TEST_CASE("ecosystem: the per-instance variables and the user, names or numbers") {
    auto apps = keys_convert(R"({"apps":[{"script":"server.js","instance_var":"INSTANCE_ID",
        "increment_var":"PORT","uid":65534,"gid":"nogroup","env":{"PORT":3000}}]})");
    REQUIRE(apps.specs.size() == 1);
    const AppSpec& s = apps.specs[0];
    CHECK(s.vars.instance_var == "INSTANCE_ID");
    CHECK(s.vars.increment_var == "PORT");
    CHECK(s.run_as.uid == "65534");
    CHECK(s.run_as.gid == "nogroup");
    CHECK(keys_error([] { keys_convert(R"({"apps":[{"script":"server.js","uid":true}]})"); }) ==
          "ecosystem.json: apps[0].uid must be a user or group name or id, not boolean");
    CHECK(keys_error(
              [] { keys_convert(R"({"apps":[{"script":"server.js","node_args":{"a":1}}]})"); }) ==
          "ecosystem.json: apps[0].node_args must be a string or an array of strings, not "
          "object");
}

TEST_CASE("unsupported keys: a hint where tend has an equivalent, none otherwise") {
    CHECK(unsupported_key_hint("append_env_to_name") == "name each app in the file instead");
    CHECK(unsupported_key_hint("combine_logs") == "use merge_logs: true (--merge-logs)");
    CHECK(unsupported_key_hint("log_file") ==
          "use out_file and error_file, with merge_logs: true for one pair");
    CHECK(unsupported_key_hint("user") == "use uid (--uid)");
    CHECK(unsupported_key_hint("watch_options") ==
          "tend watches with inotify; use watch, ignore_watch and watch_delay");
    CHECK(unsupported_key_hint("no_such_key").empty());
    CHECK(unsupported_key_warning("f.json: apps[0].pid_file", "pid_file") ==
          "f.json: apps[0].pid_file is not supported, ignored: tend writes no pid files: "
          "`tend jlist` shows every pid");
    CHECK(unsupported_key_warning("f.json: apps[0].x", "x") ==
          "f.json: apps[0].x is not supported, ignored");
}
