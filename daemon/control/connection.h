// One client of the control socket: reads request lines (bounded), writes
// reply and event lines, and runs close hooks (unsubscribe) when it goes.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/protocol.h"
#include "daemon/uv/handle.h"

namespace tend {

class ControlServer;

class Connection {
  public:
    using OnLine = std::function<void(Connection&, std::string_view line)>;

    Connection(ControlServer& server, std::uint64_t id);
    std::uint64_t id() const { return id_; }
    uv_pipe_t* handle() { return &pipe_; }

    void start_reading(OnLine on_line);
    // Queues one line (it owns a copy until written), after any batched ones.
    void send(std::string line);
    // Batches an event line, written with the others of this loop turn (by
    // ControlServer): a follower of a loud app costs one write a turn, not
    // one a line.
    void send_soon(std::string line);
    // Writes the batched lines, if any.
    void flush_batch();
    // Bytes queued and not yet written to the client.
    std::size_t queued_bytes() const;
    // Closes once queued lines are written (replies before a disconnect).
    void close_after_flush();
    // Closes now; queued lines are dropped.
    void close();
    bool closing() const { return closing_; }
    void on_close(std::function<void()> hook) { close_hooks_.push_back(std::move(hook)); }

  private:
    static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
    static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
    void handle_bytes(std::string_view bytes);
    void run_close_hooks();
    void linger();
    bool dropped_for_backlog();

    static constexpr std::uint64_t kLingerMs = 1000;
    ControlServer& server_;
    std::uint64_t id_;
    uv_pipe_t pipe_{};
    uv_shutdown_t shutdown_req_{};
    LineFramer framer_{kMaxRequestLine};
    OnLine on_line_;
    std::vector<std::function<void()>> close_hooks_;
    bool closing_ = false;
    bool shutting_down_ = false;
    bool lingering_ = false;  // written and shut down: input is dropped
    std::string batch_;       // send_soon's lines, not yet handed to libuv
    uv::Handle<uv_timer_t> linger_timer_;
};

}  // namespace tend
