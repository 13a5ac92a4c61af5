// Sockets for the HTTP endpoint's tests.
#include "http_api_client.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include <doctest/doctest.h>

namespace tend::it {
namespace {

using Clock = std::chrono::steady_clock;

int connect_loopback(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool readable(int fd, Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(left)) == 1;
}

bool send_all(int fd, const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

std::string request_text(int port, const std::string& version, const std::string& method,
                         const std::string& target, const Headers& headers,
                         const std::string& body) {
    std::string text = method + " " + target + " " + version + "\r\n";
    bool host = false;
    for (const auto& [name, value] : headers) {
        text += name + ": " + value + "\r\n";
        host = host || name == "Host";
    }
    if (!host) text += "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
    text += "Connection: close\r\n";
    if (!body.empty() || method == "POST")
        text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    return text + "\r\n" + body;
}

// Status line and headers of response; the position after them, or npos.
std::size_t parse_head(const std::string& response, int& status,
                       std::map<std::string, std::string>& headers) {
    auto end = response.find("\r\n\r\n");
    if (end == std::string::npos || response.size() < 12) return std::string::npos;
    status = std::atoi(response.c_str() + 9);
    std::size_t at = response.find("\r\n") + 2;
    while (at < end) {
        auto eol = response.find("\r\n", at);
        std::string line = response.substr(at, eol - at);
        auto colon = line.find(':');
        if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            std::transform(name.begin(), name.end(), name.begin(),
                           [](unsigned char c) { return std::tolower(c); });
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            headers[name] = value;
        }
        at = eol + 2;
    }
    return end + 4;
}

}  // namespace

HttpResult http_call(int port, const std::string& method, const std::string& target,
                     const Headers& headers, const std::string& body, Millis timeout) {
    HttpResult result;
    int fd = connect_loopback(port);
    if (fd < 0) return result;
    auto deadline = Clock::now() + timeout;
    std::string response;
    if (send_all(fd, request_text(port, "HTTP/1.1", method, target, headers, body))) {
        char buf[16384];
        while (readable(fd, deadline)) {
            ssize_t n = ::read(fd, buf, sizeof buf);
            if (n <= 0) break;
            response.append(buf, static_cast<std::size_t>(n));
        }
    }
    ::close(fd);
    std::size_t body_at = parse_head(response, result.status, result.headers);
    if (body_at == std::string::npos) return HttpResult{};
    result.body = response.substr(body_at);
    return result;
}

int http_port(const TendHome& home) {
    Result ping = home.run_ok({"ping", "--json"});
    std::string url = nlohmann::json::parse(ping.out).value("http", "");
    REQUIRE_MESSAGE(!url.empty(), "tendd serves no HTTP: " << ping.out);
    return std::atoi(url.c_str() + url.rfind(':') + 1);
}

EventStream::EventStream(int port, const std::string& target, const Headers& headers) {
    fd_ = connect_loopback(port);
    if (fd_ < 0 || !send_all(fd_, request_text(port, "HTTP/1.0", "GET", target, headers, "")))
        return;
    auto deadline = Clock::now() + 10s;
    std::map<std::string, std::string> seen;
    while (readable(fd_, deadline)) {
        char buf[4096];
        ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n <= 0) break;
        buffer_.append(buf, static_cast<std::size_t>(n));
        std::size_t at = parse_head(buffer_, status_, seen);
        if (at != std::string::npos) {
            buffer_.erase(0, at);
            return;
        }
    }
}

EventStream::~EventStream() {
    if (fd_ >= 0) ::close(fd_);
}

bool EventStream::fill(Millis timeout) {
    if (fd_ < 0 || eof_ || !readable(fd_, Clock::now() + timeout)) return false;
    char buf[16384];
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) {
        eof_ = true;
        return false;
    }
    buffer_.append(buf, static_cast<std::size_t>(n));
    return true;
}

std::optional<SseEvent> EventStream::next(Millis timeout) {
    auto deadline = Clock::now() + timeout;
    while (true) {
        auto end = buffer_.find("\n\n");
        while (end != std::string::npos) {
            std::string block = buffer_.substr(0, end);
            buffer_.erase(0, end + 2);
            SseEvent event;
            std::size_t at = 0;
            while (at < block.size()) {
                auto eol = std::min(block.find('\n', at), block.size());
                std::string line = block.substr(at, eol - at);
                if (line.rfind("event: ", 0) == 0) event.event = line.substr(7);
                if (line.rfind("data: ", 0) == 0) event.data += line.substr(6);
                at = eol + 1;
            }
            if (!event.event.empty() || !event.data.empty()) return event;
            end = buffer_.find("\n\n");
        }
        auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
        if (left.count() <= 0 || !fill(left)) return std::nullopt;
    }
}

std::optional<SseEvent> EventStream::wait_for(const std::string& text, Millis timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
        std::optional<SseEvent> event = next(left);
        if (!event) return std::nullopt;
        if (event->data.find(text) != std::string::npos) return event;
    }
    return std::nullopt;
}

bool EventStream::closed_by_server(Millis timeout) {
    auto deadline = Clock::now() + timeout;
    while (!eof_ && Clock::now() < deadline) {
        buffer_.clear();
        fill(std::chrono::duration_cast<Millis>(deadline - Clock::now()));
    }
    return eof_;
}

}  // namespace tend::it
