#include "export_sample_apps.h"

namespace tend::test {

AppSpec sample_web_app() {
    AppSpec web;
    web.name = "web";
    web.script = "/srv/web/app.js";
    web.cwd = "/srv/web";
    web.instances = 2;
    web.env = {{"PORT", "8080"}, {"NODE_ENV", "production"}};
    web.base_env = {{"HOME", "/root"}, {"SSH_AUTH_SOCK", "/tmp/agent"}};
    web.listen.port = 8080;
    web.health.readiness.kind = ProbeKind::kHttpGet;
    web.health.readiness.port = 8080;
    web.health.readiness.path = "/health";
    return web;
}

AppSpec sample_backup_app() {
    AppSpec job;
    job.name = "Nightly Backup";
    job.script = "/usr/local/bin/backup";
    job.args = {"--all"};
    job.restart.autorestart = false;
    job.restart.kill_signal = "SIGTERM";
    job.restart.kill_timeout_ms = 30000;
    job.schedule.cron = "15 2 * * *";
    return job;
}

AppSpec sample_worker_app() {
    AppSpec worker;
    worker.name = "worker";
    worker.script = "/srv/worker.py";
    worker.restart.max_memory_bytes = 512LL * 1024 * 1024;
    worker.restart.stop_exit_codes = {0};
    worker.depends_on = {{"web", "ready"}, {"queue", "started"}};
    return worker;
}

}  // namespace tend::test
