// tend-runtime's own lines on stderr, beside its apps': "tend-runtime
// info: ..." as text, or, with --json, one JSON object per line in the
// apps' shape (app "tend-runtime"), so a platform reading JSON lines reads
// every line.
#pragma once

#include <spdlog/sinks/sink.h>

#include <memory>

namespace tend {

std::shared_ptr<spdlog::sinks::sink> runtime_stderr_sink(bool json);

}  // namespace tend
