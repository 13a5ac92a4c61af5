// Cluster mode's shared port: one listening TCP socket per app, bound by the
// daemon and inherited by every instance.
#pragma once

#include <string>

namespace tend {

// Binds host:port (SO_REUSEADDR, IPv6 sockets also take IPv4 for "::") and
// listens; returns the socket (close-on-exec). Throws TendError(kSpawnFailed)
// "cannot listen on 0.0.0.0:8000: address already in use".
int open_tcp_listener(const std::string& host, int port);

}  // namespace tend
