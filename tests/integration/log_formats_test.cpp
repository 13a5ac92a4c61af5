// Log line formats: `--log-type json` (one object per line, read back by
// `tend logs`), `--log-date-format` prefixes, `tend logs --json` for both
// kinds of file, the ecosystem keys, and a format kept through a daemon kill.
#include <doctest/doctest.h>

#include <fstream>
#include <regex>

#include "harness.h"
#include "survival_support.h"

using namespace tend::it;

namespace {

// What the shell app prints on stdout: a quoted word, a line of JSON, an
// empty line, a tab and a backslash; then "oops" on stderr.
const std::vector<std::string> kPrinted{R"(hello "you")", R"({"level":"info","n":1})", "",
                                        "tab\there \\ back"};

// `tend start /bin/sh` running script, with options.
std::vector<std::string> start_shell(const std::string& name, std::vector<std::string> options,
                                     const std::string& script) {
    std::vector<std::string> args{"start", "/bin/sh", "--name", name, "--interpreter", "none"};
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), {"--", "-c", script});
    return args;
}

// Prints kPrinted and "oops", then sleeps.
const std::string kPrintScript =
    R"(printf '%s\n' 'hello "you"' '{"level":"info","n":1}' ''; printf 'tab\there \\ back\n'; )"
    R"(echo oops >&2; exec sleep 1000)";

std::size_t whole_line_count(const std::string& path) {
    return whole_lines(path).size();
}

json parse_object(const std::string& line) {
    json j = json::parse(line, nullptr, false);
    INFO("line: " << line);
    REQUIRE(j.is_object());
    return j;
}

const std::regex kIsoUtcMs(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");

// The messages of JSON lines, after checking each one's other fields.
std::vector<std::string> json_messages(const std::vector<std::string>& lines, const json& inst,
                                       const std::string& stream) {
    std::vector<std::string> messages;
    for (const auto& line : lines) {
        json j = parse_object(line);
        CHECK(j["app"] == inst["name"]);
        CHECK(j["id"] == inst["id"]);
        CHECK(j["instance"] == inst["instance"]);
        CHECK(j["stream"] == stream);
        REQUIRE(j["message"].is_string());
        messages.push_back(j["message"]);
    }
    return messages;
}

}  // namespace

TEST_CASE("--log-type json stores one object per line, and tend logs gives back the messages") {
    TendHome t;
    t.run_ok(start_shell("j", {"--log-type", "json"}, kPrintScript));
    json inst = t.wait_for("j", all_online(1), "j online")[0];
    std::string out = inst["out_log"], err = inst["err_log"];
    t.wait_until([&] { return whole_line_count(out) == kPrinted.size(); }, "4 lines in " + out);
    t.wait_until([&] { return whole_line_count(err) == 1; }, "1 line in " + err);

    CHECK(json_messages(whole_lines(out), inst, "out") == kPrinted);
    CHECK(json_messages(whole_lines(err), inst, "err") == std::vector<std::string>{"oops"});
    for (const auto& line : whole_lines(out)) {
        std::string time = parse_object(line)["time"];
        CHECK(std::regex_match(time, kIsoUtcMs));
    }
    // The printed JSON line stays JSON: parse the outer object, then its message.
    json inner = json::parse(parse_object(whole_lines(out)[1])["message"].get<std::string>());
    CHECK(inner["level"] == "info");

    // Plain `tend logs` prints the messages, not the stored objects.
    Result raw = t.run_ok({"logs", "j", "--nostream", "--raw", "--out"});
    CHECK(split_lines(raw.out) == kPrinted);

    // --json: one object per line, the message not wrapped twice, its time kept.
    Result js = t.run_ok({"logs", "j", "--nostream", "--json", "--out"});
    std::vector<std::string> lines = split_lines(js.out);
    CHECK(json_messages(lines, inst, "out") == kPrinted);
    for (const auto& line : lines) {
        json j = parse_object(line);
        REQUIRE(j["time"].is_string());
        CHECK(std::regex_match(j["time"].get<std::string>(), kIsoUtcMs));
    }
    CHECK(lines[0].starts_with(R"({"time":)"));
}

TEST_CASE("tend logs --json prints a text log's lines as objects too") {
    TendHome t;
    t.run_ok(start_shell("plain", {}, kPrintScript));
    json inst = t.wait_for("plain", all_online(1), "plain online")[0];
    std::string out = inst["out_log"], err = inst["err_log"];
    t.wait_until([&] { return whole_line_count(out) == kPrinted.size(); }, "4 lines in " + out);
    t.wait_until([&] { return whole_line_count(err) == 1; }, "1 line in " + err);
    CHECK(whole_lines(out) == kPrinted);  // stored as printed

    Result js = t.run_ok({"logs", "plain", "--nostream", "--json"});
    std::vector<std::string> lines = split_lines(js.out);
    REQUIRE(lines.size() == kPrinted.size() + 1);
    std::vector<std::string> out_lines(lines.begin(), lines.begin() + 4);
    CHECK(json_messages(out_lines, inst, "out") == kPrinted);
    CHECK(json_messages({lines[4]}, inst, "err") == std::vector<std::string>{"oops"});
    CHECK(parse_object(lines[0])["time"].is_null());  // a text line's time is not known
}

