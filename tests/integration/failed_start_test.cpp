// A start that fails leaves nothing behind: no daemon when the CLI can tell
// beforehand, no id used, no log file; and its message names the reason.
// Also what tend says when a command lacks its word: `tend`, `tend completion`.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "harness.h"

using namespace tend::it;

namespace {

// The directory `tend` runs in under the harness.
std::string start_dir(const TendHome& t) {
    return std::filesystem::path(t.home()).parent_path().string();
}

void check_refused(const Result& r, const std::string& message) {
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err == "tend: error: " + message + "\n");
}

std::vector<std::string> log_files(const TendHome& t) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(t.home() + "/logs", ec))
        names.push_back(entry.path().filename().string());
    return names;
}

}  // namespace

TEST_CASE("a start the CLI can judge fails before any daemon is started") {
    TendHome t(TendHome::Options::without_daemon());
    std::string dir = start_dir(t);
    std::ofstream(dir + "/README.md") << "# not a program\n";
    t.scratch("site");

    check_refused(t.run({"start", "README.md"}),
                  "script 'README.md' is not executable, and tend knows no interpreter for it "
                  "(give --interpreter)");
    check_refused(t.run({"start", "site"}), "script 'site' is a directory, not a program to run");
    check_refused(t.run({"start", "nosuchcommand"}),
                  "script 'nosuchcommand' not found in " + dir + " or in PATH");
    check_refused(t.run({"start", "./nosuch.js"}),
                  "script './nosuch.js' not found: no file " + dir + "/nosuch.js");

    CHECK(t.run({"ping"}).exit_code == 1);
    CHECK_FALSE(std::filesystem::exists(t.socket_path()));
    CHECK(log_files(t).empty());
}

TEST_CASE("a start the daemon refuses uses no id and writes no log file") {
    TendHome t;
    check_refused(t.run(start_fixture("bad", {"--interpreter", "/nonexistent/interp"}, {"sleep"})),
                  "cannot start 'bad': /nonexistent/interp: no such file or directory");
    CHECK(log_files(t).empty());
    CHECK(t.jlist().empty());
    // A bare interpreter name is looked up in PATH before any file is opened.
    check_refused(t.run(start_fixture("bad", {"--interpreter", "python9-nowhere"}, {"sleep"})),
                  "cannot start 'bad': python9-nowhere: no such file or directory");
    CHECK(log_files(t).empty());
    CHECK(t.jlist().empty());

    t.run_ok(start_fixture("good", {}, {"sleep"}));
    json insts = t.wait_for("good", all_online(1), "good online");
    CHECK(insts[0]["id"] == 0);
}

TEST_CASE("tend alone prints the usage and fails, as PM2") {
    TendHome t(TendHome::Options::without_daemon());
    Result r = t.run({});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("usage: tend <command> [options]") != std::string::npos);
    CHECK(t.run({"ping"}).exit_code == 1);
}

TEST_CASE("tend completion without a shell lists the shells") {
    TendHome t(TendHome::Options::without_daemon());
    Result r = t.run({"completion"});
    CHECK(r.exit_code == 2);
    CHECK(r.err ==
          "tend: error: 'completion' needs a shell: bash, zsh or fish (tend completion bash)\n");
}

TEST_CASE("-o and -e with several instances get -<id> per instance, one file with --merge-logs") {
    TendHome t;
    std::string dir = t.scratch("out");
    t.run_ok(
        start_fixture("split", {"-i", "2", "-o", dir + "/o.log", "-e", dir + "/e.log"}, {"sleep"}));
    json split = t.wait_for("split", all_online(2), "split online");
    for (const auto& inst : split) {
        std::string id = std::to_string(inst["id"].get<int>());
        CHECK(inst["out_log"] == dir + "/o-" + id + ".log");
        CHECK(inst["err_log"] == dir + "/e-" + id + ".log");
    }
    t.run_ok(start_fixture("merged",
                           {"-i", "2", "--merge-logs", "-o", dir + "/m.log", "-e", dir + "/n.log"},
                           {"sleep"}));
    for (const auto& inst : t.wait_for("merged", all_online(2), "merged online")) {
        CHECK(inst["out_log"] == dir + "/m.log");
        CHECK(inst["err_log"] == dir + "/n.log");
    }
}
