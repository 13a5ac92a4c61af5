// The sampler's pace with the real daemon: nobody watching, an app with
// max_memory_restart is still read each interval (and the others are not);
// a `tend monit` or the dashboard gets a fresh sample at once, never the
// idle interval's old one. The intervals are set so long (an hour) that
// only the behaviour under test can produce a sample within the deadline.
#include <doctest/doctest.h>

#include "harness.h"
#include "http_api_client.h"

using namespace tend::it;

// Named, not anonymous: the unity build puts test files together.
namespace idle_sampling {

bool online_with_pid(const json& insts) {
    return !insts.empty() && insts[0].value("status", "") == "online" &&
           insts[0].value("pid", 0) > 0;
}

// How many samples name's first instance has, from `tend jlist --history`
// (plain jlist leaves histories out; neither counts as someone watching).
std::size_t samples_of(TendHome& t, const std::string& name) {
    Result r = t.run_ok({"jlist", "--history"});
    for (const auto& inst : json::parse(r.out))
        if (inst.value("name", "") == name)
            return inst.value("memory_history", json::array()).size();
    return 0;
}

// A state event of a sampling round that has w's instance with a memory.
bool sampled_state(const json& event) {
    if (event.value("event", "") != "state" || !event["data"].value("sample", false)) return false;
    for (const auto& i : event["data"]["instances"])
        if (i.value("name", "") == "w" && i.value("memory", 0) > 0) return true;
    return false;
}

}  // namespace idle_sampling

using namespace idle_sampling;

TEST_CASE(
    "nobody watching: an app with max_memory_restart is still read each interval, "
    "the others not") {
    TendHome::Options o;
    o.daemon_args = {"--metrics-interval", "100", "--metrics-idle-interval", "3600000"};
    TendHome t(o);
    t.run_ok(start_fixture("quiet", {}, {"sleep"}));
    // A new instance is read once soon after it starts, then only once an hour.
    t.wait_for("quiet", online_with_pid, "quiet online");
    t.wait_until([&] { return samples_of(t, "quiet") >= 1; }, "quiet's first sample");
    t.run_ok(start_fixture("hog", {"--max-memory-restart", "40M", "--kill-timeout", "500"},
                           {"allocate", "80"}));
    json hog = t.wait_for(
        "hog", [](const json& i) { return online_with_pid(i) && i[0].value("restarts", 0) >= 1; },
        "hog restarted for its memory");
    CHECK(hog[0]["restart_reason"] == "memory");
    // hog was read at least twice in a row over its limit meanwhile; quiet not again.
    CHECK(samples_of(t, "quiet") == 1);
}

TEST_CASE("monit gets a fresh sample at once, not the idle interval's") {
    TendHome::Options o;
    o.daemon_args = {"--metrics-interval", "3600000"};
    TendHome t(o);
    t.run_ok(start_fixture("w", {}, {"sleep"}));
    t.wait_for("w", online_with_pid, "w online");
    CHECK(samples_of(t, "w") == 0);  // nothing read it yet: no sample for an hour

    auto client = t.connect();
    REQUIRE(client->send(R"({"v":1,"id":7,"cmd":"monit","args":{"tail_lines":0}})"
                         "\n"));
    auto first = client->read_line(5s);
    REQUIRE(first);
    REQUIRE(json::parse(*first)["ok"] == true);
    bool fresh = false;
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!fresh && std::chrono::steady_clock::now() < deadline) {
        auto line = client->read_line(2s);
        if (line) fresh = sampled_state(json::parse(*line));
    }
    CHECK(fresh);
}

TEST_CASE("the dashboard's poll gets a fresh sample at once, a plain list does not") {
    TendHome::Options o;
    o.daemon_args = {"--http", "127.0.0.1:0", "--metrics-interval", "3600000"};
    TendHome t(o);
    t.run_ok(start_fixture("w", {}, {"sleep"}));
    t.wait_for("w", online_with_pid, "w online");
    int port = http_port(t);
    // `tend jlist` and a list without history are not someone watching.
    CHECK(samples_of(t, "w") == 0);
    CHECK(http_call(port, "GET", "/api/v1/apps").status == 200);
    CHECK(samples_of(t, "w") == 0);
    // The dashboard polls with the history: the first poll starts a round at once.
    t.wait_until(
        [&] {
            HttpResult r = http_call(port, "GET", "/api/v1/apps?history=1");
            json insts = r.status == 200 ? r.json()["instances"] : json::array();
            return !insts.empty() && insts[0].value("memory", 0) > 0;
        },
        "a sample after the dashboard's poll");
}
