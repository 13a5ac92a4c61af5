// Watch mode with the real daemon and inotify: a burst of writes restarts
// the app exactly once, ignored paths and the app's own logs never do, an
// app a change broke waits for the next change (waiting_change), and a
// directory made after the start is watched. watch_delay is 200 ms here.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "harness.h"
#include "survival_support.h"

using namespace tend::it;

namespace {

constexpr auto kDelay = 200ms;

void put_text(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::trunc) << text;
}

// Started, online, and its tree watched (jlist's watch_status says so).
json start_watched(TendHome& t, const std::string& name, const std::string& dir,
                   std::vector<std::string> options, std::vector<std::string> mode_args) {
    options.insert(options.begin(), {"--cwd", dir, "--watch", "--watch-delay", "200ms"});
    t.run_ok(start_fixture(name, options, mode_args));
    return t.wait_for(
        name,
        [](const json& insts) {
            return insts.size() == 1 && insts[0].value("status", "") == "online" &&
                   insts[0].value("watch_status", "").rfind("watching ", 0) == 0;
        },
        name + " online and watching");
}

json wait_restarts(TendHome& t, const std::string& name, int restarts, const std::string& status) {
    return t.wait_for(
        name,
        [&](const json& insts) {
            return insts[0].value("restarts", -1) == restarts &&
                   insts[0].value("status", "") == status &&
                   (status != "online" || insts[0].value("pid", 0) > 0);
        },
        name + " " + status + " after " + std::to_string(restarts) + " restarts");
}

// A bounded observation, not a synchronisation: for three debounce
// delays, the app's restart count never moves from restarts.
void stays_at(TendHome& t, const std::string& name, int restarts) {
    auto until = std::chrono::steady_clock::now() + 3 * kDelay;
    while (std::chrono::steady_clock::now() < until) {
        json insts = t.instances(name);
        REQUIRE(insts[0].value("restarts", -1) == restarts);
        std::this_thread::sleep_for(20ms);
    }
}

// The watches the daemon holds: the "inotify wd:" lines of its inotify
// descriptor's fdinfo; -1 when it has no inotify descriptor.
int inotify_watches(pid_t daemon) {
    std::string fds = "/proc/" + std::to_string(daemon) + "/fd";
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(fds, ec)) {
        auto target = std::filesystem::read_symlink(e.path(), ec);
        if (ec || target.string() != "anon_inode:inotify") continue;
        std::string info = read_file("/proc/" + std::to_string(daemon) + "/fdinfo/" +
                                     e.path().filename().string());
        int count = 0;
        for (const auto& line : split_lines(info)) count += line.rfind("inotify wd:", 0) == 0;
        return count;
    }
    return -1;
}

}  // namespace

TEST_CASE("100 writes within 50 ms restart a watched app exactly once, naming the file") {
    TendHome t;
    std::string dir = t.scratch("app");
    put_text(dir + "/app.js", "v0");
    json before = start_watched(t, "w", dir, {}, {"sleep"});
    int old_pid = before[0]["pid"];

    // Each write opens, writes and closes, as a save does, but without
    // O_TRUNC: ext4 flushes a file truncated and written again
    // (auto_da_alloc), which would make the burst last the disk's time.
    std::string path = dir + "/app.js";
    for (int i = 0; i < 100; ++i) {
        int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
        REQUIRE(fd >= 0);
        char text[4] = {char('0' + i / 10), char('0' + i % 10), '\n', 0};
        REQUIRE(::pwrite(fd, text, 3, 0) == 3);
        ::close(fd);
    }

    json after = wait_restarts(t, "w", 1, "online");
    CHECK(after[0]["pid"] != old_pid);
    CHECK(after[0]["restart_reason"] == "watch");
    CHECK(after[0]["restart_reason_detail"] == "app.js changed");
    stays_at(t, "w", 1);
}

