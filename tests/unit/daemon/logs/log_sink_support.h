// What the log sink tests share: a temp dir, a loop that must close cleanly,
// pipes, forked writers whose lines cannot pass torn, and a threadpool
// blocker that keeps file writes queued.
#pragma once

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

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
#include "daemon/logs/log_file.h"
#include "daemon/logs/log_line_format.h"
#include "daemon/logs/log_sink.h"
#include "daemon/logs/pipe_reader.h"
#include "tests/unit/daemon/test_loop.h"

namespace tend::logtest {

// A file with text in it; the same compressed; a file's modification time.
inline void write_text_file(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

inline void write_gzip_file(const std::string& path, const std::string& text) {
    gzFile file = gzopen(path.c_str(), "wb");
    REQUIRE(file != nullptr);
    REQUIRE(gzwrite(file, text.data(), static_cast<unsigned>(text.size())) ==
            static_cast<int>(text.size()));
    REQUIRE(gzclose(file) == Z_OK);
}

inline void set_mtime(const std::string& path, std::time_t seconds) {
    struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
    REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

struct TempDir {
    std::string path;
    TempDir() {
        char pattern[] = "/tmp/tend-log-test-XXXXXX";
        path = ::mkdtemp(pattern);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string file(const std::string& name) const { return path + "/" + name; }
};

using test::Loop;

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

inline void write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

inline std::vector<std::string> split_lines(const std::string& text) {
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
inline std::string make_lines(const std::string& tag, int count) {
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
inline pid_t fork_writer(int fd, const std::string& text, unsigned seed,
                         WriterOptions options = {}) {
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

inline int wait_exit(pid_t pid) {
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

inline const LogSource kApi{3, "api", 1};

}  // namespace tend::logtest
