// What the Kubernetes and Compose exporters write, read by the real tools:
// kubectl (Debian's kubernetes-client) decodes each object into Kubernetes'
// own types, offline, and every field written must come back; docker-compose
// (Debian's) checks compose.yaml against its schema. Each also refuses a
// broken file, so these checks can fail.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <set>

#include "cli/export/export_target.h"
#include "export_test_apps.h"
#include "export_tool_runner.h"

using namespace tend;
using namespace tend::test;

namespace {

// kubectl 1.20 cannot reach a cluster here, but `kubectl set ... --local`
// decodes a file into the typed objects of its scheme and prints them back
// with no server: a wrong type fails, an unknown field is dropped.
std::string kube_kubectl() {
    return debian_tool("kubernetes-client", "/usr/bin/kubectl", "TEND_KUBECTL",
                       "/opt/tend-ci/kubernetes-client/usr/bin/kubectl");
}

std::string kube_compose_tool() {
    return debian_tool("docker-compose", "/usr/bin/docker-compose", "TEND_DOCKER_COMPOSE", "");
}

std::vector<std::string> kube_documents(const std::string& text) {
    std::vector<std::string> docs;
    std::size_t start = 0;
    while (true) {
        std::size_t sep = text.find("\n---\n", start);
        docs.push_back(text.substr(start, sep == std::string::npos ? sep : sep + 1 - start));
        if (sep == std::string::npos) return docs;
        start = sep + 5;
    }
}

bool kube_zero(const YAML::Node& n) {
    if (!n.IsScalar()) return false;
    const std::string& s = n.Scalar();
    return s == "0" || s == "false" || s.empty();
}

// Every field of written found in decoded with the same value; a zero one
// may be missing (Go leaves zero values out). The paths missing are added.
void kube_subset(const YAML::Node& written, const YAML::Node& decoded, const std::string& path,
                 std::set<std::string>& missing) {
    if (written.IsMap()) {
        for (const auto& kv : written) {
            std::string key = kv.first.Scalar();
            if (decoded.IsMap() && decoded[key])
                kube_subset(kv.second, decoded[key], path + "." + key, missing);
            else if (!kube_zero(kv.second))
                missing.insert(path + "." + key);
        }
    } else if (written.IsSequence()) {
        for (std::size_t i = 0; i < written.size(); ++i) {
            std::string at = path + "[" + std::to_string(i) + "]";
            if (decoded.IsSequence() && i < decoded.size())
                kube_subset(written[i], decoded[i], at, missing);
            else
                missing.insert(at);
        }
    } else if (!decoded.IsScalar() || decoded.Scalar() != written.Scalar()) {
        missing.insert(path + " (" + written.Scalar() + ")");
    }
}

struct KubeDecoded {
    ToolResult run;
    std::set<std::string> missing;
};

// One document through kubectl: a Service with `set selector` (its own
// selector again), a workload with `set env` (a variable added).
KubeDecoded kube_decode(const std::string& kubectl, const ToolScratch& dir, std::string doc) {
    YAML::Node written = YAML::Load(doc);
    std::string kind = written["kind"].Scalar();
    // kubectl 1.20 knows CronJob as batch/v1beta1 (batch/v1 is 1.21's); the
    // fields are the same but timeZone (1.25's).
    std::string v1 = "apiVersion: batch/v1\nkind: CronJob\n";
    if (auto at = doc.find(v1); at != std::string::npos)
        doc.replace(at, v1.size(), "apiVersion: batch/v1beta1\nkind: CronJob\n");
    std::string file = dir.write("object.yaml", doc);
    std::vector<std::string> argv{kubectl, "set"};
    if (kind == "Service") {
        argv.insert(argv.end(), {"selector", "--local", "-f", file,
                                 "app.kubernetes.io/name=" + written["metadata"]["name"].Scalar()});
    } else {
        argv.insert(argv.end(), {"env", "--local", "-f", file, "TEND_EXPORT_CHECK=1"});
    }
    argv.insert(argv.end(), {"-o", "yaml"});
    KubeDecoded result;
    result.run = run_tool(
        argv, {"PATH=/usr/bin:/bin", "HOME=" + dir.path(), "KUBECONFIG=/dev/null"}, dir.path());
    if (result.run.exit_code == 0) {
        YAML::Node decoded = YAML::Load(result.run.out);
        written.remove("apiVersion");  // rewritten above for a CronJob
        kube_subset(written, decoded, kind, result.missing);
    }
    return result;
}

void kube_check_export(const ExportOptions& options) {
    std::string kubectl = kube_kubectl();
    REQUIRE_MESSAGE(!kubectl.empty(),
                    "no kubectl from Debian's kubernetes-client (.ci/run installs it)");
    ToolScratch dir;
    auto files = export_kubernetes(rich_export_apps(), options);
    REQUIRE(files.size() == 5);
    int objects = 0;
    for (const auto& file : files) {
        for (const auto& doc : kube_documents(file.text)) {
            CAPTURE(file.name);
            CAPTURE(doc);
            KubeDecoded d = kube_decode(kubectl, dir, doc);
            CAPTURE(d.run.err);
            REQUIRE(d.run.exit_code == 0);
            std::set<std::string> expected;
            if (doc.find("kind: CronJob") != std::string::npos)
                expected.insert("CronJob.spec.timeZone");  // not in kubectl 1.20's types
            CHECK(d.missing == expected);
            ++objects;
        }
    }
    CHECK(objects == 7);  // 3 Deployments, 2 Services, a Job, a CronJob
}

}  // namespace

