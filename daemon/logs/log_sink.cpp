// The log sink: a registry of open log files (shared by path, so merged logs
// have one writer), the pipe readers feeding them with the scratch pipe they
// peek through, the live subscribers, a timer that gives idle buffers'
// memory back, and the hand-over (quiesce).
#include "daemon/logs/log_sink.h"

#include <malloc.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include "common/errors.h"
#include "daemon/logs/log_archiver.h"
#include "daemon/logs/log_archives.h"
#include "daemon/logs/log_file.h"
#include "daemon/logs/pipe_reader.h"
#include "daemon/uv/guard.h"
#include "daemon/uv/handle.h"

namespace tend {

namespace {

// Idle files and readers give their buffers back after one to two periods.
constexpr std::uint64_t kTrimPeriodMs = 2000;
// Periods without a read after which every buffer is back and the timer
// stops: an idle daemon is not woken to look at thousands of idle files.
constexpr int kQuietTrims = 2;
// Freeing this much at once is worth asking malloc to return it to the kernel.
constexpr std::size_t kMallocTrimThreshold = std::size_t{1} << 20;

std::string registry_key(const std::string& path) {
    return std::filesystem::path(path).lexically_normal().string();
}

// validate() refuses a bad date format before a spec gets here; one that
// comes anyway fails the start with a clear error, not the daemon.
std::unique_ptr<LineFormatter> make_formatter(const LogFormat& format, const LogSource& source,
                                              StreamKind kind) {
    LineOrigin origin{source.name, source.id, source.instance,
                      kind == StreamKind::kOut ? "out" : "err"};
    try {
        return std::make_unique<LineFormatter>(format, origin);
    } catch (const std::invalid_argument& e) {
        throw TendError(ErrorCode::kBadRequest,
                        "log_date_format of '" + source.name + "': " + e.what());
    }
}

}  // namespace

struct LogSink::Impl final : ReaderHost, WriteWaiter {
    struct SubscriberEntry {
        SubscriberId id;
        // Behind a pointer: a subscriber may subscribe another while it runs.
        std::unique_ptr<Subscriber> fn;
    };

    Impl(uv_loop_t* l, std::string h)
        : loop(l), home(std::move(h)), read_buffer_memory(new char[PipeReader::kBufferSize]) {}

    ~Impl() {
        // The handles outlive us until the loop runs their close callbacks.
        for (PipeReader* reader : readers) reader->forget_host();
        for_each_file([this](LogFile& file) { file.cancel_write_wait(this); });
        close_trim_timer();
    }

    // The trim timer runs from a reader's start or read until kQuietTrims
    // periods pass without one; unreferenced, so it never keeps the loop
    // alive, but closed by close_all() so the loop can close. A file still
    // writing when it stops keeps its buffer until the next read.
    void ensure_trim_timer() {
        if (!trim_timer && trim_timer.make(uv_timer_init, loop, this) != 0) return;
        quiet_trims = 0;
        if (uv_is_active(trim_timer.base())) return;
        uv_timer_start(trim_timer.get(), on_trim_timer, kTrimPeriodMs, kTrimPeriodMs);
        uv_unref(trim_timer.base());
    }

    void reader_active() override { ensure_trim_timer(); }

    void close_trim_timer() { trim_timer.close(); }

    char* read_buffer() override { return read_buffer_memory.get(); }

    // Made with the first reader: a sink that reads nothing holds no pipe.
    void prepare_readers() {
        if (!scratch_pipe) scratch_pipe = std::make_unique<ScratchPipe>(PipeReader::kPipeSize);
        if (!edge_watch) edge_watch = std::make_unique<EdgeWatch>(loop);
    }
    ScratchPipe& scratch() override { return *scratch_pipe; }
    EdgeWatch& edges() override { return *edge_watch; }

    bool has_subscribers() const override { return !subscribers.empty(); }

    void publish(const LogLine& line) override {
        ++publishing;
        // Entries added meanwhile see the next line; removed ones are only
        // marked (fn reset) until the outermost publish is done.
        std::size_t count = subscribers.size();
        PublishedLine published(line);
        for (std::size_t i = 0; i < count; ++i) {
            if (subscribers[i].fn && *subscribers[i].fn) (*subscribers[i].fn)(published);
        }
        if (--publishing == 0 && has_removed) compact_subscribers();
    }

    void reader_closed(PipeReader* reader) override {
        readers.erase(reader);
        check_quiesced();
    }

