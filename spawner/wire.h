// The spawner's wire: what tendd and tend-spawner say to each other over one
// SOCK_STREAM socketpair. An order (start this program, with these fds as
// its 1, 2, 3...) is a fixed header, with the fds attached by SCM_RIGHTS,
// then a body of counted strings; the answer is a fixed reply. Plain POSIX,
// so the spawner links nothing else. Both ends are built from one source
// tree and started together, so there is one version and no negotiation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tend::spawner {

// Most fds an order may attach: stdout, stderr, a listening socket, IPC.
inline constexpr std::size_t kMaxFds = 8;
// Longest body: argv and environment together (Linux's ARG_MAX is 2 MiB
// with the default stack limit; a larger order could never exec).
inline constexpr std::size_t kMaxBody = std::size_t{8} << 20;

struct Order {
    std::string file;         // a path, or a bare name looked up in search_path
    std::string search_path;  // PATH for a bare name
    std::vector<std::string> argv;
    std::vector<std::string> env;  // "KEY=VALUE"
    std::string cwd;               // empty: the spawner's
    bool new_session = false;      // setsid(): the instance leads its own group
    bool listen_pid = false;       // add LISTEN_PID=<its own pid> to env
    bool set_identity = false;     // drop supplementary groups, then gid, then uid
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    // Attached descriptors: fds[i] becomes fd i+1 in the child (fd 0 is
    // /dev/null). Not part of the body.
    std::vector<int> fds;
};

// Which step failed in the child, for the message tendd writes.
enum class Stage : std::uint32_t {
    kNone = 0,
    kClone = 1,
    kSession = 2,
    kFds = 3,
    kCwd = 4,
    kIdentity = 5,
    kExec = 6,
    kOrder = 7,  // the spawner could not read or prepare the order
};

struct Reply {
    std::int32_t pid = 0;    // > 0: started (and, for an error after clone, to reap)
    std::int32_t error = 0;  // errno of the failed stage; 0 = started
    Stage stage = Stage::kNone;
};

const char* stage_name(Stage stage);

// The body of an order (everything but the fds), and back. decode_order
// refuses a body that is truncated, has trailing bytes or an empty argv.
std::string encode_order(const Order& order);
std::optional<Order> decode_order(std::string_view body);

// Writes the order, its fds attached; false (errno set) when the peer is
// gone. Blocking; never raises SIGPIPE.
bool send_order(int socket, const Order& order);
// Reads the next order, its fds received close-on-exec. nullopt at EOF or
// on a malformed order (its fds closed; errno EPROTO), which ends the
// stream: the two ends no longer agree where an order begins.
std::optional<Order> receive_order(int socket);

bool send_reply(int socket, const Reply& reply);
std::optional<Reply> receive_reply(int socket);

}  // namespace tend::spawner
