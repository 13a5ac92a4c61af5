// Reading and writing an instance's IPC socketpair with libuv.
#include "daemon/ipc/ipc_channel.h"

#include <unistd.h>

#include <memory>
#include <new>

#include "daemon/uv/guard.h"
#include "daemon/uv/handle.h"
#include "daemon/uv/stream_write.h"

namespace tend {

IpcChannel::IpcChannel(OnLine on_line, OnClose on_close)
    : on_line_(std::move(on_line)), on_close_(std::move(on_close)) {}

IpcChannel* IpcChannel::open(uv_loop_t* loop, int fd, OnLine on_line, OnClose on_close) {
    auto* channel = new IpcChannel(std::move(on_line), std::move(on_close));
    // An IPC pipe, so that fds can go with messages, as Node's channel does.
    if (uv_pipe_init(loop, &channel->pipe_, 1) != 0) {
        ::close(fd);
        delete channel;  // its pipe was never initialised
        return nullptr;
    }
    channel->pipe_.data = channel;
    if (uv_pipe_open(&channel->pipe_, fd) != 0) {
        ::close(fd);
        channel->close();
        return nullptr;
    }
    // A buffer per read, given back as soon as the read is cut into lines:
    // most instances never send a message, and a buffer each would cost
    // 16 KiB per instance (heap pages partly touched) for nothing.
    auto alloc = [](uv_handle_t*, std::size_t, uv_buf_t* buf) {
        *buf = uv_buf_init(new (std::nothrow) char[kReadSize], kReadSize);
        if (!buf->base) buf->len = 0;  // libuv reports UV_ENOBUFS
    };
    if (uv_read_start(reinterpret_cast<uv_stream_t*>(&channel->pipe_), alloc,
                      &IpcChannel::on_read) != 0) {
        channel->close();
        return nullptr;
    }
    return channel;
}

void IpcChannel::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    std::unique_ptr<char[]> owned(buf->base);  // from alloc; null when none was given
    auto* self = static_cast<IpcChannel*>(stream->data);
    uv::guarded("ipc channel", [&] { self->handle_read(nread, buf); });
}

void IpcChannel::handle_read(ssize_t nread, const uv_buf_t* buf) {
    if (nread < 0) {
        close();
        return;
    }
    discard_received_handles();
    bool ok = framer_.feed(std::string_view(buf->base, static_cast<std::size_t>(nread)),
                           [this](std::string_view line) {
                               if (!closing_) on_line_(line);
                           });
    if (!ok) close();
}

// An instance may send the daemon an fd (process.send(msg, socket)); tendd
// has no use for one, and an open fd must not pile up.
void IpcChannel::discard_received_handles() {
    while (uv_pipe_pending_count(&pipe_) > 0) {
        // Accepted as a pipe whatever it is: only its fd is wanted, to close
        // it, which the handle's destructor does, accepted or not.
        uv::Handle<uv_pipe_t> handle;
        if (handle.make(uv_pipe_init, pipe_.loop, nullptr, 0) != 0 ||
            uv_accept(reinterpret_cast<uv_stream_t*>(&pipe_), handle.stream()) != 0)
            return;
    }
}

bool IpcChannel::send(std::string_view line, int fd) {
    auto* stream = reinterpret_cast<uv_stream_t*>(&pipe_);
    if (closing_ || uv_stream_get_write_queue_size(stream) > kMaxQueued) return false;
    std::string bytes;
    bytes.reserve(line.size() + 1);
    bytes.append(line).push_back('\n');
    if (fd >= 0) return write_owned_with_fd(&pipe_, std::move(bytes), fd) == 0;
    return write_owned(stream, std::move(bytes)) == 0;
}

void IpcChannel::close() {
    if (closing_) return;
    closing_ = true;
    // Forgotten by its owner now: nothing is sent on a closing channel.
    if (on_close_) on_close_();
    uv::close_and_delete(this, &pipe_);
}

}  // namespace tend
