// `tend reloadLogs` (PM2's name) and SIGUSR2: after an external logrotate
// moved the files, every one is opened again at its path. config.json is
// read again too, so new rotation defaults apply without a restart.
#include "common/messages.h"
#include "daemon/control/handlers/handlers.h"
#include "daemon/daemon_settings.h"

namespace tend::handlers {

std::size_t reopen_logs(Services& services) {
    std::optional<TendError> bad_config;
    try {
        services.table.set_log_rotation_defaults(
            load_daemon_settings(services.paths.home).log_rotation);
    } catch (const TendError& e) {
        bad_config = e;  // the files are reopened all the same
    }
    std::size_t reopened = services.sink.reopen_all();
    ProcessTable& table = services.table;
    for (auto [id, pid] : table.processes()) {
        const Instance* inst = table.find(id);
        const App* app = inst ? table.find_app(inst->app) : nullptr;
        if (!app) continue;
        RotationPolicy rotation = table.rotation_of(app->spec);
        services.sink.set_rotation(inst->out_log, rotation);
        services.sink.set_rotation(inst->err_log, rotation);
    }
    if (bad_config) throw *bad_config;
    return reopened;
}

std::optional<json> reload_logs(const Request&, Context& ctx) {
    return json(ReloadLogsResult{reopen_logs(ctx.services)});
}

}  // namespace tend::handlers
