#!/usr/bin/python3
# Health probe benchmark: what probing costs the daemon. 100 instances of a
# small HTTP server (tests/fixtures/socket_server.cpp, the build's
# tend_socket_server, sharing one --port) run twice in one daemon: first
# without probes, then with an http_get liveness probe every second on each
# (100 probes/s: connect, GET /health, status line, close). For each, tendd's
# CPU over PROBES_SECONDS (default 20) s is read from /proc/<pid>/stat
# (utime + stime) and printed as a percent of one core; the probes' cost is
# the difference. Target: under 1% of a core for the probes. Not a test;
# never run by ctest. Only pids this run started are ever signalled.
#
#   bench/probes.py                     # uses ./build (Release is best)
#   TEND_BUILD=build-bench PROBES_SECONDS=30 bench/probes.py
import json
import os
import socket
import sys
import time

from benchlib import (TICKS, alive, cpu_ticks, interrupt_on_signals, private_home, run_bench,
                      run_command, serving_pid, stop_daemon, tend_binaries)

INSTANCES = 100
SECONDS = float(os.environ.get("PROBES_SECONDS", "20"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Bench:
    def __init__(self):
        self.build, self.tend_bin, _ = tend_binaries()
        self.server = os.path.join(self.build, "bin", "tend_socket_server")
        if not os.access(self.server, os.X_OK):
            found = [os.path.join(d, "tend_socket_server") for d, _, files in os.walk(self.build)
                     if "tend_socket_server" in files]
            if not found:
                sys.exit("bench: tend_socket_server not found; build with TEND_BUILD_TESTS=ON")
            self.server = found[0]
        self.home, self.env = private_home("tend-probes-bench-")

    def tend(self, *args, timeout=120):
        return run_command([self.tend_bin, *args], self.env, timeout=timeout)

    def online(self, name):
        infos = json.loads(self.tend("jlist").stdout)
        return sum(1 for i in infos if i["name"] == name and i["status"] == "online")

    def run_app(self, name, probe):
        port = free_port()
        args = ["start", self.server, "--name", name, "--interpreter", "none", "--port",
                str(port), "-i", str(INSTANCES)]
        if probe:
            args += ["--liveness", json.dumps({"http_get": {"port": port, "path": "/health"},
                                               "period": "1s", "timeout": "1s"})]
        self.tend(*args)
        deadline = time.monotonic() + 60
        while self.online(name) < INSTANCES:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name}: {INSTANCES} instances not online after 60 s")
            time.sleep(0.5)
        time.sleep(2)  # past the start: spawns and first samples settle
        daemon = serving_pid(self.home)
        before, t0 = cpu_ticks(daemon), time.monotonic()
        time.sleep(SECONDS)
        used, elapsed = cpu_ticks(daemon) - before, time.monotonic() - t0
        infos = json.loads(self.tend("jlist").stdout)
        restarts = sum(i["restarts"] for i in infos if i["name"] == name)
        self.tend("delete", name)
        return 100.0 * used / TICKS / elapsed, restarts

    def main(self):
        print(f"tend probe benchmark: {self.build}, {os.cpu_count()} cores, "
              f"{time.strftime('%Y-%m-%d %H:%M')}, load {os.getloadavg()}")
        print(f"{INSTANCES} instances, tendd CPU over {SECONDS:.0f} s ({TICKS} ticks/s)",
              flush=True)
        base, _ = self.run_app("plain", probe=False)
        print(f"without probes:           {base:.2f}% of one core", flush=True)
        probed, restarts = self.run_app("probed", probe=True)
        print(f"with 100 http probes/s:   {probed:.2f}% of one core "
              f"({restarts} restarts: should be 0)")
        cost = probed - base
        print(f"the probes' cost:         {cost:.2f}% of one core (target < 1%)")
        return 0 if cost < 1.0 and restarts == 0 else 1

    def cleanup(self):
        stop_daemon(self.tend_bin, self.env, self.home)


if __name__ == "__main__":
    interrupt_on_signals()
    run_bench(Bench())
