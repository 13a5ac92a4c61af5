// What a PipeReader waits for between peeks: the file's write of its lines
// (then it consumes them from the pipe), the app's next write when only a
// partial line is there (an edge, or the re-check timer), a congested file
// to drain; and how it closes.
#include "daemon/logs/pipe_reader.h"

#include <unistd.h>

#include <cstring>

#include <spdlog/spdlog.h>

#include "daemon/uv/handle.h"

namespace tend {

// On the threadpool (a slow disk, a FIFO) lines are only in memory until the
// write completes: the pipe keeps them meanwhile, and is not polled.
void PipeReader::consume_when_written(std::size_t bytes, Next next) {
    to_consume_ = bytes;
    next_ = next;
    file_->flush();
    if (bytes == 0 || file_->written(file_->write_mark())) {
        settle();
        return;
    }
    uv_poll_stop(&poll_);
    polling_ = false;
    waiting_write_ = true;
    file_->wait_for_write(this, file_->write_mark());
}

// The peek's lines are written: take their bytes out of the pipe. A kill -9
// before this line only makes the next daemon write them again.
void PipeReader::settle() {
    if (to_consume_ > 0) {
        int error = host_ != nullptr ? host_->scratch().consume(fd_, to_consume_)
                                     : ScratchPipe::consume_pipe(fd_, to_consume_, -1);
        to_consume_ = 0;
        if (error != 0) {
            spdlog::warn("consuming the {} of {} ({}): {}", line_.stream, line_.name, line_.id,
                         std::strerror(error));
            close();
            return;
        }
    }
    if (quiesce_requested_) {
        close();
    } else if (stop_requested_ && next_ != Next::kClose) {
        peek_once(true);
    } else {
        go_on(next_);
    }
}

void PipeReader::go_on(Next next) {
    if (next == Next::kClose) {
        close();
    } else if (next == Next::kRecheck) {
        wait_for_edge();
    } else if (file_->congested()) {
        // The app's next write() blocks on the full pipe until the file drains.
        uv_poll_stop(&poll_);
        polling_ = false;
        paused_ = true;
        file_->wait_for_drain(this);
    } else {
        start_polling();
    }
}

void PipeReader::start_polling() {
    if (polling_ || closing_) return;
    if (int rc = uv_poll_start(&poll_, UV_READABLE, on_poll); rc != 0) {
        spdlog::warn("polling the {} of {} ({}): {}", line_.stream, line_.name, line_.id,
                     uv_strerror(rc));
        close();
        return;
    }
    polling_ = true;
}

// Only a partial line is in the pipe: wait for the app's next write (an
// edge), or the re-check timer, whichever comes first.
void PipeReader::wait_for_edge() {
    uv_poll_stop(&poll_);
    polling_ = false;
    waited_at_ = pipe_available(fd_);
    if (!edge_watched_ && host_ != nullptr) edge_watched_ = host_->edges().add(fd_, this) == 0;
    uv_timer_start(&timer_, on_timer, recheck_ms_, 0);
}

void PipeReader::resume() {
    unwatch_edges();
    uv_timer_stop(&timer_);
    start_polling();
}

void PipeReader::unwatch_edges() {
    if (edge_watched_ && host_ != nullptr) host_->edges().remove(fd_);
    edge_watched_ = false;
}

// Adding the watch reports once at once (the partial line makes the pipe
// readable): only a change is worth a peek.
void PipeReader::on_edge() {
    if (closing_ || !edge_watched_) return;
    if (pipe_available(fd_) == waited_at_ && !pipe_hung_up(fd_)) return;
    resume();
}

void PipeReader::close() {
    if (closing_) return;
    closing_ = true;
    if (paused_) file_->cancel_wait(this);
    if (waiting_write_) file_->cancel_write_wait(this);
    paused_ = waiting_write_ = false;
    uv_poll_stop(&poll_);  // libuv forgets the fd here, so it can be closed now
    uv_timer_stop(&timer_);
    unwatch_edges();
    ::close(fd_);
    fd_ = -1;
    if (host_ != nullptr) host_->reader_closed(this);
    host_ = nullptr;
    uv::close_and_delete(this, &poll_, &timer_);
}

void PipeReader::on_drained() {
    paused_ = false;
    if (closing_) return;
    if (stop_requested_) {
        peek_once(true);
    } else {
        start_polling();
    }
}

void PipeReader::on_written() {
    waiting_write_ = false;
    if (!closing_) settle();
}

}  // namespace tend
