// Reading and writing one control connection.
#include "daemon/control/connection.h"

#include <spdlog/spdlog.h>

#include "daemon/control/control_server.h"
#include "daemon/control/limits.h"
#include "daemon/uv/guard.h"
#include "daemon/uv/stream_write.h"

namespace tend {

Connection::Connection(ControlServer& server, std::uint64_t id) : server_(server), id_(id) {
    pipe_.data = this;
}

void Connection::start_reading(OnLine on_line) {
    on_line_ = std::move(on_line);
    int rc = uv_read_start(reinterpret_cast<uv_stream_t*>(&pipe_), &Connection::on_alloc,
                           &Connection::on_read);
    if (rc != 0) close();
}

// Reads go to the server's one buffer: each is consumed before the next.
void Connection::on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
    auto* self = static_cast<Connection*>(handle->data);
    *buf = uv_buf_init(self->server_.read_buffer(),
                       static_cast<unsigned>(self->server_.read_buffer_size()));
}

void Connection::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    auto* self = static_cast<Connection*>(stream->data);
    uv::guarded("control connection", [&] {
        if (nread < 0) {
            // EOF or error: the client is gone; whatever it half-sent is dropped.
            self->close();
            return;
        }
        if (nread > 0 && !self->lingering_)
            self->handle_bytes(std::string_view(buf->base, static_cast<std::size_t>(nread)));
    });
}

void Connection::handle_bytes(std::string_view bytes) {
    bool fits = framer_.feed(bytes, [this](std::string_view line) {
        if (!closing_ && !line.empty()) on_line_(*this, line);
    });
    if (!fits && !closing_) {
        // A line over the limit cannot be framed any more: say so and close.
        send(
            encode_error(std::nullopt, ErrorCode::kLineTooLong,
                         "request line longer than " + std::to_string(kMaxRequestLine) + " bytes"));
        uv_read_stop(reinterpret_cast<uv_stream_t*>(&pipe_));
        close_after_flush();
    }
}

void Connection::send_soon(std::string line) {
    if (closing_ || shutting_down_ || dropped_for_backlog()) return;
    if (batch_.empty()) server_.flush_soon(id_);
    batch_ += line;
}

void Connection::flush_batch() {
    if (batch_.empty()) return;
    std::string lines = std::move(batch_);
    batch_.clear();
    send(std::move(lines));
}

void Connection::send(std::string line) {
    if (closing_ || shutting_down_) return;
    if (!batch_.empty()) {
        line.insert(0, batch_);  // in the order they were sent
        batch_.clear();
    }
    if (dropped_for_backlog()) return;
    server_.about_to_send();
    if (write_owned(reinterpret_cast<uv_stream_t*>(&pipe_), std::move(line)) != 0) close();
}

// A client that stopped reading (or pipelines requests without reading the
// replies) is dropped once this much waits for it: it never grows the daemon.
bool Connection::dropped_for_backlog() {
    if (queued_bytes() <= limits::kMaxQueuedOutput) return false;
    spdlog::warn("dropped a client that left {} bytes unread", queued_bytes());
    close();
    return true;
}

std::size_t Connection::queued_bytes() const {
    return batch_.size() +
           uv_stream_get_write_queue_size(reinterpret_cast<const uv_stream_t*>(&pipe_));
}

void Connection::close_after_flush() {
    if (closing_ || shutting_down_) return;
    flush_batch();
    shutting_down_ = true;
    shutdown_req_.data = this;
    int rc = uv_shutdown(&shutdown_req_, reinterpret_cast<uv_stream_t*>(&pipe_),
                         [](uv_shutdown_t* req, int status) {
                             uv::guarded("control connection", [req, status] {
                                 auto* self = static_cast<Connection*>(req->data);
                                 if (status == 0)
                                     self->linger();
                                 else
                                     self->close();
                             });
                         });
    if (rc != 0) close();
}

// Closing a Unix socket with bytes of the client's still unread resets the
// connection, and the client may then lose what we wrote it (an error that
// answers the request it is still sending). So what it sends from now on is
// read and dropped until it hangs up, for kLingerMs at most.
void Connection::linger() {
    if (closing_) return;
    lingering_ = true;
    auto* stream = reinterpret_cast<uv_stream_t*>(&pipe_);
    uv_read_stop(stream);  // it may have been stopped (a line too long), or not
    if (uv_read_start(stream, &Connection::on_alloc, &Connection::on_read) != 0 ||
        linger_timer_.make(uv_timer_init, pipe_.loop, this) != 0) {
        close();
        return;
    }
    uv_timer_start(
        linger_timer_.get(),
        [](uv_timer_t* t) {
            uv::guarded("control connection", [t] { static_cast<Connection*>(t->data)->close(); });
        },
        kLingerMs, 0);
}

void Connection::close() {
    if (closing_) return;
    closing_ = true;
    linger_timer_.close();
    run_close_hooks();
    uv_close(reinterpret_cast<uv_handle_t*>(&pipe_), [](uv_handle_t* h) {
        auto* self = static_cast<Connection*>(h->data);
        self->server_.forget(self->id_);  // frees self
    });
}

void Connection::run_close_hooks() {
    auto hooks = std::move(close_hooks_);
    close_hooks_.clear();
    for (auto& hook : hooks) hook();
}

}  // namespace tend
