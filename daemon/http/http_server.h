// tendd's HTTP endpoint, off unless asked for (`tendd --http ADDR`,
// config.json's "http"). HTTP itself (parsing, keep-alive, chunked
// encoding, limits on headers) is libmicrohttpd's, run inside tendd's one
// libuv loop in its "external polling" mode: libuv polls the library's
// epoll descriptor and a timer follows the library's own timeouts, so no
// thread is added and no HTTP client can block the loop. A request whose
// answer comes later (the API waits for the control socket) has its
// connection suspended until then.
#pragma once

#include <uv.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>

#include "daemon/http/http_exchange.h"
#include "daemon/uv/handle.h"

struct MHD_Daemon;
struct MHD_Connection;

namespace tend {

struct MhdLibrary;

namespace http_limits {
// Clients at once; the next waits in the kernel's backlog.
inline constexpr unsigned kMaxConnections = 64;
// A connection with no traffic for this long is closed (a client that
// opens and never finishes a request, or stops reading its answer).
inline constexpr unsigned kIdleTimeoutSeconds = 10;
// Headers and request line together, per connection (libmicrohttpd's pool).
inline constexpr std::size_t kConnectionMemory = 64 * 1024;
// A request body (a POST's JSON).
inline constexpr std::size_t kMaxBody = 1 << 20;
// Bytes of a stream (server-sent events) a client may leave unread before
// it is dropped.
inline constexpr std::size_t kMaxStreamBacklog = 4 << 20;
// A comment on every open stream this often, so a client that left is
// noticed even when its app is quiet.
inline constexpr std::uint64_t kStreamKeepAliveMs = 15000;
}  // namespace http_limits

class HttpServer {
  public:
    using OnRequest = std::function<void(const std::shared_ptr<HttpExchange>&)>;

    HttpServer(uv_loop_t* loop, OnRequest on_request);
    ~HttpServer();
    // Serves on listen_fd (owned from now on). Throws TendError.
    void start(int listen_fd);
    // Drops every client and stops listening.
    void close();
    bool running() const { return daemon_ != nullptr; }

  private:
    friend class HttpExchange;
    struct Callbacks;
    // An exchange has something new to send: its connection is resumed and
    // the library run once this loop turn is done.
    void wake(HttpExchange& exchange);
    void run_soon();
    void run();
    void arm_timeout();
    void keep_streams_alive();

    uv_loop_t* loop_;
    OnRequest on_request_;
    std::unique_ptr<const MhdLibrary> mhd_;  // loaded by the first start()
    MHD_Daemon* daemon_ = nullptr;
    uv::Handle<uv_poll_t> poll_;
    uv::Handle<uv_timer_t> timeout_;
    uv::Handle<uv_timer_t> soon_;
    uv::Handle<uv_timer_t> keep_alive_;
    bool run_pending_ = false;
    bool closing_ = false;
    std::unordered_set<HttpExchange*> streams_;    // open streams, for keep-alive and close
    std::unordered_set<HttpExchange*> suspended_;  // resumed before the library stops
};

}  // namespace tend
