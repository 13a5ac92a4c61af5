// What happens to a log file's archives after rotation: the oldest past
// `retain` are removed, and with `compress` the rest are gzipped. Removing
// is a few syscalls and runs on the loop at each rotation (prune_archives),
// so the count stays bounded whatever the load. Compressing is the one
// heavy step, so it runs on a thread of its own at the lowest priority
// (SCHED_IDLE): it must never take CPU from the apps or from the loop that
// captures their output. Under full load it waits, and archives stay plain
// meanwhile; `tend logs` reads both kinds.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace tend {

// Removes the archives of live past the newest `retain`. Returns how many
// were removed; one already gone counts as removed.
int prune_archives(const std::string& live, int retain);

// Gzips archive into archive + ".gz" (same owner, mode and modification
// time), then removes the plain one. Written through a temporary file, so a
// reader sees the plain archive or the whole compressed one. Returns false
// (leaving the plain archive as it was) when stop was set meanwhile, or on
// an error, which is logged; an archive removed meanwhile is not recreated.
bool compress_archive(const std::string& archive, const std::atomic<bool>& stop);

class LogArchiver {
  public:
    // Compressing waits until no file has rotated for this long: a loud
    // app's burst is captured at full speed and its archives compressed
    // after it. SCHED_IDLE alone is not enough on two cores: the writer and
    // the loop leave idle gaps the compressor fills, and a loud app's
    // capture lost a fifth of its speed to it (bench/log_rotation.py).
    static constexpr std::chrono::milliseconds kQuiet{1000};

    LogArchiver() = default;
    // Stops after the chunk in hand: archives not yet compressed stay plain
    // (the next daemon compresses them when it opens their file).
    ~LogArchiver();
    LogArchiver(const LogArchiver&) = delete;
    LogArchiver& operator=(const LogArchiver&) = delete;

    // Queues live's archives for tidying: compress the plain ones (when
    // compress), then prune to retain. A file already queued is not queued
    // twice; the job reads the directory when it runs.
    void tidy(const std::string& live, int retain, bool compress);

    // True when no job is queued or running (for tests).
    bool idle();

  private:
    struct Job {
        std::string live;
        int retain = 0;
        bool compress = false;
    };
    void run();
    void work(const Job& job);
    bool wait_for_quiet();

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> jobs_;
    bool busy_ = false;
    std::chrono::steady_clock::time_point last_tidy_{};  // the last rotation's
    std::atomic<bool> stop_{false};
    std::thread thread_;  // started by the first tidy()
};

}  // namespace tend
