// Blocking POSIX client for the control protocol: connect, write one request
// line, read newline-delimited responses through a LineFramer.
#include "cli/client.h"

#include <cstdio>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/version.h"

namespace tend {
namespace {

// Big enough for a `list` of thousands of instances with their specs.
constexpr std::size_t kMaxReplyLine = 64u << 20;

TendError connection_lost() {
    return TendError(ErrorCode::kDaemonUnavailable, "lost the connection to the daemon");
}

// Milliseconds until the deadline for poll(); -1 waits forever.
int poll_timeout(std::optional<Deadline> deadline) {
    if (!deadline) return -1;
    auto left =
        std::chrono::ceil<std::chrono::milliseconds>(*deadline - std::chrono::steady_clock::now());
    return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

int connect_unix(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) return -ENAMETOOLONG;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        int err = errno;
        ::close(fd);
        return -err;
    }
    return fd;
}

void check_daemon_identity(int fd, const std::string& path) {
    struct ucred cred {};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
        throw TendError(ErrorCode::kPermissionDenied,
                        "cannot tell who serves " + path + ": " + std::strerror(errno));
    if (cred.uid == ::geteuid() || cred.uid == 0) return;
    throw TendError(ErrorCode::kPermissionDenied,
                    path + " is served by uid " + std::to_string(cred.uid) + ", not by uid " +
                        std::to_string(::geteuid()) + " or root: refusing to talk to it");
}

Client::Client(int fd) : fd_(fd), framer_(kMaxReplyLine) {}

Client::~Client() {
    if (fd_ >= 0) ::close(fd_);
}

Client::Client(Client&& other) noexcept
    : fd_(other.fd_), framer_(std::move(other.framer_)), lines_(std::move(other.lines_)) {
    other.fd_ = -1;
}

Client& Client::operator=(Client&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        framer_ = std::move(other.framer_);
        lines_ = std::move(other.lines_);
        other.fd_ = -1;
    }
    return *this;
}

void Client::send(std::string_view cmd, const json& args) {
    Request request{kProtocolVersion, kVersion, 1, std::string(cmd), args};
    std::string line = encode_request(request);
    std::size_t sent = 0;
    while (sent < line.size()) {
        ssize_t n = ::send(fd_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw connection_lost();
        sent += static_cast<std::size_t>(n);
    }
}

Client::ReadStatus Client::fill(std::optional<Deadline> deadline) {
    char buf[64 * 1024];
    for (;;) {
        pollfd pfd{fd_, POLLIN, 0};
        int ready = ::poll(&pfd, 1, poll_timeout(deadline));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) throw connection_lost();
        if (ready == 0) return ReadStatus::kTimedOut;
        ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n == 0 || (n < 0 && errno == ECONNRESET)) return ReadStatus::kClosed;
        if (n < 0) throw connection_lost();
        take_bytes(buf, static_cast<std::size_t>(n));
        return ReadStatus::kData;
    }
}

void Client::take_bytes(const char* data, std::size_t size) {
    bool within_limit = framer_.feed(std::string_view(data, size),
                                     [this](std::string_view line) { lines_.emplace_back(line); });
    if (!within_limit)
        throw TendError(ErrorCode::kLineTooLong, "the daemon sent a reply line over 64 MiB");
}

bool Client::read_available(std::size_t max_bytes) {
    char buf[64 * 1024];
    std::size_t taken = 0;
    while (taken < max_bytes) {
        ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
        if (n == 0 || (n < 0 && errno == ECONNRESET)) return false;
        if (n < 0) throw connection_lost();
        take_bytes(buf, static_cast<std::size_t>(n));
        taken += static_cast<std::size_t>(n);
    }
    return true;
}

std::optional<Response> Client::take_buffered() {
    if (lines_.empty()) return std::nullopt;
    std::string line = std::move(lines_.front());
    lines_.pop_front();
    return parse_response(line);
}

std::optional<std::string> Client::next_line(std::optional<Deadline> deadline) {
    while (lines_.empty()) {
        ReadStatus status = fill(deadline);
        if (status == ReadStatus::kClosed) return std::nullopt;
        if (status == ReadStatus::kTimedOut)
            throw TendError(ErrorCode::kDaemonUnavailable, "the daemon did not answer in time");
    }
    std::string line = std::move(lines_.front());
    lines_.pop_front();
    return line;
}

std::optional<Response> Client::next(std::optional<Deadline> deadline) {
    auto line = next_line(deadline);
    if (!line) return std::nullopt;
    return parse_response(*line);
}

namespace {

// What the daemon has to say about a request it carries out (a name that is
// both an app and a namespace): one line on stderr.
void print_client_warning(const Response& event) {
    if (event.event == "warning")
        std::fprintf(stderr, "tend: warning: %s\n",
                     event.data.value("message", std::string()).c_str());
}

TendError closed_without_reply() {
    return TendError(ErrorCode::kDaemonUnavailable,
                     "the daemon closed the connection without replying");
}

}  // namespace

json Client::call(std::string_view cmd, const json& args) {
    send(cmd, args);
    for (;;) {
        auto response = next();
        if (!response) throw closed_without_reply();
        if (!response->is_event()) return result_of(std::move(*response));
        print_client_warning(*response);
    }
}

std::string Client::call_text(std::string_view cmd, const json& args) {
    send(cmd, args);
    for (;;) {
        auto line = next_line(std::nullopt);
        if (!line) throw closed_without_reply();
        if (auto text = ok_result_text(*line)) return std::string(*text);
        Response response = parse_response(*line);
        if (!response.is_event()) return dump_json(result_of(std::move(response)));
        print_client_warning(response);
    }
}

bool Client::wait_for_close(Deadline deadline) {
    for (;;) {
        ReadStatus status = fill(deadline);
        if (status == ReadStatus::kClosed) return true;
        if (status == ReadStatus::kTimedOut) return false;
        lines_.clear();
    }
}

json result_of(const Response& response) {
    if (!response.ok) throw TendError(response.error_code, response.error_message);
    return response.result;
}

json result_of(Response&& response) {
    if (!response.ok) throw TendError(response.error_code, response.error_message);
    return std::move(response.result);
}

}  // namespace tend
