// Metrics: CPU and memory summed over an instance's process group, the
// history jlist carries, --max-memory-restart with its recorded reason, the
// restart reasons describe shows, and monit's subscription on the socket.
#include <doctest/doctest.h>
#include <signal.h>

#include <algorithm>

#include "harness.h"

using namespace tend::it;

namespace {

// Sampling every 100 ms, watched or not, keeps these tests short; the maths
// is the same.
TendHome::Options fast_sampling() {
    TendHome::Options o;
    o.daemon_args = {"--metrics-interval", "100", "--metrics-idle-interval", "100"};
    return o;
}

// The history is left out of an instance's JSON until its first sample.
std::size_t history_size(const json& insts) {
    return insts[0].value("memory_history", json::array()).size();
}

bool first_online(const json& insts) {
    return !insts.empty() && insts[0].value("status", "") == "online" &&
           insts[0].value("pid", 0) > 0;
}

// The app's instances in `tend <list_command> --history`, or an empty array.
json history_instances(TendHome& t, const std::string& list_command, const std::string& name) {
    Result r = t.run({list_command, "--history"});
    json list = json::parse(r.out, nullptr, false);
    json found = json::array();
    if (r.exit_code != 0 || !list.is_array()) return found;
    for (const auto& inst : list)
        if (inst.is_object() && inst.value("name", "") == name) found.push_back(inst);
    return found;
}

// Polls `tend jlist --history` until predicate holds for the app's instances.
json wait_for_history(TendHome& t, const std::string& name,
                      const std::function<bool(const json&)>& predicate, const std::string& what,
                      Millis timeout = 15s) {
    json found;
    t.wait_until(
        [&] {
            found = history_instances(t, "jlist", name);
            return !found.empty() && predicate(found);
        },
        what, timeout);
    return found;
}

}  // namespace

TEST_CASE("cpu counts the whole process group: a busy child makes its sleeping parent busy") {
    TendHome t(fast_sampling());
    t.run_ok(start_fixture("hot", {}, {"busy-child"}));
    std::string child = t.wait_for_line(t.home() + "/logs/hot-out-0.log", "child ", "the child");
    t.remember_pid(std::stoi(child.substr(6)));
    // A spinning process gets well over 20% of a core even on a loaded 2-core machine.
    json insts = t.wait_for(
        "hot", [](const json& i) { return first_online(i) && i[0].value("cpu", 0.0) > 20.0; },
        "the instance's cpu above 20%");
    CHECK(insts[0]["memory"].get<std::int64_t>() > 0);
}

TEST_CASE("jlist --history carries each instance's cpu and memory history, at most 60 samples") {
    TendHome t(fast_sampling());
    t.run_ok(start_fixture("h", {}, {"sleep"}));
    json insts = wait_for_history(
        t, "h", [](const json& i) { return first_online(i) && history_size(i) >= 3; },
        "three samples in h's history");
    CHECK(insts[0]["cpu_history"].size() == insts[0]["memory_history"].size());
    for (const auto& m : insts[0]["memory_history"]) CHECK(m.get<std::int64_t>() >= 0);
    CHECK(insts[0]["memory_history"].back().get<std::int64_t>() > 0);

    wait_for_history(
        t, "h", [](const json& i) { return first_online(i) && history_size(i) == 60; },
        "a full history of 60 samples", 30s);
    // The next samples keep it at 60: wait for a newer last sample.
    json later = wait_for_history(
        t, "h",
        [](const json& i) { return first_online(i) && i[0]["uptime_ms"].get<int>() > 7000; },
        "more samples after the history filled", 30s);
    CHECK(later[0]["memory_history"].size() == 60);
    // `tend list` stays light: no history in its reply.
    Result list = t.run_ok({"ls"});
    CHECK(list.out.find("memory_history") == std::string::npos);
}

TEST_CASE("jlist leaves the histories out unless asked: --history, prettylist --history") {
    TendHome t(fast_sampling());
    t.run_ok(start_fixture("quiet", {}, {"sleep"}));
    wait_for_history(
        t, "quiet", [](const json& i) { return first_online(i) && history_size(i) >= 2; },
        "two samples in quiet's history");
    // As PM2's jlist: the current cpu and memory, no history.
    json plain = t.instances("quiet");
    REQUIRE(plain.size() == 1);
    CHECK(plain[0].contains("cpu"));
    CHECK(plain[0].contains("memory"));
    CHECK_FALSE(plain[0].contains("cpu_history"));
    CHECK_FALSE(plain[0].contains("memory_history"));
    json pretty = history_instances(t, "prettylist", "quiet");
    REQUIRE(pretty.size() == 1);
    CHECK(pretty[0]["cpu_history"].size() >= 2);
    CHECK(pretty[0]["memory_history"].size() >= 2);
}

TEST_CASE(
    "--max-memory-restart: an app that grows past the limit is restarted with reason memory") {
    TendHome t(fast_sampling());
    t.run_ok(start_fixture("hog", {"--max-memory-restart", "40M", "--kill-timeout", "500"},
                           {"allocate", "80"}));
    json insts = t.wait_for(
        "hog", [](const json& i) { return first_online(i) && i[0].value("restarts", 0) >= 1; },
        "hog restarted for its memory");
    CHECK(insts[0]["restart_reason"] == "memory");
    CHECK(insts[0]["restart_reason_detail"].get<std::string>().find("40.0mb") != std::string::npos);
    // A graceful stop: the default kill signal, not a crash.
    CHECK(insts[0]["exit_signal"] == "SIGINT");

    Result describe = t.run_ok({"describe", "hog"});
    INFO("describe:\n" << describe.out);
    CHECK(has_labeled_value(describe.out, {"max_memory_restart"}, "40.0mb"));
    CHECK(describe.out.find("last restart reason") != std::string::npos);
    CHECK(describe.out.find("memory (rss ") != std::string::npos);
}

