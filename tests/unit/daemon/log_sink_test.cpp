// The log sink with a real loop, real pipes and real files: lines arrive whole
// and in order, merged files never tear, tail sees queued lines, subscribers
// see every line, and every test leaves a loop that closes cleanly.
#include "daemon/log_sink.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "daemon/log_file.h"
#include "daemon/log_timestamp.h"
#include "daemon/pipe_reader.h"

using namespace tend;

namespace {

struct TempDir {
    std::string path;
    TempDir() {
        char pattern[] = "/tmp/tend-log-test-XXXXXX";
        path = ::mkdtemp(pattern);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string file(const std::string& name) const { return path + "/" + name; }
};

// A loop that every test closes; close() fails the test if a handle is left.
struct Loop {
    uv_loop_t loop{};
    bool closed = false;
    Loop() { uv_loop_init(&loop); }
    ~Loop() {
        if (!closed) close();
    }
    uv_loop_t* get() { return &loop; }
    int close() {
        uv_run(&loop, UV_RUN_DEFAULT);
        closed = true;
        return uv_loop_close(&loop);
    }
};

struct Pipe {
    int read_fd = -1;
    int write_fd = -1;
    Pipe() {
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        read_fd = fds[0];
        write_fd = fds[1];
    }
    // The read end goes to the sink, which owns it from then on.
    int take_read() { return std::exchange(read_fd, -1); }
    void close_write() {
        if (write_fd >= 0) ::close(std::exchange(write_fd, -1));
    }
    ~Pipe() {
        close_write();
        if (read_fd >= 0) ::close(read_fd);
    }
};

void write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// Runs the loop until pred() holds; false after the timeout.
template <typename Pred>
bool run_until(uv_loop_t* loop, Pred pred, int timeout_ms = 20000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!pred()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        uv_run(loop, UV_RUN_NOWAIT);
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return true;
}

// "<tag> <seq> <padding of seq % 60 dots>|\n", so a torn line cannot pass.
std::string make_lines(const std::string& tag, int count) {
    std::string text;
    for (int seq = 0; seq < count; ++seq) {
        text += tag + " " + std::to_string(seq) + " " + std::string(seq % 60, '.') + "|\n";
    }
    return text;
}

// How a forked writer writes: writes of random sizes up to max_write bytes
// (cutting lines anywhere); with pace it naps now and then, and with a start
// pipe it waits for that pipe's EOF, so that two writers overlap in time even
// on a busy machine.
struct WriterOptions {
    std::size_t max_write = 8192;
    bool pace = false;
    Pipe* start = nullptr;
};

// Forks a child that writes text to fd and exits. Closes nothing in the parent.
pid_t fork_writer(int fd, const std::string& text, unsigned seed, WriterOptions options = {}) {
    pid_t pid = ::fork();
    if (pid == 0) {
        if (options.start != nullptr) {
            ::close(options.start->write_fd);
            char c;
            while (::read(options.start->read_fd, &c, 1) > 0) {
            }
        }
        std::mt19937 rng(seed);
        std::string_view rest = text;
        for (int writes = 1; !rest.empty(); ++writes) {
            std::size_t len = std::min<std::size_t>(rest.size(), 1 + rng() % options.max_write);
            write_all(fd, rest.substr(0, len));
            rest.remove_prefix(len);
            if (options.pace && writes % 8 == 0) ::usleep(100);
        }
        ::_exit(0);
    }
    return pid;
}

int wait_exit(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Occupies every threadpool thread until release(), so file writes stay
// queued in memory. The loop must run after release() to finish the work.
class ThreadpoolBlocker {
  public:
    explicit ThreadpoolBlocker(uv_loop_t* loop) {
        const char* size = std::getenv("UV_THREADPOOL_SIZE");
        threads_ = size != nullptr ? std::clamp(std::atoi(size), 1, 1024) : 4;
        reqs_.resize(static_cast<std::size_t>(threads_));
        uv_sem_init(&started_, 0);
        uv_sem_init(&release_, 0);
        for (auto& req : reqs_) {
            req.data = this;
            uv_queue_work(loop, &req, work, [](uv_work_t*, int) {});
        }
        for (int i = 0; i < threads_; ++i) uv_sem_wait(&started_);
    }
    ~ThreadpoolBlocker() {
        release();
        uv_sem_destroy(&started_);
        uv_sem_destroy(&release_);
    }
    void release() {
        if (released_) return;
        released_ = true;
        for (int i = 0; i < threads_; ++i) uv_sem_post(&release_);
    }

  private:
    static void work(uv_work_t* req) {
        auto* self = static_cast<ThreadpoolBlocker*>(req->data);
        uv_sem_post(&self->started_);
        uv_sem_wait(&self->release_);
    }
    int threads_;
    bool released_ = false;
    std::vector<uv_work_t> reqs_;
    uv_sem_t started_;
    uv_sem_t release_;
};

const LogSource kApi{3, "api", 1};

}  // namespace

TEST_CASE("log sink: lines written by a child arrive complete and in order in the file") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("logs/api-out-3.log");  // the directory is created
    std::string text = make_lines("a", 200000);
    {
        LogSink sink(loop.get());
        Pipe pipe;
        sink.attach(pipe.take_read(), kApi, StreamKind::kOut, sink.open(path), false);
        pid_t child = fork_writer(pipe.write_fd, text, 1);
        pipe.close_write();
        uv_run(loop.get(), UV_RUN_DEFAULT);
        CHECK(wait_exit(child) == 0);
        CHECK(sink.queued_bytes() == 0);
    }
    CHECK(read_file(path) == text);
    CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::all) ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
           std::filesystem::perms::group_read));
    CHECK(loop.close() == 0);
}