    // Once the last reader is closed, waits for each file's queued bytes;
    // then runs quiesce_done.
    void check_quiesced() {
        if (!quiesce_done || waiting_files || !readers.empty()) return;
        waiting_files = true;
        for_each_file([this](LogFile& file) {
            if (!file.written(file.write_mark())) {
                file.wait_for_write(this, file.write_mark());
                ++files_writing;
            }
        });
        if (files_writing == 0) finish_quiesce();
    }

    void on_written() override {
        if (--files_writing == 0) finish_quiesce();
    }

    void finish_quiesce() {
        auto done = std::move(quiesce_done);
        quiesce_done = nullptr;
        waiting_files = false;
        if (done) done();
    }

    void unsubscribe(SubscriberId id) {
        for (auto& entry : subscribers) {
            if (entry.id != id || !entry.fn) continue;
            if (publishing > 0) {
                // The callback may be running right now: destroy it later.
                removed.push_back(std::move(entry.fn));
                has_removed = true;
            } else {
                entry.fn.reset();
                compact_subscribers();
            }
            return;
        }
    }

    void compact_subscribers() {
        std::erase_if(subscribers, [](const SubscriberEntry& e) { return !e.fn; });
        removed.clear();
        has_removed = false;
    }

    // Made with the first file that compresses its archives.
    std::shared_ptr<LogArchiver> archiver_for(const RotationPolicy& rotation) {
        if (!rotation.compress) return nullptr;
        if (!archiver) archiver = std::make_shared<LogArchiver>();
        return archiver;
    }

    std::shared_ptr<LogFile> find(const std::string& path) const {
        auto it = files.find(registry_key(path));
        return it == files.end() ? nullptr : it->second.lock();
    }

    template <typename F>
    void for_each_file(F&& f) {
        for (auto& [path, weak] : files) {
            if (auto file = weak.lock()) f(*file);
        }
    }

    static void on_trim_timer(uv_timer_t* timer) {
        uv::guarded("log trim timer", [timer] { static_cast<Impl*>(timer->data)->trim(); });
    }

    // Memory idle files and readers hold goes back, and files nobody uses close.
    void trim() {
        std::size_t freed = 0;
        for_each_file([&](LogFile& file) { freed += file.release_if_idle(); });
        std::erase_if(files, [](const auto& entry) { return entry.second.expired(); });
        for (PipeReader* reader : readers) reader->trim();
        if (freed >= kMallocTrimThreshold) malloc_trim(0);
        if (++quiet_trims >= kQuietTrims) uv_timer_stop(trim_timer.get());
    }

    // Whether the trim timer is running (tests).
    bool trimming() const { return trim_timer && uv_is_active(trim_timer.base()); }

