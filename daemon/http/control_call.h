// One control request made for an HTTP client. The HTTP API speaks the
// control protocol to its own daemon, on a socketpair whose other end the
// control server serves as it serves the CLI: every command, check, limit
// and error reply is the one the CLI gets, and the API adds no second path
// into the process table.
#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <string>

#include "common/protocol.h"
#include "daemon/control/control_server.h"
#include "daemon/uv/handle.h"

namespace tend {

class ControlCall {
  public:
    // Each line the daemon sends back: events, then the reply.
    using OnResponse = std::function<void(const Response&)>;
    // The daemon closed the connection (after the reply, or without one).
    using OnClosed = std::function<void()>;

    // Sends line (one request, its newline included). Throws TendError
    // when the daemon takes no more clients (shutting down).
    ControlCall(uv_loop_t* loop, ControlServer& server, std::string line, OnResponse on_response,
                OnClosed on_closed);
    // Closes the connection: the daemon sees a client leave (a follower is
    // unsubscribed). No callback runs after this.
    ~ControlCall();
    ControlCall(const ControlCall&) = delete;
    ControlCall& operator=(const ControlCall&) = delete;

  private:
    static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
    void handle_bytes(std::string_view bytes);

    uv::Handle<uv_pipe_t> pipe_;
    LineFramer framer_{kMaxRequestLine * 16};
    OnResponse on_response_;
    OnClosed on_closed_;
    std::unique_ptr<char[]> buffer_;
    // False once destroyed: a callback may destroy its call mid-read.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tend
