// A pipe reader: each readiness of the pipe is one peek (pipe_peek.h), read
// through the sink's shared buffer, cut into lines and handed to the log
// file (pipe_reader_cut.cpp); the bytes of the whole lines are consumed from
// the pipe once the file has written them (pipe_reader_wait.cpp), and a
// partial last line stays in the pipe. Here: starting, stopping, and what a
// peek decides.
#include "daemon/logs/pipe_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>

#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "daemon/uv/guard.h"
#include "daemon/uv/handle.h"

namespace tend {

namespace {

TendError cannot_read(const LogSource& source, const char* reason) {
    return TendError(ErrorCode::kInternal,
                     "cannot read the output of '" + source.name + "': " + reason);
}

}  // namespace

PipeReader* PipeReader::start(uv_loop_t* loop, int fd, const LogSource& source, StreamKind kind,
                              std::shared_ptr<LogFile> file, std::unique_ptr<LineFormatter> format,
                              ReaderHost& host) {
    int size = ::fcntl(fd, F_GETPIPE_SZ);  // a peek needs a pipe: tee(2) takes nothing else
    if (size <= 0) {
        ::close(fd);
        throw cannot_read(source, "not a pipe");
    }
    auto* reader = new PipeReader(fd, source, kind, std::move(file), std::move(format), host);
    reader->pipe_size_ = size;
    reader->grow_tried_ = size >= kPipeSize;
    if (int rc = uv_timer_init(loop, &reader->timer_); rc != 0) {
        ::close(fd);
        delete reader;  // its handles were never initialised
        throw cannot_read(source, uv_strerror(rc));
    }
    reader->timer_.data = reader;
    int rc = uv_poll_init(loop, &reader->poll_, fd);
    if (rc != 0) {
        ::close(fd);
        reader->closing_ = true;
        uv::close_and_delete(reader, &reader->timer_);  // not registered with the host yet
        throw cannot_read(source, uv_strerror(rc));
    }
    reader->poll_.data = reader;
    rc = uv_poll_start(&reader->poll_, UV_READABLE, on_poll);
    if (rc != 0) {
        ::close(fd);
        reader->closing_ = true;
        uv::close_and_delete(reader, &reader->poll_, &reader->timer_);
        throw cannot_read(source, uv_strerror(rc));
    }
    reader->polling_ = true;
    return reader;
}

PipeReader::PipeReader(int fd, const LogSource& source, StreamKind kind,
                       std::shared_ptr<LogFile> file, std::unique_ptr<LineFormatter> format,
                       ReaderHost& host)
    : fd_(fd), host_(&host), file_(std::move(file)), format_(std::move(format)) {
    line_.id = source.id;
    line_.name = source.name;
    line_.instance = source.instance;
    line_.stream = kind == StreamKind::kOut ? "out" : "err";
}

void PipeReader::stop() {
    if (closing_) return;
    stop_requested_ = true;
    if (cutting_ || waiting_write_) return;  // the peek or the write in progress finishes it
    if (paused_) file_->cancel_wait(this);
    paused_ = false;
    uv_poll_stop(&poll_);
    polling_ = false;
    unwatch_edges();
    if (host_ != nullptr && host_->cutting) {
        // Another reader's peek holds the scratch pipe (its subscriber stops
        // every reader): peek on the next loop turn.
        uv_timer_start(&timer_, on_timer, 0, 0);
        return;
    }
    uv_timer_stop(&timer_);
    peek_once(true);
}

void PipeReader::quiesce() {
    if (closing_) return;
    quiesce_requested_ = true;
    if (cutting_ || waiting_write_) return;  // closes once the lines written are consumed
    close();
}

void PipeReader::on_poll(uv_poll_t* poll, int status, int events) {
    auto* reader = static_cast<PipeReader*>(poll->data);
    uv::guarded("log pipe", [&] { reader->handle_poll(status, events); });
}

void PipeReader::on_timer(uv_timer_t* timer) {
    auto* reader = static_cast<PipeReader*>(timer->data);
    uv::guarded("log pipe timer", [&] { reader->handle_timer(); });
}

void PipeReader::handle_poll(int status, int events) {
    if (status < 0) {
        spdlog::warn("polling the {} of {} ({}): {}", line_.stream, line_.name, line_.id,
                     uv_strerror(status));
        close();
        return;
    }
    peek_once(false);
}

void PipeReader::handle_timer() {
    if (stop_requested_) {
        unwatch_edges();
        peek_once(true);
    } else {
        resume();
    }
}

// One peek: cut, written (or queued), and its whole lines consumed once
// written. With final, the partial last line is written too (stop, EOF).
void PipeReader::peek_once(bool final) {
    if (host_ == nullptr) {
        close();
        return;
    }
    ScratchPipe::Peek peek = host_->scratch().peek(fd_, final ? window() : peek_len_);
    if (peek.error != 0 || peek.size == 0) {
        if (peek.error != 0) {
            spdlog::warn("reading the {} of {} ({}): {}", line_.stream, line_.name, line_.id,
                         std::strerror(peek.error));
        }
        if (peek.error != 0 || peek.eof || final) close();
        return;  // else woken with nothing there: keep polling
    }
    if (peek.size >= static_cast<std::size_t>(pipe_size_)) grow_pipe();
    if (!cut_peek(peek.size)) {
        spdlog::warn("reading the {} of {} ({}): the scratch pipe came up short", line_.stream,
                     line_.name, line_.id);
        cutter_.drop_partial();
        close();
        return;
    }
    // No writer left and nothing past this peek: its partial line is the last.
    final = final || (stop_requested_ && !quiesce_requested_) ||
            (!cutter_.partial().empty() && pipe_hung_up(fd_) && pipe_available(fd_) <= peek.size);
    Next next = decide(peek.size, final);
    if (host_) host_->reader_active();
    std::size_t written = peek.size - cutter_.partial().size();
    cutter_.drop_partial();  // still in the pipe: the next peek starts with it
    consume_when_written(written, next);
}

// What the peek's partial line becomes, and what the reader does next.
PipeReader::Next PipeReader::decide(std::size_t size, bool final) {
    if (final) {
        cutter_.finish(mode_, *this);
        return Next::kClose;
    }
    if (cutter_.partial().size() < size) {  // whole lines were found
        last_partial_ = 0;
        recheck_ms_ = kRecheckMs;
        peek_len_ = kReadSize;
        return Next::kPoll;
    }
    return after_partial(size);
}

// The peek held no newline: wait for the line's end, unless the app cannot
// write it. A pipe is full once every page slot holds data, and write()
// fills pages at least half (a write merges into the last page when it
// fits), so a line that stays unchanged over half the pipe is one the app
// is blocked on: it is split, as a line over LineCutter's limit would be.
PipeReader::Next PipeReader::after_partial(std::size_t size) {
    if (size == peek_len_ && peek_len_ < window()) {
        peek_len_ = window();  // the line may end past this peek: look at all of it
        return Next::kPoll;
    }
    bool stalled = size == last_partial_;
    recheck_ms_ = stalled ? std::min(2 * recheck_ms_, kMaxRecheckMs) : kRecheckMs;
    last_partial_ = size;
    if (!stalled || size < window() / 2) return Next::kRecheck;
    if (!grow_tried_) {
        grow_pipe();  // room for the app to finish the line
        return Next::kRecheck;
    }
    cutter_.split_off(mode_, *this);
    last_partial_ = 0;
    return Next::kPoll;
}

// The most one peek of this pipe can see.
std::size_t PipeReader::window() const {
    std::size_t size = static_cast<std::size_t>(pipe_size_);
    return host_ != nullptr ? std::min(size, host_->scratch().capacity()) : size;
}

// The pipe was found full: the app writes faster than a small pipe carries.
// The kernel may refuse (quota), which is fine; we ask only once.
void PipeReader::grow_pipe() {
    if (grow_tried_) return;
    grow_tried_ = true;
    (void)::fcntl(fd_, F_SETPIPE_SZ, kPipeSize);
    int size = ::fcntl(fd_, F_GETPIPE_SZ);
    if (size > 0) pipe_size_ = size;
}

}  // namespace tend