    uv_loop_t* loop;
    std::string home;
    std::unique_ptr<char[]> read_buffer_memory;
    std::unique_ptr<ScratchPipe> scratch_pipe;  // both from the first attach()
    std::unique_ptr<EdgeWatch> edge_watch;
    std::shared_ptr<LogArchiver> archiver;  // shared with the files that compress
    std::function<void()> quiesce_done;     // set from quiesce() until it runs
    bool waiting_files = false;             // every reader closed: waiting for the files
    int files_writing = 0;                  // files quiesce still waits for
    uv::Handle<uv_timer_t> trim_timer;      // while readers may exist
    int quiet_trims = 0;                    // trims since a reader last read
    std::unordered_map<std::string, std::weak_ptr<LogFile>> files;
    std::unordered_set<PipeReader*> readers;
    std::vector<SubscriberEntry> subscribers;
    std::vector<std::unique_ptr<Subscriber>> removed;
    SubscriberId next_subscriber = 1;
    int publishing = 0;
    bool has_removed = false;
};

LogSink::LogSink(uv_loop_t* loop, std::string home)
    : impl_(std::make_unique<Impl>(loop, std::move(home))) {}

LogSink::~LogSink() {
    // Whoever subscribed may already be gone: the last partial lines only go
    // to the files.
    impl_->subscribers.clear();
    close_all();
}

std::shared_ptr<LogFile> LogSink::open(const std::string& path, const RotationPolicy& rotation) {
    std::string key = registry_key(path);
    auto& slot = impl_->files[key];
    if (auto file = slot.lock()) {
        file->set_rotation(rotation, impl_->archiver_for(rotation));
        return file;
    }
    try {
        auto file = LogFile::open(impl_->loop, path, impl_->home);
        file->set_rotation(rotation, impl_->archiver_for(rotation));
        slot = file;
        return file;
    } catch (...) {
        impl_->files.erase(key);
        throw;
    }
}

void LogSink::attach(int read_fd, const LogSource& source, StreamKind kind,
                     std::shared_ptr<LogFile> file, bool timestamp) {
    LogFormat format;
    if (timestamp) format.date_format = kTimeFlagFormat;
    attach(read_fd, source, kind, std::move(file), format);
}

void LogSink::attach(int read_fd, const LogSource& source, StreamKind kind,
                     std::shared_ptr<LogFile> file, const LogFormat& format) {
    if (!file) {
        ::close(read_fd);
        throw TendError(ErrorCode::kInternal,
                        "no log file for the output of '" + source.name + "'");
    }
    std::unique_ptr<LineFormatter> formatter;
    try {
        impl_->prepare_readers();
        if (!format.plain()) formatter = make_formatter(format, source, kind);
    } catch (...) {
        ::close(read_fd);
        throw;
    }
    PipeReader* reader = PipeReader::start(impl_->loop, read_fd, source, kind, std::move(file),
                                           std::move(formatter), *impl_);
    impl_->readers.insert(reader);
    impl_->ensure_trim_timer();
}

LogSink::SubscriberId LogSink::subscribe(Subscriber subscriber) {
    SubscriberId id = impl_->next_subscriber++;
    impl_->subscribers.push_back({id, std::make_unique<Subscriber>(std::move(subscriber))});
    return id;
}

void LogSink::unsubscribe(SubscriberId id) {
    impl_->unsubscribe(id);
}

std::vector<TailLine> LogSink::scan(const std::string& path, const TailQuery& query,
                                    std::size_t& budget) {
    LiveLog live;
    if (auto file = impl_->find(path)) {
        LogFile::Queued queued = file->queued();
        live.disk_end = queued.disk_end;
        live.in_flight = queued.in_flight;
        live.pending = queued.pending;
        live.marks = &file->marks();
        live.logical_end = file->write_mark();
    }
    return scan_tail(path, live, query, budget);
}

std::vector<std::string> LogSink::tail(const std::string& path, int n, std::size_t read_cap) {
    TailQuery query;
    query.lines = static_cast<std::size_t>(std::max(n, 0));
    std::vector<std::string> lines;
    for (TailLine& line : scan(path, query, read_cap)) lines.push_back(std::move(line.text));
    return lines;
}

bool LogSink::full(const std::string& path) const {
    auto file = impl_->find(path);
    return file && file->full();
}

void LogSink::truncate(const std::string& path) {
    if (auto file = impl_->find(path)) {
        file->truncate();
        return;
    }
    if (::truncate(path.c_str(), 0) != 0 && errno != ENOENT) {
        throw TendError(ErrorCode::kBadRequest,
                        "cannot truncate log file '" + path + "': " + std::strerror(errno));
    }
}

std::size_t LogSink::reopen_all() {
    std::size_t count = 0;
    impl_->for_each_file([&count](LogFile& file) {
        file.reopen();
        ++count;
    });
    return count;
}

void LogSink::set_rotation(const std::string& path, const RotationPolicy& rotation) {
    if (auto file = impl_->find(path)) file->set_rotation(rotation, impl_->archiver_for(rotation));
}

void LogSink::remove_archives(const std::string& path) {
    truncate(path);
    prune_archives(path, 0);
}

bool LogSink::archiver_idle() const {
    return !impl_->archiver || impl_->archiver->idle();
}

void LogSink::close_all() {
    // stop() may not remove the reader at once (it does in its close callback),
    // but iterate over a copy anyway.
    std::vector<PipeReader*> readers(impl_->readers.begin(), impl_->readers.end());
    for (PipeReader* reader : readers) reader->stop();
    impl_->close_trim_timer();
    impl_->for_each_file([](LogFile& file) { file.abandon_after(); });
}

void LogSink::quiesce(std::function<void()> done) {
    impl_->quiesce_done = done ? std::move(done) : [] {};
    std::vector<PipeReader*> readers(impl_->readers.begin(), impl_->readers.end());
    for (PipeReader* reader : readers) reader->quiesce();
    impl_->close_trim_timer();
    impl_->check_quiesced();
}

std::size_t LogSink::queued_bytes() const {
    std::size_t total = 0;
    impl_->for_each_file([&](LogFile& file) { total += file.queued_bytes(); });
    return total;
}

LogCounters LogSink::written() const {
    return impl_->written;
}

bool LogSink::trimming() const {
    return impl_->trimming();
}

}  // namespace tend
