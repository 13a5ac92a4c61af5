#include "export_test_apps.h"

namespace tend::test {
namespace {

AppSpec rich_api() {
    AppSpec api;
    api.name = "My_Api";
    api.ns = "shop";
    api.script = "/srv/api/server.js";
    api.args = {"--mode", "fast $HOME $(HOSTNAME)"};
    api.cwd = "/srv/api";
    api.instances = 3;
    api.interpreter_args = {"--max-old-space-size=256", "--title", "my api"};
    api.env = {{"PORT_BASE", "8000"}, {"GREETING", "hello \"world\""}, {"YES", "true"}};
    api.base_env = {{"SHELL_ONLY", "from the user's shell"}};
    api.restart.max_memory_bytes = 256LL * 1024 * 1024;
    api.restart.kill_timeout_ms = 5000;
    api.restart.kill_signal = "SIGTERM";
    api.restart.stop_exit_codes = {0, 3};
    api.restart.max_restarts = 5;
    api.listen.port = 8080;
    api.listen.wait_ready = true;
    api.health.readiness.kind = ProbeKind::kHttpGet;
    api.health.readiness.port = 8080;
    api.health.readiness.path = "/ready";
    api.health.readiness.initial_delay_ms = 2000;
    api.health.readiness.success_threshold = 2;
    api.health.readiness.headers = {{"X-Probe", "tend"}};
    api.health.liveness.kind = ProbeKind::kTcp;
    api.health.liveness.port = 8080;
    api.health.liveness.period_ms = 1500;
    api.depends_on = {{"db", "ready"}, {"migrate", "completed_successfully"}, {"cache", "started"}};
    api.run_as.uid = "1000";
    api.run_as.gid = "1000";
    api.watch.enabled = true;
    api.logs.out_file = "/var/log/api.log";
    api.vars.increment_var = "PORT";
    api.schedule.cron = "0 4 * * *";
    return api;
}

AppSpec rich_db() {
    AppSpec db;
    db.name = "db";
    db.script = "/usr/sbin/dbd";
    db.interpreter = "none";
    db.run_as.uid = "postgres";
    db.restart.max_memory_bytes = 1536 * 1024;
    db.health.readiness.kind = ProbeKind::kExec;
    db.health.readiness.command = {"dbd-ping", "-q"};
    db.health.liveness.kind = ProbeKind::kExec;
    db.health.liveness.command = {"dbd-ping", "--alive"};
    db.health.liveness.success_threshold = 2;
    return db;
}

AppSpec rich_migrate() {
    AppSpec migrate;
    migrate.name = "migrate";
    migrate.script = "/srv/migrate.sh";
    migrate.restart.autorestart = false;
    migrate.instances = 2;
    migrate.listen.port = 9000;
    return migrate;
}

AppSpec rich_report() {
    AppSpec report;
    report.name = "report";
    report.script = "/srv/report.py";
    report.restart.autorestart = false;
    report.schedule.cron = "0 30 3 * * *";
    report.schedule.timezone = "Europe/Paris";
    report.schedule.overlap = true;
    return report;
}

AppSpec rich_cache() {
    AppSpec cache;
    cache.name = "cache";
    cache.script = "/usr/bin/cache";
    cache.listen.port = 6379;
    cache.listen.host = "127.0.0.1";
    cache.health.liveness.kind = ProbeKind::kHttpGet;
    cache.health.liveness.port = 6379;
    cache.health.liveness.status_max = 299;
    return cache;
}

}  // namespace

std::vector<AppSpec> rich_export_apps() {
    return {rich_api(), rich_db(), rich_migrate(), rich_report(), rich_cache()};
}

}  // namespace tend::test
