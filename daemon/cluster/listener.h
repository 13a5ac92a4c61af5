// Sockets bound by the daemon: an app's shared port (--port), bound once
// and kept for the app's life, and what a Node cluster worker asks for
// (TCP ports, UDP ports, Unix socket paths), bound on its first request.
#pragma once

#include <string>

namespace tend {

// A bound and listening socket (close-on-exec), or why not.
struct ListenResult {
    int fd = -1;
    int error = 0;       // a negated errno (as Node's cluster protocol carries it), 0 on success
    std::string reason;  // "address already in use"
};

// Binds host:port (SO_REUSEADDR, IPv6 sockets also take IPv4 for "::") and
// listens. Port 0 binds an ephemeral port.
ListenResult listen_tcp(const std::string& host, int port);

// A UDP socket bound to host:port, SO_REUSEADDR when reuse_address (as
// dgram's reuseAddr asks).
ListenResult bind_udp(const std::string& host, int port, bool reuse_address);

// A Unix stream socket listening at path (an existing socket file there is
// in use or stale: refused, as Node refuses it).
ListenResult listen_unix(const std::string& path);

// listen_tcp, or throws TendError(kSpawnFailed)
// "cannot listen on 0.0.0.0:8000: address already in use".
int open_tcp_listener(const std::string& host, int port);

}  // namespace tend
