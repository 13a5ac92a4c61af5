// The JSON of every typed argument and result: the exact keys written, and
// what reading accepts (absent optional keys take their defaults, absent
// required keys and wrong types are a bad_request through args_as).
#include <doctest/doctest.h>

#include "common/messages.h"

using namespace tend;

namespace {

// Reads j as args the way the dispatcher does; "ok" or the error's code.
template <typename T>
std::string args_outcome(const json& j) {
    try {
        args_as<T>(j);
    } catch (const TendError& e) {
        return std::string(to_string(e.code()));
    }
    return "ok";
}

LogLine sample_line() {
    return LogLine{3, "api", 1, "err", "boom", 1700000000123};
}

}  // namespace

TEST_CASE("arguments are written with every key") {
    CHECK(json(TargetsArgs{{"api", "3"}, std::nullopt, ""}).dump() ==
          R"({"cwd":"","instance":null,"targets":["api","3"]})");
    CHECK(json(ScaleArgs{"api", -1, true, std::nullopt}).dump() ==
          R"({"count":-1,"instance":null,"name":"api","relative":true})");
    CHECK(json(EventsArgs{{"api"}, "/srv"}).dump() == R"({"cwd":"/srv","targets":["api"]})");
    CHECK(json(ListArgs{true, false}).dump() == R"({"brief":false,"history":true})");
    CHECK(json(MonitArgs{}).dump() == R"({"lines_per_second":100,"tail_lines":50})");
    CHECK(json(ResurrectArgs{true}).dump() == R"({"from_backup":true})");
    LogsArgs logs;
    CHECK(json(logs).dump() ==
          R"({"cwd":"","follow":false,"instance":null,"lines":15,"streams":"both","targets":[]})");
    logs.instance = 2;
    logs.streams = LogStreams::kErr;
    CHECK(json(logs).dump() ==
          R"({"cwd":"","follow":false,"instance":2,"lines":15,"streams":"err","targets":[]})");
    SendArgs send{{"api"}, std::nullopt, json{{"cmd", 1}}, "/srv"};
    CHECK(json(send).dump() ==
          R"({"cwd":"/srv","instance":null,"message":{"cmd":1},"targets":["api"]})");
}

TEST_CASE("results and events are written with every key, an absent missed id left out") {
    CHECK(
        json(sample_line()).dump() ==
        R"({"id":3,"instance":1,"line":"boom","name":"api","stream":"err","time":1700000000123})");
    CHECK(json(LogsResult{{}, true}).dump() == R"({"following":true,"tail":[]})");
    CHECK(json(SendResult{{1, 2}}).dump() == R"({"delivered":[1,2]})");
    CHECK(json(AppMessage{1, "api", 0, 5, json{{"x", 1}}}).dump() ==
          R"({"data":{"x":1},"id":1,"instance":0,"name":"api","time":5})");
    CHECK(json(InstancesResult{}).dump() == R"({"instances":[]})");
    CHECK(json(ActionResult{{}, {1}, {}}).dump() ==
          R"({"errored":[1],"instances":[],"not_replaced":[]})");
    CHECK(json(MonitResult{}).dump() == R"({"instances":[],"interval_ms":1000,"tail":[]})");
    CHECK(json(MonitState{{}, true}).dump() == R"({"instances":[],"sample":true})");
    CHECK(json(DumpResult{"/h/dump.json", 2}).dump() == R"({"apps":2,"path":"/h/dump.json"})");
    CHECK(json(ResurrectResult{"/d", {"a"}, {"b"}, {"c: x"}}).dump() ==
          R"({"failed":["c: x"],"path":"/d","skipped":["b"],"started":["a"]})");
    CHECK(json(PingResult{7, "0.1.0", "/h", "http://127.0.0.1:9615", 2, "2 (x)"}).dump() ==
          R"j({"cpus":2,"cpus_detail":"2 (x)","home":"/h","http":"http://127.0.0.1:9615",)j"
          R"j("pid":7,"version":"0.1.0"})j");
    CHECK(json(FlushResult{{"/a.log"}}).dump() == R"({"files":["/a.log"]})");
    CHECK(json(MissedEvent{4, std::nullopt}).dump() == R"({"count":4})");
    CHECK(json(MissedEvent{4, 2}).dump() == R"({"count":4,"id":2})");
}

