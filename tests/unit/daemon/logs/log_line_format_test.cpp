// Formatted log lines: time prefixes, JSON lines that stay valid JSON
// whatever the app wrote, and the way back from a stored JSON line.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "common/json_limits.h"
#include "daemon/logs/log_line_format.h"

using namespace tend;

namespace {

// 2026-11-23T18:59:01.123Z.
constexpr std::int64_t kLineMs = 1795460341123;

std::string escaped(std::string_view s) {
    std::string out;
    append_json_chars(out, s);
    return out;
}

// One stored line, as the pipe reader writes it.
std::string stored(LineFormatter& f, std::string_view line, std::int64_t ms = kLineMs,
                   bool split = false) {
    std::string out(f.prefix(ms));
    out.append(f.body(line));
    out.append(f.ending(split));
    return out;
}

LogFormat json_format() {
    LogOptions logs;
    logs.log_type = "json";
    return log_format_of(logs);
}

const LineOrigin kOrigin{"api", 7, 2, "err"};

}  // namespace

TEST_CASE("json chars: quotes, backslashes and control characters are escaped") {
    CHECK(escaped("plain text") == "plain text");
    CHECK(escaped(R"(say "hi" \o/)") == R"(say \"hi\" \\o/)");
    CHECK(escaped("a\tb\rc\nd\be\ff") == R"(a\tb\rc\nd\be\ff)");
    CHECK(escaped(std::string_view("\x01\x1f\0z", 4)) == R"(\u0001\u001f\u0000z)");
    CHECK(escaped("\x7f") == "\x7f");
}

TEST_CASE("json chars: UTF-8 is kept, bytes that are not UTF-8 become U+FFFD") {
    CHECK(escaped("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80") ==
          "h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80");
    const std::string kBad = "\xEF\xBF\xBD";
    CHECK(escaped("a\xFFz") == "a" + kBad + "z");
    CHECK(escaped("\xC3") == kBad);                                   // cut short
    CHECK(escaped("\xC0\xAF") == kBad + kBad);                        // overlong '/'
    CHECK(escaped("\xED\xA0\x80") == kBad + kBad + kBad);             // a surrogate
    CHECK(escaped("\xF4\x90\x80\x80") == kBad + kBad + kBad + kBad);  // past U+10FFFF
    // Whatever the bytes, the result is a JSON string that parses.
    std::string all;
    for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
    ParsedJson parsed = parse_json_limited("\"" + escaped(all) + "\"");
    REQUIRE(parsed.ok());
    CHECK(parsed.value.get<std::string>().size() > 128);
}

TEST_CASE("line formatter: a JSON object per line, its message as the app wrote it") {
    LineFormatter f(json_format(), kOrigin);
    std::string line = stored(f, R"({"level":"info","msg":"a \"quoted\" word"})");
    CHECK(line.back() == '\n');
    ParsedJson parsed = parse_json_limited(std::string_view(line).substr(0, line.size() - 1));
    REQUIRE(parsed.ok());
    CHECK(
        parsed.value.dump() ==
        R"({"app":"api","id":7,"instance":2,"message":"{\"level\":\"info\",\"msg\":\"a \\\"quoted\\\" word\"}","stream":"err","time":"2026-11-23T18:59:01.123Z"})");
    // The message is itself a line of JSON: parse the outer object, then it.
    ParsedJson inner = parse_json_limited(parsed.value["message"].get<std::string>());
    REQUIRE(inner.ok());
    CHECK(inner.value["msg"] == R"(a "quoted" word)");
    // Keys in the documented order.
    CHECK(line.starts_with(
        R"({"time":"2026-11-23T18:59:01.123Z","app":"api","id":7,"instance":2,"stream":"err","message":)"));
}

TEST_CASE("line formatter: empty, split and undecodable lines are each one valid object") {
    LineFormatter f(json_format(), kOrigin);
    auto message_of = [](const std::string& line) {
        ParsedJson parsed = parse_json_limited(std::string_view(line).substr(0, line.size() - 1));
        REQUIRE(parsed.ok());
        return parsed.value["message"].get<std::string>();
    };
    CHECK(message_of(stored(f, "")) == "");
    CHECK(message_of(stored(f, "piece", kLineMs, true)) == "piece [tend: line split]");
    CHECK(message_of(stored(f, "a\xFF\x01")) == "a\xEF\xBF\xBD\x01");
}

TEST_CASE("line formatter: the milliseconds change per batch, the rest per second") {
    LineFormatter f(json_format(), kOrigin);
    CHECK(std::string(f.prefix(kLineMs)).starts_with(R"({"time":"2026-11-23T18:59:01.123Z")"));
    CHECK(std::string(f.prefix(kLineMs + 5)).starts_with(R"({"time":"2026-11-23T18:59:01.128Z")"));
    CHECK(
        std::string(f.prefix(kLineMs + 1000)).starts_with(R"({"time":"2026-11-23T18:59:02.123Z")"));
}

