// Parsing JSON that someone else wrote (a client's request, an app's IPC
// message, a file) with a bound on how deeply it nests. nlohmann's parser
// itself keeps its own stack on the heap, but copying, dumping and comparing
// a value recurse once per level: a line of 100,000 '[' from any app would
// overflow the daemon's stack the first time the value is copied or sent on.
// So the depth is checked while parsing, before any value exists.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace tend {

using nlohmann::json;

// Arrays and objects may nest this deep, the outermost counting as 1: far
// beyond any request, spec or message tend or an app has reason to send,
// and far below what recursion over a value can take.
inline constexpr int kMaxJsonDepth = 64;

enum class JsonProblem { kNone, kInvalid, kTooDeep };

struct ParsedJson {
    json value;  // discarded unless problem is kNone
    JsonProblem problem = JsonProblem::kNone;
    bool ok() const { return problem == JsonProblem::kNone; }
};

// Parses text, never throwing: kTooDeep when it nests deeper than max_depth
// (the whole value is refused, not just its deep part; said even when the
// text turns out invalid after that), else kInvalid for anything that is
// not one JSON value.
ParsedJson parse_json_limited(std::string_view text, int max_depth = kMaxJsonDepth);

// The same, for a caller that wants nlohmann's parse_error (whose message
// says where the error is): throws json::parse_error on invalid text, and
// sets too_deep (returning a discarded value) on deep text.
json parse_json_limited_or_throw(std::string_view text, bool& too_deep,
                                 int max_depth = kMaxJsonDepth);

// "<what> nests deeper than 64 levels", for error messages.
std::string too_deep_message(std::string_view what, int max_depth = kMaxJsonDepth);

}  // namespace tend
