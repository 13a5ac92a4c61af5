// start options → AppSpec: instance counts, env pairs, exit codes, signals,
// script resolution with injected files and PATH, and the exact error texts.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "cli/start_options.h"
#include "cli/usage_error.h"

using namespace tend;

namespace {

// A shell in /home/u/app with these files; PATH is /usr/local/bin:/usr/bin.
StartEnvironment fake_environment(std::set<std::string> files, std::set<std::string> executables) {
    StartEnvironment env;
    env.cwd = "/home/u/app";
    env.env = {{"PATH", "/usr/local/bin:/usr/bin"}, {"HOME", "/home/u"}};
    env.is_file = [files](const std::string& p) { return files.count(p) > 0; };
    env.is_executable = [executables](const std::string& p) { return executables.count(p) > 0; };
    return env;
}

StartFlags flags_for(const std::string& script) {
    StartFlags flags;
    flags.script = script;
    return flags;
}

std::string usage_error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const UsageError& e) {
        return e.what();
    }
    return "(no UsageError)";
}

}  // namespace

TEST_CASE("instances: max and 0 and -N are left for the daemon to count while a number is itself") {
    CHECK(parse_instances("max") == InstancesFlag{1, "max"});
    CHECK(parse_instances("0") == InstancesFlag{1, "max"});
    CHECK(parse_instances("-1") == InstancesFlag{1, "-1"});
    CHECK(parse_instances("-02") == InstancesFlag{1, "-2"});
    CHECK(parse_instances("-0") == InstancesFlag{1, "max"});
    CHECK(parse_instances("3") == InstancesFlag{3, ""});
    CHECK(parse_instances("1024") == InstancesFlag{1024, ""});
}

TEST_CASE("instances: anything else is refused with the documented text") {
    CHECK(usage_error_of([] { parse_instances("lots"); }) ==
          "--instances: expected a number, 'max' or -N, got 'lots'");
    CHECK(usage_error_of([] { parse_instances("-x"); }) ==
          "--instances: expected a number, 'max' or -N, got '-x'");
    CHECK(usage_error_of([] { parse_instances("-"); }) ==
          "--instances: expected a number, 'max' or -N, got '-'");
    CHECK(usage_error_of([] { parse_instances(""); }) ==
          "--instances: expected a number, 'max' or -N, got ''");
    // Past the ceiling even a raised daemon limit refuses: a typo.
    CHECK(usage_error_of([] { parse_instances("100001"); }) ==
          "--instances: at most 100000, got '100001'");
    CHECK(usage_error_of([] { parse_instances("99999999999999999999"); }) ==
          "--instances: expected a number, 'max' or -N, got '99999999999999999999'");
    CHECK(usage_error_of([] { parse_instances("-99999999999999999999"); }) ==
          "--instances: expected a number, 'max' or -N, got '-99999999999999999999'");
}

TEST_CASE("--env pairs split at the first '=', and a pair without one is refused") {
    auto env = parse_env_pairs({"A=1", "URL=http://x/?a=b", "EMPTY="});
    CHECK(env.at("A") == "1");
    CHECK(env.at("URL") == "http://x/?a=b");
    CHECK(env.at("EMPTY") == "");
    CHECK(usage_error_of([] { parse_env_pairs({"FOO"}); }) ==
          "--env: expected KEY=VALUE, got 'FOO'");
    CHECK(usage_error_of([] { parse_env_pairs({"=x"}); }) == "--env: expected KEY=VALUE, got '=x'");
}

TEST_CASE("--stop-exit-codes takes a comma-separated list of exit codes") {
    CHECK(parse_stop_exit_codes("0,3") == std::vector<int>{0, 3});
    CHECK(parse_stop_exit_codes("7") == std::vector<int>{7});
    CHECK(parse_stop_exit_codes("0, 3") == std::vector<int>{0, 3});
    CHECK(usage_error_of([] { parse_stop_exit_codes("0,x"); }) ==
          "--stop-exit-codes: expected exit codes separated by commas, got '0,x'");
    CHECK(usage_error_of([] { parse_stop_exit_codes("256"); }) ==
          "--stop-exit-codes: expected exit codes separated by commas, got '256'");
    CHECK(usage_error_of([] { parse_stop_exit_codes("1,"); }) ==
          "--stop-exit-codes: expected exit codes separated by commas, got '1,'");
}

