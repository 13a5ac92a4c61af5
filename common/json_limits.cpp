// Depth-limited JSON parsing with nlohmann's parser callback.
#include "common/json_limits.h"

namespace tend {
namespace {

// The callback sees every container start with the number of containers
// around it. Returning false there makes the parser skip that value (it
// still reads it, with its own heap stack, never recursing) and leave it out
// of its parent; too_deep remembers that it happened, so that the caller
// refuses the whole value rather than a silently pruned one.
json::parser_callback_t depth_limit(bool& too_deep, int max_depth) {
    return [&too_deep, max_depth](int depth, json::parse_event_t event, json&) {
        bool starts =
            event == json::parse_event_t::object_start || event == json::parse_event_t::array_start;
        if (starts && depth >= max_depth) {
            too_deep = true;
            return false;
        }
        return true;
    };
}

}  // namespace

ParsedJson parse_json_limited(std::string_view text, int max_depth) {
    bool too_deep = false;
    json value = json::parse(text, depth_limit(too_deep, max_depth), false);
    if (too_deep) return {json(json::value_t::discarded), JsonProblem::kTooDeep};
    if (value.is_discarded()) return {json(json::value_t::discarded), JsonProblem::kInvalid};
    return {std::move(value), JsonProblem::kNone};
}

json parse_json_limited_or_throw(std::string_view text, bool& too_deep, int max_depth) {
    too_deep = false;
    json value = json::parse(text, depth_limit(too_deep, max_depth), true);
    if (too_deep) return json(json::value_t::discarded);
    return value;
}

std::string too_deep_message(std::string_view what, int max_depth) {
    std::string message(what);
    message.append(" nests deeper than ").append(std::to_string(max_depth)).append(" levels");
    return message;
}

}  // namespace tend