TEST_CASE("kubectl decodes every object a rich Kubernetes export writes, losing no field") {
    kube_check_export(ExportOptions{});
}

TEST_CASE("kubectl decodes a rich Kubernetes export with --direct and an image, losing no field") {
    ExportOptions options;
    options.direct = true;
    options.image = "registry.example/shop/api:1.2";
    kube_check_export(options);
}

TEST_CASE("kubectl refuses a Deployment whose replicas is a string, and reports an unknown field") {
    std::string kubectl = kube_kubectl();
    REQUIRE(!kubectl.empty());
    ToolScratch dir;
    std::string deployment = export_kubernetes(rich_export_apps(), {})[1].text;
    std::string bad = deployment;
    bad.replace(bad.find("replicas: 1"), 11, "replicas: \"1\"");
    CHECK(kube_decode(kubectl, dir, bad).run.exit_code != 0);
    std::string with_field = deployment;
    with_field.insert(with_field.find("          image:"), "          workDir: /srv\n");
    KubeDecoded d = kube_decode(kubectl, dir, with_field);
    REQUIRE(d.run.exit_code == 0);
    CHECK(d.missing.size() == 1);
}

namespace {

ToolResult kube_compose_config(const std::string& text, const ToolScratch& dir) {
    std::string tool = kube_compose_tool();
    REQUIRE_MESSAGE(!tool.empty(), "no docker-compose from Debian (.ci/run installs it)");
    std::string file = dir.write("compose.yaml", text);
    // No Docker daemon: `config` reads and checks the file only.
    return run_tool({tool, "-f", file, "config"},
                    {"PATH=/usr/bin:/bin", "HOME=" + dir.path(),
                     "DOCKER_HOST=unix://" + dir.path() + "/no-docker.sock"},
                    dir.path());
}

void kube_check_compose(const ExportOptions& options) {
    ToolScratch dir;
    auto files = export_compose(rich_export_apps(), options);
    REQUIRE(files.size() == 1);
    CHECK(files[0].name == "compose.yaml");
    ToolResult r = kube_compose_config(files[0].text, dir);
    CAPTURE(files[0].text);
    CAPTURE(r.err);
    REQUIRE(r.exit_code == 0);
    YAML::Node services = YAML::Load(r.out)["services"];
    CHECK(services.size() == 5);
    CHECK(services["my-api"]["deploy"]["replicas"].as<int>() == 3);
    CHECK(services["my-api"]["depends_on"]["db"]["condition"].Scalar() == "service_healthy");
    CHECK(services["my-api"]["depends_on"]["migrate"]["condition"].Scalar() ==
          "service_completed_successfully");
    CHECK(services["my-api"]["depends_on"]["cache"]["condition"].Scalar() == "service_started");
    CHECK(services["my-api"]["environment"]["GREETING"].Scalar() == "hello \"world\"");
    CHECK(services["db"]["healthcheck"]["test"][1].Scalar() == "dbd-ping");
    CHECK(services["migrate"]["restart"].Scalar() == "no");
}

}  // namespace

TEST_CASE("docker-compose config accepts a rich Compose export under tend-runtime") {
    kube_check_compose(ExportOptions{});
}

TEST_CASE("docker-compose config accepts a rich Compose export with --direct") {
    ExportOptions options;
    options.direct = true;
    options.image = "registry.example/shop/all:1.2";
    kube_check_compose(options);
}

TEST_CASE("docker-compose config refuses a service with an unknown key") {
    ToolScratch dir;
    std::string text = export_compose(rich_export_apps(), {})[0].text;
    text.insert(text.find("    image:"), "    imagee: x\n");
    CHECK(kube_compose_config(text, dir).exit_code != 0);
}
