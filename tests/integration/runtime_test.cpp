// tend-runtime end to end, as a container runs it: PID 1 of a new PID
// namespace (`unshare --pid --fork --mount-proc`, with a user namespace
// when the test does not run as root), its apps' lines on its stdout and
// stderr, its orphans reaped, SIGTERM turned into a graceful stop, and its
// exit status: 0 when every app completed or stopped cleanly, 1 when any
// ended errored or was killed, 2 on a bad command line.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness.h"

using namespace tend::it;
namespace fs = std::filesystem;

namespace {

// The words that put a command at PID 1 of a new PID namespace, or none
// when this machine cannot make one (the tests then run it as it is).
std::vector<std::string> pid_namespace_prefix() {
    static const std::vector<std::string> prefix = [] {
        std::vector<std::string> words{"/usr/bin/unshare"};
        if (::geteuid() != 0) words.insert(words.end(), {"--user", "--map-root-user"});
        words.insert(words.end(), {"--pid", "--fork", "--mount-proc", "--kill-child"});
        std::vector<std::string> probe = words;
        probe.push_back("true");
        if (run_command({probe, {}, {}}, 10s).exit_code == 0) return words;
        MESSAGE("unshare cannot make a PID namespace here: tend-runtime runs as it is");
        return std::vector<std::string>{};
    }();
    return prefix;
}

std::string cmdline_of(pid_t pid) {
    std::string text = read_file("/proc/" + std::to_string(pid) + "/cmdline");
    for (char& c : text)
        if (c == '\0') c = ' ';
    return text;
}

// One tend-runtime the test started, its stdout and stderr in files. The
// destructor kills it (and unshare) by pid and reaps them.
class Runtime {
  public:
    // wrapper: words that run tend-runtime (taskset -c 0). merged: stderr
    // is stdout's file (`2>&1`).
    Runtime(const TendHome& home, std::vector<std::string> args, std::vector<std::string> env = {},
            std::vector<std::string> wrapper = {}, bool merged = false)
        : out_path_(home.scratch("runtime") + "/out.txt"),
          err_path_(merged ? out_path_ : home.scratch("runtime") + "/err.txt") {
        std::vector<std::string> argv = pid_namespace_prefix();
        namespaced_ = !argv.empty();
        argv.insert(argv.end(), wrapper.begin(), wrapper.end());
        argv.push_back(RUNTIME_BIN);
        argv.insert(argv.end(), args.begin(), args.end());
        if (env.empty()) env.push_back("TEND_HOME=" + home.home());
        int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        int err = merged
                      ? out
                      : ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        pid_ = spawn_command({argv, env, home.scratch("runtime")}, out, err);
        ::close(out);
        if (!merged) ::close(err);
    }
    ~Runtime() {
        if (!exit_code_) kill_child(pid_);
    }
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    bool namespaced() const { return namespaced_; }
    std::string out() const { return read_file(out_path_); }
    std::string err() const { return read_file(err_path_); }

    // The runtime's own pid in this namespace: unshare's child, once forked.
    pid_t runtime_pid(const TendHome& home) {
        if (!namespaced_) return pid_;
        pid_t found = 0;
        const_cast<TendHome&>(home).wait_until(
            [&] {
                auto kids = children_of(pid_);
                if (!kids.empty()) found = kids.front();
                return found != 0;
            },
            "unshare forked tend-runtime");
        return found;
    }

    // Waits until stdout holds a line that contains text.
    void wait_for_out(TendHome& home, const std::string& text) {
        home.wait_until([&] { return contains(out(), text); },
                        "tend-runtime printed '" + text + "'");
    }

    // The runtime's exit status; FAILs (printing its output) when it still runs.
    int wait_exit(Millis timeout = 30s) {
        exit_code_ = wait_child(pid_, timeout);
        if (!exit_code_) {
            FAIL_CHECK("tend-runtime still runs; stderr:\n" << err());
            return -1;
        }
        return *exit_code_;
    }

  private:
    std::string out_path_;
    std::string err_path_;
    pid_t pid_ = -1;
    bool namespaced_ = false;
    std::optional<int> exit_code_;
};

// The first CPU this process may run on (taskset -c 0 fails where 0 is not).
int first_allowed_cpu() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) == 0)
        for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
            if (CPU_ISSET(cpu, &set)) return cpu;
    return 0;
}

std::string write_script(const TendHome& home, const std::string& name, const std::string& body) {
    std::string path = home.scratch("runtime") + "/" + name;
    write_text(path, "#!/bin/sh\n" + body + "\n");
    fs::permissions(path, fs::perms::owner_all);
    return path;
}

// Runs until SIGINT (tend's stop signal), then says goodbye and exits 0.
constexpr const char* kPolite =
    "trap 'echo \"bye $TEND_INSTANCE\"; exit 0' INT\n"
    "echo \"up $TEND_INSTANCE\"\n"
    "while :; do sleep 0.05; done";

}  // namespace

