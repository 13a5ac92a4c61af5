// Encoding and decoding of protocol lines.
#include "common/protocol.h"

#include "common/json_limits.h"

namespace tend {

namespace {

// A string member, else otherwise: json::value() throws on another type, and
// a line is no reason to throw anything but TendError.
std::string string_or(const json& object, const char* key, const char* otherwise) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : otherwise;
}

}  // namespace

std::string dump_json(const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

Request parse_request(std::string_view line) {
    ParsedJson parsed = parse_json_limited(line);
    if (parsed.problem == JsonProblem::kTooDeep)
        throw TendError(ErrorCode::kBadRequest, too_deep_message("the request"));
    if (!parsed.ok()) throw TendError(ErrorCode::kBadJson, "request is not valid JSON");
    json& j = parsed.value;
    if (!j.is_object()) throw TendError(ErrorCode::kBadRequest, "request must be a JSON object");
    Request r;
    auto v = j.find("v");
    if (v == j.end() || !v->is_number_integer())
        throw TendError(ErrorCode::kBadRequest, "request needs an integer 'v'");
    r.v = v->get<int>();
    auto id = j.find("id");
    if (id == j.end() || !id->is_number_integer())
        throw TendError(ErrorCode::kBadRequest, "request needs an integer 'id'");
    r.id = id->get<std::int64_t>();
    auto cmd = j.find("cmd");
    if (cmd == j.end() || !cmd->is_string())
        throw TendError(ErrorCode::kBadRequest, "request needs a string 'cmd'");
    r.cmd = cmd->get<std::string>();
    if (auto ver = j.find("version"); ver != j.end() && ver->is_string())
        r.version = ver->get<std::string>();
    if (auto args = j.find("args"); args != j.end()) {
        if (!args->is_object()) throw TendError(ErrorCode::kBadRequest, "'args' must be an object");
        r.args = std::move(*args);
    }
    return r;
}

std::string encode_request(const Request& request) {
    json j = {{"v", request.v},
              {"version", request.version},
              {"id", request.id},
              {"cmd", request.cmd},
              {"args", request.args}};
    return dump_json(j) + '\n';
}

std::string encode_reply(std::int64_t id, const json& result) {
    json j = {{"id", id}, {"ok", true}, {"result", result}};
    return dump_json(j) + '\n';
}

std::string encode_reply_text(std::int64_t id, std::string_view result) {
    std::string line = "{\"id\":";
    line.reserve(result.size() + 48);
    line += std::to_string(id);
    line += ",\"ok\":true,\"result\":";
    line += result;
    line += "}\n";
    return line;
}

// The reply's head as dump_json writes it, keys sorted: `{"id":7,"ok":true,"result":`.
std::optional<std::string_view> ok_result_text(std::string_view line) {
    constexpr std::string_view kHead = "{\"id\":";
    constexpr std::string_view kOk = ",\"ok\":true,\"result\":";
    if (!line.starts_with(kHead)) return std::nullopt;
    std::size_t at = kHead.size();
    if (at < line.size() && line[at] == '-') ++at;
    std::size_t digits = at;
    while (at < line.size() && line[at] >= '0' && line[at] <= '9') ++at;
    if (at == digits || line.substr(at, kOk.size()) != kOk) return std::nullopt;
    std::string_view result = line.substr(at + kOk.size());
    if (result.empty() || result.back() != '}') return std::nullopt;
    result.remove_suffix(1);
    if (result.empty()) return std::nullopt;
    return result;
}

std::string encode_error(std::optional<std::int64_t> id, ErrorCode code, std::string_view message) {
    json j = {{"id", id ? json(*id) : json(nullptr)},
              {"ok", false},
              {"error", {{"code", to_string(code)}, {"message", message}}}};
    return dump_json(j) + '\n';
}

std::string encode_event(std::int64_t id, std::string_view event, const json& data) {
    json j = {{"id", id}, {"event", event}, {"data", data}};
    return dump_json(j) + '\n';
}

std::string encode_event_text(std::int64_t id, std::string_view event, std::string_view data) {
    std::string line = "{\"data\":";
    line.reserve(data.size() + event.size() + 48);
    line += data;
    line += ",\"event\":\"";
    line += event;
    line += "\",\"id\":";
    line += std::to_string(id);
    line += "}\n";
    return line;
}

Response parse_response(std::string_view line) {
    ParsedJson parsed = parse_json_limited(line);
    if (parsed.problem == JsonProblem::kTooDeep)
        throw TendError(ErrorCode::kBadJson, too_deep_message("the daemon's line"));
    json& j = parsed.value;
    if (!parsed.ok() || !j.is_object())
        throw TendError(ErrorCode::kBadJson, "daemon sent a line that is not a JSON object");
    Response r;
    if (auto id = j.find("id"); id != j.end() && id->is_number_integer())
        r.id = id->get<std::int64_t>();
    if (auto ev = j.find("event"); ev != j.end() && ev->is_string()) {
        r.event = ev->get<std::string>();
        r.ok = true;
        if (auto d = j.find("data"); d != j.end()) r.data = std::move(*d);
        return r;
    }
    auto ok = j.find("ok");
    r.ok = ok != j.end() && ok->is_boolean() && ok->get<bool>();
    if (r.ok) {
        if (auto res = j.find("result"); res != j.end()) r.result = std::move(*res);
        return r;
    }
    if (auto err = j.find("error"); err != j.end() && err->is_object()) {
        r.error_code = error_code_from_string(string_or(*err, "code", "internal"));
        r.error_message = string_or(*err, "message", "unknown error");
    }
    return r;
}

}  // namespace tend
