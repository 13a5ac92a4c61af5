// The HTTP API's end of a control connection.
#include "daemon/http/control_call.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/errors.h"
#include "daemon/uv/guard.h"
#include "daemon/uv/stream_write.h"

namespace tend {
namespace {

constexpr std::size_t kReadBuffer = 64 * 1024;

}  // namespace

ControlCall::ControlCall(uv_loop_t* loop, ControlServer& server, std::string line,
                         OnResponse on_response, OnClosed on_closed)
    : on_response_(std::move(on_response)),
      on_closed_(std::move(on_closed)),
      buffer_(new char[kReadBuffer]) {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) != 0)
        throw TendError(ErrorCode::kLimitExceeded,
                        std::string("cannot reach the daemon: ") + std::strerror(errno));
    try {
        server.serve_local(fds[1]);
    } catch (...) {
        ::close(fds[0]);
        throw;
    }
    pipe_ = uv::Handle<uv_pipe_t>("http control call", uv_pipe_init, loop, this, 0);
    if (int rc = uv_pipe_open(pipe_.get(), fds[0]); rc != 0) {
        ::close(fds[0]);
        throw TendError(ErrorCode::kInternal, std::string("uv_pipe_open: ") + uv_strerror(rc));
    }
    uv::check(write_owned(pipe_.stream(), std::move(line)), "write to the control socket");
    uv::check(uv_read_start(
                  pipe_.stream(),
                  [](uv_handle_t* h, size_t, uv_buf_t* buf) {
                      auto* self = static_cast<ControlCall*>(h->data);
                      *buf = uv_buf_init(self->buffer_.get(), kReadBuffer);
                  },
                  &on_read),
              "uv_read_start");
}

ControlCall::~ControlCall() {
    *alive_ = false;
}

void ControlCall::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    auto* self = static_cast<ControlCall*>(stream->data);
    uv::guarded("http control call", [&] {
        if (nread > 0) {
            self->handle_bytes(std::string_view(buf->base, static_cast<std::size_t>(nread)));
        } else if (nread < 0) {
            uv_read_stop(stream);
            self->on_closed_();  // may destroy self
        }
    });
}

// Lines are cut first, then handed on: a callback may end the call (and
// destroy the framer) at any line.
void ControlCall::handle_bytes(std::string_view bytes) {
    std::vector<std::string> lines;
    bool fits = framer_.feed(bytes, [&](std::string_view line) { lines.emplace_back(line); });
    std::shared_ptr<bool> alive = alive_;
    for (const std::string& line : lines) {
        on_response_(parse_response(line));
        if (!*alive) return;
    }
    if (!fits) {
        uv_read_stop(pipe_.stream());
        on_closed_();
    }
}

}  // namespace tend
