// Reads one instance's stdout or stderr pipe on the loop and feeds its log
// file whole lines; pauses (uv_read_stop) while the file is congested, so the
// app's write() blocks instead of the daemon's memory growing.
#pragma once

#include <uv.h>

#include <cstdint>
#include <ctime>
#include <memory>
#include <string_view>

#include "common/messages.h"
#include "daemon/logs/line_cutter.h"
#include "daemon/logs/log_file.h"
#include "daemon/logs/log_sink.h"

namespace tend {

class PipeReader;

// What every PipeReader borrows from its LogSink.
class ReaderHost {
  public:
    // The one read buffer all readers share, PipeReader::kBufferSize bytes:
    // each read is consumed before the next one is allocated.
    virtual char* read_buffer() = 0;
    virtual bool has_subscribers() const = 0;
    virtual void publish(const LogLine& line) = 0;
    // "2026-11-23T18:59:01: " for the given second, local time.
    virtual std::string_view timestamp_prefix(std::time_t second) = 0;
    // The reader's handle is closed; it is deleted right after.
    virtual void reader_closed(PipeReader* reader) = 0;

  protected:
    ~ReaderHost() = default;
};

class PipeReader final : public DrainWaiter, private LineConsumer {
  public:
    // A pipe found full is grown to this size, so a loud app blocks less
    // often. Quiet apps keep the default: an unprivileged user's pipes share
    // a quota (pipe-user-pages-soft, 64 MiB), and past it every new pipe of
    // that user, the apps' own included, is cut to two pages.
    static constexpr int kPipeSize = 1 << 20;
    // Bytes asked for per read: big reads mean few syscalls per megabyte.
    static constexpr std::size_t kReadSize = std::size_t{256} << 10;
    // A partial line up to this long is copied in front of the next read, so
    // the lines it completes are written from the read buffer in one piece.
    static constexpr std::size_t kJoinRoom = std::size_t{16} << 10;
    static constexpr std::size_t kBufferSize = kJoinRoom + kReadSize;

    // Takes ownership of fd and starts reading it. The reader deletes itself
    // once its handle is closed (after EOF or stop()). Throws
    // TendError(kInternal) if libuv cannot use fd (fd is closed then).
    static PipeReader* start(uv_loop_t* loop, int fd, const LogSource& source, StreamKind kind,
                             std::shared_ptr<LogFile> file, bool timestamp, ReaderHost& host);

    // Stops reading, writes out the partial last line, and closes the handle.
    // Safe to call from a subscriber or twice.
    void stop();

    // The host is going away: no more calls to it (the reader is stopping).
    void forget_host() { host_ = nullptr; }

    // Frees buffer memory held since a long line (called when idle).
    void trim();

    bool paused() const { return paused_; }
    // Only uv::close_and_delete() deletes a reader, once its pipe is closed.
    ~PipeReader() = default;

  private:
    PipeReader(const LogSource& source, StreamKind kind, std::shared_ptr<LogFile> file,
               bool timestamp, ReaderHost& host);

    static void on_alloc(uv_handle_t* handle, std::size_t suggested, uv_buf_t* buf);
    static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
    void handle_read(ssize_t nread, const uv_buf_t* buf);

    uv_buf_t next_read_buffer();
    void consume(std::string_view chunk);
    void cut(std::string_view chunk);
    void grow_pipe();
    void finish();
    CutMode begin_batch();
    void on_lines(std::string_view head, std::string_view tail) override;
    void on_line(std::string_view line, bool split) override;
    void on_drained() override;

    uv_pipe_t pipe_{};
    ReaderHost* host_;
    std::shared_ptr<LogFile> file_;
    LineCutter cutter_;
    LogLine line_;                   // the source fields are set once; line and time per line
    std::string_view prefix_;        // timestamp prefix of the batch being cut
    bool publish_ = false;           // the batch being cut goes to subscribers
    CutMode mode_ = CutMode::kBulk;  // how the read in progress is cut
    bool joined_ = false;            // the read in progress follows a copy of the partial line
    bool timestamp_;
    int pipe_size_ = kPipeSize;  // as far as we know; kPipeSize once grown or refused
    bool paused_ = false;
    bool closing_ = false;
    bool consuming_ = false;
    bool stop_requested_ = false;  // stop() came from a subscriber during consume()
};

}  // namespace tend
