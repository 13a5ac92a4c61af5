// A daemon killed with kill -9 at any point loses no line and tears none: a
// forked child runs a LogSink on an instance's pipe while the test keeps a
// duplicate of the read end (as tend's keeper does); after each SIGKILL a new
// child, and at last a sink in the test, carries on from that duplicate. At
// most the run of lines a child wrote but had not yet consumed is written
// again, once per kill.
#include <signal.h>
#include <sys/stat.h>

#include "daemon/logs/pipe_peek.h"
#include "log_sink_support.h"

using namespace tend;
using namespace tend::logtest;

namespace {

// "n <seq> <seq % 50 dots>|": a torn line cannot pass for a whole one.
std::string numbered(int seq) {
    return "n " + std::to_string(seq) + " " + std::string(static_cast<std::size_t>(seq % 50), '.') +
           "|\n";
}

std::string numbered_lines(int count) {
    std::string text;
    for (int seq = 0; seq < count; ++seq) text += numbered(seq);
    return text;
}

// A "daemon": a child running a LogSink on fd (its own copy) into path until
// it is killed or the pipe ends.
pid_t fork_daemon(int keeper_fd, const std::string& path) {
    int fd = ::dup(keeper_fd);
    REQUIRE(fd >= 0);
    pid_t pid = ::fork();
    if (pid == 0) {
        uv_loop_t loop;
        uv_loop_init(&loop);
        {
            LogSink sink(&loop);
            sink.attach(fd, kApi, StreamKind::kOut, sink.open(path), false);
            uv_run(&loop, UV_RUN_DEFAULT);
        }
        ::_exit(0);
    }
    ::close(fd);
    return pid;
}

void kill_daemon(pid_t pid) {
    REQUIRE(::kill(pid, SIGKILL) == 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));
}

std::size_t file_size(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<std::size_t>(st.st_size) : 0;
}

// The last daemon: a sink in the test drains the pipe to EOF.
void drain(int keeper_fd, const std::string& path) {
    Loop loop;
    {
        LogSink sink(loop.get());
        sink.attach(::dup(keeper_fd), kApi, StreamKind::kOut, sink.open(path), false);
        uv_run(loop.get(), UV_RUN_DEFAULT);
    }
    CHECK(loop.close() == 0);
}

// What the file holds: every line whole, in order, each number present;
// a step back (a run written again) is allowed once per kill.
struct Replay {
    int next = 0;
    int steps_back = 0;
    int bad = 0;
};

Replay replay(const std::string& path) {
    Replay r;
    for (const auto& line : split_lines(read_file(path))) {
        int seq = -1;
        std::sscanf(line.c_str(), "n %d ", &seq);
        if (seq < 0 || line + "\n" != numbered(seq) || seq > r.next) {
            if (++r.bad <= 3) FAIL_CHECK("torn, lost or out of order near '" << line << "'");
            continue;
        }
        if (seq < r.next) ++r.steps_back;
        r.next = seq + 1;
    }
    return r;
}

}  // namespace

TEST_CASE("log sink: a daemon killed with a partial line in the pipe leaves it to the next") {
    TempDir dir;
    std::string path = dir.file("k.log");
    Pipe pipe;
    std::string line1 = numbered(1);
    write_all(pipe.write_fd, numbered(0) + line1.substr(0, 3));
    pid_t daemon = fork_daemon(pipe.read_fd, path);
    Loop wait_loop;  // run_until needs a loop; nothing runs on it
    REQUIRE(run_until(wait_loop.get(), [&] { return read_file(path) == numbered(0); }));
    REQUIRE(run_until(wait_loop.get(), [&] { return pipe_available(pipe.read_fd) == 3; }));
    kill_daemon(daemon);
    write_all(pipe.write_fd, line1.substr(3) + numbered(2));
    pipe.close_write();
    drain(pipe.read_fd, path);
    CHECK(read_file(path) == numbered(0) + numbered(1) + numbered(2));
}

TEST_CASE("log sink: daemons killed mid-stream lose no line and tear none") {
    TempDir dir;
    std::string path = dir.file("stream.log");
    const int count = 20000;
    const int kills = 6;
    std::string text = numbered_lines(count);
    Pipe pipe;
    // Small writes that cut lines anywhere, with naps: a partial line is
    // nearly always in flight when a daemon dies.
    pid_t writer = fork_writer(pipe.write_fd, text, 17, {200, true});
    pipe.close_write();
    Loop wait_loop;
    for (int k = 1; k <= kills; ++k) {
        pid_t daemon = fork_daemon(pipe.read_fd, path);
        std::size_t target = text.size() * static_cast<std::size_t>(k) / (kills + 1);
        REQUIRE(run_until(wait_loop.get(), [&] { return file_size(path) >= target; }));
        kill_daemon(daemon);
    }
    drain(pipe.read_fd, path);
    CHECK(wait_exit(writer) == 0);
    Replay r = replay(path);
    CHECK(r.bad == 0);
    CHECK(r.next == count);
    CHECK(r.steps_back <= kills);
    MESSAGE("runs written again after " << kills << " kills: " << r.steps_back);
}
