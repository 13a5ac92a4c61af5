// JSON forms of the typed command arguments and results.
#include "common/messages.h"

namespace tend {

void to_json(json& j, const StartArgs& v) {
    j = json{{"spec", v.spec}};
}
void from_json(const json& j, StartArgs& v) {
    v.spec = j.at("spec").get<AppSpec>();
}

void to_json(json& j, const TargetsArgs& v) {
    j = json{{"targets", v.targets}};
}
void from_json(const json& j, TargetsArgs& v) {
    v.targets = j.value("targets", std::vector<std::string>{});
}

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
}  // namespace

void to_json(json& j, const LogsArgs& v) {
    j = json{{"targets", v.targets},
             {"instance", v.instance ? json(*v.instance) : json(nullptr)},
             {"lines", v.lines},
             {"streams", streams_name(v.streams)},
             {"follow", v.follow}};
}
void from_json(const json& j, LogsArgs& v) {
    v.targets = j.value("targets", std::vector<std::string>{});
    if (auto i = j.find("instance"); i != j.end() && !i->is_null()) v.instance = i->get<int>();
    v.lines = j.value("lines", 15);
    v.streams = streams_from(j.value("streams", std::string("both")));
    v.follow = j.value("follow", false);
}

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

void to_json(json& j, const LogsResult& v) {
    j = json{{"tail", v.tail}, {"following", v.following}};
}
void from_json(const json& j, LogsResult& v) {
    v.tail = j.value("tail", std::vector<LogLine>{});
    v.following = j.value("following", false);
}

void to_json(json& j, const ScaleArgs& v) {
    j = json{{"name", v.name}, {"count", v.count}, {"relative", v.relative}};
}
void from_json(const json& j, ScaleArgs& v) {
    v.name = j.at("name").get<std::string>();
    v.count = j.at("count").get<int>();
    v.relative = j.value("relative", false);
}

void to_json(json& j, const SendArgs& v) {
    j = json{{"targets", v.targets},
             {"instance", v.instance ? json(*v.instance) : json(nullptr)},
             {"message", v.message}};
}
void from_json(const json& j, SendArgs& v) {
    v.targets = j.value("targets", std::vector<std::string>{});
    if (auto i = j.find("instance"); i != j.end() && !i->is_null()) v.instance = i->get<int>();
    v.message = j.at("message");
}

void to_json(json& j, const SendResult& v) {
    j = json{{"delivered", v.delivered}};
}
void from_json(const json& j, SendResult& v) {
    v.delivered = j.value("delivered", std::vector<int>{});
}

void to_json(json& j, const EventsArgs& v) {
    j = json{{"targets", v.targets}};
}
void from_json(const json& j, EventsArgs& v) {
    v.targets = j.value("targets", std::vector<std::string>{});
}

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

void to_json(json& j, const ListArgs& v) {
    j = json{{"history", v.history}};
}
void from_json(const json& j, ListArgs& v) {
    v.history = j.is_object() ? j.value("history", false) : false;
}

void to_json(json& j, const MonitArgs& v) {
    j = json{{"tail_lines", v.tail_lines}, {"lines_per_second", v.lines_per_second}};
}
void from_json(const json& j, MonitArgs& v) {
    v.tail_lines = j.value("tail_lines", 50);
    v.lines_per_second = j.value("lines_per_second", 100);
}

void to_json(json& j, const MonitResult& v) {
    j = json{{"instances", v.instances}, {"tail", v.tail}, {"interval_ms", v.interval_ms}};
}
void from_json(const json& j, MonitResult& v) {
    v.instances = j.value("instances", std::vector<InstanceInfo>{});
    v.tail = j.value("tail", std::vector<LogLine>{});
    v.interval_ms = j.value("interval_ms", std::int64_t{1000});
}

void to_json(json& j, const MonitState& v) {
    j = json{{"instances", v.instances}, {"sample", v.sample}};
}
void from_json(const json& j, MonitState& v) {
    v.instances = j.value("instances", std::vector<InstanceInfo>{});
    v.sample = j.value("sample", false);
}

void to_json(json& j, const InstancesResult& v) {
    j = json{{"instances", v.instances}};
}
void from_json(const json& j, InstancesResult& v) {
    v.instances = j.value("instances", std::vector<InstanceInfo>{});
}

void to_json(json& j, const DumpResult& v) {
    j = json{{"path", v.path}, {"apps", v.apps}};
}
void from_json(const json& j, DumpResult& v) {
    v.path = j.value("path", "");
    v.apps = j.value("apps", 0);
}

void to_json(json& j, const ResurrectArgs& v) {
    j = json{{"from_backup", v.from_backup}};
}
void from_json(const json& j, ResurrectArgs& v) {
    v.from_backup = j.value("from_backup", false);
}

void to_json(json& j, const ResurrectResult& v) {
    j = json{
        {"path", v.path}, {"started", v.started}, {"skipped", v.skipped}, {"failed", v.failed}};
}
void from_json(const json& j, ResurrectResult& v) {
    v.path = j.value("path", "");
    v.started = j.value("started", std::vector<std::string>{});
    v.skipped = j.value("skipped", std::vector<std::string>{});
    v.failed = j.value("failed", std::vector<std::string>{});
}

void to_json(json& j, const PingResult& v) {
    j = json{{"pid", v.pid}, {"version", v.version}, {"home", v.home}};
}
void from_json(const json& j, PingResult& v) {
    v.pid = j.value("pid", 0);
    v.version = j.value("version", "");
    v.home = j.value("home", "");
}

void to_json(json& j, const FlushResult& v) {
    j = json{{"files", v.files}};
}
void from_json(const json& j, FlushResult& v) {
    v.files = j.value("files", std::vector<std::string>{});
}

void to_json(json& j, const MissedEvent& v) {
    j = json{{"count", v.count}};
    if (v.id) j["id"] = *v.id;
}
void from_json(const json& j, MissedEvent& v) {
    v.count = j.value("count", std::int64_t{0});
    if (auto i = j.find("id"); i != j.end() && i->is_number_integer()) v.id = i->get<int>();
}

}  // namespace tend
