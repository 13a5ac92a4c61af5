// The sink's counters of stored bytes and lines (/metrics), in bulk mode
// (nobody follows), line by line (a subscriber, a time prefix), and with a
// partial last line finished at the end of the stream.
#include "log_sink_support.h"

using namespace tend;
using namespace tend::logtest;

TEST_CASE("log sink: bytes and lines stored are counted in bulk or line by line") {
    Loop loop;
    TempDir dir;
    std::string text = make_lines("a", 5000);
    {
        LogSink sink(loop.get());
        CHECK(sink.written().bytes == 0);
        Pipe bulk, lines;
        sink.attach(bulk.take_read(), kApi, StreamKind::kOut, sink.open(dir.file("b.log")), false);
        sink.attach(lines.take_read(), kApi, StreamKind::kErr, sink.open(dir.file("l.log")), true);
        pid_t a = fork_writer(bulk.write_fd, text, 1);
        pid_t b = fork_writer(lines.write_fd, "x\ny\npartial", 1);
        bulk.close_write();
        lines.close_write();
        uv_run(loop.get(), UV_RUN_DEFAULT);
        CHECK(wait_exit(a) == 0);
        CHECK(wait_exit(b) == 0);
        LogCounters n = sink.written();
        CHECK(n.lines == 5000 + 3);  // the partial line is stored with a newline added
        CHECK(n.bytes == read_file(dir.file("b.log")).size() + read_file(dir.file("l.log")).size());
    }
    CHECK(loop.close() == 0);
}

TEST_CASE("log sink: the trim timer stops once the readers are quiet, and a read starts it") {
    Loop loop;
    TempDir dir;
    {
        LogSink sink(loop.get());
        Pipe out;
        sink.attach(out.take_read(), kApi, StreamKind::kOut, sink.open(dir.file("q.log")), false);
        CHECK(sink.trimming());
        write_all(out.write_fd, "one\n");
        REQUIRE(run_until(loop.get(), [&] { return sink.written().lines == 1; }));
        // An idle app's reader and file: nothing left to trim, nothing wakes the loop.
        CHECK(run_until(loop.get(), [&] { return !sink.trimming(); }));
        write_all(out.write_fd, "two\n");
        REQUIRE(run_until(loop.get(), [&] { return sink.written().lines == 2; }));
        CHECK(sink.trimming());
        out.close_write();
        uv_run(loop.get(), UV_RUN_DEFAULT);
    }
    CHECK(loop.close() == 0);
}
