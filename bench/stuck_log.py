#!/usr/bin/python3
# The control socket while one app's log is stuck: `tend list` latency
# (p50/p99/max over 200 calls, each a whole `tend` process) with an app
# whose --output is a FIFO its reader stopped reading (the app floods and
# blocks), and a second app logging to a file meanwhile. First the same
# figures with nothing stuck, as a baseline. Target: under 100 ms. Not a
# test; never run by ctest.
#
#   bench/stuck_log.py                    # uses ./build
#   TEND_BUILD=build-bench bench/stuck_log.py
#
# Runs a private daemon in a temporary TEND_HOME and always stops it (and
# only what it started) however it ends.
import fcntl
import json
import os
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time

from benchlib import (interrupt_on_signals, run_bench, run_command, stop_daemon_and_apps,
                      tend_binaries, wait_until)

CALLS = 200
DEADLINE_S = 60.0
TARGET_MS = 100.0


class StuckLogBench:
    def __init__(self):
        self.build, self.tend, self.tendd = tend_binaries()
        self.fixture = os.path.join(self.build, "bin", "tend_fixture")
        if not os.access(self.fixture, os.X_OK):
            sys.exit(f"bench: {self.fixture} not found; build with -DTEND_BUILD_TESTS=ON")
        self.tmp = tempfile.mkdtemp(prefix="tend-bench-stuck-")
        self.home = os.path.join(self.tmp, "home")
        self.fifo = os.path.join(self.tmp, "stuck.fifo")
        self.env = dict(os.environ, TEND_HOME=self.home, TEND_DAEMON_BIN=self.tendd)
        self.reader = -1
        self.daemon_pid = 0
        self.app_pids = set()

    def run(self, *args, check=True, timeout=60):
        return run_command([self.tend, *args], self.env, check, timeout)

    def start(self, name, *options):
        self.run("start", self.fixture, "--name", name, "--interpreter", "none", *options, "--",
                 "numbered")

    def wait_for(self, what, predicate):
        wait_until(what, predicate, DEADLINE_S, 0.1)

    def fifo_full(self):
        queued = struct.unpack("i", fcntl.ioctl(self.reader, termios.FIONREAD,
                                                struct.pack("i", 0)))[0]
        # Writes fill a pipe's pages at least half: a full one holds half its size.
        return queued >= fcntl.fcntl(self.reader, 1032) // 2  # F_GETPIPE_SZ

    def list_latencies(self):
        """Milliseconds per `tend list`, CALLS of them, one after another."""
        times = []
        for _ in range(CALLS):
            start = time.monotonic()
            self.run("list")
            times.append(1000.0 * (time.monotonic() - start))
        return times

    def report(self, label, times):
        times = sorted(times)
        p50 = statistics.median(times)
        p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
        print(f"{label:<36} p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   max {times[-1]:6.1f} ms",
              flush=True)
        return times[-1]

    def main(self):
        print(f"bench/stuck_log.py: build {self.build}, {CALLS} x `tend list`, "
              f"{os.cpu_count()} cores", flush=True)
        self.start("other")
        with open(os.path.join(self.home, "tendd.pid")) as f:
            self.daemon_pid = int(f.read().split()[0])
        self.report("one app logging to a file", self.list_latencies())
        os.mkfifo(self.fifo, 0o600)
        self.reader = os.open(self.fifo, os.O_RDONLY | os.O_NONBLOCK)
        self.start("stuck", "--output", self.fifo)
        self.app_pids.update(i["pid"] for i in json.loads(self.run("jlist").stdout) if i["pid"])
        self.wait_for("the FIFO to fill up", self.fifo_full)
        worst = self.report("and one whose FIFO log is stuck", self.list_latencies())
        print(f"{'target':<36} max < {TARGET_MS:.0f} ms: {'yes' if worst < TARGET_MS else 'NO'}",
              flush=True)
        start = time.monotonic()
        self.run("kill", timeout=60)
        print(f"{'tend kill with the log still stuck':<36} {time.monotonic() - start:6.1f} s "
              f"(what the FIFO holds is dropped after 5 s)", flush=True)
        return 0 if worst < TARGET_MS else 1

    def cleanup(self):
        stop_daemon_and_apps(self.tend, self.env, self.home, self.daemon_pid, self.app_pids)
        if self.reader >= 0:
            os.close(self.reader)
        shutil.rmtree(self.tmp, ignore_errors=True)


if __name__ == "__main__":
    interrupt_on_signals()
    run_bench(StuckLogBench())
