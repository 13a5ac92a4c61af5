// The log sink with a real loop, real pipes and real files, capturing: lines
// arrive whole and in order, merged files never tear, a congested file
// pushes back on its pipes, long lines are split, pipes grow when full.
// Lines of any length arrive whole whether or not a read joins them in place.
#include "log_sink_support.h"

using namespace tend;
using namespace tend::logtest;

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

TEST_CASE("log sink: lines longer than the room kept before a read arrive whole") {
    Loop loop;
    TempDir dir;
    std::string path = dir.file("wide.log");
    std::string text;
    std::mt19937 rng(11);
    for (int i = 0; i < 300; ++i) {  // short lines, and lines up to 3 times kJoinRoom
        std::size_t len = i % 3 == 0 ? rng() % (3 * PipeReader::kJoinRoom) : rng() % 100;
        text += std::to_string(i) + std::string(len, static_cast<char>('a' + i % 26)) + "\n";
    }
    {
        LogSink sink(loop.get());
        Pipe pipe;
        sink.attach(pipe.take_read(), kApi, StreamKind::kOut, sink.open(path), false);
        pid_t child = fork_writer(pipe.write_fd, text, 2, {65536, true});
        pipe.close_write();
        uv_run(loop.get(), UV_RUN_DEFAULT);
        CHECK(wait_exit(child) == 0);
    }
    CHECK(read_file(path) == text);
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

TEST_CASE("log sink: a file whose writes are stuck stops reading its pipe until they complete") {
    // The lines of a peek leave the pipe only once written, so a reader whose
    // file write hangs on the threadpool holds at most one peek in memory and
    // reads nothing more: the app blocks in write().
    Loop loop;
    TempDir dir;
    std::string path = dir.file("slow.log");
    std::string text = make_lines("c", 400000);  // about 14 MB
    pid_t child = -1;
    {
        LogSink sink(loop.get());
        ThreadpoolBlocker blocker(loop.get());  // the disk is "stuck"
        Pipe pipe;
        auto file = sink.open(path);
        file->use_threadpool_only();
        child = fork_writer(pipe.write_fd, text, 3, {65536});
        pipe.close_write();
        sink.attach(pipe.take_read(), kApi, StreamKind::kOut, file, false);  // after the fork
        REQUIRE(run_until(loop.get(), [&] { return sink.queued_bytes() > 0; }));
        auto queued = sink.queued_bytes();
        run_until(
            loop.get(), [] { return false; }, 300);
        CHECK(sink.queued_bytes() == queued);  // no longer reading
        CHECK(queued <= static_cast<std::size_t>(PipeReader::kPipeSize));
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

TEST_CASE("log sink: a line longer than the pipe is split with a marker") {
    // The app blocks on a full pipe with no newline in it: the line is split
    // where the pipe ends (at least half of it, at most 1 MiB), and each
    // piece is marked.
    Loop loop;
    TempDir dir;
    std::string path = dir.file("long.log");
    std::string big(5 << 19, 'x');  // 2.5 MiB
    {
        LogSink sink(loop.get());
        Pipe pipe;
        pid_t child = fork_writer(pipe.write_fd, "before\n" + big + "\nafter\n", 5, {100000});
        pipe.close_write();
        sink.attach(pipe.take_read(), kApi, StreamKind::kOut, sink.open(path), false);
        uv_run(loop.get(), UV_RUN_DEFAULT);
        CHECK(wait_exit(child) == 0);
    }
    auto lines = split_lines(read_file(path));
    REQUIRE(lines.size() >= 5);
    CHECK(lines.front() == "before");
    CHECK(lines.back() == "after");
    std::string joined;
    for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
        std::string piece = lines[i];
        bool last = i + 2 == lines.size();
        if (!last) {
            REQUIRE(piece.ends_with(LineCutter::kSplitMarker));
            piece.resize(piece.size() - LineCutter::kSplitMarker.size());
            CHECK(piece.size() >= std::size_t{PipeReader::kPipeSize / 2 - 4096});
        }
        CHECK(piece.size() <= std::size_t{PipeReader::kPipeSize});
        joined += piece;
    }
    CHECK(joined == big);
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
