// The runtime's lines, written whole to stderr with one write() each (a
// pipe keeps a write of under PIPE_BUF whole, so the apps' lines and these
// never interleave mid-line).
#include "daemon/runtime/runtime_log_sink.h"

#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "common/log_format.h"
#include "daemon/logs/log_line_format.h"

namespace tend {
namespace {

class RuntimeStderrSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
  public:
    explicit RuntimeStderrSink(bool json)
        : json_(json), time_(DateFormat::parse(kJsonTimeFormat)) {}

  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        auto level_name = spdlog::level::to_string_view(msg.level);
        std::string_view level(level_name.data(), level_name.size());
        std::string_view text(msg.payload.data(), msg.payload.size());
        std::string line;
        if (json_) {
            auto ms =
                std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch())
                    .count();
            line.append(R"({"time":")").append(time_.format(ms, true));
            line.append(R"(","app":"tend-runtime","level":")").append(level);
            line.append(R"(","message":")");
            append_json_chars(line, text);
            line.append("\"}\n");
        } else {
            line.append("tend-runtime ").append(level).append(": ").append(text).append("\n");
        }
        std::string_view rest = line;
        while (!rest.empty()) {
            ssize_t n = ::write(2, rest.data(), rest.size());
            if (n <= 0) return;  // stderr closed or full: the file log has it
            rest.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    void flush_() override {}

  private:
    bool json_;
    DateFormat time_;
};

}  // namespace

std::shared_ptr<spdlog::sinks::sink> runtime_stderr_sink(bool json) {
    return std::make_shared<RuntimeStderrSink>(json);
}

}  // namespace tend
