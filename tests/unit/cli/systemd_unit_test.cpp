// The boot unit's text: the lines systemd acts on, per scope, and the
// packaged templates in packaging/ being exactly what the generator writes.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "cli/startup/systemd_unit.h"

using namespace tend;

namespace {

bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

SystemdUnit alice_system_unit() {
    return {UnitScope::kSystem,    "/opt/tend/bin/tend",
            "/opt/tend/bin/tendd", "alice",
            "/home/alice/.tend",   ""};
}

std::string read_template(const std::string& name, const std::string& bindir) {
    std::ifstream in(std::string(TEND_SOURCE_DIR "/packaging/") + name);
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    for (auto at = s.find("@TEND_BINDIR@"); at != std::string::npos; at = s.find("@TEND_BINDIR@"))
        s.replace(at, 13, bindir);
    return s;
}

}  // namespace

TEST_CASE("a system unit runs tendd as the user, resurrects after start and kills at stop") {
    std::string text = systemd_unit_text(alice_system_unit());
    CHECK(has_line(text, "[Service]"));
    CHECK(has_line(text, "Type=notify"));  // tendd says READY=1 (daemon/service_manager)
    CHECK(has_line(text, "User=alice"));
    CHECK(has_line(text, "Environment=TEND_HOME=/home/alice/.tend"));
    CHECK(has_line(text, "ExecStart=/opt/tend/bin/tendd --foreground"));
    CHECK(has_line(text, "ExecStartPost=/opt/tend/bin/tend resurrect"));
    CHECK(has_line(text, "ExecStop=/opt/tend/bin/tend kill"));
    CHECK(has_line(text, "Restart=on-failure"));
    CHECK(has_line(text, "LimitNOFILE=infinity"));
    CHECK(has_line(text, "TimeoutStopSec=60"));
    CHECK(has_line(text, "WantedBy=multi-user.target"));
    CHECK(systemd_unit_name(alice_system_unit()) == "tend-alice.service");
}

TEST_CASE("a unit with an HTTP address starts tendd with --http") {
    SystemdUnit unit = alice_system_unit();
    unit.http = "0.0.0.0:9615";
    CHECK(has_line(systemd_unit_text(unit),
                   "ExecStart=/opt/tend/bin/tendd --foreground --http 0.0.0.0:9615"));
}

TEST_CASE("a user unit has no User= line and is wanted by default.target") {
    SystemdUnit unit = alice_system_unit();
    unit.scope = UnitScope::kUser;
    std::string text = systemd_unit_text(unit);
    CHECK(text.find("User=") == std::string::npos);
    CHECK(has_line(text, "WantedBy=default.target"));
    CHECK(has_line(text, "Environment=TEND_HOME=/home/alice/.tend"));
    CHECK(systemd_unit_name(unit) == "tend.service");
}

TEST_CASE("the packaged unit templates are what tend startup generates") {
    SystemdUnit system{UnitScope::kSystem, "/usr/bin/tend", "/usr/bin/tendd", "%i", "", ""};
    CHECK(systemd_unit_text(system) == read_template("tend@.service.in", "/usr/bin"));
    SystemdUnit user{UnitScope::kUser, "/usr/bin/tend", "/usr/bin/tendd", "", "", ""};
    CHECK(systemd_unit_text(user) == read_template("tend.service.in", "/usr/bin"));
}
