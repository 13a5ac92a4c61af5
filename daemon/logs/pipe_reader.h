// Reads one instance's stdout or stderr pipe on the loop and feeds its log
// file whole lines, taking out of the pipe only the bytes of lines already
// written: a partial line, or lines a killed daemon had not written, stay in
// the kernel for the next daemon. Pauses while the file is congested, so the
// app's write() blocks instead of the daemon's memory growing.
#pragma once

#include <uv.h>

#include <cstdint>
#include <ctime>
#include <memory>
#include <string_view>

#include "common/messages.h"
#include "daemon/logs/edge_watch.h"
#include "daemon/logs/line_cutter.h"
#include "daemon/logs/log_file.h"
#include "daemon/logs/log_line_format.h"
#include "daemon/logs/log_sink.h"
#include "daemon/logs/pipe_peek.h"

namespace tend {

class PipeReader;

// What every PipeReader borrows from its LogSink.
class ReaderHost {
  public:
    // The one read buffer all readers share, PipeReader::kBufferSize bytes:
    // each read is cut before the next one is made.
    virtual char* read_buffer() = 0;
    // The scratch pipe all readers peek through (one peek at a time).
    virtual ScratchPipe& scratch() = 0;
    // Where a reader waits for the end of a partial line.
    virtual EdgeWatch& edges() = 0;
    virtual bool has_subscribers() const = 0;
    virtual void publish(const LogLine& line) = 0;
    // The reader is closing; it is deleted once its handles are closed.
    virtual void reader_closed(PipeReader* reader) = 0;
    // The reader read something: buffers may need trimming later.
    virtual void reader_active() {}

    // True while a reader cuts a peek: the scratch pipe and the read buffer
    // are in use, so another reader must not peek (a subscriber that stops
    // every reader mid-line).
    bool cutting = false;
    // Every reader's stored bytes and lines, added up as they are cut.
    LogCounters written;

