// Parsing an HTTP listen address.
#include "common/http_address.h"

#include <arpa/inet.h>

#include "common/errors.h"
#include "common/text.h"

namespace tend {
namespace {

[[noreturn]] void bad(std::string_view text, const std::string& why) {
    std::string message = "bad HTTP address '";
    message.append(text).append("': ").append(why);
    message.append(" (use PORT, HOST:PORT or [IPV6]:PORT)");
    throw TendError(ErrorCode::kBadRequest, message);
}

int read_port(std::string_view text, std::string_view port) {
    std::optional<std::int64_t> n = parse_int(port);
    if (!n || *n < 0 || *n > 65535) bad(text, "the port must be a number from 0 to 65535");
    return static_cast<int>(*n);
}

bool is_ipv4(const std::string& host) {
    in_addr a{};
    return ::inet_pton(AF_INET, host.c_str(), &a) == 1;
}

bool is_ipv6(const std::string& host) {
    in6_addr a{};
    return ::inet_pton(AF_INET6, host.c_str(), &a) == 1;
}

}  // namespace

bool HttpAddress::loopback() const {
    if (ipv6) return host == "::1";
    return host.rfind("127.", 0) == 0;
}

std::string HttpAddress::authority() const {
    std::string out = ipv6 ? "[" + host + "]" : host;
    out += ':';
    out += std::to_string(port);
    return out;
}

HttpAddress HttpAddress::with_port(int chosen) const {
    HttpAddress copy = *this;
    copy.port = chosen;
    return copy;
}

HttpAddress parse_http_address(std::string_view text) {
    if (text.empty()) bad(text, "it is empty");
    HttpAddress address{"127.0.0.1", 0, false};
    if (text.find(':') == std::string_view::npos) {
        address.port = read_port(text, text);
        return address;
    }
    std::string_view host;
    std::string_view port;
    if (text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            bad(text, "an IPv6 address is written [ADDRESS]:PORT");
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
        address.ipv6 = true;
    } else {
        auto colon = text.rfind(':');
        if (text.find(':') != colon) bad(text, "an IPv6 address is written [ADDRESS]:PORT");
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    address.port = read_port(text, port);
    address.host = host == "localhost" ? "127.0.0.1" : std::string(host);
    if (address.ipv6 ? !is_ipv6(address.host) : !is_ipv4(address.host))
        bad(text, "the host must be a numeric address or localhost");
    return address;
}

}  // namespace tend
