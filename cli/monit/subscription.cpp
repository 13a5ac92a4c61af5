// The subscription's state: connected and waiting for the snapshot,
// streaming, or down with a retry time.
#include "cli/monit/subscription.h"

#include "cli/daemon_launcher.h"
#include "common/commands.h"

namespace tend {
namespace {

constexpr auto kRetryInterval = std::chrono::seconds(1);
constexpr auto kFirstReplyTimeout = std::chrono::seconds(10);
// Read per wakeup at most, so keys get their turn during a flood of lines.
constexpr std::size_t kReadBudget = 1 << 20;
constexpr const char* kDaemonGone = "daemon not running — retrying";

}  // namespace

std::int64_t steady_ms(SteadyClock::time_point when) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
}

Subscription::Subscription(Paths paths, MonitArgs args) : paths_(std::move(paths)), args_(args) {}

void Subscription::open(const CommandContext& ctx, MonitModel& model) {
    Client client = ctx.connect();
    client.send(cmd::kMonit, json(args_));
    std::optional<Response> reply;
    do {
        reply = client.next(SteadyClock::now() + kFirstReplyTimeout);
    } while (reply && reply->is_event());
    if (!reply)
        throw TendError(ErrorCode::kDaemonUnavailable,
                        "the daemon closed the connection without replying");
    auto snapshot = decode_result<MonitResult>(result_of(*reply));
    model.load_snapshot(std::move(snapshot));
    model.set_link(LinkState::kLive);
    client_ = std::move(client);
}

void Subscription::start(Client client, MonitModel& model) {
    client.send(cmd::kMonit, json(args_));
    client_ = std::move(client);
    awaiting_reply_ = true;
    model.set_link(LinkState::kConnecting);
}

void Subscription::on_readable(MonitModel& model) {
    if (!client_) return;
    try {
        bool open = client_->read_available(kReadBudget);
        while (auto response = client_->take_buffered())
            if (!apply(*response, model)) return;
        if (!open) drop(model, kDaemonGone);
    } catch (const TendError& e) {
        drop(model, std::string(e.what()) + " — retrying");
    }
}

bool Subscription::apply(const Response& response, MonitModel& model) {
    if (!response.is_event()) {
        if (!awaiting_reply_) return true;
        awaiting_reply_ = false;
        if (!response.ok) {
            drop(model, response.error_message + " — retrying");
            return false;
        }
        model.load_snapshot(decode_result<MonitResult>(response.result));
        model.set_link(LinkState::kLive);
    } else if (response.event == "state") {
        model.apply_state(decode_result<MonitState>(response.data));
    } else if (response.event == "log") {
        model.add_log(decode_result<LogLine>(response.data));
    } else if (response.event == "missed") {
        model.add_missed(decode_result<MissedEvent>(response.data));
    }
    return true;
}

void Subscription::drop(MonitModel& model, const std::string& why) {
    client_.reset();
    awaiting_reply_ = false;
    next_retry_ = SteadyClock::now() + kRetryInterval;
    model.set_link(LinkState::kDown, why);
}

void Subscription::retry_if_due(MonitModel& model, SteadyClock::time_point now) {
    if (client_ || now < next_retry_) return;
    next_retry_ = now + kRetryInterval;
    try {
        if (auto client = connect_running(paths_))
            start(std::move(*client), model);
        else
            model.set_link(LinkState::kDown, kDaemonGone);
    } catch (const TendError& e) {
        model.set_link(LinkState::kDown, std::string(e.what()) + " — retrying");
    }
}

std::optional<int> Subscription::ms_until_retry(SteadyClock::time_point now) const {
    if (client_) return std::nullopt;
    auto left = std::chrono::ceil<std::chrono::milliseconds>(next_retry_ - now).count();
    return left < 0 ? 0 : static_cast<int>(left);
}

}  // namespace tend
