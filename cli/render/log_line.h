// One log line as `tend logs` prints it: `<id>|<name>| <line>` as pm2 does,
// or raw, optionally after the time it was captured.
#pragma once

#include <string>

#include "common/messages.h"

namespace tend {

struct LogLineStyle {
    bool raw = false;        // no `id|name|` prefix
    bool timestamp = false;  // "YYYY-MM-DDTHH:MM:SS " first, when the line has a time
    bool colour = false;     // colour the prefix: red for stderr lines
};

// The printed line, newline included.
std::string render_log_line(const LogLine& line, const LogLineStyle& style);

}  // namespace tend
