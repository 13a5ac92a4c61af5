// Listening, accepting and the peer-credential check.
#include "daemon/control/control_server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/errors.h"
#include "common/protocol.h"
#include "daemon/control/limits.h"
#include "daemon/uv/guard.h"

namespace tend {
namespace {

// Connections the kernel holds before we accept them: a burst of clients
// (a deploy script's loop, two hundred monitors) waits, rather than being
// refused with EAGAIN.
constexpr int kControlBacklog = 1024;

}  // namespace

ControlServer::ControlServer(uv_loop_t* loop, Connection::OnLine on_line)
    : loop_(loop), on_line_(std::move(on_line)), read_buffer_(new char[kReadBufferSize]) {}

ControlServer::~ControlServer() = default;

// Bound here rather than with uv_pipe_bind: libuv removes the file of a
// socket it bound when the handle closes, and on a hand-over the socket
// (and so its file) lives on in the next daemon.
void ControlServer::listen(const std::string& path) {
    sockaddr_un addr{};
    if (path.size() >= sizeof addr.sun_path)
        throw TendError(ErrorCode::kInternal, "cannot listen on " + path + ": path too long");
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, path.size());
    ::unlink(path.c_str());
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    // The umask makes the socket 0600 from the moment it exists.
    mode_t old = ::umask(0177);
    bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
              ::listen(fd, kControlBacklog) == 0;
    int err = errno;
    ::umask(old);
    if (!ok) {
        if (fd >= 0) ::close(fd);
        throw TendError(ErrorCode::kInternal,
                        "cannot listen on " + path + ": " + std::strerror(err));
    }
    ::chmod(path.c_str(), 0600);
    adopt(fd, path);
}

void ControlServer::adopt(int fd, const std::string& path) {
    path_ = path;
    pipe_ = uv::Handle<uv_pipe_t>("control socket", uv_pipe_init, loop_, this, 0);
    int rc = uv_pipe_open(pipe_.get(), fd);
    if (rc != 0) ::close(fd);
    if (rc == 0) rc = uv_listen(pipe_.stream(), kControlBacklog, &on_connection);
    if (rc != 0)
        throw TendError(ErrorCode::kInternal,
                        "cannot serve the handed-over " + path + ": " + uv_strerror(rc));
}

int ControlServer::fd() const {
    uv_os_fd_t fd = -1;
    if (!pipe_ || uv_fileno(pipe_.base(), &fd) != 0) return -1;
    return fd;
}

void ControlServer::close(bool keep_path) {
    if (pipe_) {
        pipe_.close();
        if (!keep_path) ::unlink(path_.c_str());
    }
    batch_check_.close();  // each close_after_flush() below writes its batch
    for (auto& [id, conn] : clients_) conn->close_after_flush();
    if (clients_.empty() || flush_timer_) return;
    flush_timer_ = uv::Handle<uv_timer_t>("control flush", uv_timer_init, loop_, this);
    uv_timer_start(
        flush_timer_.get(),
        [](uv_timer_t* t) {
            uv::guarded("control flush",
                        [t] { static_cast<ControlServer*>(t->data)->close_stragglers(); });
        },
        limits::kFlushOnCloseMs, 0);
}

void ControlServer::close_stragglers() {
    flush_timer_.close();
    std::vector<Connection*> left;
    for (auto& [id, conn] : clients_) left.push_back(conn.get());
    if (!left.empty())
        spdlog::warn("closing {} clients that did not read their replies", left.size());
    for (Connection* conn : left) conn->close();  // each forgets itself later, in its callback
}

void ControlServer::flush_soon(std::uint64_t id) {
    if (!batch_check_) {
        batch_check_ = uv::Handle<uv_check_t>("control batches", uv_check_init, loop_, this);
        uv_unref(batch_check_.base());  // never what keeps the loop alive
    }
    if (batched_.empty())
        uv_check_start(batch_check_.get(), [](uv_check_t* check) {
            uv::guarded("control batches",
                        [check] { static_cast<ControlServer*>(check->data)->flush_batches(); });
        });
    batched_.push_back(id);
}

