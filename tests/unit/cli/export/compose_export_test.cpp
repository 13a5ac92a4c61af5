// `tend export compose`, word for word: a web app and a worker under
// tend-runtime (replicas, healthcheck, restart, depends_on), and a scheduled
// one-shot run directly.
#include <doctest/doctest.h>

#include "cli/export/export_target.h"
#include "export_sample_apps.h"

using namespace tend;
using namespace tend::test;

TEST_CASE("compose export: a web app and a worker under tend-runtime, word for word") {
    auto files = export_compose({sample_web_app(), sample_worker_app()}, {});
    REQUIRE(files.size() == 1);
    CHECK(files[0].name == "compose.yaml");
    CHECK(files[0].text == R"yaml(# tend: written by `tend export compose`: one service per app
# tend: each service runs its app under tend-runtime, which the image must have in its PATH
# tend: the image must hold each app where tend ran it (script, working_dir)
services:
  web:
    # tend: no --image: replace REPLACE-ME/web:latest (or write a build: section) with an image that holds the app
    image: "REPLACE-ME/web:latest"
    command: ["tend-runtime", "/srv/web/app.js", "--name", "web", "-i", "1", "--port", "8080"]
    working_dir: /srv/web
    environment:
      NODE_ENV: production
      PORT: "8080"
    ports:
      # tend: --port 8080 shared by 2 instances: replicas cannot share a host port;
      # tend: each gets one Docker picks (a proxy in front does what tend's shared port did)
      - "8080"
    deploy:
      replicas: 2
    healthcheck:
      # tend: http_get probe: Docker runs a command in the container; this one needs curl or wget
      # tend: (healthy: 200-399)
      test: ["CMD-SHELL", "curl -fsS -o /dev/null 'http://127.0.0.1:8080/health' || wget -q -O /dev/null 'http://127.0.0.1:8080/health'"]
      interval: "10s"
      timeout: "1s"
      retries: 3
      start_period: "0s"
    # tend: restart: Docker restarts always, its delay doubling; max_restarts 16, min_uptime and restart delays have no equivalent (under tend-runtime, tend's rule acts inside)
    restart: always
    # tend: tend-runtime turns Docker's SIGTERM into SIGINT for the app; kill_timeout + 1 s to exit
    stop_grace_period: "2600ms"
  worker:
    # tend: no --image: replace REPLACE-ME/worker:latest (or write a build: section) with an image that holds the app
    image: "REPLACE-ME/worker:latest"
    command: ["tend-runtime", "/srv/worker.py", "--name", "worker", "-i", "1", "--stop-exit-codes", "0"]
    deploy:
      replicas: 1
      # tend: max_memory_restart: at this limit the kernel kills the container, where tend restarted the app gracefully
      resources:
        limits:
          memory: "512m"
    # tend: stop_exit_codes: Docker restarts on any non-zero exit, 16 times at most (under tend-runtime, tend's rule acts inside)
    restart: "on-failure:16"
    # tend: tend-runtime turns Docker's SIGTERM into SIGINT for the app; kill_timeout + 1 s to exit
    stop_grace_period: "2600ms"
    # tend: depends_on queue (started): not in this file
    depends_on:
      web:
        condition: service_healthy
)yaml");
}

TEST_CASE("compose export: a scheduled one-shot app run directly, word for word") {
    ExportOptions options;
    options.direct = true;
    options.image = "backup:3";
    auto files = export_compose({sample_backup_app()}, options);
    REQUIRE(files.size() == 1);
    CHECK(files[0].text == R"yaml(# tend: written by `tend export compose`: one service per app
# tend: each service runs its app's own command line
# tend: the image must hold each app where tend ran it (script, working_dir)
services:
  nightly-backup:
    # tend: the app 'Nightly Backup'
    # tend: cron job '15 2 * * *': Compose has no schedule; run `docker-compose run --rm nightly-backup` from the host's cron or a systemd timer
    image: "backup:3"
    command: ["/usr/local/bin/backup", "--all"]
    deploy:
      replicas: 1
    restart: "no"
    stop_signal: SIGTERM
    stop_grace_period: "30s"
)yaml");
}

TEST_CASE("compose export: one instance publishes its port on the host, on tend's --host") {
    AppSpec web = sample_web_app();
    web.instances = 1;
    web.listen.host = "127.0.0.1";
    web.env = {{"PRICE", "$5"}};
    std::string text = export_compose({web}, {})[0].text;
    CHECK(text.find("    ports:\n      - \"127.0.0.1:8080:8080\"\n") != std::string::npos);
    CHECK(text.find("      PRICE: \"$$5\"\n") != std::string::npos);
    CHECK(text.find("HOME") == std::string::npos);  // base_env: the user's shell
}
