// The command table and run(): sorted unique names, lookups by alias, and the
// exact one-line errors and exit codes of a command line that does not parse.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "cli/command_table.h"
#include "cli/run.h"

using namespace tend;

namespace {

struct Outcome {
    int code = -1;
    std::string out;
    std::string err;
};

// Reads back what was written to a temporary file standing in for fd.
class Redirect {
  public:
    explicit Redirect(int fd) : fd_(fd), file_(std::tmpfile()), saved_(::dup(fd)) {
        ::dup2(::fileno(file_), fd_);
    }
    ~Redirect() { std::fclose(file_); }
    std::string finish() {
        ::dup2(saved_, fd_);
        ::close(saved_);
        std::string text;
        std::rewind(file_);
        char buf[4096];
        while (std::size_t n = std::fread(buf, 1, sizeof buf, file_)) text.append(buf, n);
        return text;
    }

  private:
    int fd_;
    std::FILE* file_;
    int saved_;
};

Outcome run_captured(std::vector<std::string> args) {
    std::fflush(stdout);
    std::fflush(stderr);
    Redirect out(STDOUT_FILENO), err(STDERR_FILENO);
    Outcome outcome;
    outcome.code = run_args(std::move(args));
    std::fflush(stdout);
    std::fflush(stderr);
    outcome.out = out.finish();
    outcome.err = err.finish();
    return outcome;
}

// Points TEND_HOME at an empty directory for the life of the object.
class EmptyHome {
  public:
    EmptyHome() {
        char tmpl[] = "/tmp/tend-cli-test-XXXXXX";
        dir_ = ::mkdtemp(tmpl);
        ::setenv("TEND_HOME", dir_.c_str(), 1);
    }
    ~EmptyHome() {
        ::unsetenv("TEND_HOME");
        std::filesystem::remove_all(dir_);
    }

  private:
    std::string dir_;
};

}  // namespace

TEST_CASE("the command table is sorted by name and no word means two commands") {
    auto table = command_table();
    REQUIRE(table.size() >= 12);
    for (std::size_t i = 1; i < table.size(); ++i) CHECK(table[i - 1].name() < table[i].name());
    auto words = command_words();
    CHECK(std::set<std::string>(words.begin(), words.end()).size() == words.size());
}

TEST_CASE("the CLI's commands are the registry's: one each, and what they send is served") {
    std::set<std::string_view> named;
    for (const auto& spec : command_table()) {
        CAPTURE(spec.name());
        REQUIRE(spec.command == find_registered(spec.name()));
        CHECK(named.insert(spec.name()).second);
        if (spec.command->request.empty()) continue;
        const CommandInfo* request = find_registered(spec.command->request);
        REQUIRE(request != nullptr);
        CHECK(is_request(*request));
    }
    // A row no CLI command names must be a request some other CLI code
    // sends (the daemon's tests check each request has its handler).
    for (const auto& info : kCommandRegistry) {
        CAPTURE(info.name);
        CHECK((named.count(info.name) == 1 || is_request(info)));
    }
}

TEST_CASE("commands are found by name and by alias") {
    REQUIRE(find_command("list") != nullptr);
    CHECK(find_command("ls") == find_command("list"));
    CHECK(find_command("status") == find_command("list"));
    CHECK(find_command("del") == find_command("delete"));
    CHECK(find_command("startOrReload") == find_command("reload"));
    CHECK(find_command("startOrRestart") == find_command("restart"));
    CHECK(find_command("sendSignal") == find_command("signal"));
    CHECK(find_command("") == nullptr);
    CHECK(find_command("strat") == nullptr);
}

TEST_CASE("ping and kill never start a daemon, start and list do") {
    CHECK_FALSE(find_command("ping")->command->starts_daemon);
    CHECK_FALSE(find_command("kill")->command->starts_daemon);
    CHECK(find_command("start")->command->starts_daemon);
    CHECK(find_command("ls")->command->starts_daemon);
    CHECK(find_command("start")->passthrough);
    CHECK_FALSE(find_command("stop")->passthrough);
}

TEST_CASE("every command builds its CLI11 app and help") {
    for (const auto& spec : command_table()) {
        CAPTURE(spec.name());
        CommandApp command = build_command_app(spec);
        CHECK(command.runner);
        CHECK(command.app->help().find("tend " + std::string(spec.name())) != std::string::npos);
    }
}

