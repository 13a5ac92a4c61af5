#!/usr/bin/python3
# HTTP API benchmark: requests per second and latency of the API with 100
# instances, measured with wrk (Debian's package) on 127.0.0.1. One daemon,
# started with config.json's "http": {"listen": "127.0.0.1:0"}, 100 instances
# of /bin/sleep in 10 apps; then, each for HTTP_SECONDS (default 10) s with
# 2 threads and 8 connections:
#   GET /api/v1/version          the floor: HTTP and one control round trip
#   GET /api/v1/apps             jlist's table, 100 instances
#   GET /api/v1/apps?history=1   with 60 samples of cpu and memory each
# and, beside them, `tend jlist` run one after another for the same time
# (what the CLI costs). Also tendd's RSS before and after the load. Prints
# figures; not a test, never run by ctest. Only pids it started are signalled.
#
#   bench/http_api.py                  # uses ./build (Release is best)
#   TEND_BUILD=build-rel HTTP_SECONDS=20 bench/http_api.py
import json
import os
import re
import shutil
import subprocess
import sys
import time

from benchlib import (interrupt_on_signals, private_home, rss_kib, run_bench, run_command,
                     serving_pid, stop_daemon, tend_binaries)

APPS = 10
PER_APP = 10
SECONDS = float(os.environ.get("HTTP_SECONDS", "10"))


def wrk_figures(url):
    """(requests/s, median ms, p99 ms, errors) of one wrk run against url."""
    out = subprocess.run(["wrk", "-t2", "-c8", f"-d{SECONDS:.0f}s", "--latency", url],
                         capture_output=True, text=True, timeout=SECONDS + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    bad = int(errors.group(1)) if errors else 0
    return rps, pct("50"), pct("99"), bad, socket_errors.group(1) if socket_errors else ""


class Bench:
    def __init__(self):
        if not shutil.which("wrk"):
            sys.exit("bench: wrk not found (apt-get install -y wrk)")
        self.build, self.tend_bin, _ = tend_binaries()
        self.home, self.env = private_home("tend-http-bench-")

    def tend(self, *args, timeout=120):
        return run_command([self.tend_bin, *args], self.env, timeout=timeout)

    def start(self):
        os.makedirs(self.home, mode=0o700, exist_ok=True)
        with open(os.path.join(self.home, "config.json"), "w") as f:
            json.dump({"http": {"listen": "127.0.0.1:0"}}, f)
        for a in range(APPS):
            self.tend("start", "/bin/sleep", "--name", f"app{a}", "-i", str(PER_APP), "--",
                      "100000")
        deadline = time.monotonic() + 60
        while True:
            infos = json.loads(self.tend("jlist").stdout)
            if sum(1 for i in infos if i["status"] == "online") == APPS * PER_APP:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("100 instances not online after 60 s")
            time.sleep(0.3)
        time.sleep(3)  # a few samples of history
        return json.loads(self.tend("ping", "--json").stdout)["http"]

    def cli_jlist_per_second(self):
        count, t0 = 0, time.monotonic()
        while time.monotonic() - t0 < SECONDS:
            self.tend("jlist")
            count += 1
        return count / (time.monotonic() - t0)

    def main(self):
        print(f"tend HTTP API benchmark: {self.build}, {os.cpu_count()} cores, "
              f"{time.strftime('%Y-%m-%d %H:%M')}, load {os.getloadavg()}")
        url = self.start()
        daemon = serving_pid(self.home)
        print(f"{APPS * PER_APP} instances; wrk -t2 -c8 for {SECONDS:.0f} s each, at {url}",
              flush=True)
        rss_before = rss_kib(daemon)
        failed = False
        for path in ("/api/v1/version", "/api/v1/apps", "/api/v1/apps?history=1"):
            rps, p50, p99, bad, socket_errors = wrk_figures(url + path)
            print(f"GET {path:<24} {rps:8.0f} requests/s   median {p50:6.2f} ms   "
                  f"p99 {p99:6.2f} ms   non-2xx {bad}  {socket_errors}", flush=True)
            failed = failed or bad > 0
        print(f"tend jlist, one after another: {self.cli_jlist_per_second():8.0f} per second")
        rss_after = rss_kib(daemon)
        print(f"tendd RSS: {rss_before} KiB before the load, {rss_after} KiB after "
              f"({rss_after - rss_before:+d} KiB)")
        return 1 if failed else 0

    def cleanup(self):
        stop_daemon(self.tend_bin, self.env, self.home)


if __name__ == "__main__":
    interrupt_on_signals()
    run_bench(Bench())
