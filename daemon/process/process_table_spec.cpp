// The process table's replacement of an app's spec, what `tend reload
// <file>` and `--update-env` apply before the instances are replaced. The
// reload itself is in process_table_reload.cpp.
#include "common/errors.h"
#include "daemon/process/process_table.h"

namespace tend {
namespace {

// The listening socket is bound at start for the app's life; a worker of
// the new spec could not listen on another port through it.
void check_same_listen(const AppSpec& running, const AppSpec& next) {
    const ListenOptions &was = running.listen, &now = next.listen;
    if (was.port == now.port && (was.port == 0 || was.host == now.host)) return;
    auto where = [](const ListenOptions& l) {
        return l.port == 0 ? std::string("no port") : l.host + ":" + std::to_string(l.port);
    };
    throw TendError(ErrorCode::kBadRequest, "cannot change the port of '" + running.name +
                                                "' from " + where(was) + " to " + where(now) +
                                                " by a reload: delete the app and start it again");
}

}  // namespace

void ProcessTable::check_replacement(const AppSpec& spec) const {
    const App& app = app_named(spec.name);
    validate(spec);
    check_same_listen(app.spec, spec);
}

std::vector<int> ProcessTable::replace_spec(AppSpec spec) {
    Changing changing(*this);
    check_replacement(spec);
    App& app = apps_.at(spec.name);
    // A mode the new spec does not name stays the one settled at start: its
    // instances are replaced one by one, and a fork process and a cluster
    // worker would not share a port in between.
    if (spec.exec_mode.empty()) spec.exec_mode = app.spec.exec_mode;
    resolve_exec_mode(spec);
    resolve_instances_per_cpu(spec, usable_cpus());
    int count = spec.instances;
    spec.instances = app.spec.instances;
    bool new_schedule = !(app.spec.schedule == spec.schedule);
    app.spec = std::move(spec);
    if (new_schedule) arm_schedule(app);
    // Log paths follow the spec: a reloaded instance writes where it says.
    for (int id : app.ids) {
        Instance& inst = instances_.at(id);
        std::tie(inst.out_log, inst.err_log) = log_paths(app.spec, inst.index);
    }
    if (count == app.spec.instances) return {};
    return resize(app, count);
}

}  // namespace tend
