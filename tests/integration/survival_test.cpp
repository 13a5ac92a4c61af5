// tendd is killable: a kill -9 of the serving daemon (an OOM kill, a crash)
// touches no app; tend-keeper starts a new tendd that adopts every
// instance where it was in its state machine, reads every pipe on from
// where the old one stopped, and handles what happened while none ran.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <csignal>

#include "cluster_support.h"
#include "harness.h"
#include "http_client.h"
#include "survival_support.h"

namespace tend::it {
namespace {

std::string out_log(TendHome& t, const std::string& name) {
    return t.instances(name)[0]["out_log"].get<std::string>();
}

}  // namespace

TEST_CASE("kill -9 of tendd: every app runs on, and the next tendd lists the same table") {
    TendHome t;
    t.run_ok(start_fixture("sleepers", {"-i", "2"}, {"sleep"}));
    t.run_ok(start_fixture("loud", {}, {"numbered", "--pieces"}));
    t.run_ok(start_fixture("stopped", {}, {"sleep"}));
    t.run_ok({"stop", "stopped"});
    // Exits at once and waits a minute before its restart: a pending deadline.
    t.run_ok(start_fixture("waiting", {"--restart-delay", "60000"}, {"exit", "3"}));
    t.wait_for(
        "waiting", [](const json& i) { return all_status(i, "waiting_restart"); },
        "waiting to restart");
    t.wait_for("sleepers", all_online(2), "sleepers online");
    std::string loud_log = out_log(t, "loud");
    t.wait_until([&] { return check_numbered(loud_log).count > 1000; }, "loud writing");

    json before = kept_table(t.jlist());
    pid_t first = t.serving_pid();
    kill_daemon_and_wait_for_next(t);
    json after_list = t.jlist();
    CHECK(kept_table(after_list) == before);
    CHECK(all_status(t.instances("waiting"), "waiting_restart"));
    CHECK(all_status(t.instances("stopped"), "stopped"));
    CHECK(all_status(t.instances("sleepers"), "online"));
    CHECK(process_alive(first) == false);

    // The loud app wrote on while no daemon read; the new one reads on.
    long at_kill = check_numbered(loud_log).last;
    t.wait_until([&] { return check_numbered(loud_log).last > at_kill + 20000; },
                 "loud's lines after the take-over");
    t.run_ok({"stop", "loud"});
    NumberedLines lines = check_numbered(loud_log);
    INFO("lines " << lines.count << ", last " << lines.last << ", duplicated " << lines.duplicated);
    CHECK(lines.first == 0);
    CHECK(lines.missing == 0);
    CHECK(lines.torn == 0);
    CHECK(lines.out_of_order == 0);
    CHECK(t.instances("loud")[0]["restarts"] == 0);
}

TEST_CASE("a merged, timestamped log of two loud instances loses no line through two kills") {
    TendHome t;
    t.run_ok(start_fixture("pair", {"-i", "2", "--merge-logs", "--time"},
                           {"numbered", "--pieces", "--pause-every", "20"}));
    t.wait_for("pair", all_online(2), "pair online");
    std::string log = out_log(t, "pair");
    for (int kill = 0; kill < 2; ++kill) {
        long at = check_numbered(log, "1").last;
        t.wait_until([&] { return check_numbered(log, "1").last > at + 5000; }, "pair writing");
        kill_daemon_and_wait_for_next(t);
    }
    long at = check_numbered(log, "0").last;
    t.wait_until([&] { return check_numbered(log, "0").last > at + 5000; }, "pair after");
    t.run_ok({"stop", "pair"});
    for (const char* instance : {"0", "1"}) {
        NumberedLines lines = check_numbered(log, instance);
        INFO("instance " << instance << ": lines " << lines.count << ", duplicated "
                         << lines.duplicated);
        CHECK(lines.first == 0);
        CHECK(lines.missing == 0);
        CHECK(lines.torn == 0);
        CHECK(lines.out_of_order == 0);
    }
}

TEST_CASE("an exit while no tendd runs is seen with its code and handled by the restart policy") {
    TendHome t;
    t.run_ok(start_fixture("quitter", {}, {"exit-on-usr1", "7"}));
    json inst = t.wait_for("quitter", all_online(1), "quitter online")[0];
    pid_t app = inst["pid"].get<pid_t>();
    pid_t keeper = t.daemon_pid();
    pid_t old_pid = t.serving_pid();
    // With the keeper stopped, nothing reaps or restarts: the gap is ours to time.
    REQUIRE(::kill(keeper, SIGSTOP) == 0);
    REQUIRE(::kill(old_pid, SIGKILL) == 0);
    REQUIRE(::kill(app, SIGUSR1) == 0);
    t.wait_until([&] { return !process_alive(app) && !process_alive(old_pid); },
                 "the app and the daemon ended");
    REQUIRE(::kill(keeper, SIGCONT) == 0);
    wait_for_new_daemon(t, old_pid);
    json again = t.wait_for(
        "quitter", [app](const json& i) { return all_status(i, "online") && i[0]["pid"] != app; },
        "quitter restarted by the new daemon")[0];
    CHECK(again["restarts"] == 1);
    CHECK(again["restart_reason"] == "exit_code");
    CHECK(again["exit_code"] == 7);
}

TEST_CASE("a stop under way when tendd dies is finished by the next one") {
    TendHome t;
    t.run_ok(start_fixture("stubborn", {"--kill-timeout", "1500"}, {"ignore-term"}));
    pid_t app = t.wait_for("stubborn", all_online(1), "online")[0]["pid"].get<pid_t>();
    t.remember_pid(app);
    auto stopping = t.stream({"stop", "stubborn"});
    t.wait_for(
        "stubborn", [](const json& i) { return all_status(i, "stopping"); }, "stopping");
    kill_daemon_and_wait_for_next(t);
    CHECK(t.instances("stubborn")[0]["pid"] == app);
    // SIGKILLed at the deadline the first daemon set.
    t.wait_for(
        "stubborn", [](const json& i) { return all_status(i, "stopped"); }, "stopped");
    CHECK_FALSE(process_alive(app));
}

// The client pauses for the kill itself: a kill that lands between tendd's
// accept() of a connection and its hand-off to a worker (microseconds)
// loses that connection, a risk docs/architecture.md names and
// bench/chaos.sh measures; a test must not depend on where it lands.
TEST_CASE("a Node cluster app serves, through a kill -9 of tendd, what came meanwhile") {
    TendHome t;
    t.run_ok(start_node("web", fixture_js("node_http.js"),
                        {"-i", "2", "--env", "PORT=0", "--env", "SAY_PORT=1"}));
    t.wait_for("web", all_online(2), "web online");
    std::string line = t.wait_for_line(out_log(t, "web"), "listening ", "web's port");
    int port = std::stoi(words(line).at(1));
    json before = kept_table(t.instances("web"));
    ClosedLoopClient before_kill(port);
    t.wait_until([&] { return before_kill.ok() >= 50; }, "requests answered before");
    before_kill.stop();
    pid_t old_pid = t.serving_pid();
    REQUIRE(::kill(old_pid, SIGKILL) == 0);
    // From now on no daemon may run: these wait in the backlog the keeper holds.
    ClosedLoopClient after_kill(port);
    wait_for_new_daemon(t, old_pid);
    t.wait_until([&] { return after_kill.ok() >= 200; }, "requests through the take-over");
    after_kill.stop();
    CHECK(before_kill.failed() == 0);
    CHECK(after_kill.failed() == 0);
    CHECK(kept_table(t.instances("web")) == before);
}

TEST_CASE("SIGHUP leaves tendd serving; SIGTERM to it stops every app and ends the keeper too") {
    TendHome t;
    t.run_ok(start_fixture("w", {}, {"sleep"}));
    pid_t app = t.wait_for("w", all_online(1), "online")[0]["pid"].get<pid_t>();
    pid_t serving = t.serving_pid();
    REQUIRE(::kill(serving, SIGHUP) == 0);
    t.run_ok({"ping"});
    CHECK(t.serving_pid() == serving);
    CHECK(process_alive(serving));
    REQUIRE(::kill(serving, SIGTERM) == 0);
    auto code = t.wait_daemon_exit(15s);
    REQUIRE(code);
    CHECK(*code == 0);
    CHECK_FALSE(process_alive(app));
    CHECK_FALSE(process_alive(serving));
}

TEST_CASE("two daemons never run one home: the keeper keeps the lock while no tendd serves") {
    TendHome t;
    pid_t keeper = t.daemon_pid();
    pid_t old_pid = t.serving_pid();
    REQUIRE(::kill(keeper, SIGSTOP) == 0);
    REQUIRE(::kill(old_pid, SIGKILL) == 0);
    t.wait_until([&] { return !process_alive(old_pid); }, "the daemon gone");
    Result second = t.run_program({TENDD_BIN, "--foreground"}, 10s);
    REQUIRE(::kill(keeper, SIGCONT) == 0);
    CHECK(second.exit_code == 1);
    CHECK(contains(second.err, "already running"));
    wait_for_new_daemon(t, old_pid);
    t.run_ok({"ping"});
}

TEST_CASE("tendd --serve run by hand, with no keeper, takes over nothing of its parent's") {
    TendHome t(TendHome::Options::without_daemon());
    pid_t sibling = spawn_command({fixture({"sleep"}), {}, ""}, -1, -1);
    pid_t daemon = spawn_command({{TENDD_BIN, "--serve"}, {"TEND_HOME=" + t.home()}, ""}, -1, -1);
    t.wait_until([&] { return t.run({"ping"}, 5s).exit_code == 0; }, "tendd --serve serving");
    CHECK(process_alive(sibling));
    t.run_ok({"kill"});
    CHECK(wait_child(daemon, 15s) == 0);
    kill_child(sibling);
}

}  // namespace tend::it