// What a merged file holds, writer by writer: how many whole lines in order,
// how many torn or out of order, and how often the writer changed.
struct MergedCheck {
    std::map<std::string, int> next{{"w0", 0}, {"w1", 0}};
    int bad = 0;
    int switches = 0;
};

MergedCheck check_merged(const std::string& path) {
    MergedCheck result;
    std::string previous;
    for (const auto& line : split_lines(read_file(path))) {
        std::istringstream in(line);
        std::string tag;
        int seq = -1;
        in >> tag >> seq;
        std::string expected = tag + " " + std::to_string(seq) + " " +
                               std::string(static_cast<std::size_t>(seq % 60), '.') + "|";
        if (!result.next.count(tag) || line != expected || seq != result.next[tag]) {
            if (++result.bad <= 3) FAIL_CHECK("torn or out of order: '" << line << "'");
            continue;
        }
        ++result.next[tag];
        if (tag != previous) ++result.switches;
        previous = tag;
    }
    return result;
}

TEST_CASE("log sink: two writers into one merged file never tear a line") {
    // Both pipes get pieces that end inside a line, and the loop reads both
    // between rounds: every read ends mid-line, and the two alternate.
    Loop loop;
    TempDir dir;
    std::string path = dir.file("api.log");
    const int count = 20000;
    {
        LogSink sink(loop.get());
        auto file = sink.open(path);
        CHECK(sink.open(dir.path + "/./api.log") == file);  // one writer per file
        Pipe first, second;
        sink.attach(first.take_read(), {1, "api", 0}, StreamKind::kOut, file, false);
        sink.attach(second.take_read(), {2, "api", 1}, StreamKind::kOut, file, false);
        std::string a = make_lines("w0", count), b = make_lines("w1", count);
        std::mt19937 rng(11);
        for (std::size_t pa = 0, pb = 0; pa < a.size() || pb < b.size();) {
            std::size_t la = std::min<std::size_t>(a.size() - pa, 1 + rng() % 4000);
            std::size_t lb = std::min<std::size_t>(b.size() - pb, 1 + rng() % 4000);
            write_all(first.write_fd, std::string_view(a).substr(pa, la));
            write_all(second.write_fd, std::string_view(b).substr(pb, lb));
            pa += la;
            pb += lb;
            uv_run(loop.get(), UV_RUN_NOWAIT);
        }
        first.close_write();
        second.close_write();
        file.reset();
        uv_run(loop.get(), UV_RUN_DEFAULT);
    }
    auto merged = check_merged(path);
    CHECK(merged.bad == 0);
    CHECK(merged.switches > 100);
    CHECK(merged.next["w0"] == count);
    CHECK(merged.next["w1"] == count);
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: two writer processes into one merged file lose nothing, each in order") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("api.log");
    const int count = 100000;
    {
        LogSink sink(loop.get());
        auto file = sink.open(path);
        Pipe first, second;
        sink.attach(first.take_read(), {1, "api", 0}, StreamKind::kOut, file, false);
        sink.attach(second.take_read(), {2, "api", 1}, StreamKind::kOut, file, false);
        Pipe start;
        pid_t a = fork_writer(first.write_fd, make_lines("w0", count), 7, {5000, true, &start});
        pid_t b = fork_writer(second.write_fd, make_lines("w1", count), 8, {3000, true, &start});
        start.close_write();  // both go
        first.close_write();
        second.close_write();
        file.reset();
        uv_run(loop.get(), UV_RUN_DEFAULT);
        CHECK(wait_exit(a) == 0);
        CHECK(wait_exit(b) == 0);
    }
    auto merged = check_merged(path);
    CHECK(merged.bad == 0);
    CHECK(merged.next["w0"] == count);
    CHECK(merged.next["w1"] == count);
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: a partial last line is written with a newline at EOF") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("out.log");
    {
        LogSink sink(loop.get());
        Pipe pipe;
        sink.attach(pipe.take_read(), kApi, StreamKind::kOut, sink.open(path), false);
        write_all(pipe.write_fd, "first\nsecond");
        pipe.close_write();
        uv_run(loop.get(), UV_RUN_DEFAULT);
    }
    CHECK(read_file(path) == "first\nsecond\n");
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: tail returns the last lines, including those not yet written") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("out.log");
    {
        std::ofstream(path) << "old1\nold2\nold3\n";
        LogSink sink(loop.get());
        CHECK(sink.tail(path, 2) == std::vector<std::string>{"old2", "old3"});
        CHECK(sink.tail(dir.file("missing.log"), 5).empty());
        ThreadpoolBlocker blocker(loop.get());
        Pipe pipe;
        sink.attach(pipe.take_read(), kApi, StreamKind::kOut, sink.open(path), false);
        write_all(pipe.write_fd, "new1\nnew2\n");
        REQUIRE(run_until(loop.get(), [&] { return sink.queued_bytes() == 10; }));
        write_all(pipe.write_fd, "new3\n");  // pending behind the write in flight
        REQUIRE(run_until(loop.get(), [&] { return sink.queued_bytes() == 15; }));
        CHECK(read_file(path) == "old1\nold2\nold3\n");  // nothing written yet
        CHECK(sink.tail(path, 4) == std::vector<std::string>{"old3", "new1", "new2", "new3"});
        CHECK(sink.tail(path, 1) == std::vector<std::string>{"new3"});
        CHECK(sink.tail(path, 100) ==
              std::vector<std::string>{"old1", "old2", "old3", "new1", "new2", "new3"});
        CHECK(sink.tail(path, 0).empty());
        blocker.release();
        pipe.close_write();
        uv_run(loop.get(), UV_RUN_DEFAULT);
        CHECK(read_file(path) == "old1\nold2\nold3\nnew1\nnew2\nnew3\n");
        CHECK(sink.tail(path, 4) == std::vector<std::string>{"old3", "new1", "new2", "new3"});
    }
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: tail reads far back through a big file") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("big.log");
    std::string text = make_lines("t", 50000);  // about 2.5 MB: many 64 KiB blocks
    std::ofstream(path) << text << "no newline at the end";
    {
        LogSink sink(loop.get());
        auto lines = sink.tail(path, 30001);
        REQUIRE(lines.size() == 30001);
        CHECK(lines.front() == "t 20000 " + std::string(20000 % 60, '.') + "|");
        CHECK(lines[29999] == "t 49999 " + std::string(49999 % 60, '.') + "|");
        CHECK(lines.back() == "no newline at the end");
    }
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: subscribers get each line with its source") {
    Loop loop;
    TempDir dir;
    std::vector<LogLine> seen;
    auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    {
        LogSink sink(loop.get());
        sink.subscribe([&](const LogLine& line) { seen.push_back(line); });
        Pipe out, err;
        sink.attach(out.take_read(), kApi, StreamKind::kOut, sink.open(dir.file("o.log")), false);
        sink.attach(err.take_read(), {4, "worker", 0}, StreamKind::kErr,
                    sink.open(dir.file("e.log")), false);
        write_all(out.write_fd, "hello\nwor");
        write_all(err.write_fd, "oops\n");
        write_all(out.write_fd, "ld\nbye");
        out.close_write();
        err.close_write();
        uv_run(loop.get(), UV_RUN_DEFAULT);
    }
    std::vector<std::string> out_lines, err_lines;
    for (const auto& line : seen) {
        CHECK(line.time >= before);
        if (line.stream == "out") {
            CHECK(line.id == 3);
            CHECK(line.name == "api");
            CHECK(line.instance == 1);
            out_lines.push_back(line.line);
        } else {
            CHECK(line.stream == "err");
            CHECK(line.id == 4);
            CHECK(line.name == "worker");
            CHECK(line.instance == 0);
            err_lines.push_back(line.line);
        }
    }
    CHECK(out_lines == std::vector<std::string>{"hello", "world", "bye"});
    CHECK(err_lines == std::vector<std::string>{"oops"});
    CHECK(read_file(dir.file("o.log")) == "hello\nworld\nbye\n");
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: unsubscribing from inside a callback is safe") {
    Loop loop;
    TempDir dir;
    int once_calls = 0, all_calls = 0, late_calls = 0;
    {
        LogSink sink(loop.get());
        LogSink::SubscriberId once = 0;
        once = sink.subscribe([&](const LogLine&) {
            ++once_calls;
            sink.unsubscribe(once);
            // A subscriber added from a callback sees the lines after this one.
            if (once_calls == 1) sink.subscribe([&](const LogLine&) { ++late_calls; });
        });
        sink.subscribe([&](const LogLine&) { ++all_calls; });
        Pipe pipe;
        sink.attach(pipe.take_read(), kApi, StreamKind::kOut, sink.open(dir.file("o.log")), false);
        write_all(pipe.write_fd, "1\n2\n3\n");
        pipe.close_write();
        uv_run(loop.get(), UV_RUN_DEFAULT);
    }
    CHECK(once_calls == 1);
    CHECK(all_calls == 3);
    CHECK(late_calls == 2);
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: timestamped lines have the prefix in the file, not in events") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("ts.log");
    std::vector<std::string> events;
    {
        LogSink sink(loop.get());
        sink.subscribe([&](const LogLine& line) { events.push_back(line.line); });
        Pipe pipe;
        sink.attach(pipe.take_read(), kApi, StreamKind::kOut, sink.open(path), true);
        write_all(pipe.write_fd, "hello\nworld\n");
        pipe.close_write();
        uv_run(loop.get(), UV_RUN_DEFAULT);
    }
    auto lines = split_lines(read_file(path));
    REQUIRE(lines.size() == 2);
    std::regex stamped(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d: (hello|world))");
    CHECK(std::regex_match(lines[0], stamped));
    CHECK(std::regex_match(lines[1], stamped));
    CHECK(events == std::vector<std::string>{"hello", "world"});
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: the timestamp prefix is local time like pm2 --time") {
    const char* old = std::getenv("TZ");
    std::string saved = old != nullptr ? old : "";
    ::setenv("TZ", "UTC", 1);
    ::tzset();
    TimestampCache cache;
    CHECK(cache.prefix(1795460341) == "2026-11-23T18:59:01: ");
    CHECK(cache.prefix(0) == "1970-01-01T00:00:00: ");
    if (old != nullptr) {
        ::setenv("TZ", saved.c_str(), 1);
    } else {
        ::unsetenv("TZ");
    }
    ::tzset();
}

