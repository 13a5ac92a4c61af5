// How a PipeReader turns a peek into lines: the copy is read out of the
// scratch pipe into the sink's shared buffer, 256 KiB at a time, and cut;
// the lines go to the log file and, one by one, to subscribers.
#include "daemon/logs/pipe_reader.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>

namespace tend {

namespace {

// Milliseconds since the epoch, wall clock.
std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

void PipeReader::trim() {
    cutter_.shrink();
    if (line_.line.capacity() > 256) std::string().swap(line_.line);
}

// Reads the peek out of the scratch pipe and cuts it. Subscribers run here.
bool PipeReader::cut_peek(std::size_t size) {
    ReaderHost& host = *host_;
    ScratchPipe& scratch = host.scratch();
    host.cutting = cutting_ = true;
    bool ok = true;
    for (std::size_t left = size; left > 0;) {
        uv_buf_t buf = next_read_buffer();
        ssize_t n = scratch.read(buf.base, std::min<std::size_t>(left, buf.len));
        if (n <= 0) {
            ok = false;
            scratch.discard();
            break;
        }
        left -= static_cast<std::size_t>(n);
        cut(std::string_view(buf.base, static_cast<std::size_t>(n)));
    }
    host.cutting = cutting_ = false;
    return ok;
}

// Where the next read of the peek lands. In bulk mode a short partial line
// is copied in front of it, so the lines it completes need no other copy
// before the file. The mode and partial still hold when cut() runs.
uv_buf_t PipeReader::next_read_buffer() {
    char* base = host_->read_buffer();
    mode_ = begin_batch();
    std::string_view partial = cutter_.partial();
    joined_ = mode_ == CutMode::kBulk && partial.size() <= kJoinRoom;
    std::size_t front = joined_ ? partial.size() : 0;
    if (front > 0) std::memcpy(base, partial.data(), front);
    return uv_buf_init(base + front, static_cast<unsigned>(kReadSize));
}

void PipeReader::cut(std::string_view chunk) {
    if (!joined_) {
        cutter_.feed(chunk, mode_, *this);
        return;
    }
    std::size_t front = cutter_.partial().size();
    std::string_view joined(chunk.data() - front, front + chunk.size());
    std::size_t whole = cutter_.feed_joined(joined, *this);
    if (whole > 0) {
        file_->write(joined.substr(0, whole));
        count_written(joined.substr(0, whole), "");
    }
}

// Decides how the next chunk is cut: whole runs of lines when nobody needs
// them one by one, else line by line with this batch's time and prefix.
CutMode PipeReader::begin_batch() {
    publish_ = host_ != nullptr && host_->has_subscribers();
    if (!publish_ && !format_) return CutMode::kBulk;
    std::int64_t ms = now_ms();
    line_.time = ms;
    prefix_ = format_ ? format_->prefix(ms) : std::string_view();
    return CutMode::kLines;
}

void PipeReader::on_lines(std::string_view head, std::string_view tail) {
    file_->append(head, tail);
    count_written(head, tail);
}

// Whole lines, each ending in '\n': counting them is one vectorised pass
// over bytes that were just read, so in cache.
void PipeReader::count_written(std::string_view head, std::string_view tail) {
    if (host_ == nullptr) return;
    host_->written.bytes += head.size() + tail.size();
    host_->written.lines += static_cast<std::uint64_t>(std::count(head.begin(), head.end(), '\n') +
                                                       std::count(tail.begin(), tail.end(), '\n'));
}

void PipeReader::on_line(std::string_view line, bool split) {
    std::size_t bytes = prefix_.size();
    if (format_) {
        std::string_view body = format_->body(line), ending = format_->ending(split);
        file_->append(prefix_, body, ending);
        bytes += body.size() + ending.size();
    } else {
        std::string_view ending = split ? LineCutter::kSplitEnding : std::string_view("\n");
        file_->append(prefix_, line, ending);
        bytes += line.size() + ending.size();
    }
    if (host_ != nullptr) {
        host_->written.bytes += bytes;
        host_->written.lines += 1;
    }
    if (!publish_ || host_ == nullptr) return;
    line_.line.assign(line);
    if (split) line_.line.append(LineCutter::kSplitMarker);
    host_->publish(line_);
}

}  // namespace tend