void ControlServer::flush_batches() {
    uv_check_stop(batch_check_.get());
    std::vector<std::uint64_t> ids = std::move(batched_);
    batched_.clear();
    for (std::uint64_t id : ids)
        if (Connection* conn = find(id)) conn->flush_batch();
}

void ControlServer::admit_stream(Connection& conn) {
    if (streams_ >= limits::kMaxStreams)
        throw TendError(ErrorCode::kLimitExceeded,
                        "too many followers: a daemon streams to at most " +
                            std::to_string(limits::kMaxStreams) + " clients at once");
    ++streams_;
    conn.on_close([this] { --streams_; });
}

Connection* ControlServer::find(std::uint64_t id) {
    auto it = clients_.find(id);
    if (it == clients_.end() || it->second->closing()) return nullptr;
    return it->second.get();
}

void ControlServer::forget(std::uint64_t id) {
    clients_.erase(id);
    if (clients_.empty()) flush_timer_.close();  // all flushed: the loop may end
}

void ControlServer::on_connection(uv_stream_t* server, int status) {
    if (status < 0) {
        spdlog::warn("accept: {}", uv_strerror(status));
        return;
    }
    uv::guarded("control socket accept",
                [server] { static_cast<ControlServer*>(server->data)->accept(); });
}

// A new client's Connection, registered; nullptr when libuv cannot make
// its pipe (logged with what, nothing to close).
Connection* ControlServer::new_client(const char* what) {
    auto conn = std::make_unique<Connection>(*this, next_id_++);
    if (int rc = uv_pipe_init(loop_, conn->handle(), 0); rc != 0) {
        spdlog::warn("{}: {}", what, uv_strerror(rc));
        return nullptr;
    }
    Connection& c = *conn;
    clients_.emplace(c.id(), std::move(conn));
    return &c;
}

// Reads the client's requests, unless it is one too many.
void ControlServer::serve(Connection& conn) {
    if (refuse_over_limit(conn)) return;
    conn.start_reading(on_line_);
}

void ControlServer::accept() {
    Connection* c = new_client("accept");
    if (!c) return;
    if (uv_accept(pipe_.stream(), reinterpret_cast<uv_stream_t*>(c->handle())) != 0) {
        c->close();
        return;
    }
    if (!peer_allowed(*c)) {
        c->send(encode_error(std::nullopt, ErrorCode::kPermissionDenied,
                             "permission denied: this daemon belongs to another user"));
        c->close_after_flush();
        return;
    }
    serve(*c);
}

void ControlServer::serve_local(int fd) {
    Connection* c = pipe_ ? new_client("serve_local") : nullptr;
    int rc = c ? uv_pipe_open(c->handle(), fd) : 0;
    if (!c || rc != 0) {
        ::close(fd);
        if (c) c->close();
        throw TendError(
            pipe_ ? ErrorCode::kInternal : ErrorCode::kShuttingDown,
            pipe_ ? "cannot serve the HTTP API's connection" : "the daemon is shutting down");
    }
    serve(*c);
}

bool ControlServer::refuse_over_limit(Connection& conn) {
    if (clients_.size() <= limits::kMaxClients) return false;
    conn.send(encode_error(std::nullopt, ErrorCode::kLimitExceeded,
                           "too many clients: a daemon serves at most " +
                               std::to_string(limits::kMaxClients) + " connections at once"));
    conn.close_after_flush();
    return true;
}

bool ControlServer::peer_allowed(Connection& conn) {
    uv_os_fd_t fd;
    if (uv_fileno(reinterpret_cast<uv_handle_t*>(conn.handle()), &fd) != 0) return false;
    struct ucred cred {};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return false;
    if (cred.uid == ::geteuid() || cred.uid == 0) return true;
    spdlog::warn("refused a client with uid {}", cred.uid);
    return false;
}

}  // namespace tend
