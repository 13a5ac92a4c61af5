// What clients may hold of the daemon through its control socket, so that no
// client, however slow, many or hostile, can grow tendd without bound or
// keep it from stopping. docs/security.md lists these with the others.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tend::limits {

// Connections at once; the next is told so and closed.
inline constexpr std::size_t kMaxClients = 512;
// Connections that follow a stream (`tend logs` without --nostream, monit,
// `tend events`) at once.
inline constexpr std::size_t kMaxStreams = 128;
// Unwritten reply and event bytes a client may leave queued: one that stops
// reading is dropped once it has this much waiting (a follower skips lines
// well before, at 4 MiB, and is told how many it missed).
inline constexpr std::size_t kMaxQueuedOutput = std::size_t{16} << 20;
// How long a stopping daemon waits for clients to read what it queued for
// them before it closes them anyway: a stalled `tend logs | less` must not
// keep `tend kill` waiting, nor the home locked.
inline constexpr std::uint64_t kFlushOnCloseMs = 1000;

}  // namespace tend::limits