TEST_CASE("log sink: a congested file stops reading its pipe until it drains") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("slow.log");
    std::string text = make_lines("c", 400000);  // about 14 MB, over three times the watermark
    pid_t child = -1;
    {
        LogSink sink(loop.get());
        ThreadpoolBlocker blocker(loop.get());  // the disk is "stuck"
        Pipe pipe;
        sink.attach(pipe.take_read(), kApi, StreamKind::kOut, sink.open(path), false);
        child = fork_writer(pipe.write_fd, text, 3, {65536});
        pipe.close_write();
        REQUIRE(
            run_until(loop.get(), [&] { return sink.queued_bytes() >= LogFile::kHighWatermark; }));
        auto queued = sink.queued_bytes();
        run_until(
            loop.get(), [] { return false; }, 300);
        CHECK(sink.queued_bytes() == queued);  // no longer reading
        CHECK(queued < LogFile::kHighWatermark + (std::size_t{512} << 10));
        int status = 0;
        CHECK(::waitpid(child, &status, WNOHANG) == 0);  // the writer is blocked, not lost
        blocker.release();
        uv_run(loop.get(), UV_RUN_DEFAULT);
        CHECK(sink.queued_bytes() == 0);
    }
    CHECK(wait_exit(child) == 0);
    CHECK(read_file(path) == text);
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: a line over 1 MiB is split with a marker") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("long.log");
    std::string big(5 << 19, 'x');  // 2.5 MiB
    {
        LogSink sink(loop.get());
        Pipe pipe;
        sink.attach(pipe.take_read(), kApi, StreamKind::kOut, sink.open(path), false);
        pid_t child = fork_writer(pipe.write_fd, "before\n" + big + "\nafter\n", 5, {100000});
        pipe.close_write();
        uv_run(loop.get(), UV_RUN_DEFAULT);
        CHECK(wait_exit(child) == 0);
    }
    auto lines = split_lines(read_file(path));
    REQUIRE(lines.size() == 5);
    CHECK(lines[0] == "before");
    CHECK(lines[1] == std::string(1 << 20, 'x') + " [tend: line split]");
    CHECK(lines[2] == std::string(1 << 20, 'x') + " [tend: line split]");
    CHECK(lines[3] == std::string(1 << 19, 'x'));
    CHECK(lines[4] == "after");
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: open shares one file per path and reports what went wrong") {
    Loop loop;
    TempDir dir;
    {
        LogSink sink(loop.get());
        auto a = sink.open(dir.file("x.log"));
        CHECK(sink.open(dir.file("x.log")) == a);
        CHECK(sink.open(dir.file("y.log")) != a);
        std::ofstream(dir.file("plain")) << "not a directory";
        std::string bad = dir.file("plain/app.log");
        try {
            sink.open(bad);
            FAIL("open should have thrown");
        } catch (const TendError& e) {
            CHECK(e.code() == ErrorCode::kBadRequest);
            CHECK(std::string(e.what()) == "cannot open log file '" + bad + "': Not a directory");
        }
    }
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: truncate empties the file and later lines follow") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("t.log");
    {
        LogSink sink(loop.get());
        Pipe pipe;
        sink.attach(pipe.take_read(), kApi, StreamKind::kOut, sink.open(path), false);
        write_all(pipe.write_fd, "a\nb\n");
        REQUIRE(run_until(loop.get(), [&] { return read_file(path) == "a\nb\n"; }));
        sink.truncate(path);
        CHECK(read_file(path).empty());
        write_all(pipe.write_fd, "c\n");
        pipe.close_write();
        uv_run(loop.get(), UV_RUN_DEFAULT);
        CHECK(read_file(path) == "c\n");

        std::string closed = dir.file("closed.log");
        std::ofstream(closed) << "x\n";
        sink.truncate(closed);  // a file no reader has open
        CHECK(read_file(closed).empty());
        sink.truncate(dir.file("missing.log"));  // nothing to do, no error
        CHECK_FALSE(std::filesystem::exists(dir.file("missing.log")));
    }
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: reopen_all writes to a new file after logrotate moved the old one") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("r.log");
    {
        LogSink sink(loop.get());
        Pipe pipe;
        sink.attach(pipe.take_read(), kApi, StreamKind::kOut, sink.open(path), false);
        write_all(pipe.write_fd, "before\n");
        REQUIRE(run_until(loop.get(), [&] { return read_file(path) == "before\n"; }));
        std::filesystem::rename(path, path + ".1");
        sink.reopen_all();
        write_all(pipe.write_fd, "after\n");
        pipe.close_write();
        uv_run(loop.get(), UV_RUN_DEFAULT);
    }
    CHECK(read_file(path + ".1") == "before\n");
    CHECK(read_file(path) == "after\n");
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: close_all writes out partial lines and stops reading") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("c.log");
    Pipe pipe;
    {
        LogSink sink(loop.get());
        sink.attach(pipe.take_read(), kApi, StreamKind::kOut, sink.open(path), false);
        write_all(pipe.write_fd, "x\npart");
        REQUIRE(run_until(loop.get(), [&] { return read_file(path) == "x\n"; }));
        sink.close_all();
        uv_run(loop.get(), UV_RUN_DEFAULT);  // returns: nothing is left to read
        CHECK(read_file(path) == "x\npart\n");
    }
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: a subscriber may close every reader in the middle of a read") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("q.log");
    Pipe pipe;
    {
        LogSink sink(loop.get());
        sink.subscribe([&](const LogLine& line) {
            if (line.line == "quit") sink.close_all();
        });
        sink.attach(pipe.take_read(), kApi, StreamKind::kOut, sink.open(path), false);
        write_all(pipe.write_fd, "a\nquit\nb\npartial");  // one read
        uv_run(loop.get(), UV_RUN_DEFAULT);               // ends: the reader closed itself
    }
    CHECK(read_file(path) == "a\nquit\nb\npartial\n");
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: a file the disk refuses drops its lines and keeps the pipe flowing") {
    Loop loop;
    auto level = spdlog::get_level();
    spdlog::set_level(spdlog::level::off);  // the expected "cannot write" error
    std::string text = make_lines("f", 100000);
    {
        LogSink sink(loop.get());
        auto full = sink.open("/dev/full");  // every write fails with ENOSPC
        Pipe pipe;
        sink.attach(pipe.take_read(), kApi, StreamKind::kOut, full, false);
        pid_t child = fork_writer(pipe.write_fd, text, 9, {65536});
        pipe.close_write();
        uv_run(loop.get(), UV_RUN_DEFAULT);  // would hang if the pipe stopped for good
        CHECK(wait_exit(child) == 0);
        CHECK(sink.queued_bytes() == 0);
        CHECK(full->dropped_bytes() == text.size());
    }
    spdlog::set_level(level);
    CHECK(loop.close() == 0);
}

