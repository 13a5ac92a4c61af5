// What the sink leaves in an instance's pipe: a partial line stays there
// until its end arrives (or EOF), lines leave only once written, and a
// quiesced sink hands the unread bytes over untouched. Each test keeps its
// own duplicate of the read end, as tend's keeper does, to look in the pipe.
#include "daemon/logs/pipe_peek.h"
#include "log_sink_support.h"

using namespace tend;
using namespace tend::logtest;

namespace {

// Reads what the pipe holds without blocking (its write end may be open).
std::string take_all(int fd) {
    std::string got(pipe_available(fd), '\0');
    if (!got.empty()) REQUIRE(::read(fd, got.data(), got.size()) == ssize_t(got.size()));
    return got;
}

}  // namespace

TEST_CASE("log sink: a partial line stays in the pipe until its end arrives") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("p.log");
    Pipe pipe;
    {
        LogSink sink(loop.get());
        sink.attach(::dup(pipe.read_fd), kApi, StreamKind::kOut, sink.open(path), false);
        write_all(pipe.write_fd, "a\npar");
        REQUIRE(run_until(loop.get(), [&] { return read_file(path) == "a\n"; }));
        REQUIRE(run_until(loop.get(), [&] { return pipe_available(pipe.read_fd) == 3; }));
        run_until(
            loop.get(), [] { return false; }, 50);  // waiting for the line's end
        CHECK(pipe_available(pipe.read_fd) == 3);
        write_all(pipe.write_fd, "tial\nb");
        REQUIRE(run_until(loop.get(), [&] { return read_file(path) == "a\npartial\n"; }));
        REQUIRE(run_until(loop.get(), [&] { return pipe_available(pipe.read_fd) == 1; }));
        sink.quiesce({});
        uv_run(loop.get(), UV_RUN_DEFAULT);
    }
    CHECK(take_all(pipe.read_fd) == "b");
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: a partial line waiting in the pipe is written with a newline at EOF") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("eof.log");
    {
        LogSink sink(loop.get());
        Pipe pipe;
        sink.attach(pipe.take_read(), kApi, StreamKind::kOut, sink.open(path), true);
        write_all(pipe.write_fd, "x\nhalf");
        REQUIRE(run_until(loop.get(), [&] { return split_lines(read_file(path)).size() == 1; }));
        run_until(
            loop.get(), [] { return false; }, 50);  // waiting for the line's end
        pipe.close_write();
        uv_run(loop.get(), UV_RUN_DEFAULT);  // returns: the reader saw EOF
    }
    auto lines = split_lines(read_file(path));
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].ends_with(": x"));
    CHECK(lines[1].ends_with(": half"));
    CHECK(read_file(path).back() == '\n');
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: lines written on the threadpool leave the pipe only once written") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("q.log");
    Pipe pipe;
    bool done = false;
    {
        LogSink sink(loop.get());
        ThreadpoolBlocker blocker(loop.get());  // the disk is "stuck"
        auto file = sink.open(path);
        file->use_threadpool_only();
        sink.attach(::dup(pipe.read_fd), kApi, StreamKind::kOut, file, false);
        write_all(pipe.write_fd, "a\nb\npart");
        REQUIRE(run_until(loop.get(), [&] { return sink.queued_bytes() == 4; }));
        CHECK(pipe_available(pipe.read_fd) == 8);  // queued in memory, still in the pipe
        sink.quiesce([&] { done = true; });
        run_until(
            loop.get(), [] { return false; }, 50);
        CHECK_FALSE(done);  // the write is stuck
        CHECK(pipe_available(pipe.read_fd) == 8);
        blocker.release();
        REQUIRE(run_until(loop.get(), [&] { return done; }));
        CHECK(sink.queued_bytes() == 0);
        CHECK(read_file(path) == "a\nb\n");
        uv_run(loop.get(), UV_RUN_DEFAULT);  // returns: quiesce closed every reader
    }
    CHECK(take_all(pipe.read_fd) == "part");  // for the next daemon
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: quiesce leaves the unread bytes in the pipe and calls done once") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("h.log");
    Pipe first, second;
    int calls = 0;
    {
        LogSink sink(loop.get());
        auto file = sink.open(path);
        sink.attach(::dup(first.read_fd), kApi, StreamKind::kOut, file, false);
        sink.attach(::dup(second.read_fd), kApi, StreamKind::kErr, file, false);
        write_all(first.write_fd, "one\nunfinished");
        REQUIRE(run_until(loop.get(), [&] { return read_file(path) == "one\n"; }));
        sink.quiesce([&] { ++calls; });
        CHECK(calls == 1);  // nothing was queued: at once
        write_all(second.write_fd, "never read\n");
        uv_run(loop.get(), UV_RUN_DEFAULT);  // returns: no reader is left
        CHECK(calls == 1);
    }
    CHECK(read_file(path) == "one\n");
    CHECK(take_all(first.read_fd) == "unfinished");
    CHECK(take_all(second.read_fd) == "never read\n");
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: attach refuses what is not a pipe") {
    Loop loop;
    TempDir dir;
    {
        LogSink sink(loop.get());
        int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        REQUIRE(fd >= 0);
        try {
            sink.attach(fd, kApi, StreamKind::kOut, sink.open(dir.file("n.log")), false);
            FAIL("attach should have thrown");
        } catch (const TendError& e) {
            CHECK(std::string(e.what()) == "cannot read the output of 'api': not a pipe");
        }
    }
    CHECK(loop.close() == 0);
}
