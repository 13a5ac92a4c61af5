// cron_restart in real time: a one-shot job on a per-second schedule runs
// again and again, never two runs at once, and a bad schedule is refused
// before anything starts.
#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "harness.h"

using namespace tend::it;

namespace {

// A job that records its start and end, and runs longer than the schedule's
// one second: with cron_overlap off, the times that fall in a run are skipped.
std::string write_job(const TendHome& t, const std::string& log) {
    std::string path = t.scratch("job") + "/job.sh";
    std::ofstream(path) << "echo \"start $$\" >> '" << log << "'\n"
                        << "sleep 1.5\n"
                        << "echo \"end $$\" >> '" << log << "'\n";
    return path;
}

std::size_t count_ends(const std::vector<std::string>& lines) {
    std::size_t n = 0;
    for (const auto& line : lines) n += line.rfind("end ", 0) == 0;
    return n;
}

}  // namespace

TEST_CASE("a cron job on a per-second schedule runs each time, never two runs at once") {
    TendHome t;
    std::string log = t.scratch("job") + "/runs.log";
    std::string job = write_job(t, log);
    t.run_ok({"start", job, "--name", "job", "--no-autorestart", "--cron-restart", "*/1 * * * * *",
              "--cron-timezone", "UTC"});
    t.wait_until([&] { return count_ends(whole_lines(log)) >= 3; }, "three runs of the job", 30s);

    // Each run ended before the next started: start and end alternate, by pid.
    std::vector<std::string> lines = whole_lines(log);
    std::string running;
    for (const auto& line : lines) {
        if (line.rfind("start ", 0) == 0) {
            CHECK_MESSAGE(running.empty(), "two runs at once: " << running << " and " << line);
            running = line.substr(6);
        } else {
            CHECK_MESSAGE(line == "end " + running, "an end without its start: " << line);
            running.clear();
        }
    }
    json inst = t.instances("job")[0];
    CHECK(inst["restart_reason"] == "cron");
    CHECK(inst["restarts"].get<int>() >= 2);
    CHECK(inst["next_run_at"].is_number_integer());
    std::string described = t.run_ok({"describe", "job"}).out;
    CHECK(described.find("*/1 * * * * * (UTC)") != std::string::npos);
    CHECK(described.find("next run") != std::string::npos);
}

TEST_CASE("a bad cron_restart or time zone is refused in one line naming the field") {
    TendHome t;
    Result r = t.run(start_fixture("bad", {"--cron-restart", "61 * * * *"}, {"sleep"}));
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("cron_restart: minute 61 is out of 0-59") != std::string::npos);
    r = t.run(start_fixture("never", {"--cron-restart", "0 0 30 2 *"}, {"sleep"}));
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("never matches") != std::string::npos);
    r = t.run(start_fixture("zone", {"--cron-restart", "@daily", "--cron-timezone", "Mars/Base"},
                            {"sleep"}));
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("cron_timezone: 'Mars/Base' is not a known time zone") != std::string::npos);
    CHECK(t.jlist().empty());
}
