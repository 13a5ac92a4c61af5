// The keys PM2 configs use, end to end through the real daemon: interpreter
// args, instance_var and increment_var, env files, uid / gid and ESM
// ecosystem files, from the CLI and from files, and describe showing them.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "cluster_support.h"
#include "harness.h"

using namespace tend::it;

namespace {

const std::string kEnvFixture = fixture_js("node_env.js");

void put_file(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
}

// The "keys ..." line that instance index of app printed (node_env.js).
std::string keys_line(TendHome& t, const std::string& app, std::size_t index) {
    json insts = t.instances(app);
    REQUIRE(insts.size() > index);
    std::string log = insts[index]["out_log"].get<std::string>();
    return t.wait_for_line(log, "keys ", app + " instance " + std::to_string(index) + " printed");
}

// " uid=U gid=G " as the fixture prints them for an app started without
// --uid: the test's own ids (root in one CI pass, a plain user in the other).
std::string own_ids() {
    return " uid=" + std::to_string(::getuid()) + " gid=" + std::to_string(::getgid()) + " ";
}

// Whether a test that runs apps as another user can: only root may.
bool can_switch_users() {
    if (::geteuid() == 0) return true;
    MESSAGE("skipped: needs root to run an app as another user");
    return false;
}

struct stat stat_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st;
}

void check_start_error(const Result& r, const std::string& message) {
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err == message + "\n");
}

// The value on describe's line for key ("  run as     nobody"), or "".
std::string described_value(const std::string& describe, const std::string& key) {
    std::istringstream lines(describe);
    std::string line;
    while (std::getline(lines, line)) {
        std::size_t at = line.find_first_not_of(' ');
        if (at == std::string::npos || line.compare(at, key.size(), key) != 0) continue;
        std::size_t value = line.find_first_not_of(' ', at + key.size());
        if (value != at + key.size() && value != std::string::npos) return line.substr(value);
    }
    return "";
}

bool has_app(TendHome& t, const std::string& name) {
    for (const auto& inst : t.jlist())
        if (inst.value("name", "") == name) return true;
    return false;
}

}  // namespace

TEST_CASE(
    "--node-args, --instance-var and --increment-var reach each instance, describe shows them") {
    TendHome t;
    t.run_ok({"start", kEnvFixture, "--name", "k", "-i", "2",
              "--node-args=--max-old-space-size=256 --title=tendkeys", "--instance-var",
              "INSTANCE_ID", "--increment-var", "PORT", "--env", "PORT=3000", "--env",
              "SHOW=INSTANCE_ID,PORT,NODE_APP_INSTANCE,TEND_INSTANCE"});
    t.wait_for("k", all_online(2), "k's two instances online");
    const std::string args = R"(execArgv=["--max-old-space-size=256","--title=tendkeys"])";
    CHECK(keys_line(t, "k", 0) == "keys " + args + own_ids() +
                                      "INSTANCE_ID=0 PORT=3000 "
                                      "NODE_APP_INSTANCE=(unset) TEND_INSTANCE=0");
    CHECK(keys_line(t, "k", 1) == "keys " + args + own_ids() +
                                      "INSTANCE_ID=1 PORT=3001 "
                                      "NODE_APP_INSTANCE=(unset) TEND_INSTANCE=1");
    std::string out = t.run_ok({"describe", "k"}).out;
    INFO("describe:\n" << out);
    CHECK(described_value(out, "interpreter args") == "--max-old-space-size=256 --title=tendkeys");
    CHECK(described_value(out, "instance var") == "INSTANCE_ID");
    CHECK(described_value(out, "increment var") == "PORT");
    CHECK(described_value(out, "run as") == "-");
}

TEST_CASE("--interpreter-args as a separate word, and the default NODE_APP_INSTANCE") {
    TendHome t;
    t.run_ok({"start", kEnvFixture, "--name", "s", "--interpreter-args", "--title=tendsep", "--env",
              "SHOW=NODE_APP_INSTANCE"});
    t.wait_for("s", all_online(1), "s online");
    CHECK(keys_line(t, "s", 0) ==
          R"(keys execArgv=["--title=tendsep"])" + own_ids() + "NODE_APP_INSTANCE=0");
}