TEST_CASE("an unknown command suggests the closest command, or nothing") {
    CHECK(unknown_command_message("strat") == "unknown command 'strat' (did you mean 'start'?)");
    CHECK(unknown_command_message("lst") == "unknown command 'lst' (did you mean 'list'?)");
    CHECK(unknown_command_message("frobnicate") == "unknown command 'frobnicate'");
}

TEST_CASE("a mistyped command exits 2 with one line on stderr") {
    Outcome r = run_captured({"strat"});
    CHECK(r.code == 2);
    CHECK(r.err == "tend: error: unknown command 'strat' (did you mean 'start'?)\n");
    CHECK(r.out.empty());
}

TEST_CASE("an unknown option names the command and suggests the closest option") {
    Outcome r = run_captured({"start", "app.js", "--nmae", "x"});
    CHECK(r.code == 2);
    CHECK(r.err == "tend: error: unknown option '--nmae' for 'start' (did you mean '--name'?)\n");
    r = run_captured({"logs", "--lines=3", "--nostrem"});
    CHECK(r.code == 2);
    CHECK(r.err ==
          "tend: error: unknown option '--nostrem' for 'logs' (did you mean '--nostream'?)\n");
    r = run_captured({"--verison"});
    CHECK(r.code == 2);
    CHECK(r.err == "tend: error: unknown option '--verison' (did you mean '--version'?)\n");
}

TEST_CASE("bad option values exit 2 in tend's words, not CLI11's") {
    Outcome r = run_captured({"start", "app.js", "-i", "lots"});
    CHECK(r.code == 2);
    CHECK(r.err == "tend: error: --instances: expected a number, 'max' or -N, got 'lots'\n");
    r = run_captured({"logs", "--lines", "x"});
    CHECK(r.code == 2);
    CHECK(r.err == "tend: error: --lines: expected a non-negative integer, got 'x'\n");
    r = run_captured({"logs", "--instance", "-1"});
    CHECK(r.code == 2);
    CHECK(r.err == "tend: error: --instance: expected a non-negative integer, got '-1'\n");
    r = run_captured({"logs", "--lines"});
    CHECK(r.code == 2);
    CHECK(r.err == "tend: error: --lines: expected a value\n");
    r = run_captured({"start", "app.js", "--kill-signal", "FOO"});
    CHECK(r.code == 2);
    CHECK(r.err == "tend: error: --kill-signal: unknown signal 'FOO'\n");
}

TEST_CASE("stop without a target and logs with two are usage errors") {
    Outcome r = run_captured({"stop"});
    CHECK(r.code == 2);
    CHECK(r.err ==
          "tend: error: 'stop' needs at least one target: an id, an app name, a namespace, a "
          "script, 'all' or --instance N\n");
    r = run_captured({"logs", "api", "web"});
    CHECK(r.code == 2);
    CHECK(r.err == "tend: error: unexpected argument 'web' for 'logs'\n");
}

TEST_CASE("--version, help and help <command> print to stdout and exit 0") {
    Outcome r = run_captured({"--version"});
    CHECK(r.code == 0);
    CHECK(r.out == "tend 0.1.0\n");
    r = run_captured({"help"});
    CHECK(r.code == 0);
    for (const auto& spec : command_table()) {
        CAPTURE(spec.name());
        CHECK(r.out.find(std::string(spec.name())) != std::string::npos);
        CHECK(r.out.find(std::string(spec.help)) != std::string::npos);
    }
    r = run_captured({"help", "start"});
    CHECK(r.code == 0);
    CHECK(r.out.find("--kill-signal") != std::string::npos);
    CHECK(r.out == run_captured({"start", "--help"}).out);
    r = run_captured({"help", "strat"});
    CHECK(r.code == 2);
    CHECK(r.err == "tend: error: unknown command 'strat' (did you mean 'start'?)\n");
}

TEST_CASE("ping with no daemon fails with exit 1, kill with none succeeds") {
    EmptyHome home;
    Outcome r = run_captured({"ping"});
    CHECK(r.code == 1);
    CHECK(r.err == "tend: error: daemon is not running\n");
    r = run_captured({"kill"});
    CHECK(r.code == 0);
    CHECK(r.out == "[tend] daemon is not running\n");
}
