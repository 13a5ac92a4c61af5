// tend-runtime's own lines on stderr, beside its apps': "tend-runtime
// info: ..." as text, or, with --json, one JSON object per line in the
// apps' shape (app "tend-runtime"), so a platform reading JSON lines reads
// every line.
#pragma once

#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/log_format.h"

namespace tend {

class RuntimeStderrSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
  public:
    explicit RuntimeStderrSink(bool json);
    // While the daemon runs, lines go through the writer the apps' stderr
    // lines go through (the console's LogFile: whole lines, never blocking
    // the loop, never torn by an app's line); before and after, straight to
    // fd 2. An empty writer goes back to fd 2.
    void route_to(std::function<void(std::string_view line)> writer) {
        writer_ = std::move(writer);
    }

  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override;
    void flush_() override {}

  private:
    std::string line_of(const spdlog::details::log_msg& msg) const;

    bool json_;
    DateFormat time_;
    std::function<void(std::string_view)> writer_;
};

}  // namespace tend
