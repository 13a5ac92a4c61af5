// `tend export` end to end: the units of an ecosystem file and of a
// running daemon's apps, written with -o and checked by systemd's own
// `systemd-analyze verify` (offline: it loads the given files and their
// directory, and needs each ExecStart binary to exist, so the apps run the
// fixture); the same file's Kubernetes manifests read by Debian's kubectl
// and its compose.yaml by docker-compose. Also the command's errors.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "harness.h"

using namespace tend::it;

namespace {

// A fixture app of an ecosystem file, as JSON.
json export_fixture_app(const std::string& name) {
    return json{
        {"name", name}, {"script", FIXTURE_BIN}, {"interpreter", "none"}, {"args", {"sleep"}}};
}

// `systemd-analyze verify` of units (paths; a template's instance is read
// from its template in the same directory): exit 0 and no warning naming
// one of them. Skipped when systemd is not installed.
void export_verify_units(const std::vector<std::string>& units) {
    if (::access("/usr/bin/systemd-analyze", X_OK) != 0) {
        MESSAGE("systemd-analyze is not installed: units not verified");
        return;
    }
    std::vector<std::string> argv{"/usr/bin/systemd-analyze", "verify", "--man=no"};
    argv.insert(argv.end(), units.begin(), units.end());
    Result r = run_command({argv, {}, ""}, 60s);
    INFO("systemd-analyze: " << r.out << r.err);
    CHECK(r.exit_code == 0);
    for (const auto& unit : units)
        CHECK_MESSAGE(!contains(r.err, std::filesystem::path(unit).filename().string()), unit);
}

// Debian's kubectl: /usr/bin/kubectl when kubernetes-client owns it, else
// where .ci/run unpacks it (another package owns /usr/bin/kubectl here).
std::string export_debian_kubectl() {
    Result owner = run_command({{"/usr/bin/dpkg-query", "-S", "/usr/bin/kubectl"}, {}, ""}, 30s);
    if (owner.exit_code == 0 && owner.out.rfind("kubernetes-client:", 0) == 0)
        return "/usr/bin/kubectl";
    std::string unpacked = "/opt/tend-ci/kubernetes-client/usr/bin/kubectl";
    return ::access(unpacked.c_str(), X_OK) == 0 ? unpacked : "";
}

}  // namespace

TEST_CASE("export kubernetes and compose FILE -o DIR write what kubectl and docker-compose read") {
    TendHome t{TendHome::Options::without_daemon()};
    std::string dir = t.scratch("eco");
    json web = export_fixture_app("web");
    web["instances"] = 3;
    web["port"] = 8080;
    web["max_memory_restart"] = "256M";
    web["env"] = {{"GREETING", "hello $USER"}};
    json job = export_fixture_app("migrate");
    job["autorestart"] = false;
    web["depends_on"] = {{"migrate", "completed_successfully"}};
    write_text(dir + "/apps.json", json{{"apps", {web, job}}}.dump());

    std::string kube = t.scratch("kube");
    Result k = t.run_ok({"export", "kubernetes", dir + "/apps.json", "-o", kube, "--image",
                         "registry.example/web:1"});
    CHECK(k.out == "[tend] wrote " + kube + "/web.yaml\n[tend] wrote " + kube + "/migrate.yaml\n");
    std::string manifest = read_file(kube + "/web.yaml");
    CHECK(contains(manifest, "kind: Deployment"));
    CHECK(contains(manifest, "replicas: 3"));
    CHECK(contains(manifest, "kind: Service"));
    CHECK(contains(manifest, "# tend: depends_on"));  // no Kubernetes field: a comment
    CHECK(contains(read_file(kube + "/migrate.yaml"), "kind: Job"));
    std::string kubectl = export_debian_kubectl();
    if (kubectl.empty()) {
        MESSAGE("no kubectl from Debian's kubernetes-client: manifests not read back");
    } else {
        // Offline, `set env --local` decodes the objects into Kubernetes' types.
        Result r = run_command({{kubectl, "set", "env", "--local", "-f", kube + "/migrate.yaml",
                                 "CHECKED=1", "-o", "yaml"},
                                {"KUBECONFIG=/dev/null", "HOME=" + kube},
                                kube},
                               60s);
        INFO("kubectl: " << r.err);
        CHECK(r.exit_code == 0);
        CHECK(contains(r.out, "registry.example/web:1"));
    }

    std::string compose = t.scratch("compose");
    t.run_ok({"export", "compose", dir + "/apps.json", "-o", compose});
    std::string text = read_file(compose + "/compose.yaml");
    CHECK(contains(text, "condition: service_completed_successfully"));
    if (::access("/usr/bin/docker-compose", X_OK) != 0) {
        MESSAGE("docker-compose is not installed: compose.yaml not checked");
        return;
    }
    Result c =
        run_command({{"/usr/bin/docker-compose", "-f", compose + "/compose.yaml", "config"},
                     {"DOCKER_HOST=unix://" + compose + "/no-docker.sock", "HOME=" + compose},
                     compose},
                    60s);
    INFO("docker-compose: " << c.err);
    CHECK(c.exit_code == 0);
    CHECK(contains(c.out, "replicas: 3"));
}

