// What tendd answers over HTTP: the one place an HTTP request is checked
// (method, Host, token), routed (the dashboard, /metrics, the API) and its
// errors turned into replies. An API request becomes the control request
// the CLI would send (api_routes.h), made on a control connection of its
// own (control_call.h); its reply, events and errors come back as JSON or
// as server-sent events.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/http_address.h"
#include "daemon/control/control_server.h"
#include "daemon/http/api_routes.h"
#include "daemon/http/control_call.h"
#include "daemon/http/http_exchange.h"

namespace tend {

struct HttpPages {
    std::function<std::string()> metrics;  // GET /metrics: Prometheus' text format
    std::string_view dashboard;            // GET /: the page; empty: none
    // The dashboard loaded or polled the apps with their history: someone
    // watches the metrics (the sampler's pace).
    std::function<void()> viewed;
};

class HttpApi {
  public:
    HttpApi(uv_loop_t* loop, ControlServer& control, std::string home, std::string version,
            HttpPages pages);
    // The address the server listens on (its port chosen): the Host
    // header a loopback server accepts.
    void serve_at(const HttpAddress& bound) { bound_ = bound; }
    void handle(const std::shared_ptr<HttpExchange>& exchange);
    // Ends every call in flight (the daemon is stopping).
    void close();

  private:
    void route(const std::shared_ptr<HttpExchange>& exchange);
    void check_host(const HttpRequest& request) const;
    // Whether the request carries the token; throws HttpError when access
    // needs it and it is missing or wrong.
    bool authorize(const HttpRequest& request, Access access) const;
    void start_call(const std::shared_ptr<HttpExchange>& exchange, ApiCall call, bool authorized);

    uv_loop_t* loop_;
    ControlServer& control_;
    std::string home_;
    std::string version_;
    HttpPages pages_;
    HttpAddress bound_;
    std::uint64_t next_call_ = 1;
    std::unordered_map<std::uint64_t, std::unique_ptr<ControlCall>> calls_;
};

}  // namespace tend
