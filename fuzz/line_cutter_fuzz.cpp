// The log sink's line cutter: one stream cut in bulk mode, in line mode and
// through feed_joined, each chunked its own way, must store the same bytes
// (line_cutter.h promises it), and no stored line passes the limit.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <string>

#include "daemon/logs/line_cutter.h"

namespace {

using namespace tend;

// What the sink would store: every line with its ending, marker included.
class Stored final : public LineConsumer {
  public:
    void on_lines(std::string_view head, std::string_view tail) override {
        bytes.append(head).append(tail);
    }
    void on_line(std::string_view line, bool split) override {
        bytes.append(line).append(split ? LineCutter::kSplitEnding : std::string_view("\n"));
    }
    std::string bytes;
};

// feed_joined's caller (the pipe reader) reads at most 256 KiB at a time,
// less than the 1 MiB line limit, so a partial it leaves is never overlong:
// its chunks here stay within the limit too.
// Once the input's bytes are used up, the rest of the stream goes in the
// largest chunks (byte by byte would only slow the run down).
std::size_t chunk_size(FuzzedDataProvider& in, int mode, std::size_t max_line) {
    std::size_t most = mode == 2 ? max_line : 300;
    return in.remaining_bytes() > 0 ? in.ConsumeIntegralInRange<std::size_t>(1, most) : most;
}

// Cuts stream in chunks; mode 0 bulk, 1 lines, 2 feed_joined (with bulk).
std::string cut(std::string_view stream, int mode, std::size_t max_line, FuzzedDataProvider& in) {
    LineCutter cutter(max_line);
    Stored out;
    while (!stream.empty()) {
        std::string_view chunk = stream.substr(0, chunk_size(in, mode, max_line));
        stream.remove_prefix(chunk.size());
        if (mode == 2) {
            std::string joined(cutter.partial());
            joined.append(chunk);
            std::size_t whole = cutter.feed_joined(joined, out);
            out.bytes.append(joined, 0, whole);
        } else {
            cutter.feed(chunk, mode == 0 ? CutMode::kBulk : CutMode::kLines, out);
        }
    }
    cutter.finish(mode == 1 ? CutMode::kLines : CutMode::kBulk, out);
    return out.bytes;
}

void check_line_lengths(std::string_view stored, std::size_t max_line) {
    std::size_t limit = max_line + LineCutter::kSplitMarker.size();
    for (std::size_t start = 0; start < stored.size();) {
        std::size_t nl = stored.find('\n', start);
        if (nl == std::string_view::npos || nl - start > limit) std::abort();
        start = nl + 1;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    std::size_t max_line = in.ConsumeIntegralInRange<std::size_t>(1, 64);
    std::string stream = in.ConsumeRandomLengthString(4096);
    std::string bulk = cut(stream, 0, max_line, in);
    std::string lines = cut(stream, 1, max_line, in);
    std::string joined = cut(stream, 2, max_line, in);
    if (bulk != lines || bulk != joined) std::abort();
    check_line_lengths(bulk, max_line);
    return 0;
}
