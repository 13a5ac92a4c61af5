// Orders and replies of the spawner's wire.
#include "spawner/wire.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tend::spawner {
namespace {

constexpr std::uint32_t kOrderMagic = 0x54535031;  // "TSP1"
constexpr std::uint32_t kReplyMagic = 0x54535231;  // "TSR1"

struct OrderHeader {
    std::uint32_t magic;
    std::uint32_t body_size;
};

struct ReplyPacket {
    std::uint32_t magic;
    std::int32_t pid;
    std::int32_t error;
    std::uint32_t stage;
};

constexpr std::uint32_t kNewSession = 1;
constexpr std::uint32_t kListenPid = 2;
constexpr std::uint32_t kSetIdentity = 4;

void put_u32(std::string& out, std::uint32_t value) {
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

void put_text(std::string& out, std::string_view text) {
    put_u32(out, static_cast<std::uint32_t>(text.size()));
    out.append(text);
}

void put_list(std::string& out, const std::vector<std::string>& list) {
    put_u32(out, static_cast<std::uint32_t>(list.size()));
    for (const std::string& item : list) put_text(out, item);
}

// Reads the body front to back; any read past its end fails the whole decode.
class BodyReader {
  public:
    explicit BodyReader(std::string_view body) : rest_(body) {}
    bool u32(std::uint32_t& value) {
        if (rest_.size() < sizeof value) return false;
        std::memcpy(&value, rest_.data(), sizeof value);
        rest_.remove_prefix(sizeof value);
        return true;
    }
    bool text(std::string& value) {
        std::uint32_t size = 0;
        if (!u32(size) || rest_.size() < size) return false;
        value.assign(rest_.data(), size);
        rest_.remove_prefix(size);
        return true;
    }
    bool list(std::vector<std::string>& values) {
        std::uint32_t count = 0;
        // Each item takes at least its 4-byte length: a count the body
        // cannot hold is refused before anything is reserved for it.
        if (!u32(count) || count > rest_.size() / sizeof count) return false;
        values.resize(count);
        for (std::string& value : values)
            if (!text(value)) return false;
        return true;
    }
    bool done() const { return rest_.empty(); }

  private:
    std::string_view rest_;
};

bool write_all(int socket, const char* data, std::size_t size) {
    while (size > 0) {
        ssize_t n = ::send(socket, data, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

bool read_all(int socket, char* data, std::size_t size) {
    while (size > 0) {
        ssize_t n = ::recv(socket, data, size, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0) errno = EPROTO;  // ended inside a message
            return false;
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

// The fds attached to msg, in order; those past kMaxFds are closed.
std::vector<int> attached_fds(msghdr& msg) {
    std::vector<int> fds;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < count; ++i) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            if (fds.size() < kMaxFds)
                fds.push_back(fd);
            else
                ::close(fd);
        }
    }
    return fds;
}

void close_all(const std::vector<int>& fds) {
    for (int fd : fds) ::close(fd);
}

}  // namespace

const char* stage_name(Stage stage) {
    switch (stage) {
        case Stage::kNone:
            return "start";
        case Stage::kClone:
            return "clone";
        case Stage::kSession:
            return "setsid";
        case Stage::kFds:
            return "descriptors";
        case Stage::kCwd:
            return "chdir";
        case Stage::kIdentity:
            return "user";
        case Stage::kExec:
            return "exec";
        case Stage::kOrder:
            return "order";
    }
    return "start";
}

std::string encode_order(const Order& order) {
    std::string out;
    std::uint32_t flags = (order.new_session ? kNewSession : 0U) |
                          (order.listen_pid ? kListenPid : 0U) |
                          (order.set_identity ? kSetIdentity : 0U);
    put_u32(out, flags);
    put_u32(out, order.uid);
    put_u32(out, order.gid);
    put_text(out, order.file);
    put_text(out, order.search_path);
    put_text(out, order.cwd);
    put_list(out, order.argv);
    put_list(out, order.env);
    return out;
}

std::optional<Order> decode_order(std::string_view body) {
    BodyReader in(body);
    Order order;
    std::uint32_t flags = 0;
    if (!in.u32(flags) || !in.u32(order.uid) || !in.u32(order.gid) || !in.text(order.file) ||
        !in.text(order.search_path) || !in.text(order.cwd) || !in.list(order.argv) ||
        !in.list(order.env) || !in.done())
        return std::nullopt;
    if (order.file.empty() || order.argv.empty()) return std::nullopt;
    order.new_session = flags & kNewSession;
    order.listen_pid = flags & kListenPid;
    order.set_identity = flags & kSetIdentity;
    return order;
}

bool send_order(int socket, const Order& order) {
    if (order.fds.size() > kMaxFds) {
        errno = EINVAL;
        return false;
    }
    std::string body = encode_order(order);
    if (body.size() > kMaxBody) {
        errno = E2BIG;
        return false;
    }
    OrderHeader header{kOrderMagic, static_cast<std::uint32_t>(body.size())};
    iovec iov{&header, sizeof header};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)];
    if (!order.fds.empty()) {
        std::size_t size = sizeof(int) * order.fds.size();
        std::memset(control, 0, sizeof control);
        msg.msg_control = control;
        msg.msg_controllen = CMSG_SPACE(size);
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(size);
        std::memcpy(CMSG_DATA(c), order.fds.data(), size);
    }
    ssize_t n;
    do n = ::sendmsg(socket, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0) return false;
    // A stream may take part of the header; the fds went with its first byte.
    std::size_t sent = static_cast<std::size_t>(n);
    return write_all(socket, reinterpret_cast<const char*>(&header) + sent, sizeof header - sent) &&
           write_all(socket, body.data(), body.size());
}

std::optional<Order> receive_order(int socket) {
    OrderHeader header{};
    iovec iov{&header, sizeof header};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)];
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    do n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return std::nullopt;
    std::vector<int> fds = attached_fds(msg);
    auto refuse = [&]() -> std::optional<Order> {
        close_all(fds);
        errno = EPROTO;
        return std::nullopt;
    };
    std::size_t got = static_cast<std::size_t>(n);
    if (!read_all(socket, reinterpret_cast<char*>(&header) + got, sizeof header - got) ||
        header.magic != kOrderMagic || header.body_size > kMaxBody)
        return refuse();
    std::string body(header.body_size, '\0');
    if (!read_all(socket, body.data(), body.size())) return refuse();
    auto order = decode_order(body);
    if (!order) return refuse();
    order->fds = std::move(fds);
    return order;
}

bool send_reply(int socket, const Reply& reply) {
    ReplyPacket packet{kReplyMagic, reply.pid, reply.error,
                       static_cast<std::uint32_t>(reply.stage)};
    return write_all(socket, reinterpret_cast<const char*>(&packet), sizeof packet);
}

std::optional<Reply> receive_reply(int socket) {
    ReplyPacket packet{};
    if (!read_all(socket, reinterpret_cast<char*>(&packet), sizeof packet)) return std::nullopt;
    if (packet.magic != kReplyMagic || packet.stage > static_cast<std::uint32_t>(Stage::kOrder)) {
        errno = EPROTO;
        return std::nullopt;
    }
    return Reply{packet.pid, packet.error, static_cast<Stage>(packet.stage)};
}

}  // namespace tend::spawner
