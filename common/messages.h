// Typed arguments and results of every control command. The dispatcher and
// the CLI speak these; JSON appears only in the to_json/from_json below.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/app_spec.h"
#include "common/instance_info.h"

namespace tend {

// Command names on the wire.
namespace cmd {
inline constexpr const char* kPing = "ping";
inline constexpr const char* kStart = "start";
inline constexpr const char* kStop = "stop";
inline constexpr const char* kRestart = "restart";
inline constexpr const char* kDelete = "delete";
inline constexpr const char* kList = "list";
inline constexpr const char* kDescribe = "describe";
inline constexpr const char* kLogs = "logs";
inline constexpr const char* kFlush = "flush";
inline constexpr const char* kKill = "kill";
inline constexpr const char* kMonit = "monit";
inline constexpr const char* kReload = "reload";
inline constexpr const char* kScale = "scale";
inline constexpr const char* kSend = "send";
inline constexpr const char* kEvents = "events";
inline constexpr const char* kSave = "save";
inline constexpr const char* kResurrect = "resurrect";
inline constexpr const char* kCleardump = "cleardump";
}  // namespace cmd

struct StartArgs {
    AppSpec spec;
};

// stop, restart, delete, describe, flush: each target is an id, a name or
// "all". flush and describe accept an empty list, meaning all.
struct TargetsArgs {
    std::vector<std::string> targets;
};

enum class LogStreams { kBoth, kOut, kErr };

struct LogsArgs {
    std::vector<std::string> targets;  // empty = every app
    std::optional<int> instance;       // instance index filter
    int lines = 15;                    // tail lines per log file
    LogStreams streams = LogStreams::kBoth;
    bool follow = false;  // then stream events "log" and "missed"
};

struct LogLine {
    int id = 0;
    std::string name;
    int instance = 0;
    std::string stream;     // "out" or "err"
    std::string line;       // without its newline
    std::int64_t time = 0;  // ms since the epoch when captured; 0 for lines read back from a file
};

struct LogsResult {
    std::vector<LogLine> tail;  // oldest first, grouped by file
    bool following = false;
};

// `tend scale api 4` (count), `tend scale api +2` / `-1` (relative).
struct ScaleArgs {
    std::string name;
    int count = 0;
    bool relative = false;
};

// `tend send <target> [--instance N] '<json>'`: to every matching running
// instance's IPC channel.
struct SendArgs {
    std::vector<std::string> targets;
    std::optional<int> instance;
    json message;
};

struct SendResult {
    std::vector<int> delivered;  // ids
};

// `tend events [target]`: streams "message" events (AppMessage) until the
// client hangs up.
struct EventsArgs {
    std::vector<std::string> targets;  // empty = every app
};

// A message an instance sent on its IPC channel (not readiness).
struct AppMessage {
    int id = 0;
    std::string name;
    int instance = 0;
    std::int64_t time = 0;  // ms since the epoch
    json data;
};

// list / jlist: jlist asks for each instance's metrics history too.
struct ListArgs {
    bool history = false;
};

struct InstancesResult {
    std::vector<InstanceInfo> instances;
};

// `monit`: one subscription that carries everything the dashboard shows.
// The reply is a snapshot (instances with their metrics history, the last
// lines of every log); then events follow until the client hangs up:
//   "state"  MonitState, every sampling interval and soon after any change
//   "log"    LogLine, every captured line, at most lines_per_second per
//            instance (a burst of twice that is let through)
//   "missed" MissedEvent with the instance id, lines held back by that cap
//            or because the client's socket was full
struct MonitArgs {
    int tail_lines = 50;         // history lines per instance in the snapshot
    int lines_per_second = 100;  // live lines per instance; 0 = no live lines
};

struct MonitResult {
    std::vector<InstanceInfo> instances;  // with spec and cpu_history / memory_history
    std::vector<LogLine> tail;            // oldest first, grouped by instance
    std::int64_t interval_ms = 1000;      // the daemon's sampling interval
};

// Current values only: the dashboard appends them to its own history.
struct MonitState {
    std::vector<InstanceInfo> instances;
    bool sample = false;  // a sampling round (a new history point), not a change
};

// `tend save` / `tend cleardump`: where the dump went and how many apps it holds.
struct DumpResult {
    std::string path;
    int apps = 0;
};

// `tend resurrect [--from-backup]`: starts every app of the dump (or of its
// .bak) that is not running already.
struct ResurrectArgs {
    bool from_backup = false;
};

struct ResurrectResult {
    std::string path;
    std::vector<std::string> started;  // app names, in dump order
    std::vector<std::string> skipped;  // already running
    std::vector<std::string> failed;   // "name: reason"
};

struct PingResult {
    int pid = 0;
    std::string version;
    std::string home;
};

struct FlushResult {
    std::vector<std::string> files;
};

// Event sent to a follower that fell behind: this many lines were skipped.
struct MissedEvent {
    std::int64_t count = 0;
    std::optional<int> id;  // the instance whose lines were held back (monit)
};

void to_json(json& j, const StartArgs& v);
void from_json(const json& j, StartArgs& v);
void to_json(json& j, const TargetsArgs& v);
void from_json(const json& j, TargetsArgs& v);
void to_json(json& j, const LogsArgs& v);
void from_json(const json& j, LogsArgs& v);
void to_json(json& j, const LogLine& v);
void from_json(const json& j, LogLine& v);
void to_json(json& j, const LogsResult& v);
void from_json(const json& j, LogsResult& v);
void to_json(json& j, const ScaleArgs& v);
void from_json(const json& j, ScaleArgs& v);
void to_json(json& j, const SendArgs& v);
void from_json(const json& j, SendArgs& v);
void to_json(json& j, const SendResult& v);
void from_json(const json& j, SendResult& v);
void to_json(json& j, const EventsArgs& v);
void from_json(const json& j, EventsArgs& v);
void to_json(json& j, const AppMessage& v);
void from_json(const json& j, AppMessage& v);
void to_json(json& j, const ListArgs& v);
void from_json(const json& j, ListArgs& v);
void to_json(json& j, const MonitArgs& v);
void from_json(const json& j, MonitArgs& v);
void to_json(json& j, const MonitResult& v);
void from_json(const json& j, MonitResult& v);
void to_json(json& j, const MonitState& v);
void from_json(const json& j, MonitState& v);
void to_json(json& j, const InstancesResult& v);
void from_json(const json& j, InstancesResult& v);
void to_json(json& j, const DumpResult& v);
void from_json(const json& j, DumpResult& v);
void to_json(json& j, const ResurrectArgs& v);
void from_json(const json& j, ResurrectArgs& v);
void to_json(json& j, const ResurrectResult& v);
void from_json(const json& j, ResurrectResult& v);
void to_json(json& j, const PingResult& v);
void from_json(const json& j, PingResult& v);
void to_json(json& j, const FlushResult& v);
void from_json(const json& j, FlushResult& v);
void to_json(json& j, const MissedEvent& v);
void from_json(const json& j, MissedEvent& v);

// Converts request args to a typed struct, turning any JSON type error into
// TendError(kBadRequest) so the dispatcher replies instead of crashing.
template <typename T>
T args_as(const json& args) {
    try {
        return args.get<T>();
    } catch (const json::exception& e) {
        throw TendError(ErrorCode::kBadRequest, std::string("bad arguments: ") + e.what());
    }
}

}  // namespace tend
