// Cuts a byte stream into whole lines for the log sink: a partial line waits
// for its end, and a line longer than the limit is cut into pieces ending with
// a marker, so memory stays bounded. Pure code: no loop, no files.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tend {

// Receives what a LineCutter cuts. Views are valid only during the call.
class LineConsumer {
  public:
    // Bulk mode: `head` followed by `tail` is one or more whole lines, each
    // ending in '\n', exactly as they are to be stored.
    virtual void on_lines(std::string_view head, std::string_view tail) = 0;
    // Line mode: one line without its '\n'. `split` marks a piece of an
    // overlong line; the marker is not part of `line`.
    virtual void on_line(std::string_view line, bool split) = 0;

  protected:
    ~LineConsumer() = default;
};

enum class CutMode {
    kBulk,   // as few on_lines calls as possible: the fast path when nobody looks at lines
    kLines,  // one on_line call per line: for timestamps and subscribers
};

class LineCutter {
  public:
    static constexpr std::size_t kDefaultMaxLine = std::size_t{1} << 20;
    static constexpr std::string_view kSplitMarker = " [tend: line split]";
    // What ends a piece of an overlong line in bulk mode.
    static constexpr std::string_view kSplitEnding = " [tend: line split]\n";

    explicit LineCutter(std::size_t max_line = kDefaultMaxLine) : max_line_(max_line) {}

    // Feeds the next bytes of the stream. Whole lines go to out; the partial
    // last line is kept until its end arrives. A line longer than max_line is
    // cut into pieces of max_line bytes, whatever the chunking, so both modes
    // and any chunking of the same stream store the same bytes.
    void feed(std::string_view chunk, CutMode mode, LineConsumer& out);

    // Bulk mode without a copy: `joined` is partial() followed by the next
    // bytes of the stream, which the caller read straight after a copy of
    // partial(). Returns how many leading bytes of joined are whole lines, for
    // the caller to store as they are; the rest becomes the partial line. A
    // chunk without a newline, or that may hold an overlong line, goes through
    // feed() instead (any output to out) and 0 is returned. The next bytes
    // must be no longer than max_line (the pipe reader reads 256 KiB): the
    // new partial line is not split here.
    std::size_t feed_joined(std::string_view joined, LineConsumer& out);

    // End of the stream: the partial line, if any, goes out as a whole line
    // (with a '\n' added in bulk mode).
    void finish(CutMode mode, LineConsumer& out);

    // The partial line goes out now as a piece of an overlong line (marked
    // split): for a caller that cannot wait for its end.
    void split_off(CutMode mode, LineConsumer& out);

    // Forgets the partial line: its bytes are still in the pipe, and the
    // next peek sees them again.
    void drop_partial() { partial_.clear(); }

    std::string_view partial() const { return partial_; }

    // Gives back the memory of a partial-line buffer that once held a long
    // line (call when idle).
    void shrink();

  private:
    void feed_lines(std::string_view chunk, LineConsumer& out);
    void emit_line(std::string_view line, LineConsumer& out);
    void split_partial(LineConsumer& out);

    std::size_t max_line_;
    std::string partial_;
};

}  // namespace tend
