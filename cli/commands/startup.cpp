// `tend startup [systemd]`: print the boot unit, or with --install write and
// enable it; `tend unstartup`: disable and remove it. Neither needs a daemon.
#include <memory>

#include "cli/commands/commands.h"
#include "cli/startup/startup_plan.h"
#include "common/http_address.h"

namespace tend {
namespace {

struct StartupFlags {
    std::string init_system = "systemd";
    std::string user;
    bool user_unit = false;
    bool install = false;
    std::string http;  // --http ADDR, for tendd's ExecStart
};

void add_unit_options(CLI::App& app, StartupFlags& f) {
    app.add_option("init", f.init_system, "init system (only systemd)")->type_name("INIT");
    add_value_option(app, "--user", f.user, "system unit running as this user (default: you)",
                     "NAME");
    app.add_flag("--user-unit", f.user_unit,
                 "a unit of your own systemd --user instead of a system unit");
    add_value_option(app, "--http", f.http,
                     "tendd serves /metrics, the HTTP API and the dashboard at ADDR", "ADDR");
}

StartupPlan plan_for(const StartupFlags& f) {
    StartupPlan plan = plan_startup(f.init_system, f.user, f.user_unit);
    if (!f.http.empty()) {
        parse_http_address(f.http);  // refused here, not by systemd at boot
        plan.unit.http = f.http;
    }
    return plan;
}

int run_startup(const StartupFlags& f) {
    StartupPlan plan = plan_for(f);
    if (!f.install) {
        print_now(systemd_unit_text(plan.unit));
        return 0;
    }
    install_startup(plan);
    std::string name = systemd_unit_name(plan.unit);
    std::string user = plan.unit.scope == UnitScope::kUser ? " --user" : "";
    print_now("[tend] wrote " + plan.unit_path + " and enabled it: tend starts at boot\n" +
              "[tend] `systemctl" + user + " start " + name + "` starts it now; " +
              "`tend save` chooses the apps it brings back\n");
    if (plan.unit.scope == UnitScope::kUser)
        print_now("[tend] a user unit starts at boot only with `loginctl enable-linger " +
                  plan.unit.user + "`\n");
    return 0;
}

int run_unstartup(const StartupFlags& f) {
    StartupPlan plan = plan_startup(f.init_system, f.user, f.user_unit);
    if (!remove_startup(plan)) {
        print_now("[tend] no unit at " + plan.unit_path + ": nothing to remove\n");
        return 0;
    }
    print_now("[tend] disabled and removed " + plan.unit_path + "\n");
    return 0;
}

}  // namespace

CommandRunner setup_startup(CLI::App& app) {
    auto f = std::make_shared<StartupFlags>();
    add_unit_options(app, *f);
    app.add_flag("--install", f->install, "write the unit and enable it (root for a system unit)");
    return [f](CommandContext&) { return run_startup(*f); };
}

CommandRunner setup_unstartup(CLI::App& app) {
    auto f = std::make_shared<StartupFlags>();
    add_unit_options(app, *f);
    return [f](CommandContext&) { return run_unstartup(*f); };
}

}  // namespace tend
