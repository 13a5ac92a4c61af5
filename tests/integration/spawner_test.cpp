// Starting instances through tend-spawner: they are tendd's own children
// (so their exits, signals and a take-over work as before), a spawner that
// dies is replaced at the next start, a program that fails at exec is
// refused clearly with nothing left behind, apps get the descriptor limit
// tend was started with while tendd raises its own, and config.json's
// "max_instances" moves the instance limits.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "harness.h"

using namespace tend::it;

namespace {

std::string comm_of(pid_t pid) {
    std::string name = read_file("/proc/" + std::to_string(pid) + "/comm");
    while (!name.empty() && name.back() == '\n') name.pop_back();
    return name;
}

// The serving tendd's tend-spawner, or 0 when none runs.
pid_t spawner_of(pid_t tendd) {
    for (pid_t child : children_of(tendd))
        if (comm_of(child) == "tend-spawner" && process_alive(child)) return child;
    return 0;
}

// A zombie among pid's children: a failed start left one unreaped.
bool has_zombie_child(pid_t pid) {
    for (pid_t child : children_of(pid)) {
        std::string stat = read_file("/proc/" + std::to_string(child) + "/stat");
        auto close = stat.rfind(')');
        if (close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z')
            return true;
    }
    return false;
}

// "Max open files" soft limit of pid, from /proc/<pid>/limits.
long soft_nofile(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("Max open files", 0) == 0) {
            std::istringstream words(line.substr(14));
            std::string soft;
            words >> soft;
            return soft == "unlimited" ? -1 : std::stol(soft);
        }
    return 0;
}

}  // namespace

TEST_CASE("instances are tendd's own children, started by tend-spawner") {
    TendHome t;
    t.run_ok(start_fixture("kids", {"-i", "3"}, {"sleep"}));
    json kids = t.wait_for("kids", all_online(3), "three instances online");
    pid_t tendd = t.serving_pid();
    for (const auto& i : kids) CHECK(parent_pid(i["pid"].get<pid_t>()) == tendd);
    pid_t spawner = spawner_of(tendd);
    CHECK(spawner > 0);
    // Exits are still seen: a stop of one, a crash of another.
    t.run_ok({"stop", "kids", "--instance", "0"});
    t.wait_for(
        "kids",
        [](const json& is) { return is.size() == 3 && is[0].value("status", "") == "stopped"; },
        "instance 0 stopped");
    ::kill(kids[1]["pid"].get<pid_t>(), SIGKILL);
    t.wait_for(
        "kids",
        [&](const json& is) {
            return is.size() == 3 && is[1].value("status", "") == "online" &&
                   is[1]["pid"] != kids[1]["pid"] && is[1].value("restarts", 0) == 1;
        },
        "instance 1 restarted after its crash");
    CHECK_FALSE(has_zombie_child(tendd));
}

TEST_CASE("a tend-spawner that dies is replaced at the next start") {
    TendHome t;
    t.run_ok(start_fixture("first", {}, {"sleep"}));
    t.wait_for("first", all_online(1), "first online");
    pid_t tendd = t.serving_pid();
    pid_t old_spawner = spawner_of(tendd);
    REQUIRE(old_spawner > 0);
    ::kill(old_spawner, SIGKILL);
    t.wait_until([&] { return !process_alive(old_spawner); }, "the killed spawner reaped");

    t.run_ok(start_fixture("second", {"-i", "2"}, {"sleep"}));
    t.wait_for("second", all_online(2), "second's instances online through a new spawner");
    pid_t new_spawner = spawner_of(tendd);
    CHECK(new_spawner > 0);
    CHECK(new_spawner != old_spawner);
    CHECK(t.instances("first")[0].value("status", "") == "online");
}

TEST_CASE("a program that fails at exec is refused clearly and leaves no zombie") {
    TendHome t;
    // Executable, so every check before the exec passes; its interpreter
    // line names a program that does not exist, which only exec finds.
    std::string script = t.scratch("apps") + "/bad-interpreter.sh";
    write_text(script, "#!/nonexistent/interpreter\necho never\n");
    REQUIRE(::chmod(script.c_str(), 0755) == 0);
    Result r = t.run({"start", script, "--name", "bad", "--interpreter", "none"});
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.exit_code != 0);
    CHECK(contains(r.err, "cannot start 'bad'"));
    CHECK(contains(r.err, "no such file or directory"));
    CHECK_FALSE(has_zombie_child(t.serving_pid()));
    CHECK(t.run({"ping"}).exit_code == 0);

    // A file with no interpreter line is run by /bin/sh, as execvp does.
    std::string plain = t.scratch("apps") + "/plain.sh";
    write_text(plain, "echo ran-by-sh\nexec sleep 1000\n");
    REQUIRE(::chmod(plain.c_str(), 0755) == 0);
    t.run_ok({"start", plain, "--name", "plain", "--interpreter", "none"});
    t.wait_for_line(t.home() + "/logs/plain-out-0.log", "ran-by-sh", "the script's line");
}

TEST_CASE("apps get the descriptor limit tend started with while tendd raises its own") {
    rlimit limit{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max <= 1000) {
        MESSAGE("skipped: the hard limit leaves nothing to raise");
        return;
    }
    TendHome::Options options;
    options.daemon_wrapper = {"/usr/bin/prlimit", "--nofile=1000:"};
    TendHome t(options);
    t.run_ok({"start", "/bin/sh", "--name", "lim", "--interpreter", "none", "--", "-c",
              "echo \"nofile $(ulimit -n)\"; exec sleep 1000"});
    std::string line =
        t.wait_for_line(t.home() + "/logs/lim-out-0.log", "nofile ", "the app's limit");
    CHECK(line == "nofile 1000");
    CHECK(soft_nofile(t.serving_pid()) != 1000);
    long raised = soft_nofile(t.serving_pid());
    CHECK((raised == -1 || raised > 1000));
}

TEST_CASE("max_instances in config.json moves the instance limits both ways") {
    TendHome t(TendHome::Options::without_daemon());
    REQUIRE(::mkdir(t.home().c_str(), 0700) == 0);
    write_text(t.home() + "/config.json", "{\"max_instances\": 3}\n");
    Result over = t.run(start_fixture("four", {"-i", "4"}, {"sleep"}));
    INFO("stderr: " << over.err);
    CHECK(over.exit_code != 0);
    CHECK(contains(over.err, "at most 3"));
    CHECK(contains(over.err, "max_instances"));
    CHECK(t.jlist().empty());
    t.run_ok(start_fixture("three", {"-i", "3"}, {"sleep"}));
    t.wait_for("three", all_online(3), "three instances online");
    Result more = t.run(start_fixture("one-more", {}, {"sleep"}));
    CHECK(more.exit_code != 0);
    CHECK(contains(more.err, "a daemon runs at most 3"));
    Result scale = t.run({"scale", "three", "4"});
    CHECK(scale.exit_code != 0);
    CHECK(contains(scale.err, "1..3"));
}

TEST_CASE("a bad max_instances in config.json stops the daemon from starting with a clear error") {
    TendHome t(TendHome::Options::without_daemon());
    REQUIRE(::mkdir(t.home().c_str(), 0700) == 0);
    write_text(t.home() + "/config.json", "{\"max_instances\": 0}\n");
    Result r = t.run(start_fixture("x", {}, {"sleep"}));
    INFO("stderr: " << r.err);
    CHECK(r.exit_code != 0);
    CHECK(contains(r.err + read_file(t.home() + "/tendd.log"),
                   "'max_instances' must be a whole number 1..100000"));
}
