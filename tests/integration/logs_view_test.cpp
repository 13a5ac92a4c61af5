// What `tend logs` shows: instances by index across daemon runs, merged
// logs under their app, stdout and stderr in written order, a filter that
// matches nothing, following before any app runs, archives, --since, --grep.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <fstream>

#include "harness.h"

using namespace tend::it;

namespace {

// stdout of `tend logs`, blank lines dropped.
std::vector<std::string> shown(const Result& r) {
    auto lines = split_lines(r.out);
    lines.erase(std::remove(lines.begin(), lines.end(), ""), lines.end());
    return lines;
}

// `start` args for an app that alternates stdout and stderr lines.
std::vector<std::string> alternating(const TendHome& t, const std::string& name, int count,
                                     const std::string& tag, std::vector<std::string> options) {
    std::string logs = t.home() + "/logs/" + name;
    return start_fixture(
        name, std::move(options),
        {"alternate", std::to_string(count), logs + "-out-%i.log", logs + "-err-%i.log", tag});
}

void wait_done(TendHome& t, const std::string& path, const std::string& done) {
    t.wait_for_line(path, done, "'" + done + "' in " + path);
}

// A raw `logs` follower of targets (extra args merged in), past its reply:
// from then on it gets every matching line.
std::unique_ptr<RawClient> follow_raw(const TendHome& t, const json& targets, const json& extra) {
    auto client = t.connect();
    json args = {{"targets", targets}, {"lines", 0}, {"follow", true}};
    args.update(extra);
    REQUIRE(client->send(request_line(1, "logs", args)));
    for (;;) {
        auto line = client->read_line(10s);
        REQUIRE(line.has_value());
        json message = json::parse(*line);
        if (message.contains("event")) continue;  // a warning before the reply
        INFO("reply: " << *line);
        REQUIRE(message.value("ok", false));
        return client;
    }
}

// The text of the next "log" event.
std::string next_log_line(RawClient& client) {
    for (;;) {
        auto line = client.read_line(10s);
        if (!line) return "(no line within 10 s)";
        json message = json::parse(*line);
        if (message.value("event", "") == "log") return message["data"].value("line", "");
    }
}

void kill_daemon(TendHome& t) {
    t.run_ok({"kill"});
    t.wait_until([&] { return t.serving_pid() == 0 || ::kill(t.serving_pid(), 0) != 0; },
                 "the daemon gone after tend kill");
}

void write_gzip_file(const std::string& path, const std::string& text) {
    gzFile file = gzopen(path.c_str(), "wb");
    REQUIRE(file != nullptr);
    REQUIRE(gzwrite(file, text.data(), static_cast<unsigned>(text.size())) ==
            static_cast<int>(text.size()));
    REQUIRE(gzclose(file) == Z_OK);
}

void set_file_mtime(const std::string& path, std::time_t seconds) {
    struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
    REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

}  // namespace

TEST_CASE("logs --instance N is exact across tend kill and a fresh start where ids shift") {
    TendHome t;
    t.run_ok(alternating(t, "web", 1, "first", {"-i", "2"}));
    wait_done(t, t.home() + "/logs/web-out-0.log", "first 0 done");
    wait_done(t, t.home() + "/logs/web-out-1.log", "first 1 done");
    kill_daemon(t);

    // A fresh daemon: "other" takes id 0, so web's instances get ids 1 and 2.
    t.run_ok(start_fixture("other", {}, {"sleep"}));
    t.wait_for("other", all_online(1), "other online");
    t.run_ok(alternating(t, "web", 1, "second", {"-i", "2"}));
    json web = t.wait_for("web", all_online(2), "web online");
    CHECK(web[0]["id"].get<int>() != 0);
    CHECK(web[0]["out_log"] == t.home() + "/logs/web-out-0.log");
    wait_done(t, t.home() + "/logs/web-out-0.log", "second 0 done");

    Result r = t.run_ok({"logs", "web", "--instance", "0", "--nostream", "--raw"});
    INFO("tend logs printed:\n" << r.out << r.err);
    // The first daemon's lines predate this one's marks: stream blocks.
    CHECK(shown(r) == std::vector<std::string>{"first 0 out 0", "first 0 done", "first 0 err 0",
                                               "second 0 out 0", "second 0 err 0",
                                               "second 0 done"});
}

TEST_CASE("logs shows stdout and stderr in the order written; --lines counts both") {
    TendHome t;
    t.run_ok(alternating(t, "alt", 4, "a", {}));
    json alt = t.wait_for("alt", all_online(1), "alt online");
    wait_done(t, t.home() + "/logs/alt-out-0.log", "a 0 done");
    std::string p = std::to_string(alt[0]["id"].get<int>()) + "|alt| ";
    Result r = t.run_ok({"logs", "alt", "--lines", "4", "--nostream"});
    INFO("tend logs printed:\n" << r.out << r.err);
    CHECK(shown(r) == std::vector<std::string>{p + "a 0 err 2", p + "a 0 out 3", p + "a 0 err 3",
                                               p + "a 0 done"});
}

TEST_CASE("merged logs show their past lines under the app, never as one instance's") {
    TendHome t;
    t.run_ok(start_fixture("m", {"-i", "2", "--merge-logs"}, {"lines", "2", "--width", "0"}));
    json m = t.wait_for("m", all_online(2), "m online");
    std::string out = m[0]["out_log"];
    t.wait_until([&] { return whole_lines(out).size() == 4; }, "4 lines in " + out);
    Result all = t.run_ok({"logs", "m", "--nostream", "--out"});
    auto lines = shown(all);
    CHECK(lines.size() == 4);
    for (const auto& line : lines) CHECK(line.rfind("-|m| ", 0) == 0);

    Result one = t.run_ok({"logs", "m", "--instance", "1", "--nostream"});
    CHECK(shown(one).empty());
    CHECK(contains(one.err, "merged logs cannot be told apart"));
}

TEST_CASE("a filter that matches nothing says so: an error with --nostream") {
    TendHome t;
    t.run_ok(start_fixture("w", {"-i", "2"}, {"sleep"}));
    t.wait_for("w", all_online(2), "w online");
    Result r = t.run({"logs", "--instance", "5", "--nostream"});
    CHECK(r.exit_code != 0);
    CHECK(contains(r.err, "no instance 5"));
    Result named = t.run({"logs", "w", "--instance", "5", "--nostream"});
    CHECK(named.exit_code != 0);
    CHECK(contains(named.err, "no instance 5 of 'w'"));

    // Following, it says so and waits.
    auto client = t.connect();
    json args = {{"targets", {"w"}}, {"instance", 5}, {"lines", 5}, {"follow", true}};
    REQUIRE(client->send(request_line(1, "logs", args)));
    auto first = client->read_line(10s);
    REQUIRE(first.has_value());
    json event = json::parse(*first);
    CHECK(event.value("event", "") == "warning");
    CHECK(contains(event.dump(), "no instance 5 of 'w'; waiting"));
    auto reply = client->read_line(10s);
    REQUIRE(reply.has_value());
    CHECK(json::parse(*reply).value("ok", false));
}

TEST_CASE("logs before any app runs waits, then shows the app's lines once it starts") {
    TendHome t;
    auto everything = follow_raw(t, json::array(), json::object());
    auto named = follow_raw(t, {"later"}, json::object());
    t.run_ok(start_fixture("later", {}, {"sleep"}));
    json later = t.wait_for("later", all_online(1), "later online");
    std::string ready = "ready " + std::to_string(later[0]["pid"].get<int>());
    CHECK(next_log_line(*named) == ready);
    CHECK(next_log_line(*everything) == ready);

    // The CLI prints them the same way.
    auto cli = t.stream({"logs", "later2", "--raw"});
    t.run_ok(start_fixture("later2", {}, {"sleep"}));
    json later2 = t.wait_for("later2", all_online(1), "later2 online");
    std::vector<std::string> seen;
    // later2 may have started before the CLI subscribed: then its line is in
    // the tail instead. Either way it is printed.
    CHECK(cli->read_until("ready " + std::to_string(later2[0]["pid"].get<int>()), 10s, seen));
    cli->kill();
}

TEST_CASE("logs --lines reads back through plain and gzip archives, newest first") {
    TendHome t;
    std::string logs = t.home() + "/logs";
    t.run_ok(start_fixture("arc", {}, {"lines", "2", "--width", "0"}));
    t.wait_for("arc", all_online(1), "arc online");
    t.wait_until([&] { return whole_lines(logs + "/arc-out-0.log").size() == 2; },
                 "2 lines in arc-out-0.log");
    std::ofstream(logs + "/arc-out-0__2026-01-02_00-00-00.log") << "newer 1\nnewer 2\n";
    write_gzip_file(logs + "/arc-out-0__2026-01-01_00-00-00.log.gz", "older 1\nolder 2\n");
    set_file_mtime(logs + "/arc-out-0__2026-01-02_00-00-00.log", 1'767'312'000);
    set_file_mtime(logs + "/arc-out-0__2026-01-01_00-00-00.log.gz", 1'767'225'600);
    Result r = t.run_ok({"logs", "arc", "--out", "--lines", "500", "--nostream", "--raw"});
    CHECK(shown(r) ==
          std::vector<std::string>{"older 1", "older 2", "newer 1", "newer 2", "0 0", "0 1"});
    Result three = t.run_ok({"logs", "arc", "--out", "--lines", "3", "--nostream", "--raw"});
    CHECK(shown(three) == std::vector<std::string>{"newer 2", "0 0", "0 1"});
}

TEST_CASE("logs --grep filters the tail and followed lines in the daemon; a bad one is refused") {
    TendHome t;
    t.run_ok(alternating(t, "g", 3, "g", {}));
    wait_done(t, t.home() + "/logs/g-out-0.log", "g 0 done");
    Result r = t.run_ok({"logs", "g", "--grep", "err [02]$", "--nostream", "--raw"});
    CHECK(shown(r) == std::vector<std::string>{"g 0 err 0", "g 0 err 2"});

    Result bad = t.run({"logs", "g", "--grep", "(a+)\\1", "--nostream"});
    CHECK(bad.exit_code != 0);
    CHECK(contains(bad.err, "back-references"));
    CHECK(split_lines(bad.err).size() <= 2);
    Result unbalanced = t.run({"logs", "g", "--grep", "(x", "--nostream"});
    CHECK(unbalanced.exit_code != 0);
    CHECK(contains(unbalanced.err, "invalid --grep pattern"));

    // Followed lines: only the matching one reaches the follower.
    auto follower = follow_raw(t, {"w2"}, {{"grep", "^TEND_APP_NAME="}});
    t.run_ok(start_fixture("w2", {}, {"env"}));
    // env mode prints TEND_ID=, TEND_INSTANCE=... first: they are left out.
    CHECK(next_log_line(*follower) == "TEND_APP_NAME=w2");
}

TEST_CASE("logs --since leaves out lines captured before, by the daemon's own clock") {
    TendHome t;
    std::string logs = t.home() + "/logs";
    // A line from before this daemon: a file it has never opened.
    ::mkdir(logs.c_str(), 0700);
    std::ofstream(logs + "/s-out-0.log") << "from last year\n";
    set_file_mtime(logs + "/s-out-0.log", 1'700'000'000);
    t.run_ok(start_fixture("s", {}, {"sleep"}));
    json s = t.wait_for("s", all_online(1), "s online");
    std::string ready = "ready " + std::to_string(s[0]["pid"].get<int>());
    t.wait_for_line(logs + "/s-out-0.log", "ready ", "s ready");
    Result recent = t.run_ok({"logs", "s", "--since", "1h", "--nostream", "--raw"});
    INFO("tend logs printed:\n" << recent.out << recent.err);
    CHECK(shown(recent) == std::vector<std::string>{ready});
    Result all = t.run_ok({"logs", "s", "--since", "2020-01-01T00:00", "--nostream", "--raw"});
    CHECK(shown(all) == std::vector<std::string>{"from last year", ready});
    Result bad = t.run({"logs", "s", "--since", "yesterday", "--nostream"});
    CHECK(bad.exit_code == 2);
    CHECK(contains(bad.err, "--since"));
}

TEST_CASE("logs refuses a since_ms out of range in one line") {
    TendHome t;
    json args = {{"targets", json::array()}, {"lines", 5}, {"since_ms", -1}};
    json reply = json::parse(t.raw_socket_send(request_line(1, "logs", args)));
    CHECK(reply.value("ok", true) == false);
    CHECK(contains(reply.dump(), "since_ms"));
    json grep_args = {{"targets", json::array()}, {"lines", 5}, {"grep", "a\\1"}};
    json grep_reply = json::parse(t.raw_socket_send(request_line(2, "logs", grep_args)));
    CHECK(grep_reply.value("ok", true) == false);
    t.run_ok({"list"});  // the daemon carries on
}

TEST_CASE("logs refuses a grep or since_ms of the wrong type in one line") {
    TendHome t;
    for (json bad : {json{{"grep", 5}}, json{{"since_ms", "soon"}}, json{{"grep", {1, 2}}}}) {
        json args = {{"targets", json::array()}, {"lines", 5}};
        args.update(bad);
        std::string reply_text = t.raw_socket_send(request_line(1, "logs", args));
        INFO("reply: " << reply_text);
        json reply = json::parse(reply_text, nullptr, false);
        CHECK(reply.value("ok", true) == false);
        CHECK(contains(reply_text, "bad arguments"));
    }
    t.run_ok({"list"});  // the daemon carries on
}