  protected:
    ~ReaderHost() = default;
};

class PipeReader final : public DrainWaiter,
                         public WriteWaiter,
                         public EdgeWatcher,
                         private LineConsumer {
  public:
    // A pipe found full is grown to this size, so a loud app blocks less
    // often. Quiet apps keep the default: an unprivileged user's pipes share
    // a quota (pipe-user-pages-soft, 64 MiB), and past it every new pipe of
    // that user, the apps' own included, is cut to two pages. Also the size
    // of the scratch pipe: the most one peek can see, so the longest line
    // kept whole.
    static constexpr int kPipeSize = 1 << 20;
    // Bytes asked for per peek and per read: big enough for few syscalls per
    // megabyte, small enough that the app gets room back while the daemon
    // writes. A peek that finds no newline is retried with kPipeSize.
    static constexpr std::size_t kReadSize = std::size_t{256} << 10;
    // A partial line up to this long is copied in front of the next read of
    // the same peek, so the lines it completes are written in one piece.
    static constexpr std::size_t kJoinRoom = std::size_t{16} << 10;
    static constexpr std::size_t kBufferSize = kJoinRoom + kReadSize;
    // A pipe holding only a partial line is not polled (libuv's poll is
    // level-triggered: it would spin) but watched for edges (edge_watch.h),
    // and looked at again after this long, then twice as long each time it
    // has not changed, up to the maximum: that tells a line the app is
    // blocked on (the pipe is full) from one it has not finished yet.
    static constexpr std::uint64_t kRecheckMs = 10;
    static constexpr std::uint64_t kMaxRecheckMs = 1000;

    // Takes ownership of fd, which must be a pipe's read end, and starts
    // reading it. The reader deletes itself once its handles are closed
    // (after EOF, stop() or quiesce()). format is null for lines stored as
    // they are. Throws TendError(kInternal) if fd is not a pipe or libuv
    // cannot poll it (fd is closed then).
    static PipeReader* start(uv_loop_t* loop, int fd, const LogSource& source, StreamKind kind,
                             std::shared_ptr<LogFile> file, std::unique_ptr<LineFormatter> format,
                             ReaderHost& host);

    // Writes out what the pipe holds, the partial last line with a newline
    // added, then closes. Safe to call from a subscriber or twice; may finish
    // on a later loop turn (a write on the threadpool, another reader busy).
    void stop();

    // Hand-over: stops without writing the partial line or reading further
    // (the bytes stay in the pipe for the next daemon), consumes the lines
    // already given to the file once they are written, then closes its fd.
    void quiesce();

    // The host is going away: no more calls to it (the reader is stopping).
    void forget_host() {
        host_ = nullptr;
        edge_watched_ = false;  // the host's epoll set goes with it
    }

    // Frees buffer memory held since a long line (called when idle).
    void trim();

    bool paused() const { return paused_; }
    // Only uv::close_and_delete() deletes a reader, once its handles are closed.
    ~PipeReader() = default;

  private:
    // What follows once the bytes of a peek's written lines are consumed.
    enum class Next { kPoll, kRecheck, kClose };

    PipeReader(int fd, const LogSource& source, StreamKind kind, std::shared_ptr<LogFile> file,
               std::unique_ptr<LineFormatter> format, ReaderHost& host);

    static void on_poll(uv_poll_t* poll, int status, int events);
    static void on_timer(uv_timer_t* timer);
    void handle_poll(int status, int events);
    void handle_timer();

    void peek_once(bool final);
    bool cut_peek(std::size_t size);
    Next decide(std::size_t size, bool final);
    Next after_partial(std::size_t size);
    void consume_when_written(std::size_t bytes, Next next);
    void settle();
    void go_on(Next next);
    void start_polling();
    void wait_for_edge();
    void resume();
    void unwatch_edges();
    void close();
    std::size_t window() const;

    uv_buf_t next_read_buffer();
    void cut(std::string_view chunk);
    void grow_pipe();
    CutMode begin_batch();
    void on_lines(std::string_view head, std::string_view tail) override;
    void on_line(std::string_view line, bool split) override;
    // Adds whole lines stored to the host's counters.
    void count_written(std::string_view head, std::string_view tail);
    void on_drained() override;
    void on_written() override;
    void on_edge() override;

    uv_poll_t poll_{};
    uv_timer_t timer_{};  // the re-check of a partial line; a deferred stop()
    int fd_;
    ReaderHost* host_;
    std::shared_ptr<LogFile> file_;
    LineCutter cutter_;
    LogLine line_;                   // the source fields are set once; line and time per line
    std::string_view prefix_;        // the formatter's prefix for the batch being cut
    bool publish_ = false;           // the batch being cut goes to subscribers
    CutMode mode_ = CutMode::kBulk;  // how the read in progress is cut
    bool joined_ = false;            // the read in progress follows a copy of the partial line
    std::unique_ptr<LineFormatter> format_;  // null: lines are stored as they are
    int pipe_size_ = kPipeSize;              // F_GETPIPE_SZ
    bool grow_tried_ = false;                // asked for kPipeSize once (the kernel may refuse)
    std::size_t peek_len_ = kReadSize;       // kPipeSize after a peek found no newline
    std::size_t last_partial_ = 0;           // size of the last peek that held only a partial line
    std::size_t waited_at_ = 0;              // bytes in the pipe when the edge wait began
    std::uint64_t recheck_ms_ = kRecheckMs;
    std::size_t to_consume_ = 0;  // bytes of written lines still in the pipe
    Next next_ = Next::kPoll;     // what follows their consumption
    bool polling_ = false;
    bool edge_watched_ = false;   // in the host's edge watch, waiting for a line's end
    bool paused_ = false;         // waiting for the congested file to drain
    bool waiting_write_ = false;  // waiting for the file to write to_consume_'s lines
    bool closing_ = false;
    bool cutting_ = false;            // inside cut_peek(): subscribers run
    bool stop_requested_ = false;     // write out the rest and close
    bool quiesce_requested_ = false;  // close once the written lines are consumed
};

}  // namespace tend