TEST_CASE("export systemd FILE -o DIR writes units systemd-analyze verify accepts") {
    TendHome t{TendHome::Options::without_daemon()};
    std::string dir = t.scratch("eco");
    json db = export_fixture_app("db");
    db["wait_ready"] = true;
    db["max_memory_restart"] = "200M";
    db["env"] = {{"GREETING", "hello world"}, {"RATIO", "50%"}};
    db["env_file"] = ".env";
    write_text(dir + "/.env", "SECRET=hunter2\n");
    json api = export_fixture_app("api");
    api["instances"] = 2;
    api["port"] = 3000;  // written into api.socket only: nothing binds it here
    api["exp_backoff_restart_delay"] = 100;
    api["stop_exit_codes"] = {3};
    api["depends_on"] = {{"db", "ready"}, {"migrate", "completed_successfully"}};
    json migrate = export_fixture_app("migrate");
    migrate["autorestart"] = false;
    json report = export_fixture_app("report");
    report["autorestart"] = false;
    report["cron_restart"] = "0 6 1,15 * 5";
    write_text(dir + "/apps.json", json{{"apps", {db, api, migrate, report}}}.dump());

    std::string out = t.scratch("units");
    Result r = t.run_ok({"export", "systemd", dir + "/apps.json", "-o", out});
    CHECK(r.out == "[tend] wrote " + out + "/db.service\n[tend] wrote " + out +
                       "/api.socket\n[tend] wrote " + out + "/api@.service\n[tend] wrote " + out +
                       "/api.target\n[tend] wrote " + out + "/migrate.service\n[tend] wrote " +
                       out + "/report.service\n[tend] wrote " + out + "/report.timer\n");
    // The env file is named, its secret not copied into a unit anyone may read.
    std::string db_unit = read_file(out + "/db.service");
    CHECK(contains(db_unit, "\nEnvironmentFile=" + dir + "/.env\n"));
    CHECK(contains(db_unit, "\nEnvironment=\"GREETING=hello world\"\n"));
    CHECK_FALSE(contains(db_unit, "hunter2"));
    std::string api_unit = read_file(out + "/api@.service");
    CHECK(contains(api_unit, "\nExecStart=" + std::string(FIXTURE_BIN) + " sleep\n"));
    CHECK(contains(api_unit, "\nAfter=migrate.service\n"));
    CHECK(contains(read_file(out + "/migrate.service"), "\nType=oneshot\n"));
    CHECK(contains(read_file(out + "/report.timer"),
                   "\nOnCalendar=*-*-01,15 06:00:00\n"
                   "OnCalendar=Fri *-*-* 06:00:00\n"));
    export_verify_units({out + "/db.service", out + "/api.socket", out + "/api@0.service",
                         out + "/api@1.service", out + "/api.target", out + "/migrate.service",
                         out + "/report.service", out + "/report.timer"});
    CHECK_FALSE(std::filesystem::exists(t.home()));  // a file needs no daemon

    Result again = t.run({"export", "systemd", dir + "/apps.json", "-o", out});
    CHECK(again.exit_code == 1);
    CHECK(again.err ==
          "tend: error: " + out + "/db.service exists: nothing written (--force replaces it)\n");
    t.run_ok({"export", "systemd", dir + "/apps.json", "-o", out, "--force", "--only", "db"});
}

TEST_CASE("export systemd without a file prints the running apps' units, as many instances") {
    TendHome t;
    t.run_ok(start_fixture("worker", {"-i", "2", "--env", "GREETING=hello world"}, {"sleep"}));
    t.wait_for("worker", all_online(2), "worker online");
    // depends_on travels in the daemon's spec, so the running app keeps its order.
    json single = export_fixture_app("single");
    single["depends_on"] = {{"worker", "started"}};
    std::string file = t.scratch("eco") + "/single.json";
    write_text(file, json{{"apps", {single}}}.dump());
    t.run_ok({"start", file});
    t.wait_for("single", all_online(1), "single online");

    Result r = t.run_ok({"export", "systemd", "--only", "worker"});
    CHECK(r.out.rfind("# ---- worker@.service\n", 0) == 0);
    CHECK(contains(r.out, "\nEnvironment=\"GREETING=hello world\"\n"));
    CHECK(contains(r.out, "\n# ---- worker.target\n"));
    CHECK(contains(r.out, "\nWants=worker@0.service worker@1.service\n"));
    CHECK_FALSE(contains(r.out, "single"));

    std::string out = t.scratch("units");
    t.run_ok({"export", "systemd", "-o", out});
    CHECK(contains(read_file(out + "/single.service"),
                   "\nAfter=worker.target\nRequires=worker.target\n"));
    export_verify_units({out + "/worker@0.service", out + "/worker@1.service",
                         out + "/worker.target", out + "/single.service"});
}

TEST_CASE("export errors: a bad target word, no daemon and no file, an unknown app") {
    TendHome t{TendHome::Options::without_daemon()};
    Result bad = t.run({"export", "launchd"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err ==
          "tend: error: 'export' writes systemd, kubernetes or compose, not 'launchd'\n");

    Result none = t.run({"export", "systemd"});
    CHECK(none.exit_code == 1);
    CHECK(none.err == "tend: error: no daemon runs in " + t.home() +
                          ": give an ecosystem file, or start the apps first\n");
    CHECK_FALSE(std::filesystem::exists(t.home()));  // and none was started

    std::string dir = t.scratch("eco");
    write_text(dir + "/apps.json", json{{"apps", {export_fixture_app("a")}}}.dump());
    Result unknown = t.run({"export", "systemd", dir + "/apps.json", "--only", "b"});
    CHECK(unknown.exit_code == 1);
    CHECK(contains(unknown.err, "tend: error: "));
}
