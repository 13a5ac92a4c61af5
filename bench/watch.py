#!/usr/bin/python3
# Watch mode's two figures. (a) Memory: tendd's RSS before and after an app
# starts watching a tree of 20,000 files in 1,000 directories (target:
# under 2 MB more); "after" is read once jlist's watch_status says the whole
# tree is watched. (b) Latency: 100 writes within 50 ms to one watched file,
# then the time from the last write to the restarted process's start
# (jlist's started_at), over several rounds: median and max against
# watch_delay + 200 ms. Not a test; never run by ctest.
#
#   bench/watch.py [ROUNDS] [WATCH_DELAY_MS]      # uses ./build; 10 rounds, 1000 ms
#   TEND_BUILD=build-bench bench/watch.py
#
# Runs a private daemon in a temporary TEND_HOME and always stops it (and
# only what it started) however it ends.
import json
import os
import statistics
import sys
import time

from benchlib import (interrupt_on_signals, private_home, rss_kib, run_bench, run_command,
                      serving_pid, stop_daemon, tend_binaries)

DIRS_TOP, DIRS_SUB, FILES_PER_DIR = 40, 24, 20  # 1,001 directories, 20,000 files
DEADLINE_S = 60.0
TARGET_RSS_KIB = 2048
SLACK_MS = 200


class WatchBench:
    def __init__(self):
        self.build, self.tend, self.tendd = tend_binaries()
        self.fixture = os.path.join(self.build, "bin", "tend_fixture")
        if not os.access(self.fixture, os.X_OK):
            sys.exit(f"bench: {self.fixture} not found; build with -DTEND_BUILD_TESTS=ON")
        self.rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
        self.delay_ms = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
        self.home, self.env = private_home("tend-bench-watch-")
        self.env["TEND_DAEMON_BIN"] = self.tendd
        self.tree = os.path.join(os.path.dirname(self.home), "tree")

    def run(self, *args, check=True):
        return run_command([self.tend, *args], self.env, check)

    def start(self, name, *options):
        self.run("start", self.fixture, "--name", name, "--interpreter", "none", "--cwd",
                 self.tree, *options, "--", "sleep")

    def instance(self, name):
        for inst in json.loads(self.run("jlist").stdout):
            if inst["name"] == name:
                return inst
        return None

    def wait_for(self, what, predicate):
        end = time.monotonic() + DEADLINE_S
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > end:
                raise RuntimeError(f"timed out after {DEADLINE_S:.0f} s waiting for {what}")
            time.sleep(0.005)

    def make_tree(self):
        """1,001 directories (the root, 40 below it, 24 below each) of 20 files
        each but the root's: 20,000 files. Returns the directory count."""
        for i in range(DIRS_TOP):
            for sub in [""] + [f"s{j:02d}" for j in range(DIRS_SUB)]:
                d = os.path.join(self.tree, f"d{i:03d}", sub)
                os.makedirs(d, exist_ok=True)
                for k in range(FILES_PER_DIR):
                    with open(os.path.join(d, f"f{k:02d}.js"), "w") as f:
                        f.write("x")
        return sum(len(ds) for _, ds, _ in os.walk(self.tree)) + 1

    def memory(self, dirs):
        self.start("plain")  # an app like the watched one, so only the watch differs
        self.wait_for("plain online", lambda: (self.instance("plain") or {}).get("pid"))
        pid = serving_pid(self.home)
        time.sleep(0.5)  # settle: this figure is what the daemon holds, not a race
        before = rss_kib(pid)
        started = time.monotonic()
        self.start("w", "--watch", "--watch-delay", str(self.delay_ms))
        want = f"watching {dirs} directories"
        self.wait_for(want, lambda: (self.instance("w") or {}).get("watch_status") == want)
        set_up_ms = 1000.0 * (time.monotonic() - started)
        time.sleep(0.5)
        after = rss_kib(pid)
        print(f"tree: {dirs} directories, {sum(len(fs) for _, _, fs in os.walk(self.tree))} files")
        print(f"tendd RSS: {before} KiB before, {after} KiB watching: +{after - before} KiB "
              f"(target under {TARGET_RSS_KIB} KiB); `tend start` to watch_status saying so: "
              f"{set_up_ms:.0f} ms")
        return after - before

    def latency_round(self, target):
        before = self.instance("w")
        start = time.monotonic()
        for k in range(100):
            # No O_TRUNC: ext4 flushes a file truncated and written again
            # (auto_da_alloc), 3 ms a write here, which would time the disk.
            fd = os.open(target, os.O_WRONLY)
            os.write(fd, f"{k:03d}".encode())
            os.close(fd)
        last_write_ms = time.time() * 1000.0
        burst_ms = 1000.0 * (time.monotonic() - start)
        after = self.wait_for("the restart", lambda: self.restarted(before))
        return after["started_at"] - last_write_ms, burst_ms

    def restarted(self, before):
        inst = self.instance("w")
        if inst and inst["restarts"] > before["restarts"] and inst["status"] == "online":
            return inst
        return None

    def main(self):
        interrupt_on_signals()
        dirs = self.make_tree()
        grown = self.memory(dirs)
        target = os.path.join(self.tree, "d001", "s01", "f01.js")
        latencies, bursts = [], []
        for _ in range(self.rounds):
            latency, burst = self.latency_round(target)
            latencies.append(latency)
            bursts.append(burst)
            time.sleep(self.delay_ms / 1000.0 + 0.3)  # quiet, so rounds stay apart
        restarts = self.instance("w")["restarts"]
        bound = self.delay_ms + SLACK_MS
        print(f"100 writes in {statistics.median(bursts):.1f} ms (median), "
              f"{max(bursts):.1f} ms at most; last write to restart over "
              f"{self.rounds} rounds: median {statistics.median(latencies):.0f} ms, "
              f"max {max(latencies):.0f} ms (bound: watch_delay {self.delay_ms} + {SLACK_MS} "
              f"= {bound} ms); restarts {restarts} for {self.rounds} bursts")
        ok = grown < TARGET_RSS_KIB and max(latencies) <= bound and restarts == self.rounds
        return 0 if ok else 1

    def cleanup(self):
        stop_daemon(self.tend, self.env, self.home)


if __name__ == "__main__":
    run_bench(WatchBench())
