// `tend startup` and `tend unstartup` against a unit directory and a fake
// systemctl in the test's scratch space (TEND_SYSTEMD_DIR, TEND_SYSTEMCTL):
// no test writes to /etc or enables a real unit. The printed unit is checked
// with `systemd-analyze verify` where systemd is installed.
#include <doctest/doctest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "harness.h"

using namespace tend::it;

namespace {

void write_file(const std::string& path, const std::string& text, mode_t mode) {
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
}

std::string bin_dir() {
    return std::filesystem::canonical(TEND_BIN).parent_path().string();
}

std::string my_name() {
    return ::getpwuid(::getuid())->pw_name;
}

// Runs tend with the unit directory and systemctl redirected into scratch.
struct FakeSystemd {
    TendHome home{TendHome::Options::without_daemon()};
    std::string unit_dir = home.scratch("units");
    std::string calls = home.scratch("calls") + "/systemctl.log";
    std::string systemctl = home.scratch("calls") + "/systemctl";

    FakeSystemd() { write_file(systemctl, "#!/bin/sh\necho \"$*\" >> " + calls + "\n", 0755); }

    Result run(const std::vector<std::string>& args) const {
        // Built front to back: GCC 12 -O3 misreads an insert at begin() (-Warray-bounds).
        std::vector<std::string> argv{TEND_BIN};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_command({argv,
                            {"TEND_HOME=" + home.home(), "TEND_SYSTEMD_DIR=" + unit_dir,
                             "TEND_SYSTEMCTL=" + systemctl},
                            ""},
                           20s);
    }
};

bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

// `systemd-analyze verify` of text saved as name; skipped without systemd.
void verify_unit(const TendHome& t, const std::string& name, const std::string& text) {
    if (::access("/usr/bin/systemd-analyze", X_OK) != 0) {
        MESSAGE("systemd-analyze is not installed: unit not verified");
        return;
    }
    std::string path = t.scratch("verify") + "/" + name;
    write_file(path, text, 0644);
    Result r = run_command({{"/usr/bin/systemd-analyze", "verify", "--man=no", path}, {}, ""}, 30s);
    INFO("systemd-analyze: " << r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.find(name) == std::string::npos);  // no warning about our unit
}

}  // namespace

TEST_CASE("tend startup prints a system unit that systemd-analyze accepts") {
    TendHome t{TendHome::Options::without_daemon()};
    Result r = t.run_ok({"startup"});
    std::string home = ::getpwuid(::getuid())->pw_dir;
    CHECK(has_line(r.out, "User=" + my_name()));
    CHECK(has_line(r.out, "Environment=TEND_HOME=" + home + "/.tend"));
    CHECK(has_line(r.out, "ExecStart=" + bin_dir() + "/tendd --foreground"));
    CHECK(has_line(r.out, "ExecStop=" + bin_dir() + "/tend kill"));
    CHECK(has_line(r.out, "WantedBy=multi-user.target"));
    verify_unit(t, "tend-" + my_name() + ".service", r.out);
    CHECK_FALSE(std::filesystem::exists(t.home()));  // no daemon was started
}

TEST_CASE("tend startup --user-unit prints a user unit wanted by default.target") {
    TendHome t{TendHome::Options::without_daemon()};
    Result r = t.run_ok({"startup", "systemd", "--user-unit"});
    CHECK(r.out.find("User=") == std::string::npos);
    CHECK(has_line(r.out, "WantedBy=default.target"));
    verify_unit(t, "tend.service", r.out);
}

TEST_CASE("tend startup --http puts the address on tendd's line, and refuses a bad one") {
    TendHome t{TendHome::Options::without_daemon()};
    Result r = t.run_ok({"startup", "--user-unit", "--http", "127.0.0.1:9615"});
    CHECK(has_line(r.out, "ExecStart=" + bin_dir() + "/tendd --foreground --http 127.0.0.1:9615"));
    verify_unit(t, "tend.service", r.out);
    Result bad = t.run({"startup", "--http", "example.com:80"});
    CHECK(bad.exit_code != 0);
    CHECK(bad.err.find("bad HTTP address 'example.com:80'") != std::string::npos);
}

TEST_CASE("startup --install writes the unit 0644 and enables it, unstartup removes it") {
    FakeSystemd s;
    std::string unit = s.run({"startup"}).out;
    std::string name = "tend-" + my_name() + ".service";
    std::string path = s.unit_dir + "/" + name;

    Result installed = s.run({"startup", "--install"});
    INFO(installed.out << installed.err);
    REQUIRE(installed.exit_code == 0);
    CHECK(installed.out.find("[tend] wrote " + path + " and enabled it") == 0);
    CHECK(read_file(path) == unit);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0644);
    CHECK(read_file(s.calls) == "daemon-reload\nenable " + name + "\n");

    Result removed = s.run({"unstartup"});
    CHECK(removed.out == "[tend] disabled and removed " + path + "\n");
    CHECK_FALSE(std::filesystem::exists(path));
    CHECK(read_file(s.calls) ==
          "daemon-reload\nenable " + name + "\ndisable " + name + "\ndaemon-reload\n");
    CHECK(s.run({"unstartup"}).out == "[tend] no unit at " + path + ": nothing to remove\n");
}

TEST_CASE("a user unit is enabled with systemctl --user") {
    FakeSystemd s;
    REQUIRE(s.run({"startup", "--install", "--user-unit"}).exit_code == 0);
    CHECK(std::filesystem::exists(s.unit_dir + "/tend.service"));
    CHECK(read_file(s.calls) == "--user daemon-reload\n--user enable tend.service\n");
}

TEST_CASE("startup errors: no systemctl, unknown user, unknown init system") {
    TendHome t{TendHome::Options::without_daemon()};
    std::string units = t.scratch("units");
    Result r = run_command({{TEND_BIN, "startup", "--install"},
                            {"TEND_HOME=" + t.home(), "TEND_SYSTEMD_DIR=" + units,
                             "TEND_SYSTEMCTL=/nonexistent/systemctl"},
                            ""},
                           20s);
    CHECK(r.exit_code == 1);
    CHECK(r.err ==
          "tend: error: cannot run /nonexistent/systemctl: no such file or directory (is "
          "systemd installed?)\n");

    Result user = t.run({"startup", "--user", "no-such-user-xyz"});
    CHECK(user.exit_code == 2);
    CHECK(user.err == "tend: error: no user named 'no-such-user-xyz'\n");

    Result init = t.run({"startup", "upstart"});
    CHECK(init.exit_code == 2);
    CHECK(init.err == "tend: error: unsupported init system 'upstart' (tend supports systemd)\n");
}
