// Where tendd's HTTP endpoint listens: `tendd --http ADDR`, config.json's
// "http": {"listen": ADDR} and `tend startup --http ADDR` take one form.
//   9615                  127.0.0.1:9615 (loopback unless a host is given)
//   0.0.0.0:9615          every IPv4 address
//   [::1]:9615  [::]:0    IPv6; port 0 lets the daemon choose one
//   localhost:9615        127.0.0.1
#pragma once

#include <string>
#include <string_view>

namespace tend {

struct HttpAddress {
    std::string host;  // a numeric IPv4 or IPv6 address
    int port = 0;      // 0: the daemon binds a free port
    bool ipv6 = false;

    bool loopback() const;
    // "127.0.0.1:9615", "[::1]:9615": as a URL's authority.
    std::string authority() const;
    // The same address on another port (the one the daemon chose).
    HttpAddress with_port(int chosen) const;
};

// Throws TendError(kBadRequest) naming what is wrong (a host name other
// than localhost, a port out of range, a missing port).
HttpAddress parse_http_address(std::string_view text);

}  // namespace tend
