// `tend logs`: the last lines of each matching instance (its stdout and
// stderr in the order they were written, archives included), then (unless
// --nostream) every new line as an event, from a LogSink subscription.
// --grep is matched here, on the tail and on followed lines alike.
#include <uv.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"
#include "daemon/control/handlers/target_match.h"
#include "daemon/logs/line_grep.h"
#include "daemon/logs/log_line_format.h"
#include "daemon/logs/tail_order.h"

namespace tend::handlers {
namespace {

// A follower whose socket has this much unwritten is skipped, and told how
// many lines it missed: a slow terminal never slows the app or the file.
constexpr std::size_t kFollowQueueLimit = 4 << 20;
// The bytes read for one tail from every file together (live files and
// archives): the reply is one line the CLI reads whole (64 MiB at most).
constexpr std::size_t kTailBudget = std::size_t{32} << 20;
constexpr std::int64_t kMaxSinceMs = 10'000'000'000'000;

// Which captured lines a follower wants.
struct Filter {
    TargetMatch targets;
    std::optional<int> instance;
    LogStreams streams = LogStreams::kBoth;
    std::shared_ptr<const LineGrep> grep;

    bool matches(const LogLine& line) const {
        if (instance && line.instance != *instance) return false;
        if (streams == LogStreams::kOut && line.stream != "out") return false;
        if (streams == LogStreams::kErr && line.stream != "err") return false;
        if (!targets.matches(line.name, line.id)) return false;
        return !grep || grep->matches(line.line);
    }
};

std::int64_t wall_ns() {
    using namespace std::chrono;
    return duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
}

// --since and --grep as the scan wants them; times in uv_hrtime's clock.
TailQuery tail_query(const LogsArgs& args, const LineGrep* grep) {
    TailQuery query;
    query.lines = static_cast<std::size_t>(std::max(args.lines, 0));
    query.grep = grep;
    query.wall_to_hr_ns = static_cast<std::int64_t>(uv_hrtime()) - wall_ns();
    if (args.since_ms) query.since_ns = *args.since_ms * 1'000'000 + query.wall_to_hr_ns;
    return query;
}

// The apps whose instances share one file: its lines cannot be told apart.
bool merged(const Instance& inst, const ProcessTable& table) {
    const App* app = table.find_app(inst.app);
    return app && app->spec.logs.merge_logs;
}

}  // namespace

LogsResult read_tail(const LogsArgs& args, const std::vector<int>& ids, Context& ctx,
                     const LineGrep* grep) {
    LogsResult result;
    std::set<std::string> seen;  // merged logs: one file for many instances
    std::size_t budget = kTailBudget;
    TailQuery query = tail_query(args, grep);
    LogSink& sink = ctx.services.sink;
    for (int id : ids) {
        const Instance* inst = ctx.services.table.find(id);
        bool shared = merged(*inst, ctx.services.table);
        // A merged file's past lines name no instance: none of them is this one's.
        if (args.instance && (shared || inst->index != *args.instance)) continue;
        std::vector<StreamTail> streams;
        auto add = [&](const std::string& path, const char* stream) {
            if (!seen.insert(path).second || budget == 0) return;
            streams.push_back(StreamTail{stream, sink.scan(path, query, budget)});
        };
        if (args.streams != LogStreams::kErr) add(inst->out_log, "out");
        if (args.streams != LogStreams::kOut) add(inst->err_log, "err");
        int shown_id = shared ? -1 : id;
        int shown_index = shared ? -1 : inst->index;
        const App* app = ctx.services.table.find_app(inst->app);
        LogType type = app ? log_format_of(app->spec.logs).type : LogType::kText;
        for (auto& line : in_written_order(std::move(streams), query.lines)) {
            // A JSON line gives back its message and time, as if followed.
            StoredLine stored = decode_stored_line(std::move(line.text), type);
            result.tail.push_back(LogLine{shown_id, inst->app, shown_index, line.stream,
                                          std::move(stored.message), stored.time});
        }
    }
    return result;
}

LogsResult read_tail(const LogsArgs& args, const std::vector<int>& ids, Context& ctx) {
    return read_tail(args, ids, ctx, nullptr);
}

namespace {

void warn(Context& ctx, const std::string& message) {
    ctx.responder.event("warning", json{{"message", message}});
}

// A full disk holds an app's output in its pipe (nothing is lost, the app
// blocks): say so ahead of the tail, or the missing lines look like a hang.
void warn_full_files(const LogsArgs& args, const std::vector<int>& ids, Context& ctx) {
    std::set<std::string> seen;
    for (int id : ids) {
        const Instance* inst = ctx.services.table.find(id);
        if (args.instance && inst->index != *args.instance) continue;
        std::vector<const std::string*> paths;
        if (args.streams != LogStreams::kErr) paths.push_back(&inst->out_log);
        if (args.streams != LogStreams::kOut) paths.push_back(&inst->err_log);
        for (const std::string* path : paths) {
            if (!seen.insert(*path).second || !ctx.services.sink.full(*path)) continue;
            std::string message = "log file '";
            message.append(*path)
                .append("' is full (no space left on device); ")
                .append(inst->app)
                .append("'s output is held until space is freed");
            warn(ctx, message);
        }
    }
}

std::string targets_text(const LogsArgs& args) {
    if (args.targets.empty()) return "any app";
    std::string text;
    for (const auto& t : args.targets)
        text.append(text.empty() ? "'" : ", '").append(t).append("'");
    return text;
}

// The ids the targets name now. A name that matches nothing yet is an app
// still to start when following (its lines are shown once it runs); without
// following it is the usual kNotFound.
std::vector<int> resolve_logs(const LogsArgs& args, Context& ctx) {
    try {
        return resolve_query(TargetQuery{args.targets, std::nullopt, args.cwd}, true, ctx);
    } catch (const TendError& e) {
        if (!args.follow || e.code() != ErrorCode::kNotFound) throw;
        std::string message = e.what();
        warn(ctx, message.append("; waiting for its lines"));
        std::vector<int> ids;
        for (const auto& t : args.targets) {
            try {
                auto r = ctx.services.table.resolve(TargetQuery{{t}, std::nullopt, args.cwd}, true);
                ids.insert(ids.end(), r.ids.begin(), r.ids.end());
            } catch (const TendError&) {
            }
        }
        return ids;
    }
}

// A filter that matches nothing says so: an error without following (there
// is nothing to show), a warning when following (its lines may come).
void check_matches(const LogsArgs& args, const std::vector<int>& ids, Context& ctx) {
    const ProcessTable& table = ctx.services.table;
    // No apps at all: following waits for their lines without a word (it
    // filters nothing); without following there is nothing to show.
    if (ids.empty() && args.targets.empty()) {
        if (!args.follow) warn(ctx, "no apps");
        return;
    }
    if (!args.instance || ids.empty()) return;
    bool any = false;
    std::set<std::string> merged_apps;
    for (int id : ids) {
        const Instance* inst = table.find(id);
        if (inst->index != *args.instance) continue;
        any = true;
        if (merged(*inst, table)) merged_apps.insert(inst->app);
    }
    std::string n = std::to_string(*args.instance);
    if (!any) {
        std::string message = "no instance " + n + " of " + targets_text(args);
        if (!args.follow) throw TendError(ErrorCode::kNotFound, message);
        warn(ctx, message + "; waiting for its lines");
    }
    for (const auto& app : merged_apps)
        warn(ctx, "past lines of " + app + "'s merged logs cannot be told apart by instance" +
                      (args.follow ? "; following instance " + n + " only" : "; none shown"));
}

void follow(const Filter& filter, Context& ctx) {
    Connection* connection = ctx.responder.connection();
    if (!connection) return;
    auto missed = std::make_shared<std::int64_t>(0);
    LogSink& sink = ctx.services.sink;
    auto id =
        sink.subscribe([filter, missed, responder = ctx.responder](const PublishedLine& published) {
            const LogLine& line = published.line();
            if (!filter.matches(line)) return;
            Connection* c = responder.connection();
            if (!c) return;
            if (c->queued_bytes() > kFollowQueueLimit) {
                ++*missed;
                return;
            }
            if (*missed) {
                responder.event("missed", json(MissedEvent{*missed, std::nullopt}));
                *missed = 0;
            }
            responder.event_text(*c, "log", published.json_text());
        });
    connection->on_close([&sink, id] { sink.unsubscribe(id); });
}

}  // namespace

std::optional<json> logs(const Request& request, Context& ctx) {
    auto args = args_as<LogsArgs>(request.args);
    if (args.lines < 0) throw TendError(ErrorCode::kBadRequest, "'lines' must not be negative");
    if (args.lines > kMaxLogLines)
        throw TendError(ErrorCode::kLimitExceeded,
                        "'lines' must be at most " + std::to_string(kMaxLogLines));
    // Up to the year 2286: the scan works in ns, which must not overflow.
    if (args.since_ms && (*args.since_ms < 0 || *args.since_ms > kMaxSinceMs))
        throw TendError(ErrorCode::kBadRequest,
                        "'since_ms' must be 0.." + std::to_string(kMaxSinceMs));
    std::shared_ptr<const LineGrep> grep;
    if (args.grep) grep = std::make_shared<const LineGrep>(*args.grep);
    const ProcessTable& table = ctx.services.table;
    std::vector<int> ids = resolve_logs(args, ctx);
    if (args.follow) admit_stream(ctx);
    check_matches(args, ids, ctx);
    warn_full_files(args, ids, ctx);
    LogsResult result = read_tail(args, ids, ctx, grep.get());
    result.following = args.follow;
    ctx.responder.reply(json(result));
    // Subscribing right after reading the tail, in the same loop turn, means
    // no line falls between the two and none comes twice.
    if (args.follow)
        follow(Filter{match_targets(args.targets, args.cwd, table, true), args.instance,
                      args.streams, grep},
               ctx);
    return std::nullopt;
}

}  // namespace tend::handlers