TEST_CASE(
    "tend-runtime: apps' lines go labelled to its stdout and stderr and it exits 0 once they "
    "completed") {
    TendHome home(TendHome::Options::without_daemon());
    std::string app = write_script(home, "hello.sh",
                                   "echo \"out $TEND_INSTANCE\"\n"
                                   "echo \"err $TEND_INSTANCE\" >&2");
    Runtime runtime(home, {app, "-i", "2", "--no-autorestart"});
    CHECK(runtime.wait_exit() == 0);
    std::string out = runtime.out();
    std::string err = runtime.err();
    CHECK(contains(out, "hello-0 | out 0\n"));
    CHECK(contains(out, "hello-1 | out 1\n"));
    CHECK(contains(err, "hello-0 | err 0\n"));
    CHECK(contains(err, "hello-1 | err 1\n"));
    CHECK_FALSE(contains(out, "err 0"));
    CHECK(contains(err, "every app completed or stopped cleanly"));
    if (runtime.namespaced()) CHECK(contains(err, " pid 1 serving "));
}

TEST_CASE("tend-runtime: --json writes every line as a JSON object (its own lines too)") {
    TendHome home(TendHome::Options::without_daemon());
    std::string app = write_script(home, "talk.sh", "echo 'say \"hi\"'\necho oops >&2");
    Runtime runtime(home, {"--json", app, "--no-autorestart"});
    CHECK(runtime.wait_exit() == 0);
    bool said = false;
    bool oops = false;
    bool own = false;
    for (const std::string& stream : {runtime.out(), runtime.err()}) {
        for (const std::string& line : split_lines(stream)) {
            json j = json::parse(line);  // throws, failing the test, on a line that is not
            CHECK(j.contains("time"));
            if (j["app"] == "tend-runtime") {
                own = true;
                continue;
            }
            CHECK(j["app"] == "talk");
            CHECK(j["instance"] == 0);
            said = said || (j["stream"] == "out" && j["message"] == "say \"hi\"");
            oops = oops || (j["stream"] == "err" && j["message"] == "oops");
        }
    }
    CHECK(said);
    CHECK(oops);
    CHECK(own);
}

TEST_CASE("tend-runtime: exits 1 when an app ends errored (a crash loop ends the container)") {
    TendHome home(TendHome::Options::without_daemon());
    std::string app = write_script(home, "crash.sh", "echo crashing\nexit 3");
    Runtime runtime(home, {app, "--max-restarts", "2", "--min-uptime", "60000"});
    CHECK(runtime.wait_exit() == 1);
    CHECK(contains(runtime.err(), "crash-0 errored"));
}

TEST_CASE("tend-runtime: exits 1 when a one-shot app fails and 0 when it succeeds") {
    TendHome home(TendHome::Options::without_daemon());
    std::string fails = write_script(home, "job.sh", "exit 4");
    Runtime failing(home, {fails, "--no-autorestart"});
    CHECK(failing.wait_exit() == 1);
    CHECK(contains(failing.err(), "job-0 exited with code 4"));

    TendHome second(TendHome::Options::without_daemon());
    std::string succeeds = write_script(second, "job.sh", "exit 0");
    Runtime passing(second, {succeeds, "--no-autorestart"});
    CHECK(passing.wait_exit() == 0);
}

TEST_CASE("tend-runtime: SIGTERM runs the apps' SIGINT handlers and exits 0") {
    TendHome home(TendHome::Options::without_daemon());
    std::string app = write_script(home, "serve.sh", kPolite);
    // A kill_timeout no loaded machine reaches: the handlers must run.
    Runtime runtime(home, {app, "-i", "2", "--kill-timeout", "10000"});
    runtime.wait_for_out(home, "serve-0 | up 0");
    runtime.wait_for_out(home, "serve-1 | up 1");
    pid_t pid = runtime.runtime_pid(home);
    REQUIRE(::kill(pid, SIGTERM) == 0);
    // bench/runtime.py times the stop against kill_timeout + 1 s.
    CHECK(runtime.wait_exit() == 0);
    std::string out = runtime.out();
    CHECK(contains(out, "serve-0 | bye 0"));
    CHECK(contains(out, "serve-1 | bye 1"));
}

TEST_CASE("tend-runtime: an app that ignores its stop signal is killed and the exit is 1") {
    TendHome home(TendHome::Options::without_daemon());
    // Ignored signals stay ignored across exec: sleep ignores SIGINT too.
    std::string app =
        write_script(home, "deaf.sh", "trap '' INT\necho listening\nwhile :; do sleep 0.05; done");
    Runtime runtime(home, {app, "--kill-timeout", "300"});
    runtime.wait_for_out(home, "deaf-0 | listening");
    REQUIRE(::kill(runtime.runtime_pid(home), SIGTERM) == 0);
    CHECK(runtime.wait_exit() == 1);
    CHECK(contains(runtime.err(), "deaf-0 was killed (SIGKILL)"));
}

