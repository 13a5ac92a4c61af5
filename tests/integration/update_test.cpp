// `tend update`: the daemon hands every app over to the tendd installed now,
// here a copy built as another version, and back; no app restarts, no log
// line is lost, and a CLI that meets a daemon of another version says to
// run `tend update`.
#include <doctest/doctest.h>

#include <filesystem>

#include "cluster_support.h"
#include "harness.h"
#include "http_client.h"
#include "survival_support.h"

namespace tend::it {
namespace {

// Replaces to with a copy of from at once (rename), as a package upgrade does.
void install(const std::string& from, const std::string& to) {
    std::filesystem::copy_file(from, to + ".new",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::rename(to + ".new", to);
}

}  // namespace

TEST_CASE("tend update hands every app to the tendd installed now, and back, restarting none") {
    TendHome t(TendHome::Options::without_daemon());
    std::string bin = t.scratch("bin");
    install(TEND_BIN, bin + "/tend");
    install(TENDD_BIN, bin + "/tendd");
    install(KEEPER_BIN, bin + "/tend-keeper");
    auto tend = [&](std::vector<std::string> args) {
        args.insert(args.begin(), bin + "/tend");
        return t.run_program(args, 30s);
    };
    std::vector<std::string> loud = start_fixture("loud", {}, {"numbered", "--pieces"});
    REQUIRE(tend(loud).exit_code == 0);
    REQUIRE(tend(start_fixture("sleepers", {"-i", "2"}, {"sleep"})).exit_code == 0);
    t.wait_for("sleepers", all_online(2), "sleepers online");
    std::string loud_log = t.instances("loud")[0]["out_log"];
    t.wait_until([&] { return check_numbered(loud_log).count > 1000; }, "loud writing");
    json before = kept_table(t.jlist());
    pid_t first = t.serving_pid();

    install(TENDD_NEXT_BIN, bin + "/tendd");
    Result up = tend({"update"});
    INFO(up.out << up.err);
    REQUIRE(up.exit_code == 0);
    CHECK(contains(up.out, "handed over to tendd " TENDD_NEXT_VERSION));
    CHECK(t.serving_pid() != first);
    Result other = tend({"list"});
    CHECK(other.exit_code != 0);
    CHECK(contains(other.err, "tend update"));
    for (const auto& [id, inst] : before.items()) CHECK(process_alive(inst["pid"].get<pid_t>()));

    install(TENDD_BIN, bin + "/tendd");
    Result back = tend({"update"});
    INFO(back.out << back.err);
    REQUIRE(back.exit_code == 0);
    CHECK(kept_table(t.jlist()) == before);

    long at_update = check_numbered(loud_log).last;
    t.wait_until([&] { return check_numbered(loud_log).last > at_update + 20000; },
                 "loud's lines after the updates");
    t.run_ok({"stop", "loud"});
    NumberedLines lines = check_numbered(loud_log);
    INFO("lines " << lines.count << ", duplicated " << lines.duplicated);
    CHECK(lines.first == 0);
    CHECK(lines.missing == 0);
    CHECK(lines.torn == 0);
    CHECK(lines.out_of_order == 0);
}

}  // namespace tend::it

namespace tend::it {

TEST_CASE("tend update under a closed-loop client on a Node cluster app fails no request") {
    TendHome t;
    t.run_ok(start_node("web", fixture_js("node_http.js"),
                        {"-i", "2", "--env", "PORT=0", "--env", "SAY_PORT=1"}));
    t.wait_for("web", all_online(2), "web online");
    std::string out = t.instances("web")[0]["out_log"];
    int port = std::stoi(words(t.wait_for_line(out, "listening ", "web's port")).at(1));
    json before = kept_table(t.instances("web"));
    ClosedLoopClient client(port);
    t.wait_until([&] { return client.ok() >= 50; }, "requests answered before");
    pid_t first = t.serving_pid();
    t.run_ok({"update"}, 30s);
    CHECK(t.serving_pid() != first);
    int ok_at_update = client.ok();
    t.wait_until([&] { return client.ok() >= ok_at_update + 200; }, "requests after the update");
    client.stop();
    CHECK(client.failed() == 0);
    CHECK(kept_table(t.instances("web")) == before);
}

}  // namespace tend::it
