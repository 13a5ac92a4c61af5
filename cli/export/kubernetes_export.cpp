// `tend export kubernetes`: one file per app, its objects as YAML documents:
// a Deployment (a Job for a one-shot app, a CronJob for a scheduled one) and
// a Service for a --port. What Kubernetes has no field for is a `# tend:`
// comment beside where it would go. docs/deploy.md ("Kubernetes") has the table.
#include <algorithm>
#include <cctype>

#include "cli/export/container_command.h"
#include "cli/export/export_target.h"
#include "cli/export/yaml_writer.h"

namespace tend {
namespace {

enum class K8sWorkload { kDeployment, kJob, kCronJob };

struct K8sApp {
    const AppSpec& spec;
    const ExportOptions& options;
    std::string name;  // the DNS label every object of the app is named
};

K8sWorkload k8s_workload(const AppSpec& spec) {
    if (spec.restart.autorestart) return K8sWorkload::kDeployment;
    return spec.schedule.cron.empty() ? K8sWorkload::kJob : K8sWorkload::kCronJob;
}

bool k8s_numeric(const std::string& text) {
    return !text.empty() && std::all_of(text.begin(), text.end(),
                                        [](unsigned char c) { return std::isdigit(c) != 0; });
}

// Milliseconds as whole seconds (Kubernetes' unit), rounded up, at least min.
std::int64_t k8s_seconds(std::int64_t ms, std::int64_t min) {
    return std::max(min, (ms + 999) / 1000);
}

std::string k8s_ms(std::int64_t ms) {
    return std::to_string(ms) + " ms";
}

// Bytes as a quantity: Gi, Mi or Ki when whole, else bytes.
std::string k8s_quantity(std::int64_t bytes) {
    const std::pair<std::int64_t, const char*> units[] = {
        {1024LL * 1024 * 1024, "Gi"}, {1024LL * 1024, "Mi"}, {1024, "Ki"}};
    for (const auto& [size, suffix] : units)
        if (bytes % size == 0) return std::to_string(bytes / size) + suffix;
    return std::to_string(bytes);
}

void k8s_labels(YamlWriter& y, const std::string& name) {
    y.open("labels");
    y.field("app.kubernetes.io/name", name);
    y.close();
}

void k8s_metadata(YamlWriter& y, const K8sApp& app) {
    y.open("metadata");
    y.field("name", app.name);
    if (app.spec.ns != "default") {
        y.comment("tend's namespace '" + app.spec.ns +
                  "' is a Kubernetes namespace here: create it first");
        y.field("namespace", dns_label(app.spec.ns));
    }
    k8s_labels(y, app.name);
    y.close();
}

// What belongs to the app as a whole, before its first document.
void k8s_file_comments(YamlWriter& y, const K8sApp& app) {
    const AppSpec& s = app.spec;
    y.comment("the app '" + s.name + "', written by `tend export kubernetes`");
    if (app.name != s.name)
        y.comment("named '" + app.name +
                  "' here: Kubernetes names are DNS-1123 labels (lowercase letters, digits "
                  "and '-', 63 at most)");
    if (!s.depends_on.empty()) {
        std::string deps;
        for (const auto& [dep, condition] : s.depends_on)
            deps.append(deps.empty() ? "" : ", ").append(dep + " (" + condition + ")");
        y.comment("depends_on " + deps +
                  ": Kubernetes starts every object at once; the app must wait or retry "
                  "itself (or an initContainer can wait for the other's Service)");
    }
    for (const auto& note : platform_notes(s, app.options.direct)) y.comment(note);
}

void k8s_probe(YamlWriter& y, const char* key, const Probe& p, bool liveness) {
    if (!p.enabled()) return;
    if (p.kind != ProbeKind::kExec && p.host != "127.0.0.1" && p.host != "localhost")
        y.comment(std::string(key) + ": the kubelet probes the pod's address, not " + p.host);
    if (p.kind == ProbeKind::kHttpGet && (p.status_min != 200 || p.status_max != 399))
        y.comment(text_of({key, ": Kubernetes takes 200-399 as healthy, not ",
                           std::to_string(p.status_min), "-", std::to_string(p.status_max)}));
    for (auto [ms, min, what] :
         {std::tuple{p.initial_delay_ms, 0, "initial_delay"}, std::tuple{p.period_ms, 1, "period"},
          std::tuple{p.timeout_ms, 1, "timeout"}})
        if (ms % 1000 != 0 || ms < min * 1000)
            y.comment(text_of(
                {key, ": ", what, " ", k8s_ms(ms), " is in whole seconds here, rounded up"}));
    if (liveness && p.success_threshold != 1)
        y.comment("livenessProbe: Kubernetes requires successThreshold 1, not " +
                  std::to_string(p.success_threshold));
    y.open(key);
    if (p.kind == ProbeKind::kHttpGet) {
        y.open("httpGet");
        y.field("path", p.path);
        y.number("port", p.port);
        if (!p.headers.empty()) {
            y.open("httpHeaders");
            for (const auto& [name, value] : p.headers) {
                y.item();
                y.field("name", name);
                y.field("value", value);
                y.close();
            }
            y.close();
        }
        y.close();
    } else if (p.kind == ProbeKind::kTcp) {
        y.open("tcpSocket");
        y.number("port", p.port);
        y.close();
    } else {
        y.open("exec");
        y.flow_list("command", p.command);  // run as is: no $(VAR) expansion here
        y.close();
    }
    y.number("initialDelaySeconds", k8s_seconds(p.initial_delay_ms, 0));
    y.number("periodSeconds", k8s_seconds(p.period_ms, 1));
    y.number("timeoutSeconds", k8s_seconds(p.timeout_ms, 1));
    y.number("successThreshold", liveness ? 1 : p.success_threshold);
    y.number("failureThreshold", p.failure_threshold);
    y.close();
}

void k8s_command(YamlWriter& y, const K8sApp& app) {
    const AppSpec& s = app.spec;
    std::string where = "the image must hold the app where tend ran it (" + s.script;
    if (!s.cwd.empty()) where += ", in " + s.cwd;
    where += app.options.direct ? ")" : ") and tend-runtime in its PATH";
    y.comment(where);
    std::vector<std::string> argv = container_command(s, app.options.direct);
    for (auto& word : argv) word = dollars_escaped(word);
    y.flow_list("command", argv);
    if (!s.cwd.empty()) y.field("workingDir", s.cwd);
}

void k8s_env(YamlWriter& y, const AppSpec& s) {
    if (s.env.empty()) return;
    y.open("env");
    for (const auto& [key, value] : s.env) {  // a std::map: sorted
        y.item();
        y.field("name", key);
        y.field("value", dollars_escaped(value));
        y.close();
    }
    y.close();
}

void k8s_ports(YamlWriter& y, const K8sApp& app) {
    const ListenOptions& l = app.spec.listen;
    if (l.port == 0) return;
    if (app.options.direct)
        y.comment(text_of({"--direct: the app must listen on ", std::to_string(l.port)}) +
                  " itself (tend bound it and passed it as fd 3)");
    if (l.host != ListenOptions{}.host)
        y.comment("--host " + l.host + ": a container port is reached on the pod's address");
    y.open("ports");
    y.item();
    y.number("containerPort", l.port);
    y.close();
    y.close();
}

void k8s_resources(YamlWriter& y, const AppSpec& s) {
    if (s.restart.max_memory_bytes <= 0) return;
    y.comment(
        "max_memory_restart: at this limit the kernel kills the container (and the "
        "kubelet restarts it), where tend restarted the app gracefully");
    y.open("resources");
    y.open("limits");
    y.field("memory", k8s_quantity(s.restart.max_memory_bytes));
    y.close();
    y.close();
}

void k8s_container(YamlWriter& y, const K8sApp& app) {
    y.open("containers");
    y.item();
    y.field("name", app.name);
    if (app.options.image.empty())
        y.comment("no --image: replace REPLACE-ME/" + app.name +
                  ":latest with an image that holds the app");
    y.field("image",
            app.options.image.empty() ? "REPLACE-ME/" + app.name + ":latest" : app.options.image);
    k8s_command(y, app);
    k8s_env(y, app.spec);
    k8s_ports(y, app);
    k8s_resources(y, app.spec);
    k8s_probe(y, "readinessProbe", app.spec.health.readiness, false);
    k8s_probe(y, "livenessProbe", app.spec.health.liveness, true);
    y.close();
    y.close();
}

void k8s_grace(YamlWriter& y, const K8sApp& app) {
    const RestartPolicy& r = app.spec.restart;
    if (app.options.direct) {
        if (r.kill_signal != "SIGTERM")
            y.comment("kill_signal " + r.kill_signal +
                      ": Kubernetes stops a container with SIGTERM (or the image's "
                      "STOPSIGNAL)");
        y.comment(text_of({"kill_timeout ", k8s_ms(r.kill_timeout_ms), ", in whole seconds"}));
        y.number("terminationGracePeriodSeconds", k8s_seconds(r.kill_timeout_ms, 1));
        return;
    }
    y.comment(text_of({"kill_timeout ", k8s_ms(r.kill_timeout_ms)}) +
              " + 1 s for tend-runtime to exit; it turns Kubernetes' SIGTERM into " +
              r.kill_signal + " for the app");
    y.number("terminationGracePeriodSeconds", k8s_seconds(r.kill_timeout_ms + 1000, 1));
}

void k8s_security(YamlWriter& y, const RunAs& run_as) {
    if (run_as.uid.empty() && run_as.gid.empty()) return;
    bool uid = k8s_numeric(run_as.uid), gid = k8s_numeric(run_as.gid);
    if ((!run_as.uid.empty() && !uid) || (!run_as.gid.empty() && !gid))
        y.comment("uid/gid by name (" + run_as.uid + (run_as.gid.empty() ? "" : ":") + run_as.gid +
                  "): Kubernetes takes numbers; set runAsUser/runAsGroup");
    if (!uid && !gid) return;
    y.open("securityContext");
    if (uid) y.number("runAsUser", std::stoll(run_as.uid.substr(0, 18)));
    if (gid) y.number("runAsGroup", std::stoll(run_as.gid.substr(0, 18)));
    y.close();
}

// The pod template: labels, then the pod's spec.
void k8s_template(YamlWriter& y, const K8sApp& app, bool one_shot) {
    y.open("template");
    y.open("metadata");
    k8s_labels(y, app.name);
    y.close();
    y.open("spec");
    if (one_shot) y.field("restartPolicy", "Never");
    k8s_grace(y, app);
    k8s_security(y, app.spec.run_as);
    k8s_container(y, app);
    y.close();
    y.close();
}

void k8s_deployment(YamlWriter& y, const K8sApp& app) {
    const AppSpec& s = app.spec;
    y.field("apiVersion", "apps/v1");
    y.field("kind", "Deployment");
    k8s_metadata(y, app);
    y.open("spec");
    y.comment(
        "restarts: Kubernetes restarts an exited container always, whatever its exit code, "
        "its delay doubling up to 5 min;\ntend's max_restarts " +
        std::to_string(s.restart.max_restarts) +
        (app.options.direct
             ? ", min_uptime, restart delays and stop_exit_codes have no equivalent"
             : ", min_uptime, restart delays and stop_exit_codes act inside, under tend-runtime"));
    if (!s.schedule.cron.empty() && app.options.direct)
        y.comment("cron_restart '" + s.schedule.cron +
                  "': no scheduled restart of a Deployment (tend-runtime would do it)");
    y.number("replicas", s.instances);
    y.open("selector");
    y.open("matchLabels");
    y.field("app.kubernetes.io/name", app.name);
    y.close();
    y.close();
    k8s_template(y, app, false);
    y.close();
}

void k8s_job_spec(YamlWriter& y, const K8sApp& app) {
    y.comment("tend runs a one-shot app once: no retry (backoffLimit 0)");
    y.number("backoffLimit", 0);
    if (app.spec.instances > 1) {
        y.number("parallelism", app.spec.instances);
        y.number("completions", app.spec.instances);
    }
    k8s_template(y, app, true);
}

void k8s_job(YamlWriter& y, const K8sApp& app) {
    y.comment("autorestart false: a Job runs the app to its end (a Deployment would restart it)");
    y.field("apiVersion", "batch/v1");
    y.field("kind", "Job");
    k8s_metadata(y, app);
    y.open("spec");
    k8s_job_spec(y, app);
    y.close();
}

// 5 fields as Kubernetes reads them; tend's optional leading seconds field
// is dropped (with a comment).
std::string k8s_cron_fields(const std::string& cron, YamlWriter& y) {
    std::vector<std::string> fields;
    std::string field;
    for (char c : cron + " ") {
        if (c != ' ' && c != '\t') {
            field += c;
        } else if (!field.empty()) {
            fields.push_back(field);
            field.clear();
        }
    }
    if (fields.size() != 6) return cron;
    y.comment("cron '" + cron + "': Kubernetes has no seconds field; seconds '" + fields[0] +
              "' dropped");
    std::string five;
    for (std::size_t i = 1; i < fields.size(); ++i) five.append(i > 1 ? " " : "") += fields[i];
    return five;
}

void k8s_cronjob(YamlWriter& y, const K8sApp& app) {
    const Schedule& sch = app.spec.schedule;
    y.comment("autorestart false with a cron schedule: a CronJob");
    y.field("apiVersion", "batch/v1");
    y.field("kind", "CronJob");
    k8s_metadata(y, app);
    y.open("spec");
    y.field("schedule", k8s_cron_fields(sch.cron, y));
    if (sch.timezone.empty()) {
        y.comment(
            "no cron_timezone: tend used its local time; Kubernetes uses the "
            "controller manager's (often UTC)");
    } else {
        y.comment("timeZone: Kubernetes 1.27 (beta in 1.25 and 1.26); older clusters drop it");
        y.field("timeZone", sch.timezone);
    }
    y.comment(sch.overlap ? "cron_overlap: a run may start while the last one goes"
                          : "no cron_overlap: a run is skipped while the last one goes");
    y.field("concurrencyPolicy", sch.overlap ? "Allow" : "Forbid");
    y.open("jobTemplate");
    y.open("spec");
    k8s_job_spec(y, app);
    y.close();
    y.close();
    y.close();
}

void k8s_service(YamlWriter& y, const K8sApp& app) {
    int port = app.spec.listen.port;
    y.comment(text_of({"--port ", std::to_string(port)}) +
              ": the Service spreads connections over the replicas, as tend's shared port did "
              "over instances");
    y.field("apiVersion", "v1");
    y.field("kind", "Service");
    k8s_metadata(y, app);
    y.open("spec");
    y.field("type", "ClusterIP");
    y.open("selector");
    y.field("app.kubernetes.io/name", app.name);
    y.close();
    y.open("ports");
    y.item();
    y.number("port", port);
    y.number("targetPort", port);
    y.field("protocol", "TCP");
    y.close();
    y.close();
    y.close();
}

std::string k8s_app_text(const K8sApp& app) {
    YamlWriter y;
    k8s_file_comments(y, app);
    switch (k8s_workload(app.spec)) {
        case K8sWorkload::kDeployment:
            k8s_deployment(y, app);
            if (app.spec.listen.port != 0) {
                y.separator();
                k8s_service(y, app);
            }
            break;
        case K8sWorkload::kJob:
            k8s_job(y, app);
            break;
        case K8sWorkload::kCronJob:
            k8s_cronjob(y, app);
            break;
    }
    if (app.spec.listen.port != 0 && k8s_workload(app.spec) != K8sWorkload::kDeployment)
        y.comment(text_of({"--port ", std::to_string(app.spec.listen.port)}) +
                  ": no Service for a one-shot app; its pods have the port");
    return y.text();
}

}  // namespace

std::vector<ExportedFile> export_kubernetes(const std::vector<AppSpec>& apps,
                                            const ExportOptions& options) {
    std::vector<ExportedFile> files;
    std::vector<std::string> names = dns_labels(apps);
    for (std::size_t i = 0; i < apps.size(); ++i)
        files.push_back({names[i] + ".yaml", k8s_app_text({apps[i], options, names[i]})});
    return files;
}

}  // namespace tend
