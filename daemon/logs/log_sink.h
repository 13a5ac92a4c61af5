// Where app output goes: each instance's stdout/stderr pipe is read here, cut
// into whole lines, optionally timestamped, appended to its log file, and
// handed to live subscribers (`tend logs` follow, monit).
//
// Guarantees: whole lines only (several writers into one merged file never
// interleave mid-line); nothing dropped (a congested file stops the pipes
// feeding it, so the app's write() blocks); memory bounded per file; nothing
// held only in the daemon's memory: a byte leaves an instance's pipe once the
// file's write() has returned, so a daemon killed at any point loses no line
// and tears none (the next one may write the last run of lines again).
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/log_format.h"
#include "common/log_rotation.h"
#include "common/messages.h"
#include "daemon/logs/published_line.h"
#include "daemon/logs/tail_scan.h"

namespace tend {

class LogFile;  // daemon/log_file.h

enum class StreamKind { kOut, kErr };

// Who wrote a line: copied into every LogLine published for it.
struct LogSource {
    int id = 0;
    std::string name;
    int instance = 0;
};

// What the sink has stored, for /metrics: bytes handed to log files (time
// prefixes and split markers included) and lines, since the daemon started.
// Nothing is ever dropped: an app that outpaces its disk waits on its pipe.
struct LogCounters {
    std::uint64_t bytes = 0;
    std::uint64_t lines = 0;
};

class LogSink {
  public:
    using SubscriberId = std::uint64_t;
    using Subscriber = std::function<void(const PublishedLine&)>;

    // Log paths under home (TEND_HOME) are opened following no link.
    explicit LogSink(uv_loop_t* loop, std::string home = {});
    ~LogSink();
    LogSink(const LogSink&) = delete;
    LogSink& operator=(const LogSink&) = delete;

    // Opens path for appending (creating directories as needed), or returns
    // the file already open at that path, so merged logs share one writer.
    // The file rotates by rotation from now on (see LogFile::set_rotation).
    // Throws TendError(kBadRequest) when it cannot be opened.
    std::shared_ptr<LogFile> open(const std::string& path,
                                  const RotationPolicy& rotation = RotationPolicy::never());

    // Takes ownership of read_fd (the daemon's end of an instance's pipe) and
    // reads it until EOF, appending whole lines to file. A partial last line
    // is written at EOF with a newline added. read_fd may come from an
    // earlier daemon (whatever it left in the pipe is read from the start).
    // Lines are stored as format says. Throws TendError(kInternal) when
    // read_fd is not a pipe.
    void attach(int read_fd, const LogSource& source, StreamKind kind,
                std::shared_ptr<LogFile> file, const LogFormat& format);
    // Lines as they are, or with --time's prefix.
    void attach(int read_fd, const LogSource& source, StreamKind kind,
                std::shared_ptr<LogFile> file, bool timestamp);

    // Every captured line, after it is queued for its file. Subscribers run
    // synchronously on the loop and must not block.
    SubscriberId subscribe(Subscriber subscriber);
    void unsubscribe(SubscriberId id);

    // The history of the log at path, oldest first: what is still queued in
    // memory for it, then the file, then its archives, newest first until
    // query.lines lines match (see tail_scan.h). Reads at most budget bytes
    // (decremented).
    std::vector<TailLine> scan(const std::string& path, const TailQuery& query,
                               std::size_t& budget);
    // The last n whole lines at path, archives included, without filters.
    std::vector<std::string> tail(const std::string& path, int n,
                                  std::size_t read_cap = kTailReadCap);

    // True while the disk has no room for the file at path: its apps'
    // output is held (in their pipes) until space is freed.
    bool full(const std::string& path) const;

    // Empties the file at path (`tend flush`). Lines still queued are kept.
    void truncate(const std::string& path);

    // Reopens every open file (logrotate moved them: SIGUSR2, reloadLogs);
    // returns how many.
    std::size_t reopen_all();

    // The file at path, if open, rotates by rotation from now on.
    void set_rotation(const std::string& path, const RotationPolicy& rotation);

    // Empties the file at path and removes its archives (`tend flush --all`).
    void remove_archives(const std::string& path);

    // True once no archive is being compressed or waits for it (for tests).
    bool archiver_idle() const;

    // Stops reading every pipe (writing out partial lines) so the loop can
    // end; queued writes still complete, but what a file still holds
    // LogFile::kAbandonMs later (a FIFO nobody reads, a full disk) is dropped.
    void close_all();

    // Hand-over to another daemon (`tend update`): every reader stops without
    // reading further or writing its partial line, so those bytes stay in the
    // pipe for the next daemon; each consumes the lines it already gave its
    // file once they are written, then closes its fd. done runs once every
    // reader is closed and every file's queued writes have completed (at
    // once, before quiesce returns, when nothing is pending). The sink
    // attaches nothing afterwards.
    void quiesce(std::function<void()> done);

    // Bytes queued in memory across all files (for tests and metrics).
    std::size_t queued_bytes() const;
    // Bytes and lines stored so far (every reader's, closed ones too).
    LogCounters written() const;
    // Whether the timer that gives idle buffers back runs: from a read
    // until two quiet periods have passed (tests).
    bool trimming() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tend