TEST_CASE("--log-date-format prefixes each line with its capture time, moment or strftime") {
    TendHome t;
    t.run_ok(start_fixture("m", {"--log-date-format", "YYYY-MM-DD HH:mm:ss.SSS"},
                           {"lines", "3", "--width", "4"}));
    t.run_ok(start_fixture("s", {"--log-date-format", "%H:%M:%S.%L [%z]", "--log-date-utc"},
                           {"lines", "3", "--width", "4"}));
    std::string m = t.wait_for("m", all_online(1), "m online")[0]["out_log"];
    std::string s = t.wait_for("s", all_online(1), "s online")[0]["out_log"];
    t.wait_until([&] { return whole_line_count(m) == 3; }, "3 lines in " + m);
    t.wait_until([&] { return whole_line_count(s) == 3; }, "3 lines in " + s);
    std::regex moment(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}: 0 [0-2] xxxx)");
    std::regex strftime(R"(\d\d:\d\d:\d\d\.\d{3} \[\+0000\]: 0 [0-2] xxxx)");
    for (const auto& line : whole_lines(m)) CHECK_MESSAGE(std::regex_match(line, moment), line);
    for (const auto& line : whole_lines(s)) CHECK_MESSAGE(std::regex_match(line, strftime), line);

    Result bad = t.run(start_fixture("bad", {"--log-date-format", "MMM D"}, {"sleep"}));
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("tend: error: --log-date-format: unknown token 'MMM'") == 0);
    Result type = t.run(start_fixture("bad", {"--log-type", "xml"}, {"sleep"}));
    CHECK(type.exit_code == 2);
    CHECK(type.err == "tend: error: --log-type: expected 'text' or 'json', got 'xml'\n");
}

TEST_CASE("an ecosystem file's log_type, log_date_format and log_date_utc") {
    TendHome t;
    std::string file = t.scratch("eco") + "/apps.json";
    json a = {{"name", "a"},           {"script", FIXTURE_BIN},
              {"interpreter", "none"}, {"args", {"lines", "2", "--width", "4"}},
              {"log_type", "json"},    {"log_date_format", "YYYY/MM/DD HH:mm:ss.SSS Z"},
              {"log_date_utc", true}};
    json b = a;
    b["name"] = "b";
    b.erase("log_type");
    b["log_date_format"] = "[at] HH:mm";
    { std::ofstream(file) << json{{"apps", {a, b}}}.dump(); }
    Result r = t.run_ok({"start", file});
    CHECK(r.err.empty());
    json ia = t.wait_for("a", all_online(1), "a online")[0];
    std::string b_out = t.wait_for("b", all_online(1), "b online")[0]["out_log"];
    std::string a_out = ia["out_log"];
    t.wait_until([&] { return whole_line_count(a_out) == 2; }, "2 lines in " + a_out);
    t.wait_until([&] { return whole_line_count(b_out) == 2; }, "2 lines in " + b_out);
    CHECK(json_messages(whole_lines(a_out), ia, "out") ==
          std::vector<std::string>{"0 0 xxxx", "0 1 xxxx"});
    std::regex utc(R"(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{3} \+00:00)");
    for (const auto& line : whole_lines(a_out))
        CHECK(std::regex_match(parse_object(line)["time"].get<std::string>(), utc));
    std::regex at(R"(at \d\d:\d\d: 0 [01] xxxx)");
    for (const auto& line : whole_lines(b_out)) CHECK_MESSAGE(std::regex_match(line, at), line);
    Result described = t.run_ok({"describe", "a"});
    CHECK(has_labeled_value(described.out, {"log", "type"}, "json"));
}

TEST_CASE("a JSON log stays JSON after the daemon is killed and the next one adopts the app") {
    TendHome t;
    t.run_ok(start_shell("tick", {"--log-type", "json"},
                         "i=0; while :; do echo \"tick $i\"; i=$((i+1)); sleep 0.02; done"));
    std::string out = t.wait_for("tick", all_online(1), "tick online")[0]["out_log"];
    t.wait_until([&] { return whole_line_count(out) >= 5; }, "tick writing");
    kill_daemon_and_wait_for_next(t);
    std::size_t after = whole_line_count(out) + 10;
    t.wait_until([&] { return whole_line_count(out) >= after; }, "tick writing after the kill");
    t.run_ok({"stop", "tick"});
    long last = -1;
    for (const auto& line : whole_lines(out)) {
        json j = parse_object(line);
        std::string message = j["message"];
        REQUIRE(message.starts_with("tick "));
        long n = std::stol(message.substr(5));
        CHECK(n <= last + 1);  // a kill may write the last run twice, never skip
        last = std::max(last, n);
    }
}
