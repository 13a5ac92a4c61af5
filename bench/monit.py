#!/usr/bin/python3
# monit's benchmark: the CPU `tend monit` itself uses over 30 s while it
# watches 100 idle instances in a 120x40 terminal (target < 2% of one core),
# the bytes it sends that terminal meanwhile, and the daemon's CPU over 60 s
# with the same 100 idle instances, first with no dashboard, then while the
# dashboard watches (target < 1%). Not a test; never run by ctest.
#
#   bench/monit.py                    # uses ./build
#   TEND_BUILD=build-bench bench/monit.py
#
# Runs a private daemon in a temporary TEND_HOME and monit in a private tmux
# server, and always stops both (and only what it started) however it ends.
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import json

from benchlib import (TICKS, cpu_percent, cpu_ticks, has_env, kill_daemon, run_bench, run_command,
                      tend_binaries, wait_until)

INSTANCES = 100
MONIT_SECONDS = 30
DAEMON_SECONDS = 60
DEADLINE_S = 60.0


def is_ours(pid, home, word):
    """True when pid is alive, runs `word` and has our TEND_HOME."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            if word.encode() not in f.read():
                return False
    except OSError:
        return False
    return has_env(pid, "TEND_HOME", home)


class MonitBench:
    def __init__(self):
        self.build, self.tend, self.tendd = tend_binaries()
        if not shutil.which("tmux"):
            sys.exit("bench: tmux not found (Debian package tmux)")
        self.tmp = tempfile.mkdtemp(prefix="tend-bench-monit-")
        self.home = os.path.join(self.tmp, "home")
        self.env = dict(os.environ, TEND_HOME=self.home, TEND_DAEMON_BIN=self.tendd,
                        LANG="C.UTF-8")
        self.socket = f"tend-bench-monit-{os.getpid()}"
        self.socket_path = ""
        self.daemon_pid = 0
        self.monit_pid = 0
        self.app_pids = set()

    # --- tend and tmux ----------------------------------------------------
    def run(self, *args, check=True, timeout=60):
        return run_command([self.tend, *args], self.env, check, timeout)

    def tmux(self, *args, check=True):
        p = subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args], env=self.env,
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=10)
        if check and p.returncode != 0:
            raise RuntimeError(f"tmux {args[0]}: {p.stderr.decode(errors='replace').strip()}")
        return p.stdout.decode(errors="replace")

    def wait_for(self, what, predicate):
        wait_until(what, predicate, DEADLINE_S, 0.2)

    # --- steps --------------------------------------------------------------
    def start_idle_instances(self):
        self.run("start", "sleep", "--name", "idle", "-i", str(INSTANCES), "--", "100000")
        with open(os.path.join(self.home, "tendd.pid")) as f:
            self.daemon_pid = int(f.read().split()[0])

        def all_online():
            lst = json.loads(self.run("jlist").stdout)
            self.app_pids.update(i["pid"] for i in lst if i.get("pid"))
            return len(lst) == INSTANCES and all(i["status"] == "online" for i in lst)

        self.wait_for(f"{INSTANCES} instances online", all_online)

    def start_monit(self):
        command = f"exec env TEND_HOME='{self.home}' LANG=C.UTF-8 '{self.tend}' monit"
        self.tmux("new-session", "-d", "-s", "monit", "-x", "120", "-y", "40", command)
        self.socket_path = self.tmux("display-message", "-p", "#{socket_path}").strip()
        self.monit_pid = int(self.tmux("display-message", "-p", "-t", "monit",
                                       "#{pane_pid}").strip())
        self.wait_for("monit to show every instance, live", lambda: self.monit_ready())
        if not is_ours(self.monit_pid, self.home, "tend"):
            raise RuntimeError(f"pane pid {self.monit_pid} is not our tend monit")

    def monit_ready(self):
        screen = self.tmux("capture-pane", "-p", "-t", "monit")
        return f"{INSTANCES} instances" in screen and "● live" in screen

    def measure_monit(self):
        out = os.path.join(self.tmp, "pane-output")
        self.tmux("pipe-pane", "-o", "-t", "monit", f"cat >> '{out}'")
        # Both figures over the same 30 s: monit's own and the daemon's.
        start = (cpu_ticks(self.monit_pid), cpu_ticks(self.daemon_pid), time.monotonic())
        time.sleep(MONIT_SECONDS)
        elapsed = time.monotonic() - start[2]
        monit = 100.0 * (cpu_ticks(self.monit_pid) - start[0]) / TICKS / elapsed
        daemon = 100.0 * (cpu_ticks(self.daemon_pid) - start[1]) / TICKS / elapsed
        self.tmux("pipe-pane", "-t", "monit")
        sent = os.path.getsize(out) if os.path.exists(out) else 0
        return monit, daemon, sent / elapsed

    def stop_monit(self):
        self.tmux("send-keys", "-t", "monit", "q")
        end = time.monotonic() + 5
        while is_ours(self.monit_pid, self.home, "tend") and time.monotonic() < end:
            time.sleep(0.05)
        return not is_ours(self.monit_pid, self.home, "tend")

    def main(self):
        print(f"bench/monit.py: build {self.build}, {INSTANCES} idle instances, "
              f"{os.cpu_count()} cores", flush=True)
        self.start_idle_instances()
        self.start_monit()
        monit, daemon_watched, bytes_per_s = self.measure_monit()
        quit_ok = self.stop_monit()
        print(f"{'monit CPU over ' + str(MONIT_SECONDS) + ' s':<44} {monit:6.2f}% of one core"
              f"   target < 2%", flush=True)
        print(f"{'monit output to the terminal':<44} {bytes_per_s:8.0f} bytes/s", flush=True)
        print(f"{'daemon CPU while monit watches':<44} {daemon_watched:6.2f}% of one core",
              flush=True)
        print(f"{'monit quit on q':<44} {'yes' if quit_ok else 'NO'}", flush=True)
        idle = cpu_percent(self.daemon_pid, DAEMON_SECONDS)
        print(f"{'daemon CPU over ' + str(DAEMON_SECONDS) + ' s, no monit':<44} {idle:6.2f}% "
              f"of one core   target < 1%", flush=True)
        return 0 if monit < 2.0 and idle < 1.0 and quit_ok else 1

    # --- cleanup --------------------------------------------------------------
    def cleanup(self):
        self.tmux("kill-server", check=False)
        if self.socket_path and os.path.exists(self.socket_path):
            os.unlink(self.socket_path)
        if self.monit_pid and is_ours(self.monit_pid, self.home, "tend"):
            os.kill(self.monit_pid, signal.SIGKILL)
        try:
            self.run("kill", check=False, timeout=30)
        except Exception as e:  # noqa: BLE001 - cleanup goes on regardless
            print(f"bench: tend kill: {e}", file=sys.stderr)
        if self.daemon_pid and is_ours(self.daemon_pid, self.home, "tendd"):
            kill_daemon(self.daemon_pid, self.home)
        for pid in self.app_pids:  # only what our daemon started, should any outlive it
            if is_ours(pid, self.home, "sleep"):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.tmp, ignore_errors=True)


if __name__ == "__main__":
    run_bench(MonitBench())
