// Reading and writing a probe: one form for ecosystem files, the command
// line's JSON and the wire.
#include "common/probe_spec.h"

#include <arpa/inet.h>

#include "common/errors.h"
#include "common/json_limits.h"
#include "common/text.h"

namespace tend {
namespace {

[[noreturn]] void bad(const std::string& message) {
    throw TendError(ErrorCode::kBadRequest, message);
}

std::string shown(const json& v) {
    if (v.is_string()) return std::string("'").append(v.get<std::string>()).append("'");
    if (v.is_number()) return v.dump();
    return v.type_name();
}

std::int64_t read_duration(const json& v, const std::string& where, std::int64_t min,
                           std::int64_t max) {
    std::optional<std::int64_t> ms;
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0) ms = v.get<std::int64_t>();
    if (v.is_string()) ms = parse_duration_ms(v.get<std::string>());
    if (!ms || *ms < min || *ms > max)
        bad(where + " must be a duration from " + std::to_string(min) + "ms to " +
            std::to_string(max) + "ms (a number of milliseconds or '2s'), not " + shown(v));
    return *ms;
}

int read_threshold(const json& v, const std::string& where) {
    if (!v.is_number_integer() || v.get<std::int64_t>() < 1 ||
        v.get<std::int64_t>() > kMaxProbeThreshold)
        bad(where + " must be an integer from 1 to " + std::to_string(kMaxProbeThreshold) +
            ", not " + shown(v));
    return v.get<int>();
}

int read_port(const json& v, const std::string& where) {
    if (!v.is_number_integer() || v.get<std::int64_t>() < 1 || v.get<std::int64_t>() > 65535)
        bad(where + " must be a port number 1..65535, not " + shown(v));
    return v.get<int>();
}

std::string read_text(const json& v, const std::string& where) {
    if (!v.is_string() || v.get<std::string>().empty())
        bad(where + " must be a non-empty string, not " + shown(v));
    return v.get<std::string>();
}

// "200-399", 200, or [200, 399].
void read_status(const json& v, const std::string& where, Probe& p) {
    auto in_range = [](std::int64_t s) { return s >= 100 && s <= 599; };
    std::optional<std::int64_t> lo;
    std::optional<std::int64_t> hi;
    if (v.is_number_integer()) {
        lo = hi = v.get<std::int64_t>();
    } else if (v.is_array() && v.size() == 2 && v[0].is_number_integer() &&
               v[1].is_number_integer()) {
        lo = v[0].get<std::int64_t>();
        hi = v[1].get<std::int64_t>();
    } else if (v.is_string()) {
        std::string text = v.get<std::string>();
        auto dash = text.find('-');
        lo = parse_int(text.substr(0, dash));
        hi = dash == std::string::npos ? lo : parse_int(text.substr(dash + 1));
    }
    if (!lo || !hi || !in_range(*lo) || !in_range(*hi) || *lo > *hi)
        bad(where + " must be a status or range of statuses such as '200-399', not " + shown(v));
    p.status_min = static_cast<int>(*lo);
    p.status_max = static_cast<int>(*hi);
}

void read_headers(const json& v, const std::string& where, Probe& p) {
    if (!v.is_object() || v.size() > kMaxProbeHeaders)
        bad(where + " must be an object of at most " + std::to_string(kMaxProbeHeaders) +
            " header names and values");
    for (const auto& [name, value] : v.items()) {
        bool clean_name = !name.empty() && name.find_first_of(":\r\n ") == std::string::npos;
        if (!clean_name || !value.is_string() ||
            value.get<std::string>().find_first_of("\r\n") != std::string::npos)
            bad(where + "." + name + " must be a header name with a one-line string value");
        p.headers[name] = value.get<std::string>();
    }
}

// The daemon probes from its loop and never blocks it on a name lookup:
// a probe's host is an IP address, or localhost.
void check_probe_host(const std::string& host, const std::string& where) {
    unsigned char addr[sizeof(in6_addr)];
    if (host == "localhost" || ::inet_pton(AF_INET, host.c_str(), addr) == 1 ||
        ::inet_pton(AF_INET6, host.c_str(), addr) == 1)
        return;
    bad(where + " must be an IP address or localhost, not '" + host + "'");
}

void read_address(const json& v, const std::string& where, Probe& p, bool http) {
    if (!v.is_object()) bad(where + " must be an object, not " + shown(v));
    if (!v.contains("port")) bad(where + ".port is required");
    for (const auto& [key, value] : v.items()) {
        std::string at = where + "." + key;
        if (key == "port")
            p.port = read_port(value, at);
        else if (key == "host")
            p.host = read_text(value, at);
        else if (http && key == "path")
            p.path = read_text(value, at);
        else if (http && key == "status")
            read_status(value, at, p);
        else if (http && key == "headers")
            read_headers(value, at, p);
        else
            bad(at + " is not a key of a probe (" +
                (http ? "port, host, path, status, headers" : "port, host") + ")");
    }
    if (http && p.path.front() != '/') bad(where + ".path must start with '/'");
    check_probe_host(p.host, where + ".host");
}

void read_exec(const json& v, const std::string& where, Probe& p) {
    const json* command = v.is_object() && v.contains("command") ? &v["command"] : &v;
    std::string at = command == &v ? where : where + ".command";
    if (command->is_string() && !command->get<std::string>().empty()) {
        p.command = {"/bin/sh", "-c", command->get<std::string>()};
        return;
    }
    if (!command->is_array() || command->empty())
        bad(at + " must be a command: a string, or an array of its words");
    for (const auto& word : *command) p.command.push_back(read_text(word, at + "[]"));
}

}  // namespace

