// The control socket under abuse: garbage, wrong types, unknown commands,
// oversized lines and clients that hang up mid-request each get an error (or
// are dropped) while the daemon keeps serving with its table intact.
#include <doctest/doctest.h>

#include <set>
#include <tuple>

#include "common/version.h"
#include "harness.h"

using namespace tend::it;

namespace {

using Row = std::tuple<int, std::string, int, int, std::string>;

json parse_reply(const std::string& line) {
    INFO("reply line: '" << line << "'");
    json j = json::parse(line, nullptr, false);
    REQUIRE(j.is_object());
    return j;
}

void check_error_reply(const std::string& line, const std::string& code) {
    json reply = parse_reply(line);
    INFO("reply: " << line);
    CHECK(reply.value("ok", true) == false);
    REQUIRE(reply.contains("error"));
    CHECK(reply["error"].value("code", "") == code);
    CHECK_FALSE(reply["error"].value("message", "").empty());
}

// What must not change: each instance's id, name, index, pid and status.
std::set<Row> table(const json& list) {
    std::set<Row> rows;
    for (const auto& i : list)
        rows.emplace(i.value("id", -1), i.value("name", ""), i.value("instance", -1),
                     i.value("pid", 0), i.value("status", ""));
    return rows;
}

std::set<Row> start_two_sleepers(TendHome& t) {
    t.run_ok(start_fixture("w", {"-i", "2"}, {"sleep"}));
    json insts = t.wait_for(
        "w",
        [](const json& is) {
            return is.size() == 2 && all_status(is, "online") && is[0].value("pid", 0) > 0 &&
                   is[1].value("pid", 0) > 0;
        },
        "2 instances of w online");
    return table(insts);
}

}  // namespace

TEST_CASE("a well-formed raw request gets a reply with its id") {
    TendHome t;
    json reply = parse_reply(t.raw_socket_send(request_line(41, "ping", json::object())));
    CHECK(reply["id"] == 41);
    CHECK(reply["ok"] == true);
    CHECK(reply["result"]["pid"] == t.serving_pid());
}

TEST_CASE("garbage on the socket gets error replies and the table stays intact") {
    TendHome t;
    auto before = start_two_sleepers(t);

    check_error_reply(t.raw_socket_send("this is not json\n"), "bad_json");
    check_error_reply(t.raw_socket_send("[1,2,3]\n"), "bad_request");
    check_error_reply(t.raw_socket_send(R"({"v":1,"id":"seven","cmd":"list"})"
                                        "\n"),
                      "bad_request");
    std::string stop_reply = t.raw_socket_send(request_line(4, "stop", {{"targets", 42}}));
    check_error_reply(stop_reply, "bad_request");
    CHECK(parse_reply(stop_reply)["id"] == 4);
    std::string unknown_reply = t.raw_socket_send(request_line(5, "frobnicate", json::object()));
    check_error_reply(unknown_reply, "unknown_command");
    CHECK(parse_reply(unknown_reply)["id"] == 5);
    json bad_spec = {{"spec", {{"name", "x"}, {"script", FIXTURE_BIN}, {"instances", "many"}}}};
    check_error_reply(t.raw_socket_send(request_line(6, "start", bad_spec)), "bad_request");
    json huge_scale = {{"name", "w"}, {"count", 2147483647}, {"relative", true}};
    check_error_reply(t.raw_socket_send(request_line(7, "scale", huge_scale)), "bad_request");
    check_error_reply(t.raw_socket_send(request_line(8, "scale", {{"name", "w"}})), "bad_request");
    check_error_reply(t.raw_socket_send(request_line(9, "send", {{"targets", {"w"}}})),
                      "bad_request");
    check_error_reply(t.raw_socket_send(request_line(10, "monit", {{"lines_per_second", -1}})),
                      "bad_request");

    Result list = t.run_ok({"list"});
    CHECK(contains(list.out, "w"));
    CHECK(table(t.jlist()) == before);
}

TEST_CASE("a 10 MiB request line, with or without its newline, leaves the daemon serving") {
    TendHome t;
    auto before = start_two_sleepers(t);

    for (bool newline : {false, true}) {
        CAPTURE(newline);
        auto client = t.connect();
        std::string huge(10u << 20, 'a');
        if (newline) huge.back() = '\n';
        client->send(huge);  // may stop early: the daemon may drop us past the limit
        if (auto reply = client->read_line(5s)) check_error_reply(*reply, "line_too_long");
    }

    t.run_ok({"ping"});
    CHECK(table(t.jlist()) == before);
}

TEST_CASE("clients that hang up mid-request or stay silent do not stop the daemon serving") {
    TendHome t;
    auto before = start_two_sleepers(t);

    auto silent = t.connect();
    {
        auto half = t.connect();
        half->send(R"({"v":1,"id":9,"cmd":"li)");
    }
    Result list = t.run_ok({"list"}, 10s);
    CHECK(contains(list.out, "w"));
    CHECK(table(t.jlist()) == before);
}
