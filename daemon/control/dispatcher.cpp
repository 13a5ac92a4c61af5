// Command lookup, version check, and error replies.
#include "daemon/control/dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "common/commands.h"
#include "common/messages.h"
#include "common/version.h"
#include "daemon/control/handlers/handlers.h"

namespace tend {
namespace {

constexpr std::array kHandlers{
    HandlerEntry{registered(cmd::kCleardump), &handlers::cleardump},
    HandlerEntry{registered(cmd::kDelete), &handlers::remove},
    HandlerEntry{registered(cmd::kDescribe), &handlers::describe},
    HandlerEntry{registered(cmd::kEnv), &handlers::env},
    HandlerEntry{registered(cmd::kEvents), &handlers::events},
    HandlerEntry{registered(cmd::kFlush), &handlers::flush},
    HandlerEntry{registered(cmd::kKill), &handlers::kill},
    HandlerEntry{registered(cmd::kList), &handlers::list},
    HandlerEntry{registered(cmd::kLogs), &handlers::logs},
    HandlerEntry{registered(cmd::kMonit), &handlers::monit},
    HandlerEntry{registered(cmd::kPing), &handlers::ping},
    HandlerEntry{registered(cmd::kReload), &handlers::reload},
    HandlerEntry{registered(cmd::kReloadLogs), &handlers::reload_logs},
    HandlerEntry{registered(cmd::kReset), &handlers::reset},
    HandlerEntry{registered(cmd::kRestart), &handlers::restart},
    HandlerEntry{registered(cmd::kResurrect), &handlers::resurrect},
    HandlerEntry{registered(cmd::kSave), &handlers::save},
    HandlerEntry{registered(cmd::kScale), &handlers::scale},
    HandlerEntry{registered(cmd::kSend), &handlers::send},
    HandlerEntry{registered(cmd::kSignal), &handlers::send_signal},
    HandlerEntry{registered(cmd::kStart), &handlers::start},
    HandlerEntry{registered(cmd::kStop), &handlers::stop},
    HandlerEntry{registered(cmd::kUpdate), &handlers::update},
};

const HandlerEntry* find_handler(std::string_view name) {
    auto it = std::lower_bound(
        kHandlers.begin(), kHandlers.end(), name,
        [](const HandlerEntry& e, std::string_view n) { return e.command->name < n; });
    return it != kHandlers.end() && it->command->name == name ? &*it : nullptr;
}

// `update` and `ping` are answered across versions: they are how a tend of
// another release finds out which daemon runs and replaces it.
void check_version(const Request& request, const std::string& ours) {
    if (request.cmd == cmd::kUpdate || request.cmd == cmd::kPing) return;
    if (request.v == kProtocolVersion && (request.version.empty() || request.version == ours))
        return;
    std::string theirs =
        request.version.empty() ? "protocol " + std::to_string(request.v) : request.version;
    throw TendError(ErrorCode::kVersionMismatch,
                    "daemon is " + ours + ", this tend is " + theirs +
                        ": run 'tend update' to replace the daemon (apps keep running)");
}

}  // namespace

std::span<const HandlerEntry> handler_table() {
    return kHandlers;
}

void Dispatcher::dispatch(Connection& connection, std::string_view line) {
    std::optional<std::int64_t> id;
    try {
        Request request = parse_request(line);
        id = request.id;
        check_version(request, services_.version);
        const HandlerEntry* entry = find_handler(request.cmd);
        if (!entry)
            throw TendError(ErrorCode::kUnknownCommand, "unknown command '" + request.cmd + "'");
        if (entry->command->mutates && services_.shutting_down)
            throw TendError(ErrorCode::kShuttingDown, "the daemon is shutting down");
        Context ctx{services_, Responder(services_.server, connection.id(), request.id)};
        std::optional<json> result = entry->handler(request, ctx);
        if (result) connection.send(encode_reply(request.id, *result));
    } catch (const TendError& e) {
        connection.send(encode_error(id, e.code(), e.what()));
    } catch (const std::exception& e) {
        spdlog::error("internal error on '{}': {}", std::string(line.substr(0, 200)), e.what());
        connection.send(
            encode_error(id, ErrorCode::kInternal, std::string("internal error: ") + e.what()));
    }
}

void Responder::reply(const json& result) const {
    if (Connection* c = connection()) c->send(encode_reply(request_, result));
}

void Responder::reply_text(std::string_view result) const {
    if (Connection* c = connection()) c->send(encode_reply_text(request_, result));
}

void Responder::error(ErrorCode code, std::string_view message) const {
    if (Connection* c = connection()) c->send(encode_error(request_, code, message));
}

void Responder::event_text(Connection& to, std::string_view name, std::string_view data) const {
    to.send_soon(encode_event_text(request_, name, data));
}

void Responder::event(std::string_view name, const json& data) const {
    if (Connection* c = connection()) c->send_soon(encode_event(request_, name, data));
}

}  // namespace tend