TEST_CASE("line formatter: a date format's text is escaped in JSON, not in a prefix") {
    LogFormat format{LogType::kJson, R"(["]HH:mm:ss.SSS)", true};
    LineFormatter f(format, kOrigin);
    CHECK(std::string(f.prefix(kLineMs)).starts_with(R"({"time":"\"18:59:01.123","app")"));
    LineFormatter text(LogFormat{LogType::kText, R"(["]HH:mm:ss.SSS)", true}, kOrigin);
    CHECK(stored(text, R"(a "b")") == "\"18:59:01.123: a \"b\"\n");
    CHECK(stored(text, "piece", kLineMs, true) == "\"18:59:01.123: piece [tend: line split]\n");
}

TEST_CASE("line formatter: --time's prefix is local time like pm2 --time") {
    const char* old = std::getenv("TZ");
    std::string saved = old != nullptr ? old : "";
    ::setenv("TZ", "XST-1", 1);
    ::tzset();
    LineFormatter f(LogFormat{LogType::kText, std::string(kTimeFlagFormat), false}, kOrigin);
    CHECK(f.prefix(kLineMs) == "2026-11-23T19:59:01: ");
    CHECK(f.prefix(0) == "1970-01-01T01:00:00: ");
    if (old != nullptr) {
        ::setenv("TZ", saved.c_str(), 1);
    } else {
        ::unsetenv("TZ");
    }
    ::tzset();
}

TEST_CASE("decode: a stored JSON line gives back its message and time") {
    LineFormatter f(json_format(), kOrigin);
    std::string line = stored(f, R"({"k":[1,2]} "quoted")");
    line.pop_back();
    StoredLine back = decode_stored_line(line, LogType::kJson);
    CHECK(back.message == R"({"k":[1,2]} "quoted")");
    CHECK(back.time == kLineMs);
    // Text lines, and lines of a JSON file that are not its objects, as they are.
    CHECK(decode_stored_line(line, LogType::kText).message == line);
    CHECK(decode_stored_line(line, LogType::kText).time == 0);
    CHECK(decode_stored_line("plain", LogType::kJson).message == "plain");
    CHECK(decode_stored_line(R"({"message":3})", LogType::kJson).message == R"({"message":3})");
    CHECK(decode_stored_line("[1]", LogType::kJson).message == "[1]");
    std::string deep(100, '[');
    CHECK(decode_stored_line(deep, LogType::kJson).message == deep);
    // A time in another format is not known.
    StoredLine custom = decode_stored_line(R"({"time":"18:59","message":"m"})", LogType::kJson);
    CHECK(custom.message == "m");
    CHECK(custom.time == 0);
}

TEST_CASE("decode: ISO 8601 times, with or without milliseconds and zone") {
    CHECK(parse_iso_time_ms("2026-11-23T18:59:01.123Z") == kLineMs);
    CHECK(parse_iso_time_ms("2026-11-23T18:59:01Z") == kLineMs - 123);
    CHECK(parse_iso_time_ms("2026-11-23 19:59:01.123+01:00") == kLineMs);
    CHECK(parse_iso_time_ms("2026-11-23T13:29:01.123-0530") == kLineMs);
    CHECK(parse_iso_time_ms("2026-11-23T18:59:01.123+1") == 0);
    CHECK(parse_iso_time_ms("2026-11-23") == 0);
    CHECK(parse_iso_time_ms("yesterday at noon, roughly") == 0);
    const char* old = std::getenv("TZ");
    std::string saved = old != nullptr ? old : "";
    ::setenv("TZ", "XST-1", 1);
    ::tzset();
    CHECK(parse_iso_time_ms("2026-11-23 19:59:01.123") == kLineMs);  // local time
    if (old != nullptr) {
        ::setenv("TZ", saved.c_str(), 1);
    } else {
        ::unsetenv("TZ");
    }
    ::tzset();
}

TEST_CASE("line formatter: tend-runtime's label names the app and instance before the line") {
    LogFormat label;
    label.label = true;
    CHECK_FALSE(label.plain());
    LineFormatter f(label, kOrigin);
    CHECK(stored(f, "listening") == "api-2 | listening\n");
    LogFormat timed = label;
    timed.date_format = "HH:mm:ss";
    timed.utc = true;
    LineFormatter t(timed, kOrigin);
    CHECK(stored(t, "listening") == "api-2 | 18:59:01: listening\n");
}
