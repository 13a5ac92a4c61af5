// The keeper's wire: what tend-keeper and tendd say to each other over one
// SOCK_SEQPACKET socketpair, a message per packet, a descriptor attached
// with SCM_RIGHTS where the message carries one. Plain POSIX, so the keeper
// links nothing else. Versioned: a keeper and a daemon of different
// releases meet during `tend update`, and each refuses what it cannot read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tend::keeper {

inline constexpr std::uint32_t kMagic = 0x544b5031;  // "TKP1"
inline constexpr std::uint16_t kWireVersion = 1;
// The environment variable that gives tendd its end of the socketpair.
inline constexpr const char* kFdEnv = "TEND_KEEPER_FD";
// tendd exits with this to be replaced by the binary now installed (`tend update`).
inline constexpr int kExitUpdate = 75;
// Longest descriptor name: names are tend's own ("out:1234", "listen:api:...").
inline constexpr std::size_t kMaxName = 4096;

enum class Type : std::uint16_t {
    // tendd → keeper
    kHold = 1,     // keep a copy of the attached fd under name (replacing one of that name)
    kDrop = 2,     // close the copy named name
    kServing = 3,  // the daemon serves: its start-up worked
    kForget = 4,   // the exit of pid a is in the daemon's saved state: forget it
    // keeper → tendd
    kHeld = 101,        // a descriptor the keeper holds, attached, under name
    kExited = 102,      // process a ended with wait status b
    kHandedOver = 103,  // end of the hand-over: a = the last daemon's wait status (-1: none)
};

struct Message {
    Type type = Type::kDrop;
    std::int64_t a = 0;
    std::int64_t b = 0;
    std::string name;
    int fd = -1;  // attached descriptor, or -1
};

// Sends m (with m.fd attached when >= 0). Blocks while the socket is full;
// false (errno set) when the peer is gone. Never raises SIGPIPE.
bool send_message(int socket, const Message& m);

// The next message, its descriptor received close-on-exec. nullopt at EOF
// or on an error (errno set; EAGAIN on a non-blocking socket with nothing
// to read). A packet that is not ours is skipped with its fd closed.
std::optional<Message> receive_message(int socket);

}  // namespace tend::keeper
