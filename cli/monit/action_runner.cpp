// Action requests and their replies, one connection each.
#include "cli/monit/action_runner.h"

#include <algorithm>

#include "cli/daemon_launcher.h"
#include "common/commands.h"
#include "common/messages.h"

namespace tend {
namespace {

constexpr std::size_t kReplyBudget = 1 << 20;

struct Words {
    const char* command;  // on the wire
    const char* doing;    // on the status line while waiting
    const char* done;     // once the reply came
};

// kNone stands for the describe behind the details pane.
Words words_of(IntentKind kind) {
    switch (kind) {
        case IntentKind::kRestart:
            return {cmd::kRestart, "restarting", "restarted"};
        case IntentKind::kStart:
            return {cmd::kRestart, "starting", "started"};
        case IntentKind::kStop:
            return {cmd::kStop, "stopping", "stopped"};
        case IntentKind::kDelete:
            return {cmd::kDelete, "deleting", "deleted"};
        default:
            return {cmd::kDescribe, "", ""};
    }
}

// The reply on a pending connection: nullopt until it is complete; an error
// reply when the connection broke first.
std::optional<Response> reply_of(Client& client) {
    try {
        bool open = client.read_available(kReplyBudget);
        while (auto response = client.take_buffered())
            if (!response->is_event()) return response;
        if (open) return std::nullopt;
        throw TendError(ErrorCode::kDaemonUnavailable, "lost the connection to the daemon");
    } catch (const TendError& e) {
        Response broken;
        broken.error_code = e.code();
        broken.error_message = e.what();
        return broken;
    }
}

}  // namespace

ActionRunner::ActionRunner(Paths paths) : paths_(std::move(paths)) {}

void ActionRunner::start(const Intent& intent, MonitModel& model) {
    if (intent.kind == IntentKind::kNone || intent.kind == IntentKind::kQuit) return;
    send(intent.kind, intent.id, intent.label, model);
}

void ActionRunner::fetch_spec_of_selected(MonitModel& model) {
    const InstanceInfo* info = model.selected();
    if (!info || model.spec_of(info->id) || specs_asked_.count(info->id)) return;
    if (model.link() != LinkState::kLive) return;
    if (send(IntentKind::kNone, info->id, "", model)) specs_asked_.insert(info->id);
}

bool ActionRunner::send(IntentKind kind, int id, std::string label, MonitModel& model) {
    Words words = words_of(kind);
    bool quiet = kind == IntentKind::kNone;
    try {
        auto client = connect_running(paths_);
        if (!client) throw TendError(ErrorCode::kDaemonUnavailable, "daemon is not running");
        client->send(words.command, json(TargetsArgs{{std::to_string(id)}, std::nullopt, ""}));
        pending_.push_back(Pending{std::move(*client), kind, id, label});
    } catch (const TendError& e) {
        if (!quiet) model.set_status(label + ": " + e.what(), true);
        return false;
    }
    if (!quiet) model.set_status(std::string(words.doing) + " " + label + "…");
    return true;
}

std::vector<int> ActionRunner::fds() const {
    std::vector<int> fds;
    for (const auto& p : pending_) fds.push_back(p.client.fd());
    return fds;
}

void ActionRunner::on_readable(int fd, MonitModel& model) {
    auto it = std::find_if(pending_.begin(), pending_.end(),
                           [fd](const Pending& p) { return p.client.fd() == fd; });
    if (it == pending_.end()) return;
    auto reply = reply_of(it->client);
    if (!reply) return;
    try {
        report(*it, *reply, model);
    } catch (const TendError& e) {
        model.set_status(e.what(), true);
    }
    pending_.erase(it);
}

void ActionRunner::report(const Pending& pending, const Response& reply, MonitModel& model) {
    if (pending.kind == IntentKind::kNone) {
        specs_asked_.erase(pending.id);  // asked again on a later selection if this failed
        if (!reply.ok) return;
        auto described = decode_result<InstancesResult>(reply.result);
        for (auto& info : described.instances)
            if (info.id == pending.id && info.spec) model.set_spec(info.id, std::move(*info.spec));
        return;
    }
    if (reply.ok)
        model.set_status(std::string(words_of(pending.kind).done) + " " + pending.label);
    else
        model.set_status(pending.label + ": " + reply.error_message, true);
}

}  // namespace tend
