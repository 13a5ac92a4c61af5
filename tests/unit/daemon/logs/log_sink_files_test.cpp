// The log sink's files: one writer per path, truncate, reopen after
// logrotate, closing, a disk that refuses, memory given back when idle,
// writes in the loop, and what goes to the threadpool instead: a FIFO, a
// file whose last write stalled.
#include <fcntl.h>
#include <sys/stat.h>

#include <csignal>

#include "log_sink_support.h"

using namespace tend;
using namespace tend::logtest;

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

TEST_CASE("log sink: a target that fails drops its lines and keeps the pipe flowing") {
    Loop loop;
    TempDir dir;
    auto level = spdlog::get_level();
    spdlog::set_level(spdlog::level::off);  // the expected "cannot write" error
    std::string text = make_lines("f", 100000);
    std::string path = dir.file("fifo");
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    int reader = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    REQUIRE(reader >= 0);
    auto old_sigpipe = ::signal(SIGPIPE, SIG_IGN);  // as tendd does
    {
        LogSink sink(loop.get());
        auto gone = sink.open(path);
        ::close(reader);  // the reader left: every write fails with EPIPE
        Pipe pipe;
        sink.attach(pipe.take_read(), kApi, StreamKind::kOut, gone, false);
        pid_t child = fork_writer(pipe.write_fd, text, 9, {65536});
        pipe.close_write();
        uv_run(loop.get(), UV_RUN_DEFAULT);  // would hang if the pipe stopped for good
        CHECK(wait_exit(child) == 0);
        CHECK(sink.queued_bytes() == 0);
        CHECK(gone->dropped_bytes() == text.size());
    }
    ::signal(SIGPIPE, old_sigpipe);
    spdlog::set_level(level);
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: a full disk holds the lines in the pipe; shutdown drops them later") {
    Loop loop;
    auto level = spdlog::get_level();
    spdlog::set_level(spdlog::level::off);       // the expected "is full" error
    std::string text = make_lines("h", 100000);  // more than the pipe holds
    {
        LogSink sink(loop.get());
        auto full = sink.open("/dev/full");  // every write fails with ENOSPC
        Pipe pipe;
        sink.attach(pipe.take_read(), kApi, StreamKind::kOut, full, false);
        pid_t child = fork_writer(pipe.write_fd, text, 9, {65536});
        pipe.close_write();
        CHECK(run_until(loop.get(), [&] { return full->full() && sink.queued_bytes() > 0; }));
        CHECK(full->dropped_bytes() == 0);
        CHECK(::kill(child, 0) == 0);  // blocked on its full pipe, not finished
        ::kill(child, SIGKILL);
        wait_exit(child);
        sink.close_all();
        uv_run(loop.get(), UV_RUN_DEFAULT);  // ends once LogFile::kAbandonMs has passed
        CHECK(full->dropped_bytes() > 0);
        CHECK(sink.queued_bytes() == 0);
    }
    spdlog::set_level(level);
    CHECK(loop.close() == 0);
}

TEST_CASE("log file: an idle file gives its buffer memory back") {
    Loop loop;
    TempDir dir;
    {
        auto file = LogFile::open(loop.get(), dir.file("idle.log"));
        file->use_threadpool_only();
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

TEST_CASE("log file: while the disk keeps up, lines are in the file when write returns") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("quick.log");
    {
        auto file = LogFile::open(loop.get(), path);
        REQUIRE(file->writes_in_loop());
        file->write("a\nb\n");
        CHECK(read_file(path) == "a\nb\n");  // the loop has not run
        file->append("c\n");
        file->flush();
        CHECK(read_file(path) == "a\nb\nc\n");
        CHECK(file->queued_bytes() == 0);
    }
    CHECK(loop.close() == 0);
}

namespace {

// Reads the FIFO at path after a nap; exits 0 when it got exactly expected.
pid_t fork_slow_reader(const std::string& path, const std::string& expected) {
    pid_t pid = ::fork();
    if (pid == 0) {
        int fd = ::open(path.c_str(), O_RDONLY);
        ::usleep(200 * 1000);
        std::string got;
        char buf[65536];
        for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) got.append(buf, n);
        ::_exit(got == expected ? 0 : 1);
    }
    return pid;
}

}  // namespace

TEST_CASE("log file: a FIFO that stops being read never blocks the loop") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("fifo");
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    std::string text = make_lines("s", 4000);  // more than the FIFO holds
    REQUIRE(text.size() > std::size_t{1} << 17);
    // A reader that never reads, so the FIFO has one from the start (a FIFO
    // with no reader is refused at open).
    int idle_reader = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    REQUIRE(idle_reader >= 0);
    pid_t reader = fork_slow_reader(path, text);
    {
        auto file = LogFile::open(loop.get(), path);
        CHECK(file->writes_in_loop());  // non-blocking: it waits until writable
        auto start = std::chrono::steady_clock::now();
        file->write(text);
        file->flush();
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(100));
        CHECK(file->queued_bytes() > 0);  // the reader is napping
        uv_run(loop.get(), UV_RUN_DEFAULT);
        CHECK(file->queued_bytes() == 0);
    }
    CHECK(wait_exit(reader) == 0);
    ::close(idle_reader);
    CHECK(loop.close() == 0);
}

TEST_CASE("log file: a FIFO with no reader is refused at open, naming it") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("fifo");
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    try {
        LogFile::open(loop.get(), path);
        FAIL("opened a FIFO with no reader");
    } catch (const TendError& e) {
        CHECK(std::string(e.what()) ==
              "cannot open log file '" + path + "': it is a FIFO with no reader");
    }
    CHECK(loop.close() == 0);
}

TEST_CASE("log write policy: a stalled write sends a file to the threadpool for a while") {
    constexpr std::uint64_t kMs = 1'000'000;
    LogWritePolicy policy;
    CHECK(policy.in_loop(0));
    CHECK_FALSE(policy.note_write(1000 * kMs, 1049 * kMs));  // quick enough
    CHECK(policy.in_loop(1049 * kMs));
    CHECK(policy.note_write(2000 * kMs, 2050 * kMs));  // stalled: starts a slow period
    CHECK_FALSE(policy.in_loop(2050 * kMs));
    CHECK_FALSE(policy.note_write(2100 * kMs, 2150 * kMs));  // still slow: said once
    CHECK_FALSE(policy.in_loop(2150 * kMs + LogWritePolicy::kSlowPeriodNs - 1));
    CHECK(policy.in_loop(2150 * kMs + LogWritePolicy::kSlowPeriodNs));
    CHECK(policy.note_write(40000 * kMs, 40100 * kMs));  // stalled again: a new period
    CHECK_FALSE(policy.in_loop(40100 * kMs));
}
