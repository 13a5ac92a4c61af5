// An HTTP probe's request and the status line of its answer.
#include "daemon/health/http_status.h"

#include <strings.h>

#include <algorithm>
#include <cctype>

namespace tend {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool has_host_header(const Probe& probe) {
    return std::any_of(probe.headers.begin(), probe.headers.end(),
                       [](const auto& h) { return ::strcasecmp(h.first.c_str(), "host") == 0; });
}

// Whether text could still be the start of "HTTP/d.d ddd": each byte that
// has arrived matches.
bool could_start_status_line(std::string_view text) {
    constexpr std::string_view kPattern = "HTTP/d.d ddd";
    for (std::size_t i = 0; i < text.size() && i < kPattern.size(); ++i) {
        char want = kPattern[i];
        if (want == 'd' ? !is_digit(text[i]) : text[i] != want) return false;
    }
    return true;
}

}  // namespace

std::string http_probe_request(const Probe& probe) {
    std::string out = "GET ";
    out.append(probe.path).append(" HTTP/1.1\r\n");
    if (!has_host_header(probe)) {
        bool v6 = probe.host.find(':') != std::string::npos;
        out.append("Host: ").append(v6 ? "[" : "").append(probe.host).append(v6 ? "]" : "");
        out.append(":").append(std::to_string(probe.port)).append("\r\n");
    }
    out.append("User-Agent: tend-probe\r\n");
    for (const auto& [name, value] : probe.headers)
        out.append(name).append(": ").append(value).append("\r\n");
    out.append("Connection: close\r\n\r\n");
    return out;
}

StatusLine parse_status_line(std::string_view head) {
    using Kind = StatusLine::Kind;
    std::size_t end = head.find("\r\n");
    std::string_view line = head.substr(0, end);
    if (end == std::string_view::npos) {
        if (line.size() > kMaxStatusLine || !could_start_status_line(line))
            return {Kind::kMalformed, 0};
        // "HTTP/1.1 200" may be whole, or the start of "HTTP/1.1 2000".
        return {Kind::kIncomplete, 0};
    }
    // "HTTP/1.1 200" then nothing, or a space and a reason phrase.
    if (line.size() < 12 || !could_start_status_line(line) || (line.size() > 12 && line[12] != ' '))
        return {Kind::kMalformed, 0};
    int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    if (status < 100) return {Kind::kMalformed, 0};
    return {Kind::kStatus, status};
}

}  // namespace tend
