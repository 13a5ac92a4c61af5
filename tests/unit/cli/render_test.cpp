// The renderers: log lines (prefix, raw, timestamp, colour), the list table
// and describe, with colour on and off.
#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>

#include "cli/render/describe.h"
#include "cli/render/format.h"
#include "cli/render/log_line.h"
#include "cli/render/table.h"
#include "cli/terminal.h"

using namespace tend;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Local time is UTC for the life of the object, so times print predictably.
class UtcClock {
  public:
    UtcClock() {
        ::setenv("TZ", "UTC", 1);
        ::tzset();
    }
    ~UtcClock() {
        ::unsetenv("TZ");
        ::tzset();
    }
};

constexpr std::int64_t kNoon = 1700049600000;  // 2023-11-15T12:00:00Z

LogLine log_line(const std::string& stream, std::int64_t time) {
    return LogLine{3, "api", 1, stream, "listening on 3000", time};
}

InstanceInfo api_instance() {
    InstanceInfo info;
    info.id = 4;
    info.name = "api";
    info.instance = 1;
    info.mode = "cluster";
    info.pid = 4242;
    info.status = InstanceState::kOnline;
    info.restarts = 3;
    info.unstable_restarts = 1;
    info.created_at = kNoon;
    info.started_at = kNoon + 1000;
    info.uptime_ms = 125000;
    info.cpu = 0.5;
    info.memory = 5 * 1024 * 1024;
    info.exit_code = 2;
    info.out_log = "/h/logs/api-out-4.log";
    info.err_log = "/h/logs/api-err-4.log";
    return info;
}

AppSpec api_spec() {
    AppSpec spec;
    spec.name = "api";
    spec.script = "/srv/api/server.js";
    spec.args = {"--port", "3000", "two words"};
    spec.cwd = "/srv/api";
    spec.instances = 2;
    spec.exec_mode = "cluster";
    spec.env = {{"ZETA", "1"}, {"ALPHA", "secret"}};
    spec.restart.max_restarts = 23;
    spec.restart.min_uptime_ms = 2345;
    spec.restart.restart_delay_ms = 150;
    spec.restart.stop_exit_codes = {0, 3};
    spec.restart.kill_timeout_ms = 4321;
    spec.restart.kill_signal = "SIGTERM";
    return spec;
}

std::string value_of(const std::vector<Field>& fields, const std::string& key) {
    for (const auto& [k, v] : fields)
        if (k == key) return v;
    return "(missing " + key + ")";
}

}  // namespace

TEST_CASE("colour only on a terminal and only while NO_COLOR is unset or empty") {
    CHECK(colour_wanted(true, nullptr));
    CHECK(colour_wanted(true, ""));
    CHECK_FALSE(colour_wanted(true, "1"));
    CHECK_FALSE(colour_wanted(false, nullptr));
}

TEST_CASE("a log line prints as id|name| line, or raw") {
    CHECK(render_log_line(log_line("out", 0), {}) == "3|api| listening on 3000\n");
    CHECK(render_log_line(log_line("err", 0), {.raw = true}) == "listening on 3000\n");
    LogLine merged = log_line("out", 0);
    merged.id = -1;  // a merged file's past line: no instance
    merged.instance = -1;
    CHECK(render_log_line(merged, {}) == "-|api| listening on 3000\n");
}

TEST_CASE("--timestamp prefixes the capture time, and nothing for history lines") {
    UtcClock utc;
    CHECK(render_log_line(log_line("out", kNoon), {.timestamp = true}) ==
          "2023-11-15T12:00:00 3|api| listening on 3000\n");
    CHECK(render_log_line(log_line("out", kNoon), {.raw = true, .timestamp = true}) ==
          "2023-11-15T12:00:00 listening on 3000\n");
    CHECK(render_log_line(log_line("out", 0), {.timestamp = true}) == "3|api| listening on 3000\n");
    CHECK(render_log_line(log_line("out", kNoon), {}) == "3|api| listening on 3000\n");
}

TEST_CASE("with colour the prefix of a stderr line is red and the line itself plain") {
    std::string err = render_log_line(log_line("err", 0), {.colour = true});
    CHECK(err == "\033[31m3|api|\033[0m listening on 3000\n");
    std::string out = render_log_line(log_line("out", 0), {.colour = true});
    CHECK(out.find("\033[31m") == std::string::npos);
    CHECK(contains(out, "3|api|\033[0m listening on 3000\n"));
}

TEST_CASE("the table shows headers and every value, without escapes when colour is off") {
    InstanceInfo stopped = api_instance();
    stopped.id = 5;
    stopped.instance = 0;
    stopped.name = "worker";
    stopped.pid = 0;
    stopped.status = InstanceState::kStopped;
    std::string table = render_table({api_instance(), stopped}, false);
    INFO(table);
    for (const char* header : {"id", "name", "namespace", "instance", "mode", "pid", "status",
                               "uptime", "↺", "cpu", "memory"})
        CHECK(contains(table, header));
    CHECK(contains(table,
                   "│ 4  │ api    │ default   │ 1        │ cluster │ 4242 │ online  │ 2m     │ 3 │ "
                   "0.5% │ 5.0mb  │"));
    CHECK(contains(table,
                   "│ 5  │ worker │ default   │ 0        │ cluster │ 0    │ stopped │ 0      │ 3 │ "
                   "0.5% │ 5.0mb  │"));
    CHECK(table.find('\033') == std::string::npos);
    CHECK(table.rfind("┌", 0) == 0);
    CHECK(contains(table, "└"));
}

