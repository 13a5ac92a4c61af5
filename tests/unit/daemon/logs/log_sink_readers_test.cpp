// What the log sink hands to readers: tail (file plus queued lines),
// subscribers with each line's source, and timestamps.
#include "log_sink_support.h"

using namespace tend;
using namespace tend::logtest;

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
        Pipe pipe, other;  // a reader waits for its write: a second one queues behind it
        auto file = sink.open(path);
        file->use_threadpool_only();
        sink.attach(pipe.take_read(), kApi, StreamKind::kOut, file, false);
        sink.attach(other.take_read(), kApi, StreamKind::kErr, file, false);
        write_all(pipe.write_fd, "new1\nnew2\n");
        REQUIRE(run_until(loop.get(), [&] { return sink.queued_bytes() == 10; }));
        write_all(other.write_fd, "new3\n");  // pending behind the write in flight
        REQUIRE(run_until(loop.get(), [&] { return sink.queued_bytes() == 15; }));
        CHECK(read_file(path) == "old1\nold2\nold3\n");  // nothing written yet
        CHECK(sink.tail(path, 4) == std::vector<std::string>{"old3", "new1", "new2", "new3"});
        CHECK(sink.tail(path, 1) == std::vector<std::string>{"new3"});
        CHECK(sink.tail(path, 100) ==
              std::vector<std::string>{"old1", "old2", "old3", "new1", "new2", "new3"});
        CHECK(sink.tail(path, 0).empty());
        blocker.release();
        pipe.close_write();
        other.close_write();
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

TEST_CASE("log sink: JSON lines in the file, the app's lines in events") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("json.log");
    std::vector<std::string> events;
    LogOptions options;
    options.log_type = "json";
    {
        LogSink sink(loop.get());
        sink.subscribe([&](const LogLine& line) { events.push_back(line.line); });
        Pipe pipe;
        sink.attach(pipe.take_read(), {3, "api", 1}, StreamKind::kErr, sink.open(path),
                    log_format_of(options));
        write_all(pipe.write_fd, "hello\n{\"a\":\"b\\\"c\"}\n\nlast");
        pipe.close_write();
        uv_run(loop.get(), UV_RUN_DEFAULT);
    }
    std::vector<std::string> messages;
    for (const auto& line : split_lines(read_file(path))) {
        json object = json::parse(line);
        CHECK(object["app"] == "api");
        CHECK(object["id"] == 3);
        CHECK(object["instance"] == 1);
        CHECK(object["stream"] == "err");
        CHECK(std::regex_match(object["time"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
        messages.push_back(object["message"]);
    }
    std::vector<std::string> written{"hello", R"({"a":"b\"c"})", "", "last"};
    CHECK(messages == written);
    CHECK(events == written);
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
