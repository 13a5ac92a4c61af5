#!/usr/bin/python3
# 200 clients at once while two apps flood their logs: 100 send list
# requests in a loop, 40 follow every log (half of them never read), 20
# subscribe to monit, 20 send garbage, 20 connect and vanish mid-request.
# Meanwhile `tend list` is run and timed; prints its p50, p99 and max
# (target: p99 under 50 ms), how many requests the clients had answered,
# and whether the table came through intact. Bounded: SECONDS (default 20)
# of load, then everything stops. Not a test; never run by ctest.
#
#   bench/many_clients.py [SECONDS]        # TEND_BUILD as core.py
import json
import multiprocessing
import os
import socket
import statistics
import sys
import threading
import time

from benchlib import interrupt_on_signals, private_home, run_command, stop_daemon, tend_binaries

PROTOCOL = 1


def request(tend_version, rid, cmd, args):
    return (json.dumps({"v": PROTOCOL, "version": tend_version, "id": rid, "cmd": cmd,
                        "args": args}) + "\n").encode()


class Load:
    """The 200 clients, each a thread, until stop is set."""

    def __init__(self, sock_path, version):
        self.path, self.version = sock_path, version
        self.stop = threading.Event()
        self.answered = 0
        self.failed = 0
        self.lock = threading.Lock()

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(self.path)
        return s

    def count(self, ok):
        with self.lock:
            if ok:
                self.answered += 1
            else:
                self.failed += 1

    def lister(self, i):
        s, buf = self.connect(), b""
        while not self.stop.is_set():
            s.sendall(request(self.version, i, "list", {}))
            while b"\n" not in buf:
                chunk = s.recv(1 << 16)
                if not chunk:
                    return self.count(False)
                buf += chunk
            line, buf = buf.split(b"\n", 1)
            self.count(json.loads(line).get("ok", False))
        s.close()

    def follower(self, i, reads):
        s = self.connect()
        s.sendall(request(self.version, i, "logs", {"targets": [], "lines": 5, "follow": True}))
        while not self.stop.is_set():
            if reads:
                s.recv(1 << 16)
            else:
                time.sleep(0.1)
        s.close()

    def monit(self, i):
        s = self.connect()
        s.sendall(request(self.version, i, "monit", {"tail_lines": 5, "lines_per_second": 20}))
        while not self.stop.is_set():
            s.recv(1 << 16)
        s.close()

    def garbage(self, i):
        while not self.stop.is_set():
            s = self.connect()
            s.sendall(b"{\"v\": 1, \"cmd\": [garbage\n")
            s.recv(1 << 16)
            s.close()
            time.sleep(0.01)

    def vanisher(self, i):
        half = request(self.version, i, "list", {})[:20]
        while not self.stop.is_set():
            s = self.connect()
            s.sendall(half)
            s.close()
            time.sleep(0.01)

    def threads(self):
        kinds = {"list": [(self.lister, (i,)) for i in range(100)],
                 "follow": [(self.follower, (100 + i, i % 2 == 0)) for i in range(40)],
                 "monit": [(self.monit, (140 + i,)) for i in range(20)],
                 "garbage": [(self.garbage, (160 + i,)) for i in range(20)],
                 "vanish": [(self.vanisher, (180 + i,)) for i in range(20)]}
        # TEND_BENCH_ONLY=list,monit: only those kinds, to see what costs.
        only = os.environ.get("TEND_BENCH_ONLY")
        plan = [t for kind, ts in kinds.items() if not only or kind in only.split(",") for t in ts]
        return [threading.Thread(target=self.guarded, args=(f, a), daemon=True) for f, a in plan]

    def guarded(self, f, args):
        try:
            f(*args)
        except OSError:
            # A well-formed request lost; the other kinds may be refused.
            if not self.stop.is_set() and f == self.lister:
                self.count(False)


def run_load(sock_path, version, seconds, results):
    """The clients' process: runs the load for seconds, then reports."""
    load = Load(sock_path, version)
    threads = load.threads()
    for t in threads:
        t.start()
    time.sleep(seconds)
    load.stop.set()
    results.put((load.answered, load.failed))


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    build, tend, _ = tend_binaries()
    fixture = os.path.join(build, "bin", "tend_fixture")
    home, env = private_home("tend-clients-")
    interrupt_on_signals()
    load = None
    try:
        version = run_command([tend, "--version"], env).stdout.decode().split()[-1]
        for name in ("flood-a", "flood-b"):
            run_command([tend, "start", fixture, "--name", name, "--interpreter", "none", "--",
                         "numbered"], env)
        before = [(i["id"], i["pid"]) for i in json.loads(run_command([tend, "jlist"], env).stdout)]
        # The clients run in a process of their own: measured from here,
        # `tend list` is not slowed by the GIL of 200 client threads.
        results = multiprocessing.Queue()
        load = multiprocessing.Process(target=run_load, daemon=True,
                                       args=(os.path.join(home, "tend.sock"), version, seconds,
                                             results))
        load.start()
        time.sleep(1)  # the clients connect and start
        latencies, failures, first_failure = [], 0, ""
        end = time.monotonic() + seconds - 1
        while time.monotonic() < end:
            t0 = time.monotonic()
            p = run_command([tend, "list"], env, check=False)
            if p.returncode != 0:
                failures += 1
                first_failure = first_failure or p.stderr.decode(errors="replace").strip()
            latencies.append((time.monotonic() - t0) * 1000)
        answered, failed = results.get(timeout=60)
        load.join(timeout=30)
        after = [(i["id"], i["pid"]) for i in json.loads(run_command([tend, "jlist"], env).stdout)]
        latencies.sort()
        p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
        print(f"tend list under load     {len(latencies)} runs, {failures} failed"
              + (f" (first: {first_failure})" if failures else ""))
        print(f"  p50 / p99 / max        {statistics.median(latencies):.1f} / {p99:.1f} / "
              f"{latencies[-1]:.1f} ms (target p99 < 50 ms)")
        print(f"clients' list requests   {answered} answered, {failed} failed")
        print(f"table intact             {'yes' if before == after else 'NO'}")
    finally:
        if load and load.is_alive():
            load.terminate()
        stop_daemon(tend, env, home)


if __name__ == "__main__":
    main()
