// The control socket: listens on TEND_HOME/tend.sock (mode 0600), refuses
// peers of another uid (SO_PEERCRED), and owns every client Connection.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "daemon/control/connection.h"
#include "daemon/uv/handle.h"

namespace tend {

class ControlServer {
  public:
    ControlServer(uv_loop_t* loop, Connection::OnLine on_line);
    ~ControlServer();

    // Removes a stale socket (we hold the home lock, so it is ours to take),
    // binds and listens. Throws TendError on failure.
    void listen(const std::string& path);
    // Serves fd, a socket already listening at path (handed over by the keeper).
    void adopt(int fd, const std::string& path);
    // Serves fd, this daemon's end of a socketpair, as an accepted client:
    // how the HTTP API sends the CLI's requests (daemon/http/control_call.h).
    // Throws TendError(kShuttingDown) once the server is closed.
    void serve_local(int fd);
    // The listening socket, -1 before listen().
    int fd() const;
    // Stops accepting, flushes and closes every client. keep_path: the
    // socket's file stays, for the next daemon takes the socket over.
    void close(bool keep_path = false);

    // Runs before anything is written to a client: what a client has seen
    // must be in the state the keeper holds (the daemon saves it here).
    void before_send(std::function<void()> hook) { before_send_ = std::move(hook); }
    void about_to_send() {
        if (before_send_) before_send_();
    }

    // Counts conn as following a stream until it closes. Throws
    // kLimitExceeded when limits::kMaxStreams already do.
    void admit_stream(Connection& conn);

    // Has conn's batched lines written at the end of this loop turn.
    void flush_soon(std::uint64_t id);

    // nullptr once the client has gone: deferred replies check this.
    Connection* find(std::uint64_t id);
    // Called by a Connection from its close callback.
    void forget(std::uint64_t id);
    char* read_buffer() { return read_buffer_.get(); }
    std::size_t read_buffer_size() const { return kReadBufferSize; }

  private:
    static void on_connection(uv_stream_t* server, int status);
    void accept();
    Connection* new_client(const char* what);
    void serve(Connection& conn);
    bool peer_allowed(Connection& conn);
    bool refuse_over_limit(Connection& conn);
    void close_stragglers();
    void flush_batches();

    static constexpr std::size_t kReadBufferSize = 64 * 1024;
    uv_loop_t* loop_;
    uv::Handle<uv_pipe_t> pipe_;
    Connection::OnLine on_line_;
    std::function<void()> before_send_;
    std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> clients_;
    std::unique_ptr<char[]> read_buffer_;  // shared: reads are consumed at once
    std::uint64_t next_id_ = 1;
    std::size_t streams_ = 0;
    // Armed by close(): clients that have not read their last lines by then
    // are closed anyway.
    uv::Handle<uv_timer_t> flush_timer_;
    // Runs after the loop's I/O callbacks while connections have batches.
    uv::Handle<uv_check_t> batch_check_;
    std::vector<std::uint64_t> batched_;
    std::string path_;
};

}  // namespace tend
