// The two ends of an HTTP probe that are plain text: the request it sends,
// and reading the status line of the answer (all it reads).
#pragma once

#include <string>
#include <string_view>

#include "common/app_spec.h"

namespace tend {

// "GET /path HTTP/1.1" with Host (the probe's own Host header, if it has
// one, instead), the probe's headers and Connection: close.
std::string http_probe_request(const Probe& probe);

struct StatusLine {
    enum class Kind { kIncomplete, kMalformed, kStatus };
    Kind kind = Kind::kIncomplete;
    int status = 0;
};

// The most of an answer read before its status line must have ended.
inline constexpr std::size_t kMaxStatusLine = 1024;

// Reads the status line at the start of what has arrived so far:
// "HTTP/1.1 200 OK\r\n..." is kStatus 200; a prefix of one that may still
// become one is kIncomplete (kMalformed once past kMaxStatusLine); anything
// else is kMalformed.
StatusLine parse_status_line(std::string_view head);

}  // namespace tend
