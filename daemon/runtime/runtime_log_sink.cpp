// The runtime's lines, each written whole.
#include "daemon/runtime/runtime_log_sink.h"

#include <unistd.h>

#include <chrono>

#include "daemon/logs/log_line_format.h"

namespace tend {

RuntimeStderrSink::RuntimeStderrSink(bool json)
    : json_(json), time_(DateFormat::parse(kJsonTimeFormat)) {}

std::string RuntimeStderrSink::line_of(const spdlog::details::log_msg& msg) const {
    auto level_name = spdlog::level::to_string_view(msg.level);
    std::string_view level(level_name.data(), level_name.size());
    std::string_view text(msg.payload.data(), msg.payload.size());
    std::string line;
    if (json_) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch())
                      .count();
        line.append(R"({"time":")").append(time_.format(ms, true));
        line.append(R"(","app":"tend-runtime","level":")").append(level);
        line.append(R"(","message":")");
        append_json_chars(line, text);
        line.append("\"}\n");
    } else {
        line.append("tend-runtime ").append(level).append(": ").append(text).append("\n");
    }
    return line;
}

void RuntimeStderrSink::sink_it_(const spdlog::details::log_msg& msg) {
    std::string line = line_of(msg);
    if (writer_) {
        writer_(line);
        return;
    }
    // One write() each: a pipe keeps a write under PIPE_BUF whole.
    std::string_view rest = line;
    while (!rest.empty()) {
        ssize_t n = ::write(2, rest.data(), rest.size());
        if (n <= 0) return;  // stderr closed: the home's tendd.log has the line
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
}

}  // namespace tend
