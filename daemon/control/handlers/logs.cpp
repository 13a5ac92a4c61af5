// `tend logs`: the last lines of the matching log files, then (unless
// --nostream) every new line as an event, from a LogSink subscription.
#include <memory>
#include <set>
#include <string>

#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"
#include "daemon/control/handlers/target_match.h"
#include "daemon/logs/log_line_format.h"

namespace tend::handlers {
namespace {

// A follower whose socket has this much unwritten is skipped, and told how
// many lines it missed: a slow terminal never slows the app or the file.
constexpr std::size_t kFollowQueueLimit = 4 << 20;
// `--lines` per log file, and the bytes of one tail from every file
// together: the reply is one line the CLI reads whole (64 MiB at most).
constexpr int kMaxLines = 100'000;
constexpr std::size_t kTailBudget = std::size_t{32} << 20;

// Which captured lines a follower wants.
struct Filter {
    TargetMatch targets;
    std::optional<int> instance;
    LogStreams streams = LogStreams::kBoth;

    bool matches(const LogLine& line) const {
        if (instance && line.instance != *instance) return false;
        if (streams == LogStreams::kOut && line.stream != "out") return false;
        if (streams == LogStreams::kErr && line.stream != "err") return false;
        return targets.matches(line.name, line.id);
    }
};

}  // namespace

LogsResult read_tail(const LogsArgs& args, const std::vector<int>& ids, Context& ctx) {
    LogsResult result;
    std::set<std::string> seen;  // merged logs: one file for many instances
    std::size_t budget = kTailBudget;
    for (int id : ids) {
        const Instance* inst = ctx.services.table.find(id);
        if (args.instance && inst->index != *args.instance) continue;
        const App* app = ctx.services.table.find_app(inst->app);
        LogType type = app ? log_format_of(app->spec.logs).type : LogType::kText;
        auto add = [&](const std::string& path, const char* stream) {
            if (!seen.insert(path).second || budget == 0) return;
            for (auto& line : ctx.services.sink.tail(path, args.lines, budget)) {
                budget -= std::min(budget, line.size() + 1);
                // A JSON line gives back its message and time, as if followed.
                StoredLine stored = decode_stored_line(std::move(line), type);
                result.tail.push_back(LogLine{id, inst->app, inst->index, stream,
                                              std::move(stored.message), stored.time});
            }
        };
        if (args.streams != LogStreams::kErr) add(inst->out_log, "out");
        if (args.streams != LogStreams::kOut) add(inst->err_log, "err");
    }
    return result;
}

namespace {

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
            ctx.responder.event("warning", json{{"message", message}});
        }
    }
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
    if (args.lines > kMaxLines)
        throw TendError(ErrorCode::kLimitExceeded,
                        "'lines' must be at most " + std::to_string(kMaxLines));
    const ProcessTable& table = ctx.services.table;
    std::vector<int> ids =
        table.resolve(TargetQuery{args.targets, std::nullopt, args.cwd}, true).ids;
    if (args.follow) admit_stream(ctx);
    warn_full_files(args, ids, ctx);
    LogsResult result = read_tail(args, ids, ctx);
    result.following = args.follow;
    ctx.responder.reply(json(result));
    // Subscribing right after reading the tail, in the same loop turn, means
    // no line falls between the two and none comes twice.
    if (args.follow)
        follow(Filter{match_targets(args.targets, args.cwd, table), args.instance, args.streams},
               ctx);
    return std::nullopt;
}

}  // namespace tend::handlers