TEST_CASE("tend-runtime: as PID 1 it reaps an app's orphan and tend reaches it in its home") {
    TendHome home(TendHome::Options::without_daemon());
    if (pid_namespace_prefix().empty()) return;  // said once, by the probe
    std::string dir = home.scratch("runtime");
    // The orphan leaves the app's process group (setsid), so when the app
    // exits nothing kills it: it is re-parented to PID 1, and waits for go.
    // The app exits only once the orphan is in its own session: tend kills
    // what is left in an exited app's group.
    std::string orphaner =
        write_script(home, "orphaner.sh",
                     "setsid sh -c 'touch away; while [ ! -e go ]; do sleep 0.02; done; exit 7' "
                     "</dev/null >/dev/null 2>&1 &\n"
                     "while [ ! -e away ]; do sleep 0.01; done\necho left");
    std::string keeper = write_script(home, "keeper.sh", kPolite);
    json file = {{"apps",
                  {{{"name", "orphaner"}, {"script", orphaner}, {"autorestart", false}},
                   {{"name", "keeper"}, {"script", keeper}}}}};
    write_text(dir + "/ecosystem.json", file.dump());
    Runtime runtime(home, {"ecosystem.json"});
    runtime.wait_for_out(home, "keeper-0 | up 0");
    pid_t pid1 = runtime.runtime_pid(home);
    pid_t orphan = 0;
    home.wait_until(
        [&] {
            for (pid_t child : children_of(pid1))
                if (contains(cmdline_of(child), "! -e go")) orphan = child;
            return orphan != 0;
        },
        "the orphan was re-parented to tend-runtime");
    home.remember_pid(orphan);
    // `tend` finds the runtime through TEND_HOME, as in `docker exec`.
    json apps = home.jlist();
    CHECK(apps.size() == 2);
    write_text(dir + "/go", "");
    // Gone from /proc altogether: a zombie nobody reaps would stay there.
    home.wait_until([&] { return !fs::exists("/proc/" + std::to_string(orphan)); },
                    "the orphan was reaped");
    REQUIRE(::kill(pid1, SIGTERM) == 0);
    CHECK(runtime.wait_exit() == 0);
}

TEST_CASE("tend-runtime: its temporary home is removed at exit and a bad command line is exit 2") {
    TendHome home(TendHome::Options::without_daemon());
    std::string app = write_script(home, "once.sh", "echo done");
    Runtime runtime(home, {app, "--no-autorestart"}, {"TEND_HOME="});
    CHECK(runtime.wait_exit() == 0);
    std::string err = runtime.err();
    auto at = err.find(" serving ");
    REQUIRE(at != std::string::npos);
    std::string socket = words(err.substr(at + 9)).front();
    CHECK(contains(socket, "/tend-runtime."));
    CHECK_FALSE(fs::exists(fs::path(socket).parent_path()));

    Result usage = home.run_program({RUNTIME_BIN});
    CHECK(usage.exit_code == 2);
    CHECK(contains(usage.err, "name an ecosystem file or a script"));
    Result missing = home.run_program({RUNTIME_BIN, home.scratch("runtime") + "/nothing.sh"});
    CHECK(missing.exit_code == 1);
    CHECK(contains(missing.err, "could not all be started"));
}

TEST_CASE("tend-runtime: -i max counts the CPUs the runtime may use (taskset)") {
    TendHome home(TendHome::Options::without_daemon());
    std::string app = write_script(home, "one.sh", "echo \"up $TEND_INSTANCE\"");
    Runtime runtime(home, {app, "-i", "max", "--no-autorestart"}, {},
                    {"/usr/bin/taskset", "-c", std::to_string(first_allowed_cpu())});
    CHECK(runtime.wait_exit() == 0);
    std::string out = runtime.out();
    CHECK(contains(out, "one-0 | up 0"));
    CHECK_FALSE(contains(out, "one-1"));  // this machine has 2 CPUs; the runtime may use 1
    CHECK(contains(runtime.err(), "one (1 instance)"));
}

TEST_CASE("tend-runtime: with stdout and stderr on one pipe every line stays whole") {
    TendHome home(TendHome::Options::without_daemon());
    // Both streams at once from four instances, then exit: whole lines only.
    std::string app =
        write_script(home, "both.sh",
                     "i=0\nwhile [ $i -lt 300 ]; do\n"
                     "  echo \"out $TEND_INSTANCE $i\"; echo \"err $TEND_INSTANCE $i\" >&2\n"
                     "  i=$((i+1))\ndone");
    Runtime runtime(home, {app, "-i", "4", "--no-autorestart"}, {}, {}, true);
    CHECK(runtime.wait_exit() == 0);
    int app_lines = 0;
    for (const std::string& line : split_lines(runtime.out())) {
        if (line.rfind("tend-runtime ", 0) == 0) continue;  // the runtime's own
        auto w = words(line);
        REQUIRE_MESSAGE(w.size() == 5, line);  // "both-N | out|err N i"
        CHECK(w[0] == "both-" + w[3]);
        CHECK(w[1] == "|");
        CHECK((w[2] == "out" || w[2] == "err"));
        ++app_lines;
    }
    CHECK(app_lines == 4 * 300 * 2);
}
