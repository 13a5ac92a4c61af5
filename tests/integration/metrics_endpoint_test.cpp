// GET /metrics on tendd's HTTP endpoint: every instance's series with its
// labels, a restart counted by its reason, the daemon's own series, and the
// page as `promtool check metrics` (Debian's prometheus package) reads it.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>

#include "harness.h"

using namespace tend::it;

// Named, not anonymous: the unity build puts test files together.
namespace metrics_endpoint {

// The endpoint on a port the daemon chose; sampling every 100 ms, watched or not.
TendHome::Options with_http() {
    TendHome::Options o;
    o.daemon_args = {
        "--http", "127.0.0.1:0", "--metrics-interval", "100", "--metrics-idle-interval", "100"};
    return o;
}

// The port of the daemon's endpoint, from `tend ping --json`.
int http_port(TendHome& t) {
    json ping = json::parse(t.run_ok({"ping", "--json"}).out);
    std::string url = ping.value("http", "");
    std::smatch m;
    REQUIRE_MESSAGE(std::regex_match(url, m, std::regex(R"(http://127\.0\.0\.1:(\d+))")), url);
    return std::stoi(m[1]);
}

struct Response {
    std::string head;  // status line and headers
    std::string body;
};

// A chunked body, decoded (libmicrohttpd chunks a body of unknown length).
std::string unchunk(const std::string& data) {
    std::string out;
    std::size_t at = 0;
    while (at < data.size()) {
        std::size_t eol = data.find("\r\n", at);
        if (eol == std::string::npos) break;
        std::size_t size = std::stoul(data.substr(at, eol - at), nullptr, 16);
        if (size == 0) break;
        out.append(data, eol + 2, size);
        at = eol + 2 + size + 2;
    }
    return out;
}

// GET path on 127.0.0.1:port, one connection, read until the server closes.
std::optional<Response> get(int port, const std::string& path) {
    using Clock = std::chrono::steady_clock;
    auto deadline = Clock::now() + 10s;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string raw;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        std::string request = "GET " + path +
                              " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                              "\r\nConnection: close\r\n\r\n";
        if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
            char buf[16384];
            for (;;) {
                auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
                pollfd p{fd, POLLIN, 0};
                if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) != 1) break;
                ssize_t n = ::read(fd, buf, sizeof buf);
                if (n <= 0) break;
                raw.append(buf, static_cast<std::size_t>(n));
            }
        }
    }
    ::close(fd);
    auto end = raw.find("\r\n\r\n");
    if (end == std::string::npos) return std::nullopt;
    Response r{raw.substr(0, end), raw.substr(end + 4)};
    std::string lower = r.head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.find("transfer-encoding: chunked") != std::string::npos) r.body = unchunk(r.body);
    return r;
}

std::string scrape(int port) {
    auto r = get(port, "/metrics");
    REQUIRE(r);
    REQUIRE_MESSAGE(r->head.find(" 200 ") != std::string::npos, r->head);
    CHECK(r->head.find("text/plain; version=0.0.4") != std::string::npos);
    return r->body;
}

// The value of the series written exactly as `series` (name{labels}), or
// nullopt when the page lacks it.
std::optional<std::string> value_of(const std::string& page, const std::string& series) {
    std::string prefix = "\n" + series + " ";
    auto at = ("\n" + page).find(prefix);
    if (at == std::string::npos) return std::nullopt;
    auto start = at + prefix.size() - 1;  // in page (one shorter than "\n" + page)
    return page.substr(start, page.find('\n', start) - start);
}

std::string labels(const std::string& app, int id, int index, const std::string& ns) {
    return "{app=\"" + app + "\",id=\"" + std::to_string(id) + "\",instance=\"" +
           std::to_string(index) + "\",namespace=\"" + ns + "\"";
}

}  // namespace metrics_endpoint

using namespace metrics_endpoint;

