// `tend monit`'s one subscription: a snapshot (instances with their metrics
// history, the last lines of every log), then state events from the
// MonitHub and live log lines, capped per instance, until the client goes.
#include <memory>

#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"
#include "daemon/streams/line_rate_limiter.h"

namespace tend::handlers {
namespace {

// Unwritten bytes past which events for a slow dashboard are held back
// rather than queued: it never grows the daemon or slows an app.
constexpr std::size_t kMonitQueueLimit = 1 << 20;
constexpr int kMaxTailLines = 1000;

bool backed_up(const Responder& responder) {
    Connection* c = responder.connection();
    return !c || c->queued_bytes() > kMonitQueueLimit;
}

void subscribe_logs(Context& ctx, std::shared_ptr<LineRateLimiter> limiter) {
    LogSink& sink = ctx.services.sink;
    auto id = sink.subscribe([limiter, responder = ctx.responder](const PublishedLine& published) {
        const LogLine& line = published.line();
        if (!limiter->admit(line.id, line.time)) return;
        Connection* c = responder.connection();
        if (!c || c->queued_bytes() > kMonitQueueLimit) {
            limiter->hold_back(line.id);
            return;
        }
        responder.event_text(*c, "log", published.json_text());
    });
    ctx.responder.connection()->on_close([&sink, id] { sink.unsubscribe(id); });
}

// Lines held back are reported with each state event, so a count reaches
// the dashboard even when the app has gone quiet since.
void subscribe_state(Context& ctx, std::shared_ptr<LineRateLimiter> limiter) {
    MonitHub& hub = ctx.services.monit;
    auto id = hub.subscribe([limiter, responder = ctx.responder](const json& state) {
        if (backed_up(responder)) return;
        for (auto [instance, count] : limiter->take_held_back())
            responder.event("missed", json(MissedEvent{count, instance}));
        responder.event("state", state);
    });
    ctx.responder.connection()->on_close([&hub, id] { hub.unsubscribe(id); });
}

}  // namespace

std::optional<json> monit(const Request& request, Context& ctx) {
    auto args = args_as<MonitArgs>(request.args);
    if (args.tail_lines < 0 || args.tail_lines > kMaxTailLines)
        throw TendError(ErrorCode::kBadRequest,
                        "'tail_lines' must be 0.." + std::to_string(kMaxTailLines));
    if (args.lines_per_second < 0)
        throw TendError(ErrorCode::kBadRequest, "'lines_per_second' must not be negative");
    admit_stream(ctx);
    ProcessTable& table = ctx.services.table;
    std::vector<int> ids = table.all_ids();
    LogsArgs tail_args;
    tail_args.lines = args.tail_lines;
    MonitResult result{table.infos(ids, true, true), read_tail(tail_args, ids, ctx).tail,
                       ctx.services.sample_interval_ms};
    ctx.responder.reply(json(result));
    if (!ctx.responder.connection()) return std::nullopt;
    // Subscribing in the same loop turn as the snapshot: no line or change
    // falls between the two.
    auto limiter = std::make_shared<LineRateLimiter>(args.lines_per_second);
    if (args.lines_per_second > 0) subscribe_logs(ctx, limiter);
    subscribe_state(ctx, limiter);
    return std::nullopt;
}

}  // namespace tend::handlers
