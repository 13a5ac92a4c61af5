#!/usr/bin/python3
# /metrics benchmark: what the Prometheus endpoint costs with 100 instances
# (of /bin/sleep). Two daemons, one after the other, each in a private
# TEND_HOME: the first without the HTTP endpoint, the second with it
# (config.json's http.listen, port 0, found with `tend ping --json`). For the
# second: SCRAPES (default 300) GET /metrics one after another, their
# latency as the client sees it (connect to last byte; median, p99, max);
# tendd's RSS before and after them against the first daemon's; then a real
# Prometheus server (Debian's `prometheus`, its config and TSDB in a temp
# dir, scraping every second on 127.0.0.1) and tend_instance_up queried back
# through its HTTP API. Targets: a scrape under 5 ms, RSS growth under
# 1 MiB. Prints figures, asserts nothing on time. Not a test; never run by
# ctest. Only processes this run started are ever signalled.
#
#   bench/metrics.py                    # uses ./build (Release is best)
#   TEND_BUILD=build-bench METRICS_SCRAPES=1000 bench/metrics.py
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

from benchlib import (interrupt_on_signals, private_home, rss_kib, run_bench, run_command,
                      serving_pid, stop_daemon, tend_binaries)

INSTANCES = 100
SCRAPES = int(os.environ.get("METRICS_SCRAPES", "300"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(predicate, what, timeout=60.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not after {timeout:.0f} s")
        time.sleep(0.2)


def scrape(port):
    """(seconds, body) of one GET /metrics on a new connection."""
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/metrics")
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise RuntimeError(f"GET /metrics: {r.status}")
    finally:
        conn.close()
    return time.perf_counter() - t0, body


class Daemon:
    """A private home with INSTANCES sleepers; http=True turns the endpoint on."""

    def __init__(self, tend_bin, http):
        self.tend_bin = tend_bin
        self.home, self.env = private_home("tend-metrics-bench-")
        os.makedirs(self.home, mode=0o700)
        if http:
            with open(os.path.join(self.home, "config.json"), "w") as f:
                json.dump({"http": {"listen": "127.0.0.1:0"}}, f)
        self.tend("start", "/bin/sleep", "--name", "s", "--interpreter", "none",
                  "-i", str(INSTANCES), "--", "100000")
        wait(lambda: self.online() == INSTANCES, f"{INSTANCES} instances online")
        self.pid = serving_pid(self.home)

    def tend(self, *args):
        return run_command([self.tend_bin, *args], self.env, timeout=120)

    def online(self):
        return sum(1 for i in json.loads(self.tend("jlist").stdout) if i["status"] == "online")

    def port(self):
        url = json.loads(self.tend("ping", "--json").stdout).get("http", "")
        if not url:
            raise RuntimeError("the daemon has no HTTP endpoint (is this build's tendd older?)")
        return urllib.parse.urlparse(url).port

    def stop(self):
        stop_daemon(self.tend_bin, self.env, self.home)


class Bench:
    def __init__(self):
        self.build, self.tend_bin, _ = tend_binaries()
        self.daemons = []
        self.prometheus = None
        self.prom_dir = None

    def settled_rss(self, daemon):
        time.sleep(3)  # past the start: spawns and first samples settle
        return rss_kib(daemon.pid)

    def run_prometheus(self, target_port):
        binary = shutil.which("prometheus")
        if not binary:
            print("prometheus: not installed (Debian's prometheus package); skipped")
            return
        self.prom_dir = tempfile.mkdtemp(prefix="tend-metrics-prom-")
        config = os.path.join(self.prom_dir, "prometheus.yml")
        with open(config, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    "scrape_configs:\n  - job_name: tend\n    static_configs:\n"
                    f"      - targets: ['127.0.0.1:{target_port}']\n")
        port = free_port()
        self.prometheus = subprocess.Popen(
            [binary, f"--config.file={config}", f"--web.listen-address=127.0.0.1:{port}",
             f"--storage.tsdb.path={os.path.join(self.prom_dir, 'data')}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.prom_dir, "prometheus.log"), "wb"))
        api = f"http://127.0.0.1:{port}"

        def query():
            if self.prometheus.poll() is not None:
                raise RuntimeError(f"prometheus exited {self.prometheus.returncode}; see "
                                   f"{self.prom_dir}/prometheus.log")
            try:
                url = f"{api}/api/v1/query?query=" + urllib.parse.quote("tend_instance_up")
                with urllib.request.urlopen(url, timeout=5) as r:
                    result = json.load(r)["data"]["result"]
                return result if len(result) == INSTANCES else None
            except OSError:
                return None

        t0 = time.monotonic()
        result = wait(query, f"prometheus scraping {INSTANCES} tend_instance_up series", 90)
        up = sum(float(r["value"][1]) for r in result)
        first = result[0]
        print(f"prometheus: {len(result)} tend_instance_up series after "
              f"{time.monotonic() - t0:.1f} s, sum {up:.0f}; e.g. "
              f"{json.dumps(first['metric'], sort_keys=True)} = {first['value'][1]}")

    def main(self):
        print(f"tend /metrics benchmark: {self.build}, {os.cpu_count()} cores, "
              f"{time.strftime('%Y-%m-%d %H:%M')}, load {os.getloadavg()}")
        off = Daemon(self.tend_bin, http=False)
        self.daemons.append(off)
        rss_off = self.settled_rss(off)
        off.stop()
        self.daemons.remove(off)
        print(f"endpoint off: tendd RSS {rss_off} KiB with {INSTANCES} instances", flush=True)

        on = Daemon(self.tend_bin, http=True)
        self.daemons.append(on)
        port = on.port()
        rss_on = self.settled_rss(on)
        times, size = [], 0
        for _ in range(SCRAPES):
            seconds, body = scrape(port)
            times.append(seconds * 1000)
            size = len(body)
        rss_after = rss_kib(on.pid)
        times.sort()
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(f"endpoint on:  tendd RSS {rss_on} KiB before scraping, {rss_after} KiB after "
              f"{SCRAPES} scrapes ({rss_after - rss_off:+d} KiB against off; target < 1024)")
        print(f"scrape of {size} bytes: median {statistics.median(times):.2f} ms, "
              f"p99 {p99:.2f} ms, max {times[-1]:.2f} ms (target < 5 ms)", flush=True)
        self.run_prometheus(port)
        return 0

    def cleanup(self):
        if self.prometheus is not None and self.prometheus.poll() is None:
            self.prometheus.send_signal(signal.SIGTERM)
            try:
                self.prometheus.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.prometheus.kill()
                self.prometheus.wait()
        if self.prom_dir:
            shutil.rmtree(self.prom_dir, ignore_errors=True)
        for d in self.daemons:
            d.stop()


if __name__ == "__main__":
    interrupt_on_signals()
    run_bench(Bench())