TEST_CASE("log file: an idle file gives its buffer memory back") {
    Loop loop;
    TempDir dir;
    {
        auto file = LogFile::open(loop.get(), dir.file("idle.log"));
        std::string lines = make_lines("i", 20000);
        file->append(lines);
        file->flush();
        CHECK(file->queued_bytes() == lines.size());
        CHECK(file->release_if_idle() == 0);  // still writing
        uv_run(loop.get(), UV_RUN_DEFAULT);
        CHECK(file->queued_bytes() == 0);
        CHECK(file->release_if_idle() == 0);  // used since the last look: kept
        CHECK(file->release_if_idle() >= lines.size());
        CHECK(file->release_if_idle() == 0);
        CHECK(read_file(dir.file("idle.log")) == lines);
    }
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: a pipe found full is grown, a quiet one keeps its size") {
    Loop loop;
    TempDir dir;
    {
        LogSink sink(loop.get());
        Pipe quiet, loud;
        int initial = ::fcntl(loud.write_fd, F_GETPIPE_SZ);
        REQUIRE(initial > 0);
        REQUIRE(initial < PipeReader::kPipeSize);
        sink.attach(quiet.take_read(), kApi, StreamKind::kOut, sink.open(dir.file("q.log")), false);
        sink.attach(loud.take_read(), kApi, StreamKind::kErr, sink.open(dir.file("l.log")), false);
        write_all(quiet.write_fd, "x\n");
        std::string line(99, 'y');
        line += '\n';
        std::string full;
        while (full.size() < static_cast<std::size_t>(initial)) full += line;
        full.resize(static_cast<std::size_t>(initial));
        write_all(loud.write_fd, full);  // fills the pipe exactly, then the loop reads it
        REQUIRE(run_until(loop.get(), [&] { return read_file(dir.file("q.log")) == "x\n"; }));
        REQUIRE(run_until(loop.get(), [&] { return sink.queued_bytes() == 0; }));
        CHECK(::fcntl(quiet.write_fd, F_GETPIPE_SZ) == initial);
        CHECK(::fcntl(loud.write_fd, F_GETPIPE_SZ) == PipeReader::kPipeSize);
    }
    CHECK(loop.close() == 0);
}
