// `tend stop|restart|delete|reload <target>...`: the reply waits until the
// instances have really exited (or restarted, or been replaced), so a script
// that runs `tend stop api` can rely on api being gone when it returns.
// restart and reload also say which instances they could not bring up.
#include <algorithm>

#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"

namespace tend::handlers {
namespace {

enum class Action { kStop, kRestart, kDelete, kReload };

// A reload replaces an instance's process, so its pid changes; one that
// still has the pid it had before kept its old process: the replacement
// failed to spawn or died before it was ready. An instance that was not
// running had no process to keep (it was restarted instead).
std::vector<int> not_replaced(const std::vector<InstanceInfo>& before,
                              const std::vector<InstanceInfo>& after) {
    std::vector<int> kept;
    for (const auto& now : after)
        for (const auto& then : before)
            if (then.id == now.id && then.pid != 0 && then.pid == now.pid) kept.push_back(now.id);
    return kept;
}

json reply_for(Action action, std::vector<InstanceInfo> before, std::vector<InstanceInfo> after) {
    switch (action) {
        case Action::kDelete:
            for (auto& info : before) info.pid = 0;
            return json(InstancesResult{std::move(before)});
        case Action::kStop:
            return json(InstancesResult{std::move(after)});
        case Action::kRestart:
            return json(ActionResult{after, errored_ids(after), {}});
        case Action::kReload:
            return json(ActionResult{after, errored_ids(after), not_replaced(before, after)});
    }
    return json::object();
}

// ids without the ones in removed.
std::vector<int> without(std::vector<int> ids, const std::vector<int>& removed) {
    std::erase_if(ids, [&](int id) {
        return std::find(removed.begin(), removed.end(), id) != removed.end();
    });
    return ids;
}

// Those of ids still in the table: a reload that shrank an app erased some.
std::vector<int> present(std::vector<int> ids, const ProcessTable& table) {
    std::erase_if(ids, [&](int id) { return table.find(id) == nullptr; });
    return ids;
}

std::optional<json> act(const Request& request, Context& ctx, Action action) {
    auto args = args_as<TargetsArgs>(request.args);
    ProcessTable& table = ctx.services.table;
    std::vector<int> ids = resolve_query(query_of(args), false, ctx);
    // As PM2: `tend stop all` with nothing started is an error, so a script
    // notices that what it meant to act on is not there.
    if (ids.empty()) throw TendError(ErrorCode::kNotFound, "no process found: no app is started");
    // Deleted instances cannot be described afterwards, and a reload is
    // judged against the pids it started from: take the infos now.
    auto before = std::make_shared<std::vector<InstanceInfo>>(table.infos(ids, false));
    // A new spec first, so what starts next runs under it; instances a new
    // count added start fresh, those it removes are stopping already.
    std::vector<int> scaled;
    if (action == Action::kRestart || action == Action::kReload)
        scaled = apply_spec_updates(args_as<SpecUpdateArgs>(request.args), ids, table);
    std::vector<int> acted = without(ids, scaled);
    if (action == Action::kStop) table.stop(ids);
    if (action == Action::kRestart) table.restart(acted);
    if (action == Action::kDelete) table.remove(ids);
    if (action == Action::kReload) table.reload(acted);
    std::vector<int> waited = ids;
    for (int id : scaled)
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) waited.push_back(id);
    table.when_settled(waited, [responder = ctx.responder, &table, waited, before, action] {
        responder.reply(reply_for(action, *before, table.infos(present(waited, table), false)));
    });
    return std::nullopt;
}

}  // namespace

std::vector<int> errored_ids(const std::vector<InstanceInfo>& infos) {
    std::vector<int> ids;
    for (const auto& info : infos)
        if (info.status == InstanceState::kErrored) ids.push_back(info.id);
    return ids;
}

std::optional<json> stop(const Request& r, Context& ctx) {
    return act(r, ctx, Action::kStop);
}
std::optional<json> restart(const Request& r, Context& ctx) {
    return act(r, ctx, Action::kRestart);
}
std::optional<json> remove(const Request& r, Context& ctx) {
    return act(r, ctx, Action::kDelete);
}
std::optional<json> reload(const Request& r, Context& ctx) {
    return act(r, ctx, Action::kReload);
}

}  // namespace tend::handlers
