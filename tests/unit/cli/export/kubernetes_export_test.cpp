// `tend export kubernetes`, word for word: a web app with a port (a
// Deployment under tend-runtime and a Service), a scheduled one-shot run
// directly (a CronJob), and the rules a rich export must keep.
#include <doctest/doctest.h>

#include "cli/export/export_target.h"
#include "export_sample_apps.h"
#include "export_test_apps.h"

using namespace tend;
using namespace tend::test;

namespace {

bool kube_has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE(
    "kubernetes export: a web app with a port is a Deployment under tend-runtime and a Service") {
    auto files = export_kubernetes({sample_web_app()}, {});
    REQUIRE(files.size() == 1);
    CHECK(files[0].name == "web.yaml");
    CHECK(files[0].text == R"yaml(# tend: the app 'web', written by `tend export kubernetes`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  # tend: restarts: Kubernetes restarts an exited container always, whatever its exit code, its delay doubling up to 5 min;
  # tend: tend's max_restarts 16, min_uptime, restart delays and stop_exit_codes act inside, under tend-runtime
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: web
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
    spec:
      # tend: kill_timeout 1600 ms + 1 s for tend-runtime to exit; it turns Kubernetes' SIGTERM into SIGINT for the app
      terminationGracePeriodSeconds: 3
      containers:
        - name: web
          # tend: no --image: replace REPLACE-ME/web:latest with an image that holds the app
          image: "REPLACE-ME/web:latest"
          # tend: the image must hold the app where tend ran it (/srv/web/app.js, in /srv/web) and tend-runtime in its PATH
          command: ["tend-runtime", "/srv/web/app.js", "--name", "web", "-i", "1", "--port", "8080"]
          workingDir: /srv/web
          env:
            - name: NODE_ENV
              value: production
            - name: PORT
              value: "8080"
          ports:
            - containerPort: 8080
          readinessProbe:
            httpGet:
              path: /health
              port: 8080
            initialDelaySeconds: 0
            periodSeconds: 10
            timeoutSeconds: 1
            successThreshold: 1
            failureThreshold: 3
---
# tend: --port 8080: the Service spreads connections over the replicas, as tend's shared port did over instances
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: web
  ports:
    - port: 8080
      targetPort: 8080
      protocol: TCP
)yaml");
}

TEST_CASE("kubernetes export: a one-shot app with a schedule is a CronJob, run directly") {
    ExportOptions options;
    options.direct = true;
    options.image = "backup:3";
    auto files = export_kubernetes({sample_backup_app()}, options);
    REQUIRE(files.size() == 1);
    CHECK(files[0].name == "nightly-backup.yaml");
    CHECK(files[0].text ==
          R"yaml(# tend: the app 'Nightly Backup', written by `tend export kubernetes`
# tend: named 'nightly-backup' here: Kubernetes names are DNS-1123 labels (lowercase letters, digits and '-', 63 at most)
# tend: autorestart false with a cron schedule: a CronJob
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-backup
  labels:
    app.kubernetes.io/name: nightly-backup
spec:
  schedule: "15 2 * * *"
  # tend: no cron_timezone: tend used its local time; Kubernetes uses the controller manager's (often UTC)
  # tend: no cron_overlap: a run is skipped while the last one goes
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      # tend: tend runs a one-shot app once: no retry (backoffLimit 0)
      backoffLimit: 0
      template:
        metadata:
          labels:
            app.kubernetes.io/name: nightly-backup
        spec:
          restartPolicy: Never
          # tend: kill_timeout 30000 ms, in whole seconds
          terminationGracePeriodSeconds: 30
          containers:
            - name: nightly-backup
              image: "backup:3"
              # tend: the image must hold the app where tend ran it (/usr/local/bin/backup)
              command: ["/usr/local/bin/backup", "--all"]
)yaml");
}

TEST_CASE("kubernetes export: one file per app, named by unique DNS labels") {
    std::vector<AppSpec> apps{sample_web_app(), sample_web_app()};
    apps[1].name = "Web";
    auto files = export_kubernetes(apps, {});
    REQUIRE(files.size() == 2);
    CHECK(files[1].name == "web-2.yaml");
    CHECK(kube_has_line(files[1].text, "  name: web-2"));
    CHECK(kube_has_line(files[1].text,
                        "# tend: named 'web-2' here: Kubernetes names are DNS-1123 labels "
                        "(lowercase letters, digits and '-', 63 at most)"));
}

TEST_CASE("kubernetes export: a one-shot app without a schedule is a Job, one pod per instance") {
    auto apps = rich_export_apps();
    std::string text = export_kubernetes(apps, {})[2].text;  // migrate: 2 instances, a port
    CHECK(kube_has_line(text, "kind: Job"));
    CHECK(kube_has_line(text, "  backoffLimit: 0"));
    CHECK(kube_has_line(text, "  parallelism: 2"));
    CHECK(kube_has_line(text, "  completions: 2"));
    CHECK(kube_has_line(text, "      restartPolicy: Never"));
    CHECK(kube_has_line(
        text, "# tend: --port 9000: no Service for a one-shot app; its pods have the port"));
    CHECK(text.find("kind: Service") == std::string::npos);
}

TEST_CASE(
    "kubernetes export: what Kubernetes lacks is a comment, and the shell's env is not exported") {
    auto apps = rich_export_apps();
    auto files = export_kubernetes(apps, {});
    const std::string& api = files[0].text;
    CHECK(api.find("SHELL_ONLY") == std::string::npos);  // base_env: the user's shell
    for (const char* line : {
             "# tend: watch: no restart on a file change in a container; a new image does it",
             "# tend: increment_var PORT: every replica is instance 0 of its own, so each gets "
             "the same value",
             "  namespace: shop",
             "              value: \"hello \\\"world\\\"\"",
             "          readinessProbe:",
             "            successThreshold: 2",
             "          # tend: livenessProbe: period 1500 ms is in whole seconds here, rounded up",
             "            periodSeconds: 2",
         })
        CHECK_MESSAGE(kube_has_line(api, line), line);
    CHECK(api.find("$$HOME $$(HOSTNAME)") != std::string::npos);
    const std::string& db = files[1].text;
    CHECK(kube_has_line(db,
                        "      # tend: uid/gid by name (postgres): Kubernetes takes numbers; set "
                        "runAsUser/runAsGroup"));
    CHECK(kube_has_line(
        db, "          # tend: livenessProbe: Kubernetes requires successThreshold 1, not 2"));
    CHECK(kube_has_line(db, "              memory: \"1536Ki\""));
    const std::string& report = files[3].text;
    CHECK(kube_has_line(
        report,
        "  # tend: cron '0 30 3 * * *': Kubernetes has no seconds field; seconds '0' dropped"));
    CHECK(kube_has_line(report, "  schedule: \"30 3 * * *\""));
    CHECK(kube_has_line(report, "  timeZone: Europe/Paris"));
    CHECK(kube_has_line(report, "  concurrencyPolicy: Allow"));
    const std::string& cache = files[4].text;
    CHECK(kube_has_line(
        cache,
        "          # tend: --host 127.0.0.1: a container port is reached on the pod's address"));
    CHECK(kube_has_line(
        cache,
        "          # tend: livenessProbe: Kubernetes takes 200-399 as healthy, not 200-299"));
}
