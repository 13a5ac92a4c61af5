// The JSON forms that are not a struct's fields one to one; the others are
// generated beside their structs in messages.h.
#include "common/messages.h"

namespace tend {
namespace {

const char* streams_name(LogStreams s) {
    return s == LogStreams::kOut ? "out" : s == LogStreams::kErr ? "err" : "both";
}
LogStreams streams_from(const std::string& s) {
    if (s == "out") return LogStreams::kOut;
    if (s == "err") return LogStreams::kErr;
    if (s == "both") return LogStreams::kBoth;
    throw TendError(ErrorCode::kBadRequest, "'streams' must be out, err or both");
}

// An absent instance filter travels as null, and null reads as absent.
json optional_int(const std::optional<int>& v) {
    return v ? json(*v) : json(nullptr);
}
std::optional<int> optional_int_at(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && !it->is_null() ? std::optional<int>(it->get<int>()) : std::nullopt;
}

}  // namespace

// By hand: instance is optional (null), cwd may be absent.
void to_json(json& j, const TargetsArgs& v) {
    j = json{{"targets", v.targets}, {"instance", optional_int(v.instance)}, {"cwd", v.cwd}};
}
void from_json(const json& j, TargetsArgs& v) {
    v.targets = j.value("targets", std::vector<std::string>{});
    v.instance = optional_int_at(j, "instance");
    v.cwd = j.value("cwd", std::string());
}

// By hand: streams is an enum written as a word and checked on reading;
// instance is optional (null).
void to_json(json& j, const LogsArgs& v) {
    j = json{{"targets", v.targets}, {"instance", optional_int(v.instance)},
             {"lines", v.lines},     {"streams", streams_name(v.streams)},
             {"follow", v.follow},   {"cwd", v.cwd}};
    if (v.since_ms) j["since_ms"] = *v.since_ms;
    if (v.grep) j["grep"] = *v.grep;
}
void from_json(const json& j, LogsArgs& v) {
    v.targets = j.value("targets", std::vector<std::string>{});
    v.instance = optional_int_at(j, "instance");
    v.lines = j.value("lines", 15);
    v.streams = streams_from(j.value("streams", std::string("both")));
    v.follow = j.value("follow", false);
    v.cwd = j.value("cwd", std::string());
    if (auto it = j.find("since_ms"); it != j.end() && !it->is_null())
        v.since_ms = it->get<std::int64_t>();
    if (auto it = j.find("grep"); it != j.end() && !it->is_null()) v.grep = it->get<std::string>();
}

// By hand: every key is required but time (0, lines read back from a file).
void to_json(json& j, const LogLine& v) {
    j = json{{"id", v.id},         {"name", v.name}, {"instance", v.instance},
             {"stream", v.stream}, {"line", v.line}, {"time", v.time}};
}
void from_json(const json& j, LogLine& v) {
    v.id = j.at("id").get<int>();
    v.name = j.at("name").get<std::string>();
    v.instance = j.at("instance").get<int>();
    v.stream = j.at("stream").get<std::string>();
    v.line = j.at("line").get<std::string>();
    v.time = j.value("time", std::int64_t{0});
}

// By hand: name and count are required, relative is not.
void to_json(json& j, const ScaleArgs& v) {
    j = json{{"name", v.name},
             {"count", v.count},
             {"relative", v.relative},
             {"instance", optional_int(v.instance)}};
}
void from_json(const json& j, ScaleArgs& v) {
    v.name = j.at("name").get<std::string>();
    v.count = j.at("count").get<int>();
    v.relative = j.value("relative", false);
    v.instance = optional_int_at(j, "instance");
}

// By hand: message is required, instance is optional (null).
void to_json(json& j, const SendArgs& v) {
    j = json{{"targets", v.targets},
             {"instance", optional_int(v.instance)},
             {"message", v.message},
             {"cwd", v.cwd}};
}
void from_json(const json& j, SendArgs& v) {
    v.targets = j.value("targets", std::vector<std::string>{});
    v.instance = optional_int_at(j, "instance");
    v.message = j.at("message");
    v.cwd = j.value("cwd", std::string());
}

// By hand: who sent it is required, time and data are not.
void to_json(json& j, const AppMessage& v) {
    j = json{{"id", v.id},
             {"name", v.name},
             {"instance", v.instance},
             {"time", v.time},
             {"data", v.data}};
}
void from_json(const json& j, AppMessage& v) {
    v.id = j.at("id").get<int>();
    v.name = j.at("name").get<std::string>();
    v.instance = j.at("instance").get<int>();
    v.time = j.value("time", std::int64_t{0});
    v.data = j.value("data", json());
}

// By hand: the instance id is left out when there is none (logs, not monit),
// and a non-integer id reads as none.
void to_json(json& j, const MissedEvent& v) {
    j = json{{"count", v.count}};
    if (v.id) j["id"] = *v.id;
}
void from_json(const json& j, MissedEvent& v) {
    v.count = j.value("count", std::int64_t{0});
    if (auto i = j.find("id"); i != j.end() && i->is_number_integer()) v.id = i->get<int>();
}

// By hand: update_env is optional (absent or null: keep the environment),
// and both keys may be absent, as in a plain restart's request.
void to_json(json& j, const SpecUpdateArgs& v) {
    j = json{{"specs", v.specs}};
    j["update_env"] = v.update_env ? json(*v.update_env) : json(nullptr);
}
void from_json(const json& j, SpecUpdateArgs& v) {
    v.specs = j.value("specs", std::vector<AppSpec>{});
    auto env = j.find("update_env");
    if (env != j.end() && !env->is_null())
        v.update_env = env->get<std::map<std::string, std::string>>();
}

}  // namespace tend
