// The exporters' shared pieces: YAML scalars every reader takes as strings,
// the writer's layout and comments, DNS labels, and the container's command.
#include <doctest/doctest.h>

#include "cli/export/container_command.h"
#include "cli/export/yaml_writer.h"

using namespace tend;

TEST_CASE("yaml_scalar leaves safe words plain and quotes what YAML would read otherwise") {
    CHECK(yaml_scalar("api") == "api");
    CHECK(yaml_scalar("/srv/app.js") == "/srv/app.js");
    CHECK(yaml_scalar("app.kubernetes.io/name") == "app.kubernetes.io/name");
    CHECK(yaml_scalar("1") == "\"1\"");
    CHECK(yaml_scalar("0x1f") == "\"0x1f\"");
    CHECK(yaml_scalar("true") == "\"true\"");
    CHECK(yaml_scalar("No") == "\"No\"");
    CHECK(yaml_scalar("null") == "\"null\"");
    CHECK(yaml_scalar("") == "\"\"");
    CHECK(yaml_scalar("-i") == "\"-i\"");
    CHECK(yaml_scalar(".inf") == "\".inf\"");
    CHECK(yaml_scalar("a: b") == "\"a: b\"");
    CHECK(yaml_scalar("#x") == "\"#x\"");
    CHECK(yaml_scalar("say \"hi\"\\\n\t\x01") == "\"say \\\"hi\\\"\\\\\\n\\t\\x01\"");
}

TEST_CASE("YamlWriter nests maps and lists, and puts comments where they are written") {
    YamlWriter y;
    y.comment("first\nsecond");
    y.open("spec");
    y.number("replicas", 2);
    y.open("containers");
    y.item();
    y.comment("before the item's first field");
    y.field("name", "api");
    y.flow_list("command", {"a b", "$x"});
    y.boolean("stdin", false);
    y.close();
    y.item_value("8080");
    y.close();
    y.close();
    y.separator();
    y.field("kind", "Service");
    CHECK(y.text() ==
          "# tend: first\n"
          "# tend: second\n"
          "spec:\n"
          "  replicas: 2\n"
          "  containers:\n"
          "    # tend: before the item's first field\n"
          "    - name: api\n"
          "      command: [\"a b\", \"$x\"]\n"
          "      stdin: false\n"
          "    - \"8080\"\n"
          "---\n"
          "kind: Service\n");
}

TEST_CASE("dns_label folds a name to a DNS-1123 label that starts with a letter") {
    CHECK(dns_label("api") == "api");
    CHECK(dns_label("My_App") == "my-app");
    CHECK(dns_label("Nightly  Backup!") == "nightly-backup");
    CHECK(dns_label("-x-") == "x");
    CHECK(dns_label("9lives") == "app-9lives");
    CHECK(dns_label("été") == "t");
    CHECK(dns_label("___") == "app");
    CHECK(dns_label(std::string(80, 'a')) == std::string(63, 'a'));
    CHECK(dns_label(std::string(62, 'a') + "_b") == std::string(62, 'a'));
}

TEST_CASE("dns_labels gives apps whose names fold together labels of their own") {
    std::vector<AppSpec> apps(4);
    apps[0].name = "my-app";
    apps[1].name = "My_App";
    apps[2].name = "my.app";
    apps[3].name = std::string(70, 'z');
    auto labels = dns_labels(apps);
    CHECK(labels[0] == "my-app");
    CHECK(labels[1] == "my-app-2");
    CHECK(labels[2] == "my-app-3");
    CHECK(labels[3] == std::string(63, 'z'));
}

TEST_CASE("container_command runs one instance under tend-runtime with tend's options") {
    AppSpec s;
    s.name = "api";
    s.script = "/srv/api.js";
    s.args = {"--fast"};
    s.interpreter = "node";
    s.interpreter_args = {"--max-old-space-size=256", "my title", "it's"};
    s.restart.autorestart = false;
    s.restart.max_restarts = 3;
    s.restart.min_uptime_ms = 500;
    s.restart.restart_delay_ms = 100;
    s.restart.exp_backoff_restart_delay_ms = 200;
    s.restart.stop_exit_codes = {0, 3};
    s.restart.kill_timeout_ms = 5000;
    s.restart.kill_signal = "SIGTERM";
    s.listen.port = 8080;
    s.listen.host = "127.0.0.1";
    s.listen.wait_ready = true;
    s.listen.listen_timeout_ms = 9000;
    s.vars.instance_var = "INDEX";
    s.vars.increment_var = "PORT";
    s.schedule.cron = "0 3 * * *";
    CHECK(container_command(s, false) ==
          std::vector<std::string>{"tend-runtime",
                                   "/srv/api.js",
                                   "--name",
                                   "api",
                                   "-i",
                                   "1",
                                   "--interpreter",
                                   "node",
                                   "--interpreter-args",
                                   "--max-old-space-size=256 'my title' 'it'\\''s'",
                                   "--no-autorestart",
                                   "--max-restarts",
                                   "3",
                                   "--min-uptime",
                                   "500",
                                   "--restart-delay",
                                   "100",
                                   "--exp-backoff-restart-delay",
                                   "200",
                                   "--stop-exit-codes",
                                   "0,3",
                                   "--kill-timeout",
                                   "5000",
                                   "--kill-signal",
                                   "SIGTERM",
                                   "--port",
                                   "8080",
                                   "--wait-ready",
                                   "--listen-timeout",
                                   "9000",
                                   "--instance-var",
                                   "INDEX",
                                   "--increment-var",
                                   "PORT",
                                   "--",
                                   "--fast"});
    s.restart.autorestart = true;  // a restart schedule, not a cron job: tend-runtime keeps it
    s.schedule.timezone = "Europe/Paris";
    auto argv = container_command(s, false);
    CHECK(std::vector<std::string>(argv.end() - 6, argv.end()) ==
          std::vector<std::string>{"--cron-restart", "0 3 * * *", "--cron-timezone", "Europe/Paris",
                                   "--", "--fast"});
    CHECK(container_command(s, true) == std::vector<std::string>{"node", "--max-old-space-size=256",
                                                                 "my title", "it's", "/srv/api.js",
                                                                 "--fast"});
}

TEST_CASE("dollars_escaped doubles every $ for Compose's and Kubernetes' expansion") {
    CHECK(dollars_escaped("a $HOME $(X) $$ b") == "a $$HOME $$(X) $$$$ b");
}
