// Sockets for the cluster tests' HTTP client.
#include "http_client.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>

namespace tend::it {
namespace {

using Clock = std::chrono::steady_clock;

bool wait_fd(int fd, short events, Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    return ::poll(&p, 1, static_cast<int>(left)) == 1;
}

}  // namespace

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

namespace {

// GET / on a new socket fd connected to addr: the body, or nullopt on any
// failure. Closes fd.
std::optional<std::string> get_over(int fd, const sockaddr* addr, socklen_t len, Millis timeout) {
    auto deadline = Clock::now() + timeout;
    std::string response;
    if (::connect(fd, addr, len) == 0) {
        const char request[] = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        if (::write(fd, request, sizeof request - 1) == sizeof request - 1) {
            char buf[4096];
            while (wait_fd(fd, POLLIN, deadline)) {
                ssize_t n = ::read(fd, buf, sizeof buf);
                if (n <= 0) break;
                response.append(buf, static_cast<std::size_t>(n));
            }
        }
    }
    ::close(fd);
    auto body = response.find("\r\n\r\n");
    if (response.rfind("HTTP/1.1 200", 0) != 0 || body == std::string::npos) return std::nullopt;
    return response.substr(body + 4);
}

sockaddr_in loopback(int port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

}  // namespace

std::optional<std::string> http_get(int port, Millis timeout) {
    sockaddr_in addr = loopback(port);
    return get_over(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0),
                    reinterpret_cast<sockaddr*>(&addr), sizeof addr, timeout);
}

std::optional<std::string> unix_http_get(const std::string& path, Millis timeout) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, sizeof addr.sun_path - 1);
    return get_over(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0),
                    reinterpret_cast<sockaddr*>(&addr), sizeof addr, timeout);
}

std::optional<std::string> udp_ask(int port, Millis timeout) {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr = loopback(port);
    std::optional<std::string> answer;
    char buf[256];
    if (::sendto(fd, "?", 1, 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 1 &&
        wait_fd(fd, POLLIN, Clock::now() + timeout)) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n > 0) answer = std::string(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return answer;
}

ClosedLoopClient::ClosedLoopClient(int port) : port_(port) {
    thread_ = std::thread([this] {
        while (!stop_ && ok_ + failed_ < kMaxRequests) {
            auto body = http_get(port_, 10s);
            if (!body) {
                ++failed_;
                continue;
            }
            ++ok_;
            std::lock_guard lock(mutex_);
            ++answers_[body->substr(0, body->find(' '))];
        }
    });
}

ClosedLoopClient::~ClosedLoopClient() {
    stop();
}

void ClosedLoopClient::stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
}

std::map<std::string, int> ClosedLoopClient::by_answer() const {
    std::lock_guard lock(mutex_);
    return answers_;
}

}  // namespace tend::it
