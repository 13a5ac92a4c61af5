// `tend export systemd`'s generators: the exact text of a few specs' units,
// the cron expressions as OnCalendar=, and systemd's quoting.
#include <doctest/doctest.h>

#include <algorithm>

#include "cli/export/export_target.h"
#include "cli/export/systemd_calendar.h"
#include "cli/export/systemd_syntax.h"

using namespace tend;

namespace {

AppSpec systemd_test_spec(const std::string& name, const std::string& script) {
    AppSpec spec;
    spec.name = name;
    spec.script = script;
    spec.interpreter = "none";
    spec.cwd = "/srv/" + name;
    return spec;
}

const ExportedFile& systemd_test_file(const std::vector<ExportedFile>& files,
                                      const std::string& name) {
    auto it = std::find_if(files.begin(), files.end(),
                           [&](const ExportedFile& f) { return f.name == name; });
    REQUIRE_MESSAGE(it != files.end(), "no file " << name);
    return *it;
}

bool systemd_test_has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("systemd export: one instance is NAME.service, every policy mapped or commented") {
    AppSpec spec = systemd_test_spec("web", "/srv/web/server.py");
    spec.interpreter = "/usr/bin/python3";
    spec.args = {"--greeting", "hello world", "100%"};
    spec.env = {{"GREETING", "hello \"you\""}};
    spec.run_as = {"www-data", "www-data"};
    spec.restart.restart_delay_ms = 2000;
    spec.restart.kill_signal = "SIGTERM";
    spec.restart.kill_timeout_ms = 5000;
    spec.restart.stop_exit_codes = {0, 3};
    spec.restart.max_memory_bytes = 256 << 20;
    auto files = export_systemd({spec}, {});
    REQUIRE(files.size() == 1);
    CHECK(files[0].name == "web.service");
    CHECK(files[0].text ==
          "# tend: the service of app 'web', written by `tend export systemd`\n"
          "[Unit]\n"
          "Description=tend app web\n"
          "Documentation=man:tend(1)\n"
          "# tend: max_restarts 16 with min_uptime 1s: tend counts short runs in a row, "
          "systemd starts in a window\n"
          "StartLimitIntervalSec=51s\n"
          "StartLimitBurst=17\n"
          "\n"
          "[Service]\n"
          "Type=exec\n"
          "ExecStart=/usr/bin/python3 /srv/web/server.py --greeting \"hello world\" 100%%\n"
          "WorkingDirectory=/srv/web\n"
          "User=www-data\n"
          "Group=www-data\n"
          "Environment=\"GREETING=hello \\\"you\\\"\"\n"
          "Environment=NODE_APP_INSTANCE=0\n"
          "Environment=TEND_APP_NAME=web\n"
          "Environment=TEND_INSTANCE=0\n"
          "# tend: the environment of the shell that started tend is not copied: add what the "
          "app needs above\n"
          "Restart=always\n"
          "RestartPreventExitStatus=0 3\n"
          "RestartSec=2s\n"
          "KillSignal=SIGTERM\n"
          "TimeoutStopSec=5s\n"
          "# tend: max_memory_restart: tend restarts an instance whose memory stays above this; "
          "systemd has the kernel kill it there, and Restart= starts it again\n"
          "MemoryMax=268435456\n"
          "# tend: log rotation: journald's (journald.conf), not tend's\n"
          "\n"
          "[Install]\n"
          "WantedBy=multi-user.target\n");
}

TEST_CASE("systemd export: instances are a template, a target and one shared socket") {
    AppSpec spec = systemd_test_spec("api", "/srv/api/bin/api");
    spec.instances = 3;
    spec.listen.port = 3000;
    spec.listen.host = "127.0.0.1";
    spec.listen.wait_ready = true;
    spec.vars.increment_var = "METRICS_PORT";
    spec.env = {{"METRICS_PORT", "9100"}};
    spec.restart.exp_backoff_restart_delay_ms = 100;
    auto files = export_systemd({spec}, {});
    std::vector<std::string> names;
    for (const auto& f : files) names.push_back(f.name);
    CHECK(names == std::vector<std::string>{
                       "api.socket", "api@.service", "api.target", "api@0.service.d/increment.conf",
                       "api@1.service.d/increment.conf", "api@2.service.d/increment.conf"});
    CHECK(systemd_test_file(files, "api.socket").text ==
          "# tend: the port of app 'api', written by `tend export systemd`\n"
          "# systemd binds it and hands it to every instance as fd 3 (LISTEN_FDS), as\n"
          "# tend did; the kernel picks which instance accepts a connection.\n"
          "[Unit]\n"
          "Description=tend app api: port 3000\n"
          "\n"
          "[Socket]\n"
          "ListenStream=127.0.0.1:3000\n"
          "FileDescriptorName=api\n"
          "# a connection that comes while no instance runs starts this one\n"
          "Service=api@0.service\n"
          "\n"
          "[Install]\n"
          "WantedBy=sockets.target\n");
    CHECK(systemd_test_file(files, "api.target").text ==
          "# tend: every instance of app 'api', written by `tend export systemd`\n"
          "# `systemctl start api.target` starts the 3 instances, stop stops them.\n"
          "[Unit]\n"
          "Description=tend app api (3 instances)\n"
          "Wants=api@0.service api@1.service api@2.service\n"
          "After=api@0.service api@1.service api@2.service\n"
          "\n"
          "[Install]\n"
          "WantedBy=multi-user.target\n");
    CHECK(systemd_test_file(files, "api@2.service.d/increment.conf").text ==
          "# tend: METRICS_PORT of instance 2\n[Service]\nEnvironment=METRICS_PORT=9102\n");
    const std::string& unit = systemd_test_file(files, "api@.service").text;
    for (const char* line :
         {"Description=tend app api, instance %i", "PartOf=api.target", "After=api.socket",
          "Requires=api.socket", "Type=notify", "NotifyAccess=all", "Sockets=api.socket",
          "Environment=NODE_APP_INSTANCE=%i", "Environment=TEND_INSTANCE=%i",
          "Environment=PORT=3000", "Environment=TEND_LISTEN_FD=3", "RestartSec=100ms",
          "#RestartSteps=8", "#RestartMaxDelaySec=15s", "StartLimitIntervalSec=18700ms"})
        CHECK_MESSAGE(systemd_test_has_line(unit, line), line);
    CHECK(unit.find("[Install]") == std::string::npos);  // the target wants the instances
}

TEST_CASE("systemd export: a cron job is a oneshot service run by NAME.timer") {
    AppSpec spec = systemd_test_spec("report", "/srv/report/run");
    spec.restart.autorestart = false;
    spec.schedule.cron = "30 2 * * 1";
    spec.schedule.timezone = "Europe/Paris";
    auto files = export_systemd({spec}, {});
    REQUIRE(files.size() == 2);
    CHECK(files[1].name == "report.timer");
    CHECK(files[1].text ==
          "# tend: the schedule of app 'report', written by `tend export systemd`\n"
          "[Unit]\n"
          "Description=tend cron job report\n"
          "\n"
          "[Timer]\n"
          "# tend: cron '30 2 * * 1' in Europe/Paris\n"
          "OnCalendar=Mon *-*-* 02:30:00 Europe/Paris\n"
          "# tend runs a cron job once when it starts, too\n"
          "OnActiveSec=0\n"
          "# cron fires on the second; systemd's default is within a minute\n"
          "AccuracySec=1s\n"
          "Unit=report.service\n"
          "\n"
          "[Install]\n"
          "WantedBy=timers.target\n");
    const std::string& unit = files[0].text;
    CHECK(files[0].name == "report.service");
    CHECK(systemd_test_has_line(unit, "Type=oneshot"));
    CHECK(systemd_test_has_line(unit, "Restart=no"));
    CHECK(unit.find("StartLimit") == std::string::npos);
    CHECK(unit.find("[Install]") == std::string::npos);
}

TEST_CASE("systemd export: depends_on orders units and what systemd cannot wait for is a comment") {
    AppSpec db = systemd_test_spec("db", "/srv/db/run");
    AppSpec migrate = systemd_test_spec("migrate", "/srv/migrate/run");
    migrate.restart.autorestart = false;
    AppSpec web = systemd_test_spec("web", "/srv/web/run");
    web.instances = 2;
    AppSpec api = systemd_test_spec("api", "/srv/api/run");
    api.depends_on = {{"db", "healthy"},
                      {"migrate", "completed_successfully"},
                      {"web", "ready"},
                      {"cache", "started"}};
    api.watch.enabled = true;
    api.logs.out_file = "/var/log/api.log";
    api.health.liveness.kind = ProbeKind::kTcp;
    api.health.liveness.port = 3000;
    ExportOptions options;
    options.user = "svc";
    auto files = export_systemd({db, migrate, web, api}, options);
    const std::string& unit = systemd_test_file(files, "api.service").text;
    for (const char* line :
         {"After=db.service", "Requires=db.service", "After=migrate.service", "After=web.target",
          "Requires=web.target", "After=cache.service", "User=svc",
          "# tend: cache is not among the exported apps: named cache.service",
          "# tend: depends_on db: healthy. systemd has no probes: it orders on start (or "
          "READY=1)",
          "# tend: depends_on web: ready. systemd orders on start: with neither wait_ready nor "
          "a probe known to systemd, ready is started",
          "# tend: watch: tend restarts the app when its files change; not mapped (a path unit "
          "could start a restart)",
          "# tend: log files (/var/log/api.log): not mapped, journald takes stdout and stderr "
          "(journalctl -u)"})
        CHECK_MESSAGE(systemd_test_has_line(unit, line), line);
    // migrate ends (autorestart false): After= waits for it, no comment needed.
    CHECK(unit.find("depends_on migrate") == std::string::npos);
    CHECK(unit.find("# tend: liveness probe {") != std::string::npos);
}

TEST_CASE("systemd export: the start limit window is capped at a day and signals are named") {
    AppSpec spec = systemd_test_spec("loop", "/srv/loop/run");
    spec.restart.kill_signal = "15";
    spec.restart.max_restarts = 1'000'000'000;
    spec.restart.min_uptime_ms = 1'000'000'000'000;
    const std::string unit = export_systemd({spec}, {})[0].text;
    CHECK(systemd_test_has_line(unit, "StartLimitIntervalSec=86400s"));
    CHECK(systemd_test_has_line(unit, "StartLimitBurst=1000000001"));
    CHECK(systemd_test_has_line(unit, "KillSignal=SIGTERM"));
}

TEST_CASE("systemd export: cron expressions as OnCalendar= values") {
    CHECK(systemd_calendar("*/15 9-17 * * 1-5", "") ==
          std::vector<std::string>{"Mon,Tue,Wed,Thu,Fri *-*-* 09..17:00,15,30,45:00"});
    CHECK(systemd_calendar("@daily", "") == std::vector<std::string>{"*-*-* 00:00:00"});
    CHECK(systemd_calendar("*/20 0 12 1 jan,jul *", "UTC") ==
          std::vector<std::string>{"*-01,07-01 12:00:00,20,40 UTC"});
    CHECK(systemd_calendar("0 0 * * 7", "") == std::vector<std::string>{"Sun *-*-* 00:00:00"});
    // Both day fields restricted: cron fires on either, so two values.
    CHECK(systemd_calendar("0 6 1,15 * 5", "") ==
          std::vector<std::string>{"*-*-01,15 06:00:00", "Fri *-*-* 06:00:00"});
}

TEST_CASE("systemd export: words, values and names quoted as systemd reads them") {
    CHECK(systemd_exec_line({"/bin/echo", "a b", "$HOME", "50%", ";", "", "it's"}) ==
          "/bin/echo \"a b\" $$HOME 50%% \\; \"\" \"it's\"");
    CHECK(systemd_env_assignment("A", "plain") == "A=plain");
    CHECK(systemd_env_assignment("A", "two\nlines\\") == "\"A=two\\nlines\\\\\"");
    CHECK(systemd_env_assignment("A", "5%") == "A=5%%");
    CHECK(systemd_unit_prefix("api-v2.x") == "api-v2.x");
    CHECK(systemd_unit_prefix("caf\xc3\xa9@x") == "caf\\xc3\\xa9\\x40x");
    CHECK(systemd_time_span(0) == "0");
    CHECK(systemd_time_span(1500) == "1500ms");
    CHECK(systemd_time_span(60000) == "60s");
}
