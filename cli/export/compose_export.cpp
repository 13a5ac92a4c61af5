// `tend export compose`: one compose.yaml, a service per app. Replicas,
// restart policy, stop signal and grace, memory limit, a healthcheck from
// the readiness probe and depends_on conditions map to Compose's keys; what
// has none is a `# tend:` comment in the service. docs/deploy.md ("Docker Compose").
#include <algorithm>
#include <map>

#include "cli/export/container_command.h"
#include "cli/export/export_target.h"
#include "cli/export/yaml_writer.h"

namespace tend {
namespace {

struct ComposeApp {
    const AppSpec& spec;
    const ExportOptions& options;
    std::string name;  // the service's name
    // Every exported app and its service's name, by tend name (depends_on).
    const std::map<std::string, std::pair<const AppSpec*, std::string>>& services;
};

// A Go duration as Compose reads it: whole seconds, else milliseconds.
std::string compose_duration(std::int64_t ms) {
    return ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms";
}

// Bytes as Docker reads them: g, m or k when whole, else bytes.
std::string compose_bytes(std::int64_t bytes) {
    const std::pair<std::int64_t, const char*> units[] = {
        {1024LL * 1024 * 1024, "g"}, {1024LL * 1024, "m"}, {1024, "k"}};
    for (const auto& [size, suffix] : units)
        if (bytes % size == 0) return std::to_string(bytes / size) + suffix;
    return std::to_string(bytes);
}

std::string compose_url(const Probe& p) {
    return "http://" + p.host + ":" + std::to_string(p.port) + p.path;
}

// The command Docker runs for a probe. An exec probe is that command; for
// http_get and tcp, Docker has nothing built in, so a best effort with tools
// an image may or may not have (the comment says which).
std::vector<std::string> compose_probe_test(YamlWriter& y, const Probe& p) {
    if (p.kind == ProbeKind::kExec) {
        std::vector<std::string> test{"CMD"};
        test.insert(test.end(), p.command.begin(), p.command.end());
        return test;
    }
    if (p.kind == ProbeKind::kTcp) {
        y.comment("tcp probe: Docker runs a command in the container; this one needs bash");
        return {"CMD", "bash", "-c", "exec 3<>/dev/tcp/" + p.host + "/" + std::to_string(p.port)};
    }
    y.comment(
        "http_get probe: Docker runs a command in the container; this one needs curl or "
        "wget\n(healthy: 200-399" +
        std::string(p.headers.empty() ? "" : "; the probe's headers are not sent") + ")");
    std::string url = single_quoted(compose_url(p));
    return {"CMD-SHELL", "curl -fsS -o /dev/null " + url + " || wget -q -O /dev/null " + url};
}

void compose_healthcheck(YamlWriter& y, const AppSpec& s) {
    const Probe& readiness = s.health.readiness;
    const Probe& liveness = s.health.liveness;
    if (liveness.enabled())
        y.comment(
            "liveness: Docker marks a container unhealthy but does not restart it" +
            std::string(readiness.enabled() ? "" : "; the healthcheck is the liveness probe"));
    const Probe& p = readiness.enabled() ? readiness : liveness;
    if (!p.enabled()) return;
    if (p.kind == ProbeKind::kHttpGet && (p.status_min != 200 || p.status_max != 399))
        y.comment(text_of({"http_get statuses ", std::to_string(p.status_min), "-",
                           std::to_string(p.status_max), ": the check below fails from 400"}));
    if (p.success_threshold != 1)
        y.comment(text_of({"success_threshold ", std::to_string(p.success_threshold),
                           ": one pass makes a container healthy"}));
    y.open("healthcheck");
    std::vector<std::string> test = compose_probe_test(y, p);
    for (auto& word : test) word = dollars_escaped(word);
    y.flow_list("test", test);
    y.field("interval", compose_duration(p.period_ms));
    y.field("timeout", compose_duration(p.timeout_ms));
    y.number("retries", p.failure_threshold);
    y.field("start_period", compose_duration(p.initial_delay_ms));
    y.close();
}

void compose_restart(YamlWriter& y, const ComposeApp& app) {
    const RestartPolicy& r = app.spec.restart;
    if (!r.autorestart) {
        y.field("restart", "no");
        return;
    }
    std::string inside = app.options.direct ? "" : " (under tend-runtime, tend's rule acts inside)";
    if (r.stop_exit_codes.empty()) {
        y.comment("restart: Docker restarts always, its delay doubling; max_restarts " +
                  std::to_string(r.max_restarts) +
                  ", min_uptime and restart delays have no equivalent" + inside);
        y.field("restart", "always");
        return;
    }
    y.comment("stop_exit_codes: Docker restarts on any non-zero exit, " +
              std::to_string(r.max_restarts) + " times at most" + inside);
    y.field("restart", text_of({"on-failure:", std::to_string(r.max_restarts)}));
}

void compose_stop(YamlWriter& y, const ComposeApp& app) {
    const RestartPolicy& r = app.spec.restart;
    if (app.options.direct) {
        y.field("stop_signal", r.kill_signal);
        y.field("stop_grace_period", compose_duration(r.kill_timeout_ms));
        return;
    }
    y.comment("tend-runtime turns Docker's SIGTERM into " + r.kill_signal +
              " for the app; kill_timeout + 1 s to exit");
    y.field("stop_grace_period", compose_duration(r.kill_timeout_ms + 1000));
}

void compose_ports(YamlWriter& y, const ComposeApp& app) {
    const ListenOptions& l = app.spec.listen;
    if (l.port == 0) return;
    std::string port = std::to_string(l.port);
    if (app.options.direct)
        y.comment("--direct: the app must listen on " + port +
                  " itself (tend bound it and passed it as fd 3)");
    y.open("ports");
    if (app.spec.instances > 1) {
        y.comment(text_of({"--port ", port, " shared by ", std::to_string(app.spec.instances)}) +
                  " instances: replicas cannot share a host port;\neach gets one Docker picks "
                  "(a proxy in front does what tend's shared port did)");
        y.item_value(port);
    } else {
        std::string host = l.host == ListenOptions{}.host ? "" : l.host + ":";
        y.item_value(host + port + ":" + port);
    }
    y.close();
}

void compose_deploy(YamlWriter& y, const AppSpec& s) {
    y.open("deploy");
    y.number("replicas", s.instances);
    if (s.restart.max_memory_bytes > 0) {
        y.comment(
            "max_memory_restart: at this limit the kernel kills the container, where tend "
            "restarted the app gracefully");
        y.open("resources");
        y.open("limits");
        y.field("memory", compose_bytes(s.restart.max_memory_bytes));
        y.close();
        y.close();
    }
    y.close();
}

std::string compose_condition(const std::string& condition) {
    if (condition == "started") return "service_started";
    if (condition == "completed_successfully") return "service_completed_successfully";
    return "service_healthy";  // ready, healthy
}

void compose_depends_on(YamlWriter& y, const ComposeApp& app) {
    if (app.spec.depends_on.empty()) return;
    std::vector<std::pair<std::string, std::string>> mapped;
    for (const auto& [dep, condition] : app.spec.depends_on) {
        auto it = app.services.find(dep);
        if (it == app.services.end()) {
            y.comment("depends_on " + dep + " (" + condition + "): not in this file");
            continue;
        }
        std::string compose = compose_condition(condition);
        const HealthChecks& h = it->second.first->health;
        if (compose == "service_healthy" && !h.readiness.enabled() && !h.liveness.enabled()) {
            y.comment("depends_on " + dep + " (" + condition + "): " + dep +
                      " has no probe, so no healthcheck; started is the nearest");
            compose = "service_started";
        }
        mapped.emplace_back(it->second.second, compose);
    }
    if (mapped.empty()) return;
    y.open("depends_on");
    for (const auto& [service, condition] : mapped) {
        y.open(service);
        y.field("condition", condition);
        y.close();
    }
    y.close();
}

void compose_user(YamlWriter& y, const RunAs& run_as) {
    if (run_as.uid.empty()) {
        if (!run_as.gid.empty()) y.comment("gid " + run_as.gid + " without a uid: not set");
        return;
    }
    y.field("user", run_as.gid.empty() ? run_as.uid : run_as.uid + ":" + run_as.gid);
}

void compose_schedule_notes(YamlWriter& y, const ComposeApp& app) {
    const Schedule& sch = app.spec.schedule;
    if (sch.cron.empty()) return;
    if (!app.spec.restart.autorestart)
        y.comment("cron job '" + sch.cron +
                  "': Compose has no schedule; run `docker-compose run --rm " + app.name +
                  "` from the host's cron or a systemd timer");
    else if (app.options.direct)
        y.comment("cron_restart '" + sch.cron + "': Compose has no scheduled restart " +
                  "(tend-runtime would do it)");
}

void compose_service(YamlWriter& y, const ComposeApp& app) {
    const AppSpec& s = app.spec;
    y.open(app.name);
    if (app.name != s.name) y.comment("the app '" + s.name + "'");
    if (s.ns != "default") y.comment("namespace '" + s.ns + "': Compose has none");
    for (const auto& note : platform_notes(s, app.options.direct)) y.comment(note);
    compose_schedule_notes(y, app);
    if (app.options.image.empty())
        y.comment("no --image: replace REPLACE-ME/" + app.name +
                  ":latest (or write a build: section) with an image that holds the app");
    y.field("image",
            dollars_escaped(app.options.image.empty() ? "REPLACE-ME/" + app.name + ":latest"
                                                      : app.options.image));
    std::vector<std::string> argv = container_command(s, app.options.direct);
    for (auto& word : argv) word = dollars_escaped(word);
    y.flow_list("command", argv);
    if (!s.cwd.empty()) y.field("working_dir", dollars_escaped(s.cwd));
    if (!s.env.empty()) {
        y.open("environment");
        for (const auto& [key, value] : s.env) y.field(key, dollars_escaped(value));
        y.close();
    }
    compose_user(y, s.run_as);
    compose_ports(y, app);
    compose_deploy(y, s);
    compose_healthcheck(y, s);
    compose_restart(y, app);
    compose_stop(y, app);
    compose_depends_on(y, app);
    y.close();
}

}  // namespace

std::vector<ExportedFile> export_compose(const std::vector<AppSpec>& apps,
                                         const ExportOptions& options) {
    std::vector<std::string> names = dns_labels(apps);
    std::map<std::string, std::pair<const AppSpec*, std::string>> services;
    for (std::size_t i = 0; i < apps.size(); ++i)
        services.emplace(apps[i].name, std::pair{&apps[i], names[i]});
    YamlWriter y;
    y.comment("written by `tend export compose`: one service per app");
    y.comment(options.direct ? "each service runs its app's own command line"
                             : "each service runs its app under tend-runtime, which the image "
                               "must have in its PATH");
    y.comment("the image must hold each app where tend ran it (script, working_dir)");
    y.open("services");
    for (std::size_t i = 0; i < apps.size(); ++i)
        compose_service(y, {apps[i], options, names[i], services});
    y.close();
    return {{"compose.yaml", y.text()}};
}

}  // namespace tend