TEST_CASE("--env-file is read relative to --cwd, under --env, and a bad file is one error line") {
    TendHome t;
    std::string dir = t.scratch("envapp");
    put_file(dir + "/.env", "# app settings\nexport FROM_FILE='from file'\nSHARED=file # why\n");
    t.run_ok({"start", kEnvFixture, "--name", "e", "--cwd", dir, "--env-file", ".env", "--env",
              "SHARED=flag", "--env", "SHOW=FROM_FILE,SHARED"});
    t.wait_for("e", all_online(1), "e online");
    CHECK(keys_line(t, "e", 0) ==
          "keys execArgv=[]" + own_ids() + "FROM_FILE=from file SHARED=flag");
    std::string out = t.run_ok({"describe", "e"}).out;
    CHECK(described_value(out, "env file") == dir + "/.env");

    check_start_error(t.run({"start", kEnvFixture, "--name", "m", "--env-file", "nope.env"}),
                      "tend: error: cannot read env file 'nope.env': No such file or directory");
    put_file(t.scratch("") + "/bad.env", "A=1\noops\n");
    check_start_error(t.run({"start", kEnvFixture, "--name", "m", "--env-file", "bad.env"}),
                      "tend: error: bad.env:2: expected '=' after 'oops'");
    CHECK_FALSE(has_app(t, "m"));
}

TEST_CASE("a YAML file's node_args, env_file, instance_var and increment_var") {
    TendHome t;
    std::string dir = t.scratch("yamlapp");
    put_file(dir + "/app.env", "FROM_FILE=yes\nPORT=1\n");
    put_file(dir + "/apps.yaml",
             "apps:\n"
             "  - name: y\n"
             "    script: " +
                 kEnvFixture +
                 "\n"
                 "    instances: 2\n"
                 "    node_args: [\"--title=tendyaml\"]\n"
                 "    env_file: app.env\n"
                 "    instance_var: WORKER_ID\n"
                 "    increment_var: PORT\n"
                 "    env:\n"
                 "      PORT: 4000\n"
                 "      SHOW: WORKER_ID,PORT,FROM_FILE\n");
    Result r = t.run_ok({"start", dir + "/apps.yaml"});
    CHECK(r.err.empty());
    t.wait_for("y", all_online(2), "y's two instances online");
    const std::string head = R"(keys execArgv=["--title=tendyaml"])" + own_ids();
    CHECK(keys_line(t, "y", 0) == head + "WORKER_ID=0 PORT=4000 FROM_FILE=yes");
    CHECK(keys_line(t, "y", 1) == head + "WORKER_ID=1 PORT=4001 FROM_FILE=yes");
}

TEST_CASE("ESM ecosystem files: export default in .mjs, and in .js under a type: module package") {
    TendHome t;
    std::string mjs = t.scratch("esm-mjs");
    put_file(mjs + "/ecosystem.config.mjs",
             "const name = 'esm-a';\n"
             "export default { apps: [{ name, script: '" +
                 kEnvFixture + "', env: { SHOW: 'WHO' , WHO: 'mjs' } }] };\n");
    std::string pkg = t.scratch("esm-pkg");
    put_file(pkg + "/package.json", R"({"name": "esm-pkg", "type": "module"})");
    put_file(pkg + "/ecosystem.config.js",
             "import path from 'node:path';\n"
             "export default { apps: [{ name: 'esm-b', script: '" +
                 kEnvFixture + "', env: { SHOW: 'WHO', WHO: path.basename('/x/js') } }] };\n");
    t.run_ok({"start", mjs + "/ecosystem.config.mjs"});
    t.run_ok({"start", pkg + "/ecosystem.config.js"});
    t.wait_for("esm-a", all_online(1), "esm-a online");
    t.wait_for("esm-b", all_online(1), "esm-b online");
    CHECK(keys_line(t, "esm-a", 0) == "keys execArgv=[]" + own_ids() + "WHO=mjs");
    CHECK(keys_line(t, "esm-b", 0) == "keys execArgv=[]" + own_ids() + "WHO=js");
    t.run_ok({"stop", pkg + "/ecosystem.config.js"});
    t.wait_for(
        "esm-b", [](const json& insts) { return all_status(insts, "stopped"); },
        "esm-b stopped through its file");
}