TEST_CASE("--kill-signal accepts SIGTERM, TERM and 15 and stores the name") {
    CHECK(canonical_signal("SIGTERM") == "SIGTERM");
    CHECK(canonical_signal("TERM") == "SIGTERM");
    CHECK(canonical_signal("15") == "SIGTERM");
    CHECK(canonical_signal("40") == "40");
    CHECK(usage_error_of([] { canonical_signal("FOO"); }) == "--kill-signal: unknown signal 'FOO'");
}

TEST_CASE("the default app name is the script file name without extension") {
    CHECK(default_app_name("app.js") == "app");
    CHECK(default_app_name("./srv/api.server.py") == "api.server");
    CHECK(default_app_name("sleep") == "sleep");
    CHECK(default_app_name("/opt/bin/worker") == "worker");
}

TEST_CASE("a script is resolved against the directory, then PATH for a bare word") {
    auto env = fake_environment({"/home/u/app/app.js", "/srv/x/run.sh"}, {"/usr/bin/sleep"});
    CHECK(resolve_script("app.js", "/home/u/app", env) == "/home/u/app/app.js");
    CHECK(resolve_script("./app.js", "/home/u/app", env) == "/home/u/app/app.js");
    CHECK(resolve_script("../app/app.js", "/home/u/app", env) == "/home/u/app/app.js");
    CHECK(resolve_script("run.sh", "/srv/x", env) == "/srv/x/run.sh");
    CHECK(resolve_script("sleep", "/home/u/app", env) == "/usr/bin/sleep");
    CHECK(resolve_script("/srv/x/run.sh", "/home/u/app", env) == "/srv/x/run.sh");
}

TEST_CASE("a script under a symlink keeps the link in its path, so each start follows it anew") {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("tend-symlink-" + std::to_string(::getpid()));
    fs::create_directories(dir / "releases" / "v1");
    std::ofstream(dir / "releases" / "v1" / "app.js") << "\n";
    fs::create_directory_symlink("releases/v1", dir / "current");
    StartEnvironment env = current_start_environment();
    std::string resolved = resolve_script("current/app.js", dir.string(), env);
    fs::remove_all(dir);
    CHECK(resolved == (dir / "current" / "app.js").string());
}

TEST_CASE("a script found nowhere is refused with the documented text") {
    auto env = fake_environment({}, {"/usr/bin/sleep"});
    auto message_of = [&](const std::string& script) -> std::string {
        try {
            resolve_script(script, "/home/u/app", env);
        } catch (const TendError& e) {
            CHECK(e.code() == ErrorCode::kNotFound);
            return e.what();
        }
        return "(no error)";
    };
    CHECK(message_of("nope.js") == "script 'nope.js' not found in /home/u/app or in PATH");
    // A path with a slash is never looked up in PATH.
    CHECK(message_of("./sleep") == "script './sleep' not found: no file /home/u/app/sleep");
}

TEST_CASE("a directory is refused as such, not as a missing script") {
    auto env = fake_environment({}, {});
    env.is_directory = [](const std::string& p) { return p == "/home/u/app/examples/http"; };
    try {
        resolve_script("examples/http", "/home/u/app", env);
        FAIL("no error");
    } catch (const TendError& e) {
        CHECK(std::string(e.what()) ==
              "script 'examples/http' is a directory, not a program to run");
    }
}

TEST_CASE("a script without a known interpreter must be executable") {
    auto env =
        fake_environment({"/home/u/app/README.md", "/home/u/app/tool"}, {"/home/u/app/tool"});
    auto message_of = [&](StartFlags flags) -> std::string {
        try {
            to_app_spec(flags, env);
        } catch (const TendError& e) {
            return e.what();
        }
        return "(no error)";
    };
    CHECK(message_of(flags_for("README.md")) ==
          "script 'README.md' is not executable, and tend knows no interpreter for it (give "
          "--interpreter)");
    StartFlags none = flags_for("README.md");
    none.interpreter = "none";
    CHECK(message_of(none) ==
          "script 'README.md' is not executable, and with --interpreter none it must be");
    StartFlags cat = flags_for("README.md");
    cat.interpreter = "cat";
    CHECK(message_of(cat) == "(no error)");
    CHECK(message_of(flags_for("tool")) == "(no error)");
}

