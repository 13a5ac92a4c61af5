// Command lookup, version check, and error replies.
#include "daemon/control/dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "common/messages.h"
#include "common/version.h"
#include "daemon/control/handlers/handlers.h"

namespace tend {
namespace {

constexpr std::array<CommandEntry, 18> kCommands{{
    {cmd::kCleardump, &handlers::cleardump, true},
    {cmd::kDelete, &handlers::remove, true},
    {cmd::kDescribe, &handlers::describe, false},
    {cmd::kEvents, &handlers::events, false},
    {cmd::kFlush, &handlers::flush, true},
    {cmd::kKill, &handlers::kill, true},
    {cmd::kList, &handlers::list, false},
    {cmd::kLogs, &handlers::logs, false},
    {cmd::kMonit, &handlers::monit, false},
    {cmd::kPing, &handlers::ping, false},
    {cmd::kReload, &handlers::reload, true},
    {cmd::kRestart, &handlers::restart, true},
    {cmd::kResurrect, &handlers::resurrect, true},
    {cmd::kSave, &handlers::save, false},
    {cmd::kScale, &handlers::scale, true},
    {cmd::kSend, &handlers::send, false},
    {cmd::kStart, &handlers::start, true},
    {cmd::kStop, &handlers::stop, true},
}};

const CommandEntry* find_command(std::string_view name) {
    auto it =
        std::lower_bound(kCommands.begin(), kCommands.end(), name,
                         [](const CommandEntry& e, std::string_view n) { return e.name < n; });
    return it != kCommands.end() && it->name == name ? &*it : nullptr;
}

void check_version(const Request& request) {
    if (request.v == kProtocolVersion && (request.version.empty() || request.version == kVersion))
        return;
    std::string theirs =
        request.version.empty() ? "protocol " + std::to_string(request.v) : request.version;
    throw TendError(ErrorCode::kVersionMismatch, std::string("daemon is ") + kVersion +
                                                     ", this tend is " + theirs +
                                                     ": run 'tend kill' and try again");
}

}  // namespace

std::span<const CommandEntry> command_table() {
    return kCommands;
}

void Dispatcher::dispatch(Connection& connection, std::string_view line) {
    std::optional<std::int64_t> id;
    try {
        Request request = parse_request(line);
        id = request.id;
        check_version(request);
        const CommandEntry* entry = find_command(request.cmd);
        if (!entry)
            throw TendError(ErrorCode::kUnknownCommand, "unknown command '" + request.cmd + "'");
        if (entry->mutates && services_.shutting_down)
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

void Responder::error(ErrorCode code, std::string_view message) const {
    if (Connection* c = connection()) c->send(encode_error(request_, code, message));
}

void Responder::event(std::string_view name, const json& data) const {
    if (Connection* c = connection()) c->send(encode_event(request_, name, data));
}

}  // namespace tend
