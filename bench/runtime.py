#!/usr/bin/env python3
"""tend-runtime as a container's main process: how long from exec until every
instance has written its first line, how long from SIGTERM until it has
exited (apps that stop at once on SIGINT, and apps that ignore it and must
wait out kill_timeout; the issue's bound is kill_timeout + 1 s), and the
runtime's RSS with its instances idle. Each run is PID 1 of a new PID
namespace when `unshare` can make one.

    python3 bench/runtime.py [--instances 4] [--runs 5]

TEND_BUILD names the build directory (default ./build)."""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

POLITE = ("trap 'echo bye; exit 0' INT\n"
          "echo \"up $TEND_INSTANCE\"\n"
          "while :; do sleep 0.05; done\n")
DEAF = ("trap '' INT\n"
        "echo \"up $TEND_INSTANCE\"\n"
        "while :; do sleep 0.05; done\n")
KILL_TIMEOUT_MS = 1600  # tend's default

STATE = {"procs": [], "dirs": []}


def namespace_prefix():
    words = ["unshare"]
    if os.geteuid() != 0:
        words += ["--user", "--map-root-user"]
    words += ["--pid", "--fork", "--mount-proc", "--kill-child"]
    ok = subprocess.run(words + ["true"], capture_output=True).returncode == 0
    return words if ok else []


def children(pid):
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(w) for w in f.read().split()]
    except OSError:
        pass
    return out


class Run:
    """One tend-runtime with its stdout in a file."""

    def __init__(self, runtime, prefix, body, instances):
        self.dir = tempfile.mkdtemp(prefix="tend-bench-runtime-")
        STATE["dirs"].append(self.dir)
        script = os.path.join(self.dir, "app.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\n" + body)
        os.chmod(script, 0o700)
        self.out_path = os.path.join(self.dir, "out.txt")
        env = dict(os.environ)
        env.pop("TEND_HOME", None)
        self.started = time.monotonic()
        with open(self.out_path, "w") as out:
            self.proc = subprocess.Popen(prefix + [runtime, script, "-i", str(instances)],
                                         stdout=out, stderr=subprocess.DEVNULL,
                                         stdin=subprocess.DEVNULL, cwd=self.dir, env=env)
        STATE["procs"].append(self.proc)
        self.namespaced = bool(prefix)

    def lines_up(self):
        with open(self.out_path) as f:
            return sum(1 for line in f if " | up " in line)

    def runtime_pid(self):
        if not self.namespaced:
            return self.proc.pid
        benchlib.wait_until("unshare's child", lambda: children(self.proc.pid), 10, 0.01)
        return children(self.proc.pid)[0]

    def stop(self):
        """SIGTERM to the runtime; seconds until it exited, and its status."""
        pid = self.runtime_pid()
        start = time.monotonic()
        os.kill(pid, signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        return time.monotonic() - start, code


def start_until_up(runtime, prefix, body, instances):
    run = Run(runtime, prefix, body, instances)
    benchlib.wait_until("every instance's first line",
                        lambda: run.lines_up() >= instances, 30, 0.002)
    return run, time.monotonic() - run.started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=4)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    build, _, _ = benchlib.tend_binaries()
    runtime = os.path.join(build, "bin", "tend-runtime")
    prefix = namespace_prefix()
    print(f"tend-runtime {'as PID 1 of a PID namespace' if prefix else 'without a namespace'}, "
          f"{args.instances} instances of a shell app, {args.runs} runs each, "
          f"load {os.getloadavg()[0]:.1f}")

    ups, polite_stops, deaf_stops, rss = [], [], [], []
    for _ in range(args.runs):
        run, up = start_until_up(runtime, prefix, POLITE, args.instances)
        ups.append(up)
        time.sleep(1)  # idle, for the RSS
        rss.append(benchlib.rss_kib(run.runtime_pid()))
        took, code = run.stop()
        polite_stops.append(took)
        if code != 0:
            raise RuntimeError(f"a clean stop exited {code}")
    for _ in range(args.runs):
        run, _ = start_until_up(runtime, prefix, DEAF, args.instances)
        took, code = run.stop()
        deaf_stops.append(took)
        if code != 1:
            raise RuntimeError(f"a stop that needed SIGKILL exited {code}, not 1")

    def ms(values):
        return (f"median {statistics.median(values) * 1000:.0f} ms, "
                f"max {max(values) * 1000:.0f} ms")

    print(f"exec until every instance wrote its first line: {ms(ups)}")
    print(f"SIGTERM until exit, apps stop on SIGINT (exit 0): {ms(polite_stops)}")
    print(f"SIGTERM until exit, apps ignore SIGINT (exit 1): {ms(deaf_stops)}; "
          f"bound kill_timeout + 1 s = {KILL_TIMEOUT_MS + 1000} ms")
    print(f"tend-runtime RSS with {args.instances} idle instances: "
          f"median {statistics.median(rss):.0f} KiB")
    return 0


def cleanup():
    for proc in STATE["procs"]:
        if proc.poll() is not None:
            continue
        if proc.args[0] != "unshare":
            proc.terminate()  # the runtime itself: it stops its apps first
            try:
                proc.wait(timeout=10)
                continue
            except subprocess.TimeoutExpired:
                pass
        proc.kill()  # unshare --kill-child takes the runtime and its namespace with it
        proc.wait()
    for d in STATE["dirs"]:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    benchlib.run_bench(sys.modules[__name__])