TEST_CASE("what is written reads back the same") {
    LogLine line = json(sample_line()).get<LogLine>();
    CHECK(line.id == 3);
    CHECK(line.name == "api");
    CHECK(line.instance == 1);
    CHECK(line.stream == "err");
    CHECK(line.line == "boom");
    CHECK(line.time == 1700000000123);
    LogsArgs logs;
    logs.targets = {"api"};
    logs.instance = 0;
    logs.lines = 3;
    logs.streams = LogStreams::kOut;
    logs.follow = true;
    LogsArgs back = json(logs).get<LogsArgs>();
    CHECK(back.targets == logs.targets);
    CHECK(back.instance == 0);
    CHECK(back.lines == 3);
    CHECK(back.streams == LogStreams::kOut);
    CHECK(back.follow);
    ScaleArgs scale = json(ScaleArgs{"api", 4, false, std::nullopt}).get<ScaleArgs>();
    CHECK(scale.name == "api");
    CHECK(scale.count == 4);
    CHECK_FALSE(scale.relative);
    ResurrectResult done =
        json(ResurrectResult{"/d", {"a"}, {"b"}, {"c: x"}}).get<ResurrectResult>();
    CHECK(done.started == std::vector<std::string>{"a"});
    CHECK(done.failed == std::vector<std::string>{"c: x"});
    MissedEvent missed = json(MissedEvent{4, 2}).get<MissedEvent>();
    CHECK(missed.count == 4);
    CHECK(missed.id == 2);
}

TEST_CASE("absent optional keys take their defaults") {
    json empty = json::object();
    CHECK(args_as<TargetsArgs>(empty).targets.empty());
    CHECK(args_as<EventsArgs>(empty).targets.empty());
    CHECK_FALSE(args_as<ListArgs>(empty).history);
    CHECK_FALSE(args_as<ResurrectArgs>(empty).from_backup);
    MonitArgs monit = args_as<MonitArgs>(empty);
    CHECK(monit.tail_lines == 50);
    CHECK(monit.lines_per_second == 100);
    LogsArgs logs = args_as<LogsArgs>(empty);
    CHECK(logs.lines == 15);
    CHECK_FALSE(logs.instance);
    CHECK(logs.streams == LogStreams::kBoth);
    CHECK_FALSE(logs.follow);
    CHECK_FALSE(args_as<LogsArgs>(json{{"instance", nullptr}}).instance);
    CHECK_FALSE(args_as<ScaleArgs>(json{{"name", "api"}, {"count", 2}}).relative);
    CHECK_FALSE(args_as<SendArgs>(json{{"message", 1}}).instance);
    CHECK(args_as<SendArgs>(json{{"message", 1}}).targets.empty());

    CHECK(empty.get<MonitResult>().interval_ms == 1000);
    CHECK(empty.get<PingResult>().pid == 0);
    CHECK(empty.get<DumpResult>().path.empty());
    CHECK(empty.get<ResurrectResult>().failed.empty());
    CHECK(empty.get<InstancesResult>().instances.empty());
    CHECK(empty.get<ActionResult>().errored.empty());
    CHECK(json{{"instances", json::array()}}.get<ActionResult>().not_replaced.empty());
    CHECK_FALSE(empty.get<MonitState>().sample);
    CHECK_FALSE(empty.get<LogsResult>().following);
    CHECK(empty.get<SendResult>().delivered.empty());
    CHECK(empty.get<FlushResult>().files.empty());
    CHECK(empty.get<MissedEvent>().count == 0);
    CHECK_FALSE(empty.get<MissedEvent>().id);
    json untimed = json(sample_line());
    untimed.erase("time");
    CHECK(untimed.get<LogLine>().time == 0);
    AppMessage message = json{{"id", 1}, {"name", "api"}, {"instance", 0}}.get<AppMessage>();
    CHECK(message.time == 0);
    CHECK(message.data.is_null());
}

TEST_CASE("absent required keys and wrong types are bad requests") {
    CHECK(args_outcome<StartArgs>(json::object()) == "bad_request");
    CHECK(args_outcome<ScaleArgs>(json{{"name", "api"}}) == "bad_request");
    CHECK(args_outcome<ScaleArgs>(json{{"count", 2}}) == "bad_request");
    CHECK(args_outcome<SendArgs>(json{{"targets", {"api"}}}) == "bad_request");
    CHECK(args_outcome<TargetsArgs>(json{{"targets", "api"}}) == "bad_request");
    CHECK(args_outcome<ListArgs>(json{{"history", "yes"}}) == "bad_request");
    CHECK(args_outcome<MonitArgs>(json{{"tail_lines", "many"}}) == "bad_request");
    CHECK(args_outcome<ResurrectArgs>(json{{"from_backup", 1}}) == "bad_request");
    CHECK(args_outcome<LogsArgs>(json{{"streams", "both!"}}) == "bad_request");
    CHECK(args_outcome<LogsArgs>(json{{"lines", "x"}}) == "bad_request");
    CHECK(args_outcome<EventsArgs>(json{{"targets", {1}}}) == "bad_request");
    CHECK_THROWS(json{{"name", "api"}}.get<LogLine>());
    CHECK_THROWS(json{{"name", "api"}, {"instance", 0}}.get<AppMessage>());
}
