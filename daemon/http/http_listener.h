// The HTTP endpoint's listening socket, bound by tendd itself so that it
// knows the port it got (port 0) and so the socket is non-blocking and not
// inherited by apps.
#pragma once

#include "common/http_address.h"

namespace tend {

// A listening TCP socket at address (SO_REUSEADDR, close-on-exec,
// non-blocking). Throws TendError(kBadRequest) "cannot listen on ...".
int listen_http(const HttpAddress& address);

// The port fd is bound to.
int bound_port(int fd);

}  // namespace tend
