// What tendd itself uses, read from /proc/self for /metrics: its resident
// memory and its open descriptors. A few syscalls each, no allocation.
#pragma once

#include <cstdint>

namespace tend {

// Resident set size in bytes (/proc/self/statm); 0 when unreadable.
std::int64_t self_resident_bytes();

// Open file descriptors (entries of /proc/self/fd, less the one listing
// them); 0 when unreadable.
std::int64_t self_open_fds();

}  // namespace tend
