// save, resurrect and cleardump: apps come back after `tend kill` with the
// same names, instance counts and options; a corrupt dump is refused with
// its action, and its backup still works.
#include <doctest/doctest.h>

#include <fstream>

#include "common/protocol.h"
#include "common/version.h"
#include "harness.h"

using namespace tend::it;

namespace {

// The daemon's spec of app name, through describe on the socket.
json spec_of(const TendHome& t, const std::string& name) {
    json request = {{"v", tend::kProtocolVersion},
                    {"version", tend::kVersion},
                    {"id", 1},
                    {"cmd", "describe"},
                    {"args", {{"targets", {name}}}}};
    json reply = json::parse(t.raw_socket_send(request.dump() + "\n"), nullptr, false);
    INFO("describe reply: " << reply.dump());
    REQUIRE(reply.value("ok", false));
    return reply["result"]["instances"].at(0).at("spec");
}

void kill_daemon(TendHome& t) {
    t.run_ok({"kill"});
    REQUIRE(t.wait_daemon_exit(15s).has_value());
}

}  // namespace

TEST_CASE(
    "save then kill then resurrect brings back the apps with their names, counts and options") {
    TendHome t;
    t.run_ok(start_fixture("w",
                           {"-i", "2", "--env", "GREETING=hi", "--kill-timeout", "4321",
                            "--max-memory-restart", "300M", "--stop-exit-codes", "0,3"},
                           {"sleep"}));
    t.run_ok(start_fixture("solo", {"--no-autorestart"}, {"sleep"}));
    t.wait_for("w", all_online(2), "w online");
    t.run_ok({"scale", "w", "3"});
    t.wait_for("w", all_online(3), "w scaled to 3");
    t.wait_for("solo", all_online(1), "solo online");
    json w_before = spec_of(t, "w"), solo_before = spec_of(t, "solo");

    Result saved = t.run_ok({"save"});
    CHECK(saved.out == "[tend] saved 2 app(s) to " + t.home() + "/dump.json\n");
    kill_daemon(t);

    Result back = t.run_ok({"resurrect"});
    CHECK(back.out.find("[tend] resurrected 'w'\n[tend] resurrected 'solo'\n") == 0);
    t.wait_for("w", all_online(3), "3 instances of w resurrected");
    t.wait_for("solo", all_online(1), "solo resurrected");
    CHECK(t.jlist()[0]["name"] == "w");
    CHECK(spec_of(t, "w") == w_before);
    CHECK(spec_of(t, "solo") == solo_before);
    CHECK(spec_of(t, "w")["instances"] == 3);
    CHECK(spec_of(t, "w")["kill_timeout"] == 4321);
    CHECK(spec_of(t, "w")["env"]["GREETING"] == "hi");
    CHECK(spec_of(t, "solo")["autorestart"] == false);

    Result twice = t.run_ok({"resurrect"});
    CHECK(twice.out.find("[tend] 'w' is already running, left as it is\n") == 0);
    CHECK(t.instances("w").size() == 3);
}

TEST_CASE("a corrupt dump is refused with its action, and resurrect --from-backup uses the .bak") {
    TendHome t;
    t.run_ok(start_fixture("a", {}, {"sleep"}));
    t.run_ok({"save"});
    t.run_ok(start_fixture("b", {}, {"sleep"}));
    t.run_ok({"save"});
    std::string dump = t.home() + "/dump.json";
    std::string text = read_file(dump);
    std::ofstream(dump, std::ios::trunc) << text.substr(0, text.size() / 2);  // cut short

    Result bad = t.run({"resurrect"});
    CHECK(bad.exit_code == 1);
    CHECK(
        bad.err ==
        "tend: error: dump.json is corrupt (not valid JSON): run 'tend resurrect --from-backup'\n");

    t.run_ok({"delete", "all"});
    Result backup = t.run_ok({"resurrect", "--from-backup"});
    CHECK(backup.out.find("[tend] resurrected 'a'\n") == 0);
    t.wait_for("a", all_online(1), "a back from the backup");
    CHECK(t.jlist().size() == 1);
}

TEST_CASE("cleardump empties the dump, so resurrect starts nothing") {
    TendHome t;
    t.run_ok(start_fixture("a", {}, {"sleep"}));
    t.run_ok({"save"});
    Result cleared = t.run_ok({"cleardump"});
    CHECK(cleared.out == "[tend] emptied " + t.home() + "/dump.json\n");
    t.run_ok({"delete", "all"});
    t.run_ok({"resurrect"});
    CHECK(t.jlist().empty());
    CHECK(json::parse(read_file(t.home() + "/dump.json"))["apps"].empty());
}