TEST_CASE(
    "GET /metrics: instances with their labels and a restart by reason as promtool reads them") {
    TendHome t(with_http());
    int port = http_port(t);
    t.run_ok(start_fixture("one", {}, {"sleep"}));
    t.run_ok(start_fixture("two", {"-i", "2", "--namespace", "shop"}, {"sleep"}));
    t.wait_for("one", all_online(1), "one online");
    json two = t.wait_for("two", all_online(2), "two's instances online");
    int two_id0 = two[0]["id"].get<int>(), two_id1 = two[1]["id"].get<int>();
    int one_id = t.instances("one")[0]["id"].get<int>();

    std::string page = scrape(port);
    std::string one = labels("one", one_id, 0, "default");
    CHECK(value_of(page, "tend_instance_up" + one + "}") == "1");
    CHECK(value_of(page, "tend_instance_up" + labels("two", two_id0, 0, "shop") + "}") == "1");
    CHECK(value_of(page, "tend_instance_up" + labels("two", two_id1, 1, "shop") + "}") == "1");
    CHECK(value_of(page, "tend_instance_status" + one + ",status=\"online\"}") == "1");
    CHECK(value_of(page, "tend_instance_status" + one + ",status=\"stopped\"}") == "0");
    CHECK(value_of(page, "tend_instance_ready" + one + "}") == "1");
    CHECK(value_of(page, "tend_instance_restarts_total" + one + ",reason=\"user\"}") == "0");
    CHECK(value_of(page, "tend_instance_cpu_seconds_total" + one + "}"));
    CHECK(value_of(page, "tend_instance_start_time_seconds" + one + "}"));
    CHECK(value_of(page, "tend_log_lines_dropped_total") == "0");
    CHECK(value_of(page, "tend_daemon_open_fds"));
    CHECK(value_of(page, "tend_daemon_loop_lag_seconds"));
    json ping = json::parse(t.run_ok({"ping", "--json"}).out);
    CHECK(value_of(page, "tend_build_info{version=\"" + ping.value("version", "?") + "\"}") == "1");

    // The fixture said "ready <pid>": a line stored, so counted.
    t.wait_until(
        [&] {
            auto lines = value_of(scrape(port), "tend_log_lines_written_total");
            return lines && std::stoll(*lines) >= 3;
        },
        "three ready lines counted");
    t.wait_until(
        [&] {
            auto rss = value_of(scrape(port), "tend_instance_resident_memory_bytes" + one + "}");
            return rss && std::stoll(*rss) > 0;
        },
        "one's memory sampled");

    t.run_ok({"restart", "one"});
    page = scrape(port);
    CHECK(value_of(page, "tend_instance_restarts_total" + one + ",reason=\"user\"}") == "1");
    CHECK(value_of(page, "tend_instance_restarts_total" + one + ",reason=\"crash\"}") == "0");

    std::string file = t.scratch("promtool") + "/metrics.txt";
    std::ofstream(file, std::ios::binary) << page;
    Result check = t.run_program({"/bin/sh", "-c", "promtool check metrics < " + file});
    CHECK_MESSAGE(check.exit_code == 0, (check.out + check.err));
}

TEST_CASE("GET /metrics of a daemon without apps is still a valid page") {
    TendHome t(with_http());
    std::string page = scrape(http_port(t));
    CHECK(page.find("# TYPE tend_instance_up gauge") != std::string::npos);
    CHECK(page.find("tend_instance_up{") == std::string::npos);
    CHECK(value_of(page, "tend_log_lines_written_total") == "0");
    std::string file = t.scratch("promtool") + "/empty.txt";
    std::ofstream(file, std::ios::binary) << page;
    Result check = t.run_program({"/bin/sh", "-c", "promtool check metrics < " + file});
    CHECK_MESSAGE(check.exit_code == 0, (check.out + check.err));
}

TEST_CASE("GET /metrics: a busy app's CPU seconds count up from the sampler's ticks") {
    TendHome t(with_http());
    int port = http_port(t);
    t.run_ok(start_fixture("hot", {}, {"busy-child"}));
    std::string child = t.wait_for_line(t.home() + "/logs/hot-out-0.log", "child ", "the child");
    t.remember_pid(std::stoi(child.substr(6)));
    int id = t.instances("hot")[0]["id"].get<int>();
    std::string series = "tend_instance_cpu_seconds_total" + labels("hot", id, 0, "default") + "}";
    double last = 0;
    // A spinning child gets well over a tenth of a core even on a loaded machine.
    t.wait_until(
        [&] {
            auto value = value_of(scrape(port), series);
            REQUIRE(value);
            double now = std::stod(*value);
            CHECK(now >= last);  // a counter never falls
            last = now;
            return now > 0.5;
        },
        "half a CPU second counted", 30s);
}