TEST_CASE("ignore_watch, node_modules, .git and the app's own log files never restart it") {
    TendHome t;
    std::string dir = t.scratch("app");
    std::filesystem::create_directories(dir + "/node_modules/pkg");
    std::filesystem::create_directories(dir + "/.git");
    std::filesystem::create_directories(dir + "/cache");
    // Its logs in its own tree; lines written at each start.
    start_watched(t, "w", dir,
                  {"--ignore-watch", "*.tmp", "--ignore-watch", "cache", "--output",
                   dir + "/out.log", "--error", dir + "/err.log"},
                  {"lines", "200", "--err"});
    t.run_ok({"restart", "w"});  // its logs are written under watch now
    wait_restarts(t, "w", 1, "online");
    t.wait_for_line(dir + "/err.log", "0 199", "the restarted app's lines in its log");

    put_text(dir + "/node_modules/pkg/index.js", "x");
    put_text(dir + "/.git/index", "x");
    put_text(dir + "/notes.tmp", "x");
    put_text(dir + "/cache/entry", "x");
    std::filesystem::create_directories(dir + "/cache/new/dir");
    stays_at(t, "w", 1);

    put_text(dir + "/trigger.js", "x");  // the watch is alive
    json after = wait_restarts(t, "w", 2, "online");
    CHECK(after[0]["restart_reason_detail"] == "trigger.js changed");
}

TEST_CASE(
    "an app that crashes right after a change waits for the next change, which starts it once") {
    TendHome t;
    std::string dir = t.scratch("app");
    put_text(dir + "/state", "good");
    start_watched(t, "w", dir, {}, {"crash-if", dir + "/state", "bad"});

    put_text(dir + "/state", "bad");
    json waiting = wait_restarts(t, "w", 1, "waiting_change");
    CHECK(waiting[0]["exit_code"] == 1);
    CHECK(waiting[0]["pid"] == 0);
    stays_at(t, "w", 1);  // no crash loop
    CHECK(t.instances("w")[0]["status"] == "waiting_change");

    put_text(dir + "/state", "good");
    json fixed = wait_restarts(t, "w", 2, "online");
    CHECK(fixed[0]["restart_reason"] == "watch");
    CHECK(fixed[0]["restart_reason_detail"] == "state changed");
    stays_at(t, "w", 2);
}

TEST_CASE("a directory made after the start is watched, what it holds included") {
    TendHome t;
    std::string dir = t.scratch("app");
    start_watched(t, "w", dir, {}, {"sleep"});

    std::filesystem::create_directories(dir + "/sub/deeper");
    json first = wait_restarts(t, "w", 1, "online");
    CHECK(first[0]["restart_reason_detail"] == "sub changed");
    stays_at(t, "w", 1);

    put_text(dir + "/sub/deeper/file.js", "x");
    json second = wait_restarts(t, "w", 2, "online");
    CHECK(second[0]["restart_reason_detail"] == "sub/deeper/file.js changed");

    Result d = t.run_ok({"describe", "w"});
    CHECK(has_labeled_value(d.out, {"watch", "status"}, "3"));  // "watching 3 directories"
}

TEST_CASE("a stopped watched app ignores changes until it is restarted") {
    TendHome t;
    std::string dir = t.scratch("app");
    start_watched(t, "w", dir, {}, {"sleep"});
    t.run_ok({"stop", "w"});
    put_text(dir + "/app.js", "x");
    auto until = std::chrono::steady_clock::now() + 3 * kDelay;
    while (std::chrono::steady_clock::now() < until) {
        REQUIRE(t.instances("w")[0]["status"] == "stopped");
        std::this_thread::sleep_for(20ms);
    }
    t.run_ok({"restart", "w"});
    wait_restarts(t, "w", 1, "online");
    put_text(dir + "/app.js", "y");
    json after = wait_restarts(t, "w", 2, "online");
    CHECK(after[0]["restart_reason"] == "watch");
}

TEST_CASE(
    "deleting a watched app removes its watches, and a new daemon watches again after a crash") {
    TendHome t;
    std::string dir = t.scratch("app");
    std::filesystem::create_directories(dir + "/sub");
    start_watched(t, "w", dir, {}, {"sleep"});
    CHECK(inotify_watches(t.serving_pid()) == 2);

    kill_daemon_and_wait_for_next(t);
    t.wait_until([&] { return inotify_watches(t.serving_pid()) == 2; },
                 "the new daemon watching the app's 2 directories");
    put_text(dir + "/sub/app.js", "x");
    json after = wait_restarts(t, "w", 1, "online");
    CHECK(after[0]["restart_reason_detail"] == "sub/app.js changed");

    t.run_ok({"delete", "w"});
    t.wait_until([&] { return inotify_watches(t.serving_pid()) == 0; },
                 "no watch left once w is deleted");
}
