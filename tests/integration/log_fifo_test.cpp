// A log file that is a FIFO never holds the daemon: without a reader the
// app's start fails with a clear error; with a reader that stops reading,
// the control socket keeps answering (list, logs, restart, SIGUSR2's
// reopen, kill), other apps' lines keep flowing, and once the reader reads
// again every line arrives, once, in order.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <thread>

#include "harness.h"
#include "survival_support.h"

namespace tend::it {

namespace {

// The test's end of a FIFO: open from the start, read only when told.
class FifoEnd {
  public:
    explicit FifoEnd(const std::string& path)
        : fd_(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)) {
        REQUIRE(fd_ >= 0);
    }
    ~FifoEnd() {
        if (drain_.joinable()) drain_.join();
        ::close(fd_);
    }
    FifoEnd(const FifoEnd&) = delete;
    FifoEnd& operator=(const FifoEnd&) = delete;

    // True once the FIFO is (about) full: its writer is stuck. Writes fill
    // a pipe's pages at least half, so a full one holds at least half its size.
    bool full() const {
        int queued = 0;
        ::ioctl(fd_, FIONREAD, &queued);
        return queued >= ::fcntl(fd_, F_GETPIPE_SZ) / 2;
    }

    // Starts copying what arrives into path, on a thread, until every writer
    // has closed the FIFO (eof() then says so) or the timeout passes.
    void drain_to(const std::string& path, Millis timeout) {
        drain_ = std::thread([this, path, timeout] { eof_ = copy_until_eof(path, timeout); });
    }
    bool finish() {
        if (drain_.joinable()) drain_.join();
        return eof_;
    }

  private:
    bool copy_until_eof(const std::string& path, Millis timeout) {
        std::ofstream out(path, std::ios::binary);
        auto deadline = std::chrono::steady_clock::now() + timeout;
        char buf[65536];
        while (std::chrono::steady_clock::now() < deadline) {
            ssize_t n = ::read(fd_, buf, sizeof buf);
            if (n == 0) return true;
            if (n > 0) {
                out.write(buf, n);
                out.flush();
                continue;
            }
            pollfd p{fd_, POLLIN, 0};
            ::poll(&p, 1, 100);
        }
        return false;
    }

    int fd_;
    std::thread drain_;
    bool eof_ = false;
};

std::size_t lines_in(const std::string& path) {
    std::string text = read_file(path);
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::string make_fifo(const TendHome& t) {
    std::string path = t.scratch("fifo") + "/out";
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    return path;
}

// A stuck log, and a quieter app logging to a file beside it.
void start_stuck_and_other(TendHome& t, const std::string& fifo, FifoEnd& reader) {
    t.run_ok(start_fixture("stuck", {"--output", fifo}, {"numbered"}));
    t.run_ok(start_fixture("other", {}, {"numbered", "--pause-every", "1"}));
    t.wait_until([&] { return reader.full(); }, "the FIFO filled up", 30s);
}

}  // namespace

TEST_CASE("a FIFO log with no reader fails that app's start, and the daemon answers") {
    TendHome t;
    std::string fifo = make_fifo(t);
    Result r = t.run(start_fixture("app", {"--output", fifo}, {"lines", "3"}));
    CHECK(r.exit_code != 0);
    CHECK(contains(r.err, fifo));
    CHECK(contains(r.err, "FIFO with no reader"));
    t.run_ok({"list"});
}

TEST_CASE("a FIFO log nobody reads holds only its app: the socket answers, the rest flows") {
    TendHome t;
    std::string fifo = make_fifo(t);
    FifoEnd reader(fifo);
    start_stuck_and_other(t, fifo, reader);
    std::string other_log = t.home() + "/logs/other-out-0.log";  // instance 0 (id 1)
    for (int i = 0; i < 5; ++i) t.run_ok({"list"});
    std::size_t before = lines_in(other_log);
    t.wait_until([&] { return lines_in(other_log) > before + 500; }, "the other app's lines");
    t.run_ok({"logs", "stuck", "--nostream", "--lines", "5"});
    REQUIRE(::kill(t.serving_pid(), SIGUSR2) == 0);
    t.run_ok({"list"});

    // The reader reads again: nothing was dropped, torn or written twice.
    std::string copy = t.scratch("fifo") + "/copy";
    reader.drain_to(copy, 90s);
    t.wait_until([&] { return lines_in(copy) > 30000; }, "lines through the FIFO again", 30s);
    t.run_ok({"stop", "stuck"}, 60s);
    CHECK(reader.finish());
    NumberedLines n = check_numbered(copy);
    CHECK(n.first == 0);
    CHECK(n.count > 30000);
    CHECK(n.missing == 0);
    CHECK(n.torn == 0);
    CHECK(n.duplicated == 0);
    CHECK(n.out_of_order == 0);

    // Stuck again (the test's end stays open, unread): tend kill still ends
    // the daemon, dropping what the FIFO cannot take (LogFile::kAbandonMs).
    t.run_ok({"restart", "stuck"});
    t.wait_until([&] { return reader.full(); }, "the FIFO filled up again", 30s);
    t.run_ok({"kill"}, 60s);
    CHECK(t.wait_daemon_exit(30s) == 0);
}

TEST_CASE("restart and kill answer while an app's FIFO log is stuck") {
    TendHome t;
    std::string fifo = make_fifo(t);
    FifoEnd reader(fifo);
    start_stuck_and_other(t, fifo, reader);
    t.run_ok({"restart", "stuck"}, 60s);
    t.run_ok({"logs", "stuck", "--nostream"});
    // What the FIFO still holds at shutdown is dropped after a deadline
    // (LogFile::kAbandonMs), so the daemon ends.
    t.run_ok({"kill"}, 60s);
    CHECK(t.wait_daemon_exit(30s) == 0);
}

}  // namespace tend::it