TEST_CASE("--uid nobody runs the instance as nobody, owning its logs and no other app's") {
    if (!can_switch_users()) return;
    TendHome t;
    t.run_ok({"start", kEnvFixture, "--name", "rooted", "--env", "SHOW=X"});
    json rooted = t.wait_for("rooted", all_online(1), "rooted online");
    std::string rooted_log = rooted[0]["out_log"].get<std::string>();

    t.run_ok({"start", kEnvFixture, "--name", "low", "--uid", "nobody", "--env", "SHOW=X", "--env",
              "TRY_WRITE=" + rooted_log});
    json low = t.wait_for("low", all_online(1), "low online");
    CHECK(keys_line(t, "low", 0) == "keys execArgv=[] uid=65534 gid=65534 X=(unset)");
    t.wait_for_line(low[0]["out_log"].get<std::string>(), "write EACCES",
                    "low could not append to rooted's log");
    CHECK(stat_of("/proc/" + std::to_string(low[0]["pid"].get<int>())).st_uid == 65534);
    for (const char* key : {"out_log", "err_log"}) {
        struct stat st = stat_of(low[0][key].get<std::string>());
        CHECK(st.st_uid == 65534);
        CHECK(st.st_gid == 65534);
        CHECK((st.st_mode & 0022) == 0);
        struct stat other = stat_of(rooted[0][key].get<std::string>());
        CHECK(other.st_uid == 0);
        CHECK((other.st_mode & 0022) == 0);
    }
    std::string out = t.run_ok({"describe", "low"}).out;
    CHECK(described_value(out, "run as") == "nobody");
}

TEST_CASE("uid and gid from a JSON file: id -u and id -g of the instance") {
    if (!can_switch_users()) return;
    TendHome t;
    std::string dir = t.scratch("idapp");
    put_file(dir + "/apps.json", json{{"apps",
                                       {{{"name", "idu"},
                                         {"script", "id"},
                                         {"args", "-u"},
                                         {"uid", 65534},
                                         {"gid", "nogroup"},
                                         {"autorestart", false}},
                                        {{"name", "idg"},
                                         {"script", "id"},
                                         {"args", "-g"},
                                         {"uid", "nobody"},
                                         {"autorestart", false}}}}}
                                     .dump());
    t.run_ok({"start", dir + "/apps.json"});
    json idu = t.instances("idu");
    json idg = t.instances("idg");
    REQUIRE(idu.size() == 1);
    REQUIRE(idg.size() == 1);
    t.wait_for_line(idu[0]["out_log"].get<std::string>(), "65534", "id -u printed nobody's uid");
    t.wait_for_line(idg[0]["out_log"].get<std::string>(), "65534", "id -g printed nogroup's gid");
    std::string out = t.run_ok({"describe", "idu"}).out;
    CHECK(described_value(out, "run as") == "65534:nogroup");
}

TEST_CASE("an unknown user is one error line, and nothing is started") {
    TendHome t;
    Result r = t.run({"start", kEnvFixture, "--name", "u", "--uid", "no-such-user-tend"});
    if (::geteuid() == 0)
        check_start_error(r, "tend: error: unknown user 'no-such-user-tend' (uid)");
    else
        check_start_error(
            r, "tend: error: uid/gid need the daemon to run as root, and tendd runs as uid " +
                   std::to_string(::geteuid()) + ": start the app without --uid/--gid");
    CHECK_FALSE(has_app(t, "u"));
}
