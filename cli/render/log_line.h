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
    bool json = false;       // render_log_json instead: one object per line
};

// The printed line, newline included.
std::string render_log_line(const LogLine& line, const LogLineStyle& style);

// `tend logs --json`: {"time","app","id","instance","stream","message"} and a
// newline; time is ISO 8601 in UTC with milliseconds, null when not known
// (a line read back from a text file). Bytes that are not UTF-8 become U+FFFD.
std::string render_log_json(const LogLine& line);

}  // namespace tend