TEST_CASE("--namespace is kept, and 'default' when not given") {
    auto env = fake_environment({"/home/u/app/server.js"}, {});
    CHECK(to_app_spec(flags_for("server.js"), env).ns == "default");
    StartFlags flags = flags_for("server.js");
    flags.ns = "backend";
    CHECK(to_app_spec(flags, env).ns == "backend");
    flags.ns = "7";
    CHECK_THROWS_WITH(to_app_spec(flags, env),
                      "namespace '7' is not allowed (no spaces or '/', not 'all', not a number)");
}

TEST_CASE("to_app_spec builds the whole spec from the options") {
    auto env = fake_environment({"/home/u/app/server.js"}, {});
    StartFlags flags = flags_for("server.js");
    flags.args = {"--port", "3000"};
    flags.instances = "-1";
    flags.env = {"NODE_ENV=production"};
    flags.no_autorestart = true;
    flags.max_restarts = "5";
    flags.min_uptime = "2000";
    flags.restart_delay = "100";
    flags.exp_backoff_restart_delay = "50";
    flags.kill_timeout = "3000";
    flags.stop_exit_codes = "0,3";
    flags.kill_signal = "TERM";
    flags.output = "logs/out.log";
    flags.error = "/var/log/err.log";
    flags.time = true;
    flags.merge_logs = true;

    AppSpec spec = to_app_spec(flags, env);
    CHECK(spec.name == "server");
    CHECK(spec.script == "/home/u/app/server.js");
    CHECK(spec.args == std::vector<std::string>{"--port", "3000"});
    CHECK(spec.cwd == "/home/u/app");
    CHECK(spec.instances_per_cpu == "-1");  // counted by the daemon
    CHECK(spec.env == std::map<std::string, std::string>{{"NODE_ENV", "production"}});
    CHECK(spec.base_env == env.env);
    CHECK_FALSE(spec.restart.autorestart);
    CHECK(spec.restart.max_restarts == 5);
    CHECK(spec.restart.min_uptime_ms == 2000);
    CHECK(spec.restart.restart_delay_ms == 100);
    CHECK(spec.restart.exp_backoff_restart_delay_ms == 50);
    CHECK(spec.restart.kill_timeout_ms == 3000);
    CHECK(spec.restart.stop_exit_codes == std::vector<int>{0, 3});
    CHECK(spec.restart.kill_signal == "SIGTERM");
    CHECK(spec.logs.out_file == "/home/u/app/logs/out.log");
    CHECK(spec.logs.error_file == "/var/log/err.log");
    CHECK(spec.logs.time);
    CHECK(spec.logs.merge_logs);
}

TEST_CASE("to_app_spec keeps the policy defaults when no option is given") {
    auto env = fake_environment({"/home/u/app/app.js"}, {});
    AppSpec spec = to_app_spec(flags_for("app.js"), env);
    RestartPolicy defaults;
    CHECK(spec.instances == 1);
    CHECK(spec.restart.autorestart);
    CHECK(spec.restart.max_restarts == defaults.max_restarts);
    CHECK(spec.restart.kill_timeout_ms == defaults.kill_timeout_ms);
    CHECK(spec.restart.kill_signal == defaults.kill_signal);
    CHECK(spec.logs.out_file.empty());
    CHECK(spec.logs.rotation == LogRotation{});  // the daemon's defaults
    CHECK(spec.interpreter.empty());
}

