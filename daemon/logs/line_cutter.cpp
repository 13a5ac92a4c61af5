// Line cutting for the log sink: the bulk fast path hands out the carried
// partial line plus a chunk up to its last newline in one call; everything
// else goes line by line.
#include "daemon/logs/line_cutter.h"

#include <cstring>

namespace tend {

namespace {

// Turns line-mode output into bulk output, for the rare chunks in bulk mode
// that may hold an overlong line.
class BulkAdaptor final : public LineConsumer {
  public:
    explicit BulkAdaptor(LineConsumer& out) : out_(out) {}
    void on_lines(std::string_view head, std::string_view tail) override {
        out_.on_lines(head, tail);
    }
    void on_line(std::string_view line, bool split) override {
        out_.on_lines(line, split ? LineCutter::kSplitEnding : std::string_view("\n"));
    }

  private:
    LineConsumer& out_;
};

// A partial-line buffer keeps at most this much spare capacity when shrunk.
constexpr std::size_t kKeptCapacity = 256;

}  // namespace

void LineCutter::feed(std::string_view chunk, CutMode mode, LineConsumer& out) {
    if (chunk.empty()) return;
    if (mode == CutMode::kLines) {
        feed_lines(chunk, out);
        return;
    }
    BulkAdaptor bulk(out);
    const auto* last = static_cast<const char*>(memrchr(chunk.data(), '\n', chunk.size()));
    if (last == nullptr) {
        partial_.append(chunk);
        split_partial(bulk);
        return;
    }
    std::size_t run = static_cast<std::size_t>(last - chunk.data()) + 1;
    // The longest line in partial + run is shorter than both together; only
    // when that could pass the limit must the lines be looked at one by one.
    if (partial_.size() + run - 1 > max_line_) {
        feed_lines(chunk, bulk);
        return;
    }
    out.on_lines(partial_, chunk.substr(0, run));
    partial_.assign(chunk.substr(run));
    split_partial(bulk);
}

std::size_t LineCutter::feed_joined(std::string_view joined, LineConsumer& out) {
    std::string_view chunk = joined.substr(partial_.size());
    const auto* last = static_cast<const char*>(memrchr(chunk.data(), '\n', chunk.size()));
    if (last == nullptr || static_cast<std::size_t>(last - joined.data()) > max_line_) {
        feed(chunk, CutMode::kBulk, out);
        return 0;
    }
    std::size_t run = static_cast<std::size_t>(last - joined.data()) + 1;
    partial_.assign(joined.substr(run));
    return run;
}

void LineCutter::finish(CutMode mode, LineConsumer& out) {
    if (partial_.empty()) return;
    if (mode == CutMode::kBulk) {
        out.on_lines(partial_, "\n");
    } else {
        out.on_line(partial_, false);
    }
    partial_.clear();
    shrink();
}

void LineCutter::split_off(CutMode mode, LineConsumer& out) {
    if (partial_.empty()) return;
    if (mode == CutMode::kBulk) {
        out.on_lines(partial_, kSplitEnding);
    } else {
        out.on_line(partial_, true);
    }
    partial_.clear();
}

void LineCutter::shrink() {
    if (partial_.capacity() > kKeptCapacity && partial_.size() <= kKeptCapacity / 2) {
        partial_.shrink_to_fit();
    }
}

void LineCutter::feed_lines(std::string_view chunk, LineConsumer& out) {
    while (!chunk.empty()) {
        const auto* nl = static_cast<const char*>(std::memchr(chunk.data(), '\n', chunk.size()));
        if (nl == nullptr) {
            partial_.append(chunk);
            split_partial(out);
            return;
        }
        std::size_t len = static_cast<std::size_t>(nl - chunk.data());
        if (partial_.empty()) {
            emit_line(chunk.substr(0, len), out);
        } else {
            partial_.append(chunk.substr(0, len));
            emit_line(partial_, out);
            partial_.clear();
        }
        chunk.remove_prefix(len + 1);
    }
}

void LineCutter::emit_line(std::string_view line, LineConsumer& out) {
    while (line.size() > max_line_) {
        out.on_line(line.substr(0, max_line_), true);
        line.remove_prefix(max_line_);
    }
    out.on_line(line, false);
}

void LineCutter::split_partial(LineConsumer& out) {
    if (partial_.size() <= max_line_) return;
    std::string_view rest = partial_;
    while (rest.size() > max_line_) {
        out.on_line(rest.substr(0, max_line_), true);
        rest.remove_prefix(max_line_);
    }
    partial_.erase(0, partial_.size() - rest.size());
}

}  // namespace tend
