// Depth-limited JSON parsing: the whole value is refused when any part of it
// nests too deep, and refusing a huge nesting neither recurses nor throws.
#include <doctest/doctest.h>

#include "common/json_limits.h"

using namespace tend;

namespace {

// depth arrays, one inside the other, around a 1.
std::string nested_arrays(std::size_t depth) {
    std::string text(depth, '[');
    text.push_back('1');
    text.append(depth, ']');
    return text;
}

}  // namespace

TEST_CASE("json limits: up to kMaxJsonDepth levels parse, one more is refused whole") {
    ParsedJson at_limit = parse_json_limited(nested_arrays(kMaxJsonDepth));
    REQUIRE(at_limit.ok());
    CHECK(at_limit.value.dump() == nested_arrays(kMaxJsonDepth));

    ParsedJson beyond = parse_json_limited(nested_arrays(kMaxJsonDepth + 1));
    CHECK(beyond.problem == JsonProblem::kTooDeep);
    CHECK(beyond.value.is_discarded());

    // Deep inside a shallow value: not pruned, refused.
    std::string objects;
    for (int i = 0; i < kMaxJsonDepth + 1; ++i) objects += "{\"a\":";
    objects += "1" + std::string(kMaxJsonDepth + 1, '}');
    std::string wrapped = R"({"ok":1,"deep":)" + objects + "}";
    CHECK(parse_json_limited(wrapped).problem == JsonProblem::kTooDeep);
}

TEST_CASE("json limits: a million levels are refused without recursing") {
    std::string text = nested_arrays(1000000);
    CHECK(parse_json_limited(text).problem == JsonProblem::kTooDeep);
    // Unterminated, too: what it is deeper than the limit is said first.
    CHECK(parse_json_limited(std::string(1000000, '[')).problem == JsonProblem::kTooDeep);
    bool too_deep = false;
    CHECK(parse_json_limited_or_throw(text, too_deep).is_discarded());
    CHECK(too_deep);
}

TEST_CASE("json limits: invalid text, and a smaller limit") {
    CHECK(parse_json_limited("{not json").problem == JsonProblem::kInvalid);
    CHECK(parse_json_limited("").problem == JsonProblem::kInvalid);
    CHECK(parse_json_limited("[1] [2]").problem == JsonProblem::kInvalid);
    CHECK(parse_json_limited("[[1]]", 2).ok());
    CHECK(parse_json_limited("[[[1]]]", 2).problem == JsonProblem::kTooDeep);
    CHECK(parse_json_limited(R"("scalar")", 0).ok());

    bool too_deep = true;
    CHECK(parse_json_limited_or_throw(R"({"a":[1,2]})", too_deep)["a"][1] == 2);
    CHECK_FALSE(too_deep);
    CHECK_THROWS_AS(parse_json_limited_or_throw("{\"a\":", too_deep), json::parse_error);
    CHECK(too_deep_message("the request") == "the request nests deeper than 64 levels");
}
