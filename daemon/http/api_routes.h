// The HTTP API's paths, each the control request the CLI would send for
// it (docs/http.md lists them; docs/openapi.json describes them):
//   GET  /api/v1/version                       ping
//   GET  /api/v1/apps[?history=1]              list (jlist)
//   POST /api/v1/apps          {"spec": ...}   start
//   GET  /api/v1/apps/{target}[?instance=N]    describe
//   GET  /api/v1/apps/{target}/env             env (a secret: needs the token)
//   POST /api/v1/apps/{target}/{stop|restart|reload|delete|reset|flush}[?instance=N]
//   POST /api/v1/apps/{name}/scale   {"instances": 4 | "+2" | "-1"}
//   POST /api/v1/apps/{target}/signal {"signal": "SIGUSR2"}
//   POST /api/v1/apps/{target}/send   <the message>
//   GET  /api/v1/logs/{target}[?lines=N&instance=K&stream=out|err&grep=RE&follow=1]
//   GET  /api/v1/events[?target=T]             events (a stream)
//   POST /api/v1/save, POST /api/v1/resurrect
// Pure: no daemon, no I/O, so every path is unit-tested and fuzzed.
#pragma once

#include <string>

#include "common/protocol.h"
#include "daemon/http/http_exchange.h"

namespace tend {

enum class Access {
    kRead,    // open to anyone who can reach the address
    kSecret,  // a read that shows secrets: needs the token
    kWrite,   // changes something: needs the token
};

struct ApiCall {
    std::string cmd;  // a request of the command registry (common/commands.h)
    json args = json::object();
    Access access = Access::kRead;
    bool stream = false;  // answered as server-sent events until the client leaves
};

inline constexpr const char* kApiPrefix = "/api/v1/";

// The call for a request under kApiPrefix. Throws HttpError: 404 for a
// path that is not the API's, 405 for a method it does not take there,
// 400 for a bad query or body.
ApiCall api_call(const HttpRequest& request);

}  // namespace tend
