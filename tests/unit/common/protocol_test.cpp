// The wire format: requests, replies, errors, framing limits.
#include <doctest/doctest.h>

#include "common/messages.h"
#include "common/protocol.h"

using namespace tend;

TEST_CASE("a request round-trips through its line") {
    Request r{1, "0.1.0", 7, "stop", json{{"targets", {"api"}}}};
    std::string line = encode_request(r);
    CHECK(line.back() == '\n');
    Request back = parse_request(std::string_view(line).substr(0, line.size() - 1));
    CHECK(back.id == 7);
    CHECK(back.cmd == "stop");
    CHECK(args_as<TargetsArgs>(back.args).targets == std::vector<std::string>{"api"});
}

TEST_CASE("malformed requests are refused with stable codes") {
    auto code_of = [](std::string_view line) {
        try {
            parse_request(line);
        } catch (const TendError& e) {
            return std::string(to_string(e.code()));
        }
        return std::string("accepted");
    };
    CHECK(code_of("not json") == "bad_json");
    CHECK(code_of("[1,2]") == "bad_request");
    CHECK(code_of(R"({"v":1,"id":"x","cmd":"list"})") == "bad_request");
    CHECK(code_of(R"({"v":1,"id":1})") == "bad_request");
    CHECK(code_of(R"({"v":1,"id":1,"cmd":"list","args":[]})") == "bad_request");
    CHECK(code_of(R"({"v":1,"id":1,"cmd":"list"})") == "accepted");
}

TEST_CASE("wrong argument types become bad_request, not a crash") {
    CHECK_THROWS_AS(args_as<TargetsArgs>(json{{"targets", 5}}), TendError);
    CHECK_THROWS_WITH(args_as<StartArgs>(json{{"spec", {{"instances", "four"}}}}),
                      "'instances' must be an integer, not string");
}

TEST_CASE("error replies carry code and message, invalid UTF-8 is replaced") {
    std::string line = encode_error(3, ErrorCode::kNotFound, "no app or id 'x'");
    Response r = parse_response(line.substr(0, line.size() - 1));
    CHECK_FALSE(r.ok);
    CHECK(r.id == 3);
    CHECK(r.error_code == ErrorCode::kNotFound);
    CHECK(r.error_message == "no app or id 'x'");
    std::string ev = encode_event(1, "log", json{{"line", std::string("bad \xff byte")}});
    CHECK(parse_response(ev.substr(0, ev.size() - 1)).is_event());
}

TEST_CASE("the line framer cuts lines across chunks and reports overflow") {
    LineFramer framer(10);
    std::vector<std::string> lines;
    auto add = [&](std::string_view l) { lines.emplace_back(l); };
    CHECK(framer.feed("ab\ncd", add));
    CHECK(framer.feed("e\n\nf", add));
    CHECK(lines == std::vector<std::string>{"ab", "cde", ""});
    CHECK_FALSE(framer.feed("0123456789abc", add));
}

TEST_CASE("an event from JSON text is the line encode_event makes of the same data") {
    json data = {{"id", 3}, {"line", "a \"quoted\" line"}, {"name", "api"}};
    std::string from_text = encode_event_text(17, "log", dump_json(data));
    CHECK(from_text == encode_event(17, "log", data));
    CHECK(from_text.back() == '\n');
}

TEST_CASE("a request or reply nested deeper than the JSON limit is refused with a message") {
    std::string deep = std::string(100000, '[') + std::string(100000, ']');
    std::string request = R"({"v":1,"id":1,"cmd":"send","args":{"message":)" + deep + "}}";
    CHECK_THROWS_WITH(parse_request(request), "the request nests deeper than 64 levels");
    try {
        parse_request(request);
    } catch (const TendError& e) {
        CHECK(e.code() == ErrorCode::kBadRequest);
    }
    std::string reply = R"({"id":1,"ok":true,"result":)" + deep + "}";
    CHECK_THROWS_WITH(parse_response(reply), "the daemon's line nests deeper than 64 levels");
}

TEST_CASE(
    "a response with fields of the wrong types reads as an unknown error, never throws json's") {
    // Found by fuzzing: json::value() threw type_error on "ok":7.
    Response r = parse_response(R"({"id":1,"ok":7,"error":{"code":5,"message":[1]}})");
    CHECK_FALSE(r.ok);
    CHECK(r.error_code == ErrorCode::kInternal);
    CHECK(r.error_message == "unknown error");
}

TEST_CASE("a reply written as text is the line encode_reply writes, and reads back raw") {
    json result = {{"instances", json::array({json{{"id", 1}}, json{{"id", 2}}})}};
    std::string line = encode_reply(42, result);
    CHECK(encode_reply_text(42, dump_json(result)) == line);
    std::string_view body(line.data(), line.size() - 1);
    auto text = ok_result_text(body);
    REQUIRE(text.has_value());
    CHECK(*text == dump_json(result));
    CHECK(ok_result_text(R"({"id":-3,"ok":true,"result":{}})") ==
          std::optional<std::string_view>("{}"));
    // Not an ok reply: the caller parses it as a whole.
    std::string error = encode_error(42, ErrorCode::kNotFound, "no app named 'x'");
    CHECK_FALSE(ok_result_text(std::string_view(error.data(), error.size() - 1)).has_value());
    std::string event = encode_event(42, "warning", json{{"message", "m"}});
    CHECK_FALSE(ok_result_text(std::string_view(event.data(), event.size() - 1)).has_value());
    CHECK_FALSE(ok_result_text(R"({"id":,"ok":true,"result":{}})").has_value());
    CHECK_FALSE(ok_result_text(R"({"id":1,"ok":true,"result":})").has_value());
}
