// A pipe reader: each read is cut into lines and handed to the log file in
// the same callback, using the sink's shared read buffer, then the file is
// flushed and, when congested, the pipe is paused until it drains.
#include "daemon/logs/pipe_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>

#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "daemon/uv/guard.h"
#include "daemon/uv/handle.h"

namespace tend {

namespace {

PipeReader* reader_of(uv_handle_t* handle) {
    return static_cast<PipeReader*>(handle->data);
}

// Milliseconds since the epoch, wall clock.
std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

PipeReader* PipeReader::start(uv_loop_t* loop, int fd, const LogSource& source, StreamKind kind,
                              std::shared_ptr<LogFile> file, bool timestamp, ReaderHost& host) {
    auto* reader = new PipeReader(source, kind, std::move(file), timestamp, host);
    int size = ::fcntl(fd, F_GETPIPE_SZ);  // fails for what is not a pipe: never grown
    if (size > 0) reader->pipe_size_ = size;
    if (int rc = uv_pipe_init(loop, &reader->pipe_, 0); rc != 0) {
        ::close(fd);
        delete reader;  // its pipe was never initialised
        throw TendError(ErrorCode::kInternal,
                        "cannot read the output of '" + source.name + "': " + uv_strerror(rc));
    }
    reader->pipe_.data = reader;
    int rc = uv_pipe_open(&reader->pipe_, fd);
    if (rc < 0) ::close(fd);  // once opened, uv_close() closes it
    if (rc == 0)
        rc = uv_read_start(reinterpret_cast<uv_stream_t*>(&reader->pipe_), on_alloc, on_read);
    if (rc < 0) {
        reader->closing_ = true;
        uv::close_and_delete(reader, &reader->pipe_);  // not registered with the host yet
        throw TendError(ErrorCode::kInternal,
                        "cannot read the output of '" + source.name + "': " + uv_strerror(rc));
    }
    return reader;
}

PipeReader::PipeReader(const LogSource& source, StreamKind kind, std::shared_ptr<LogFile> file,
                       bool timestamp, ReaderHost& host)
    : host_(&host), file_(std::move(file)), timestamp_(timestamp) {
    line_.id = source.id;
    line_.name = source.name;
    line_.instance = source.instance;
    line_.stream = kind == StreamKind::kOut ? "out" : "err";
}

void PipeReader::stop() {
    if (closing_) return;
    if (consuming_) {
        stop_requested_ = true;
        return;
    }
    closing_ = true;
    finish();
    if (paused_) file_->cancel_wait(this);
    if (host_ != nullptr) host_->reader_closed(this);
    host_ = nullptr;
    uv::close_and_delete(this, &pipe_);
}

void PipeReader::trim() {
    cutter_.shrink();
    if (line_.line.capacity() > 256) std::string().swap(line_.line);
}

void PipeReader::on_alloc(uv_handle_t* handle, std::size_t, uv_buf_t* buf) {
    PipeReader* reader = reader_of(handle);
    *buf = reader->host_ != nullptr ? reader->next_read_buffer() : uv_buf_init(nullptr, 0);
}

// Where the next read lands. In bulk mode a short partial line is copied in
// front of it, so the lines it completes need no other copy before the file.
// libuv calls on_read right after this, so the mode and partial still hold.
uv_buf_t PipeReader::next_read_buffer() {
    char* base = host_->read_buffer();
    mode_ = begin_batch();
    std::string_view partial = cutter_.partial();
    joined_ = mode_ == CutMode::kBulk && partial.size() <= kJoinRoom;
    std::size_t front = joined_ ? partial.size() : 0;
    if (front > 0) std::memcpy(base, partial.data(), front);
    return uv_buf_init(base + front, static_cast<unsigned>(kReadSize));
}

void PipeReader::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    PipeReader* reader = reader_of(reinterpret_cast<uv_handle_t*>(stream));
    uv::guarded("log pipe", [&] { reader->handle_read(nread, buf); });
}

void PipeReader::handle_read(ssize_t nread, const uv_buf_t* buf) {
    if (nread > 0) {
        consume(std::string_view(buf->base, static_cast<std::size_t>(nread)));
    } else if (nread < 0) {
        if (nread != UV_EOF) {
            spdlog::warn("reading the {} of {} ({}): {}", line_.stream, line_.name, line_.id,
                         uv_strerror(static_cast<int>(nread)));
        }
        stop();
    }
}

void PipeReader::consume(std::string_view chunk) {
    if (chunk.size() >= static_cast<std::size_t>(pipe_size_)) grow_pipe();
    consuming_ = true;
    cut(chunk);
    file_->flush();
    consuming_ = false;
    if (stop_requested_) {
        stop();
        return;
    }
    if (file_->congested()) {
        // The app's next write() blocks on the full pipe until the file drains.
        uv_read_stop(reinterpret_cast<uv_stream_t*>(&pipe_));
        paused_ = true;
        file_->wait_for_drain(this);
    }
}

void PipeReader::cut(std::string_view chunk) {
    if (!joined_) {
        cutter_.feed(chunk, mode_, *this);
        return;
    }
    std::size_t front = cutter_.partial().size();
    std::string_view joined(chunk.data() - front, front + chunk.size());
    std::size_t whole = cutter_.feed_joined(joined, *this);
    if (whole > 0) file_->write(joined.substr(0, whole));
}

// The read emptied a full pipe: the app writes faster than a small pipe
// carries. The kernel may refuse (quota), which is fine; we ask only once.
void PipeReader::grow_pipe() {
    uv_os_fd_t fd = -1;
    if (pipe_size_ < kPipeSize && uv_fileno(reinterpret_cast<uv_handle_t*>(&pipe_), &fd) == 0) {
        (void)::fcntl(fd, F_SETPIPE_SZ, kPipeSize);
    }
    pipe_size_ = kPipeSize;
}

void PipeReader::finish() {
    cutter_.finish(begin_batch(), *this);
    file_->flush();
}

// Decides how the next chunk is cut: whole runs of lines when nobody needs
// them one by one, else line by line with this batch's time and prefix.
CutMode PipeReader::begin_batch() {
    publish_ = host_ != nullptr && host_->has_subscribers();
    if (!publish_ && !timestamp_) return CutMode::kBulk;
    std::int64_t ms = now_ms();
    line_.time = ms;
    if (timestamp_ && host_ != nullptr) {
        prefix_ = host_->timestamp_prefix(static_cast<std::time_t>(ms / 1000));
    } else {
        prefix_ = {};
    }
    return CutMode::kLines;
}

void PipeReader::on_lines(std::string_view head, std::string_view tail) {
    file_->append(head, tail);
}

void PipeReader::on_line(std::string_view line, bool split) {
    file_->append(prefix_, line, split ? LineCutter::kSplitEnding : std::string_view("\n"));
    if (!publish_ || host_ == nullptr) return;
    line_.line.assign(line);
    if (split) line_.line.append(LineCutter::kSplitMarker);
    host_->publish(line_);
}

void PipeReader::on_drained() {
    paused_ = false;
    if (closing_) return;
    uv_read_start(reinterpret_cast<uv_stream_t*>(&pipe_), on_alloc, on_read);
}

}  // namespace tend
