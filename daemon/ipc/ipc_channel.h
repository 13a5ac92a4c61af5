// The daemon's end of one instance's IPC channel: a Unix socketpair whose
// other end the instance gets as NODE_CHANNEL_FD (Node's process.send and
// process.on('message') speak newline-delimited JSON on it, as under
// child_process.fork) or TEND_IPC_FD (the same format, for any language).
#pragma once

#include <uv.h>

#include <functional>
#include <string>
#include <string_view>

#include "common/protocol.h"

namespace tend {

class IpcChannel {
  public:
    using OnLine = std::function<void(std::string_view line)>;
    using OnClose = std::function<void()>;

    // Adopts fd and reads it until EOF; each complete line goes to on_line.
    // On close, on_close runs at once and the channel deletes itself once
    // libuv is done with it. nullptr (fd closed) when it cannot be read.
    static IpcChannel* open(uv_loop_t* loop, int fd, OnLine on_line, OnClose on_close);

    // Queues line plus '\n', with a copy of socket fd attached when fd >= 0
    // (Node's cluster hands connections over so); false (nothing queued)
    // when the instance has stopped reading and too much is waiting already.
    bool send(std::string_view line, int fd = -1);
    // Stops reading, calls on_close, and closes.
    void close();

  private:
    IpcChannel(OnLine on_line, OnClose on_close);
    static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
    void handle_read(ssize_t nread, const uv_buf_t* buf);
    void discard_received_handles();

    // A message longer than this closes the channel: the app is not
    // speaking the protocol, and its line must not grow the daemon.
    static constexpr std::size_t kMaxLine = 1 << 20;
    static constexpr std::size_t kMaxQueued = 4 << 20;
    // Bytes asked for per read, in a buffer that lives for that read only.
    static constexpr unsigned kReadSize = 16 * 1024;

    uv_pipe_t pipe_{};
    LineFramer framer_{kMaxLine};
    OnLine on_line_;
    OnClose on_close_;
    bool closing_ = false;
};

}  // namespace tend