TEST_CASE("a bad --max-memory-restart is a usage error") {
    TendHome t;
    Result r = t.run(start_fixture("x", {"--max-memory-restart", "lots"}, {"sleep"}));
    CHECK(r.exit_code == 2);
    CHECK(r.err ==
          "tend: error: --max-memory-restart: expected a size such as 200M, 1G or 512K, "
          "got 'lots'\n");
}

TEST_CASE("describe shows why an instance last restarted: user, signal, crash, exit code") {
    TendHome t;
    t.run_ok(start_fixture("u", {}, {"sleep"}));
    json first = t.wait_for("u", first_online, "u online");
    CHECK(first[0]["restart_reason"].is_null());

    t.run_ok({"restart", "u"});
    CHECK(t.instances("u")[0]["restart_reason"] == "user");

    int pid = t.wait_for("u", first_online, "u online again")[0]["pid"];
    REQUIRE(::kill(pid, SIGKILL) == 0);
    json killed = t.wait_for(
        "u", [pid](const json& i) { return first_online(i) && i[0]["pid"] != pid; }, "u respawned");
    CHECK(killed[0]["restart_reason"] == "signal");
    CHECK(killed[0]["restart_reason_detail"] == "signal SIGKILL");

    t.run_ok(start_fixture("c", {"--max-restarts", "1"}, {"crash"}));
    json crashed = t.wait_for(
        "c", [](const json& i) { return i[0].value("status", "") == "errored"; }, "c errored");
    CHECK(crashed[0]["restart_reason"] == "crash");
    CHECK(crashed[0]["restart_reason_detail"] == "signal SIGABRT");

    t.run_ok(start_fixture("e", {"--max-restarts", "1"}, {"exit", "3"}));
    json exited = t.wait_for(
        "e", [](const json& i) { return i[0].value("status", "") == "errored"; }, "e errored");
    CHECK(exited[0]["restart_reason"] == "exit_code");
    CHECK(exited[0]["restart_reason_detail"] == "exit code 3");
}

TEST_CASE(
    "monit's subscription: a snapshot with history and log tails, then state and log events") {
    TendHome t(fast_sampling());
    t.run_ok(start_fixture("w", {"-i", "2"}, {"sleep"}));
    t.wait_for(
        "w", [](const json& i) { return i.size() == 2 && i[1].value("memory", 0) > 0; },
        "w sampled");
    t.wait_for_line(t.home() + "/logs/w-out-1.log", "ready ", "instance 1's first line");

    auto client = t.connect();
    REQUIRE(client->send(R"({"v":1,"id":5,"cmd":"monit","args":{"tail_lines":10}})"
                         "\n"));
    auto first = client->read_line(5s);
    REQUIRE(first);
    json reply = json::parse(*first);
    REQUIRE(reply["ok"] == true);
    json snap = reply["result"];
    CHECK(snap["interval_ms"] == 100);
    REQUIRE(snap["instances"].size() == 2);
    CHECK_FALSE(snap["instances"][0]["memory_history"].empty());
    bool tail_has_ready = std::any_of(snap["tail"].begin(), snap["tail"].end(), [](const json& l) {
        return l["instance"] == 1 && l["line"].get<std::string>().rfind("ready ", 0) == 0;
    });
    CHECK(tail_has_ready);

    // A restart produces a new "ready" line and a state with restarts 1.
    t.run_ok({"restart", "w"});
    bool saw_log = false, saw_restart = false;
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!(saw_log && saw_restart) && std::chrono::steady_clock::now() < deadline) {
        auto line = client->read_line(2s);
        if (!line) break;
        json ev = json::parse(*line);
        CHECK(ev["id"] == 5);
        if (ev["event"] == "log" && ev["data"]["line"].get<std::string>().rfind("ready ", 0) == 0)
            saw_log = true;
        if (ev["event"] == "state")
            for (const auto& i : ev["data"]["instances"])
                if (i["restarts"] == 1 && i["status"] == "online") saw_restart = true;
    }
    CHECK(saw_log);
    CHECK(saw_restart);
}

TEST_CASE("monit caps live lines per instance and reports the rest as missed") {
    TendHome t;
    auto client = t.connect();
    REQUIRE(client->send(R"({"v":1,"id":1,"cmd":"monit","args":{"lines_per_second":10}})"
                         "\n"));
    REQUIRE(client->read_line(5s));
    t.run_ok(start_fixture("loud", {}, {"lines", "5000"}));
    int logs = 0;
    std::int64_t missed = 0;
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (missed == 0 && std::chrono::steady_clock::now() < deadline) {
        auto line = client->read_line(3s);
        if (!line) break;
        json ev = json::parse(*line);
        if (ev["event"] == "log") ++logs;
        if (ev["event"] == "missed") missed += ev["data"]["count"].get<std::int64_t>();
    }
    // A burst of twice the rate goes through, the rest is counted.
    CHECK(logs >= 1);
    CHECK(logs <= 40);
    CHECK(missed > 0);
}

TEST_CASE("monit rejects bad arguments and the daemon keeps serving") {
    TendHome t;
    std::string r = t.raw_socket_send(R"({"v":1,"id":2,"cmd":"monit","args":{"tail_lines":-1}})"
                                      "\n");
    CHECK(r.find("\"ok\":false") != std::string::npos);
    CHECK(r.find("tail_lines") != std::string::npos);
    t.run_ok({"ping"});
}