TEST_CASE("the table's rows line up whatever the widths of the cells") {
    InstanceInfo wide = api_instance();
    wide.name = "a-much-longer-app-name";
    std::string table = render_table({api_instance(), wide}, false);
    std::vector<std::size_t> widths;
    std::size_t start = 0;
    while (start < table.size()) {
        std::size_t end = table.find('\n', start);
        widths.push_back(display_width(std::string_view(table).substr(start, end - start)));
        start = end + 1;
    }
    REQUIRE(widths.size() == 6);  // top, header, rule, two rows, bottom
    for (std::size_t w : widths) CHECK(w == widths[0]);
}

TEST_CASE("with colour the status is coloured and the columns stay aligned") {
    std::string plain = render_table({api_instance()}, false);
    std::string coloured = render_table({api_instance()}, true);
    CHECK(contains(coloured, "\033[32monline"));
    std::string stripped;
    for (std::size_t i = 0; i < coloured.size(); ++i) {
        if (coloured[i] == '\033') {
            i = coloured.find('m', i);
            continue;
        }
        stripped += coloured[i];
    }
    CHECK(stripped == plain);
}

TEST_CASE("an empty list still prints the header, then how to start an app") {
    std::string table = render_table({}, false);
    CHECK(contains(table, "│ id │ name │"));
    CHECK(contains(table, "\n[tend] no apps yet: start one with 'tend start app.js'\n"));
}

TEST_CASE("describe shows every field of the instance and its spec") {
    UtcClock utc;
    InstanceInfo info = api_instance();
    info.spec = api_spec();
    auto fields = describe_fields(info);
    CHECK(value_of(fields, "status") == "online");
    CHECK(value_of(fields, "name") == "api");
    CHECK(value_of(fields, "id") == "4");
    CHECK(value_of(fields, "instance") == "1");
    CHECK(value_of(fields, "pid") == "4242");
    CHECK(value_of(fields, "command line") == "node /srv/api/server.js --port 3000 'two words'");
    CHECK(value_of(fields, "cwd") == "/srv/api");
    CHECK(value_of(fields, "interpreter") == "node");
    CHECK(value_of(fields, "exec_mode") == "cluster");
    CHECK(value_of(fields, "out log") == "/h/logs/api-out-4.log");
    CHECK(value_of(fields, "err log") == "/h/logs/api-err-4.log");
    CHECK(value_of(fields, "autorestart") == "true");
    CHECK(value_of(fields, "max_restarts") == "23");
    CHECK(value_of(fields, "min_uptime") == "2345 ms");
    CHECK(value_of(fields, "restart_delay") == "150 ms");
    CHECK(value_of(fields, "exp_backoff_restart_delay") == "off");
    CHECK(value_of(fields, "stop_exit_codes") == "0, 3");
    CHECK(value_of(fields, "kill_timeout") == "4321 ms");
    CHECK(value_of(fields, "kill_signal") == "SIGTERM");
    CHECK(value_of(fields, "env keys") == "ALPHA, ZETA");
    CHECK(value_of(fields, "created at") == "2023-11-15 12:00:00");
    CHECK(value_of(fields, "started at") == "2023-11-15 12:00:01");
    CHECK(value_of(fields, "uptime") == "2m");
    CHECK(value_of(fields, "restarts") == "3");
    CHECK(value_of(fields, "unstable restarts") == "1");
    CHECK(value_of(fields, "last exit code") == "2");
    CHECK(value_of(fields, "last exit signal") == "-");
}

TEST_CASE("describe never shows env values, and aligns its values") {
    InstanceInfo info = api_instance();
    info.spec = api_spec();
    std::string text = render_describe(info, false);
    INFO(text);
    CHECK_FALSE(contains(text, "secret"));
    CHECK(contains(text, "'api' instance 1 (id 4)\n"));
    CHECK(contains(text, "\n  kill_timeout               4321 ms\n"));
    CHECK(text.find('\033') == std::string::npos);
}

TEST_CASE("describe of an instance that never ran shows dashes and a zero uptime") {
    InstanceInfo info;
    info.name = "idle";
    info.status = InstanceState::kStopped;
    auto fields = describe_fields(info);
    CHECK(value_of(fields, "pid") == "-");
    CHECK(value_of(fields, "started at") == "-");
    CHECK(value_of(fields, "uptime") == "0");
    CHECK(value_of(fields, "last exit code") == "-");
}

TEST_CASE("format helpers: cpu, widths, quoting") {
    CHECK(format_cpu(0) == "0%");
    CHECK(format_cpu(0.5) == "0.5%");
    CHECK(format_cpu(100) == "100%");
    CHECK(display_width("↺") == 1);
    CHECK(pad_right("↺", 3) == "↺  ");
    CHECK(join_command_line({"bash", "-c", "echo 'hi'"}) == "bash -c 'echo '\\''hi'\\'''");
}
