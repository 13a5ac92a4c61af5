// config.json's "http": where tendd serves HTTP when no --http is given.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "common/errors.h"
#include "daemon/daemon_settings.h"

using namespace tend;

namespace {

DaemonSettings settings_from(const std::string& text) {
    char dir[] = "/tmp/tend-settings-XXXXXX";
    std::string home = ::mkdtemp(dir);
    std::ofstream(home + "/config.json") << text;
    try {
        DaemonSettings s = load_daemon_settings(home);
        std::filesystem::remove_all(home);
        return s;
    } catch (...) {
        std::filesystem::remove_all(home);
        throw;
    }
}

}  // namespace

TEST_CASE("config.json's http.listen: an address, a bare port, or none") {
    CHECK_FALSE(settings_from(R"({"logs": {}})").http.has_value());
    auto set = settings_from(R"({"http": {"listen": "0.0.0.0:9615"}})").http;
    REQUIRE(set);
    CHECK(set->authority() == "0.0.0.0:9615");
    CHECK(settings_from(R"({"http": {"listen": 9615}})").http->authority() == "127.0.0.1:9615");
    CHECK_FALSE(settings_from(R"({"http": {"listen": null}})").http.has_value());
}

TEST_CASE("a bad http section is refused, naming the file and the key") {
    CHECK_THROWS_WITH_AS(settings_from(R"({"http": {"port": 1}})"),
                         doctest::Contains("unknown key 'http.port'"), TendError);
    CHECK_THROWS_WITH_AS(settings_from(R"({"http": {"listen": "nowhere:1"}})"),
                         doctest::Contains("config.json: bad HTTP address"), TendError);
    CHECK_THROWS_WITH_AS(settings_from(R"({"http": "9615"})"),
                         doctest::Contains("'http' must be an object"), TendError);
}