TEST_CASE("to_app_spec: the log rotation options, and each bad one named") {
    auto env = fake_environment({"/home/u/app/app.js"}, {});
    StartFlags flags = flags_for("app.js");
    flags.max_size = "0";
    flags.retain = "7";
    flags.rotate_interval = "6h";
    flags.compress = true;
    AppSpec spec = to_app_spec(flags, env);
    CHECK(spec.logs.rotation.max_size == 0);
    CHECK(spec.logs.rotation.retain == 7);
    CHECK(spec.logs.rotation.interval == "6h");
    CHECK(spec.logs.rotation.compress == true);
    auto refused = [&](StartFlags f) {
        try {
            to_app_spec(f, env);
        } catch (const UsageError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    StartFlags bad = flags_for("app.js");
    bad.max_size = "lots";
    CHECK(refused(bad).rfind("--max-size:", 0) == 0);
    bad = flags_for("app.js");
    bad.retain = "-2";
    CHECK(refused(bad).rfind("--retain:", 0) == 0);
    bad = flags_for("app.js");
    bad.rotate_interval = "weekly";
    CHECK(refused(bad).rfind("--rotate-interval:", 0) == 0);
}

TEST_CASE("--cwd is made absolute and the script is resolved against it") {
    auto env = fake_environment({"/home/u/srv/api/main.py"}, {});
    StartFlags flags = flags_for("main.py");
    flags.cwd = "../srv/api/";
    flags.name = "api";
    AppSpec spec = to_app_spec(flags, env);
    CHECK(spec.cwd == "/home/u/srv/api");
    CHECK(spec.script == "/home/u/srv/api/main.py");
    CHECK(spec.name == "api");
}

TEST_CASE("integer options name themselves in the error") {
    auto env = fake_environment({"/home/u/app/app.js"}, {});
    StartFlags flags = flags_for("app.js");
    flags.kill_timeout = "soon";
    CHECK(usage_error_of([&] { to_app_spec(flags, env); }) ==
          "--kill-timeout: expected a non-negative integer, got 'soon'");
    flags = flags_for("app.js");
    flags.max_restarts = "-3";
    CHECK(usage_error_of([&] { to_app_spec(flags, env); }) ==
          "--max-restarts: expected a non-negative integer, got '-3'");
    flags = flags_for("app.js");
    flags.max_restarts = "99999999999";
    CHECK(usage_error_of([&] { to_app_spec(flags, env); }) ==
          "--max-restarts: expected a non-negative integer, got '99999999999'");
}

TEST_CASE("a bad value is reported before a missing script") {
    auto env = fake_environment({}, {});
    StartFlags flags = flags_for("nope.js");
    flags.instances = "lots";
    CHECK(usage_error_of([&] { to_app_spec(flags, env); }) ==
          "--instances: expected a number, 'max' or -N, got 'lots'");
}

TEST_CASE("absolute_path normalises and drops a trailing slash") {
    CHECK(absolute_path("a/../b/", "/x") == "/x/b");
    CHECK(absolute_path("/", "/x") == "/");
    CHECK(absolute_path("/opt//y/.", "/x") == "/opt/y");
}

TEST_CASE("--exec-mode: fork or cluster, PM2's _mode spellings too; empty keeps PM2's default") {
    CHECK(parse_exec_mode("") == "");
    CHECK(parse_exec_mode("fork") == "fork");
    CHECK(parse_exec_mode("cluster_mode") == "cluster");
    CHECK(usage_error_of([] { parse_exec_mode("pool"); }) ==
          "--exec-mode: expected 'fork' or 'cluster', got 'pool'");
    StartFlags flags = flags_for("app.js");
    flags.exec_mode = "fork_mode";
    flags.instances = "2";
    CHECK(to_app_spec(flags, fake_environment({"/home/u/app/app.js"}, {})).exec_mode == "fork");
}

TEST_CASE("-i max and -1 mean cluster mode for a node script even on one CPU, as PM2") {
    StartEnvironment one_cpu =
        fake_environment({"/home/u/app/app.js", "/home/u/app/srv"}, {"/home/u/app/srv"});
    StartFlags flags = flags_for("app.js");
    for (std::string per_cpu : {"max", "-1", "0"}) {
        flags.instances = per_cpu;
        AppSpec spec = to_app_spec(flags, one_cpu);
        CHECK(spec.instances == 1);  // a placeholder: the daemon resolves the word
        CHECK(spec.instances_per_cpu == (per_cpu == "-1" ? "-1" : "max"));
        CHECK(spec.exec_mode == "cluster");
    }
    flags.instances = "1";
    CHECK(to_app_spec(flags, one_cpu).exec_mode.empty());  // the daemon settles it: fork
    flags.instances = "max";
    flags.exec_mode = "fork";
    CHECK(to_app_spec(flags, one_cpu).exec_mode == "fork");
    StartFlags native = flags_for("srv");
    native.instances = "max";
    CHECK(to_app_spec(native, one_cpu).exec_mode.empty());
}

TEST_CASE("cluster mode asked for a program that is not Node is warned about") {
    AppSpec spec;
    spec.name = "srv";
    spec.script = "/usr/bin/srv";
    spec.exec_mode = "cluster";
    CHECK(exec_mode_warning(spec) ==
          "'srv' is not a Node script, so its instances run in fork mode (exec_mode 'cluster' "
          "makes Node cluster workers)");
    spec.script = "/srv/app.js";
    CHECK(exec_mode_warning(spec).empty());
    spec.exec_mode = "";
    spec.script = "/usr/bin/srv";
    CHECK(exec_mode_warning(spec).empty());
}
