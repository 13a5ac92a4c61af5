// The web dashboard (GET /) in a real headless Chromium: the page lists the
// running instances, follows an app's logs and shows a line written after
// it opened (escaped, not parsed as HTML), takes a token from #token=, and a
// restart clicked on the page gives the instance a new pid that `tend
// jlist` agrees with. A screenshot is kept as an artifact. Chromium that
// cannot start fails the test: it is a package CI installs, not an option.
#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <random>

#include "chromium_driver.h"
#include "harness.h"

using namespace tend::it;

namespace {

// The dashboard's URL, from `tend ping --json` (the daemon chose the port).
std::string dashboard_url(TendHome& home) {
    Result ping = home.run_ok({"ping", "--json"});
    json info = json::parse(ping.out);
    std::string url = info.value("http", "");
    REQUIRE_MESSAGE(url.starts_with("http://127.0.0.1:"), "ping --json: " << ping.out);
    return url;
}

std::unique_ptr<Chromium> start_chromium() {
    try {
        return std::make_unique<Chromium>();
    } catch (const std::exception& e) {
        FAIL("headless Chromium (Debian package chromium) could not start: " << e.what());
    }
    return nullptr;
}

// A JS expression: the text of a field of instance id's row, "" when none.
std::string field_of(int id, const std::string& field) {
    return "((document.querySelector('#apps-body tr[data-id=\"" + std::to_string(id) +
           "\"] td[data-field=\"" + field + "\"]') || {}).textContent || '')";
}

// A file of the test's build directory (built in place: GCC 12 -O3 warns
// falsely on a temporary std::string + "...").
std::string in_build_dir(const char* name) {
    std::string path = TEND_TEST_BINARY_DIR;
    path += '/';
    path += name;
    return path;
}

// On a failure, the page as it was, beside the artifact.
struct ScreenshotOnFailure {
    Chromium& chromium;
    ~ScreenshotOnFailure() {
        if (!current_test_failed()) return;
        try {
            chromium.screenshot(in_build_dir("dashboard-failed.png"));
        } catch (const std::exception&) {
            // Chromium itself is what failed: nothing to show.
        }
    }
};

std::string unique_word() {
    std::random_device random;
    return "dashboard-line-" + std::to_string(random()) + "-" + std::to_string(random());
}

}  // namespace

TEST_CASE(
    "dashboard: Chromium lists the instances, follows a live log line, restarts from the page") {
    TendHome::Options options;
    options.daemon_args = {"--http", "127.0.0.1:0"};
    TendHome home(options);
    std::string url = dashboard_url(home);
    std::string token = words(home.run_ok({"http", "token"}).out).at(0);

    std::string said = home.scratch("app") + "/said";
    write_text(said, "\n");
    home.run_ok(start_fixture("dash", {"-i", "2"}, {"say-file-on-usr2", said}));
    json before = home.wait_for("dash", all_online(2), "both instances online");
    int first = before[0]["id"], second = before[1]["id"];
    int old_pid = before[1]["pid"];

    auto chromium = start_chromium();
    ScreenshotOnFailure keep_failure{*chromium};
    chromium->navigate(url + "/");

    // The table: one row per instance, with the pid jlist gives.
    for (const json& instance : before) {
        int id = instance["id"];
        std::string pid = std::to_string(instance["pid"].get<int>());
        CHECK_MESSAGE(chromium->wait_for(field_of(id, "pid") + " === '" + pid + "'", 15s),
                      "row of instance " << id << " with pid " << pid);
        CHECK(chromium->evaluate(field_of(id, "status")) == "online");
        CHECK(chromium->evaluate(field_of(id, "name")) == "dash");
    }
    // Without a token, no button writes.
    CHECK(chromium->evaluate(
              "document.querySelectorAll('button[data-action=\"restart\"]').length") == 0);

    // The app's logs, then a line the app writes only now.
    chromium->evaluate(
        "(() => { const s = document.getElementById('log-target'); s.value = 'app:dash';"
        " s.dispatchEvent(new Event('change')); })()");
    REQUIRE_MESSAGE(
        chromium->wait_for("document.getElementById('log-state').dataset.state === 'open'", 15s),
        "the page follows dash's logs");
    std::string word = unique_word();
    write_text(said, word + " <b>not bold</b>\n");
    home.run_ok({"signal", "SIGUSR2", std::to_string(first)});
    CHECK_MESSAGE(chromium->wait_for("[...document.querySelectorAll('#log-lines .log-line')]"
                                     ".some(l => l.textContent.includes('" +
                                         word + " <b>not bold</b>'))",
                                     15s),
                  "the page shows the line written after it opened");
    CHECK(chromium->evaluate("document.querySelectorAll('#log-lines b').length") == 0);

    // The token from the fragment: buttons appear, the fragment is gone.
    chromium->evaluate("location.hash = '#token=" + token + "'");
    std::string restart_button =
        "document.querySelector('button[data-action=\"restart\"][data-id=\"" +
        std::to_string(second) + "\"]')";
    REQUIRE_MESSAGE(chromium->wait_for(restart_button, 10s),
                    "a restart button once the token is given");
    CHECK(chromium->evaluate("location.hash") == "");
    CHECK(chromium->evaluate("sessionStorage.getItem('tend.token')") == token);

    chromium->evaluate(restart_button + ".click()");
    std::string page_pid;
    bool restarted =
        chromium->wait_for(field_of(second, "pid") + " !== '' && " + field_of(second, "pid") +
                               " !== '" + std::to_string(old_pid) + "'",
                           20s);
    CHECK_MESSAGE(restarted, "the page shows a new pid; message: " << chromium->evaluate(
                                 "document.getElementById('message').textContent"));
    page_pid = chromium->evaluate(field_of(second, "pid")).get<std::string>();
    home.wait_for(
        "dash",
        [&](const json& instances) {
            return instances.size() == 2 &&
                   std::to_string(instances[1]["pid"].get<int>()) == page_pid &&
                   instances[1]["status"] == "online" && instances[1]["restarts"] == 1;
        },
        "jlist agrees with the page's new pid " + page_pid);
    CHECK(chromium->wait_for(field_of(second, "reason") + ".startsWith('user')", 10s));

    // The artifact: the page as it is now (logs and all), in the build tree.
    chromium->screenshot(in_build_dir("dashboard.png"));
    CHECK(std::filesystem::file_size(in_build_dir("dashboard.png")) > 1000);
}