Probe read_probe(const json& v, const std::string& where) {
    if (!v.is_object()) bad(where + " must be an object, not " + shown(v));
    Probe p;
    int kinds = 0;
    for (const auto& [key, value] : v.items()) {
        std::string at = where + "." + key;
        if (key == "http_get") {
            p.kind = ProbeKind::kHttpGet, ++kinds;
            read_address(value, at, p, true);
        } else if (key == "tcp") {
            p.kind = ProbeKind::kTcp, ++kinds;
            read_address(value, at, p, false);
        } else if (key == "exec") {
            p.kind = ProbeKind::kExec, ++kinds;
            read_exec(value, at, p);
        } else if (key == "initial_delay") {
            p.initial_delay_ms = read_duration(value, at, 0, kMaxProbeTimeoutMs);
        } else if (key == "period") {
            p.period_ms = read_duration(value, at, kMinProbePeriodMs, kMaxProbeTimeoutMs);
        } else if (key == "timeout") {
            p.timeout_ms = read_duration(value, at, 1, kMaxProbeTimeoutMs);
        } else if (key == "success_threshold") {
            p.success_threshold = read_threshold(value, at);
        } else if (key == "failure_threshold") {
            p.failure_threshold = read_threshold(value, at);
        } else {
            bad(at +
                " is not a key of a probe (http_get, tcp, exec, initial_delay, period, "
                "timeout, success_threshold, failure_threshold)");
        }
    }
    if (kinds != 1) bad(where + " must have exactly one of http_get, tcp or exec");
    return p;
}

json write_probe(const Probe& p) {
    json j = {{"initial_delay", p.initial_delay_ms},
              {"period", p.period_ms},
              {"timeout", p.timeout_ms},
              {"success_threshold", p.success_threshold},
              {"failure_threshold", p.failure_threshold}};
    switch (p.kind) {
        case ProbeKind::kHttpGet:
            j["http_get"] = {{"host", p.host},
                             {"port", p.port},
                             {"path", p.path},
                             {"status", json::array({p.status_min, p.status_max})}};
            if (!p.headers.empty()) j["http_get"]["headers"] = p.headers;
            break;
        case ProbeKind::kTcp:
            j["tcp"] = {{"host", p.host}, {"port", p.port}};
            break;
        case ProbeKind::kExec:
            j["exec"] = {{"command", p.command}};
            break;
        case ProbeKind::kNone:
            return nullptr;
    }
    return j;
}

namespace {

// "HOST:PORT" (HOST may be "[::1]") into p.
void read_host_port(std::string_view text, const std::string& where, Probe& p) {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
        bad(where + ": expected HOST:PORT, got '" + std::string(text) + "'");
    std::string host(text.substr(0, colon));
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    auto port = parse_int(text.substr(colon + 1));
    if (!port || *port < 1 || *port > 65535)
        bad(where + ": expected a port number 1..65535 in '" + std::string(text) + "'");
    if (!host.empty()) p.host = host;
    check_probe_host(p.host, where);
    p.port = static_cast<int>(*port);
}

}  // namespace

Probe parse_probe_flag(std::string_view text, const std::string& where) {
    Probe p;
    if (text.rfind("http://", 0) == 0) {
        std::string_view rest = text.substr(7);
        auto slash = rest.find('/');
        read_host_port(rest.substr(0, slash), where, p);
        if (slash != std::string_view::npos) p.path = std::string(rest.substr(slash));
        p.kind = ProbeKind::kHttpGet;
        return p;
    }
    if (text.rfind("tcp:", 0) == 0) {
        std::string_view rest = text.substr(4);
        if (rest.rfind("//", 0) == 0) rest.remove_prefix(2);
        if (rest.find(':') == std::string_view::npos)
            read_host_port(std::string(":").append(rest), where, p);
        else
            read_host_port(rest, where, p);
        p.kind = ProbeKind::kTcp;
        return p;
    }
    if (text.rfind("exec:", 0) == 0 && text.size() > 5) {
        p.kind = ProbeKind::kExec;
        p.command = {"/bin/sh", "-c", std::string(text.substr(5))};
        return p;
    }
    ParsedJson parsed = parse_json_limited(text);
    if (!parsed.ok())
        bad(where +
            ": expected http://HOST:PORT/PATH, tcp:PORT, exec:COMMAND or a JSON object, "
            "got '" +
            std::string(text) + "'");
    return read_probe(parsed.value, where);
}

}  // namespace tend
