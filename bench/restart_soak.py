#!/usr/bin/python3
# 10,000 restarts in a row: an app that exits at once, restarted by tendd
# every time (--min-uptime 0: no exit counts as a crash loop). Prints the
# serving tendd's and its keeper's open descriptors and RSS before the first
# restart and after the last: a leak of one descriptor or a few bytes per
# restart shows as a difference. Not a test; never run by ctest.
#
#   bench/restart_soak.py [RESTARTS]      # default 10000; TEND_BUILD as core.py
#
# Runs a private daemon in a temporary TEND_HOME and always stops it.
import json
import os
import sys
import time

from benchlib import (interrupt_on_signals, open_fds, parent_pid, rss_kib, serving_pid,
                      private_home, run_command, stop_daemon, tend_binaries)

DEADLINE_S = 900


def snapshot(home):
    # The CLI's last connection may still be open in tendd for a moment
    # (it reads a finished connection to its end for up to 1 s).
    time.sleep(1.5)
    tendd = serving_pid(home)
    keeper = parent_pid(tendd)
    return {"tendd fds": open_fds(tendd), "tendd rss KiB": rss_kib(tendd),
            "keeper fds": open_fds(keeper), "keeper rss KiB": rss_kib(keeper)}


def restarts(tend, env):
    listed = json.loads(run_command([tend, "jlist"], env).stdout)
    return listed[0]["restarts"] if listed else 0


def wait_restarts(tend, env, count):
    """Polls until the app has restarted count times; returns how many."""
    started = time.monotonic()
    while (done := restarts(tend, env)) < count:
        if time.monotonic() - started > DEADLINE_S:
            sys.exit(f"soak: only {done} restarts in {DEADLINE_S} s")
        time.sleep(0.5)
    return done


def main():
    wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    build, tend, _ = tend_binaries()
    fixture = os.path.join(build, "bin", "tend_fixture")
    home, env = private_home("tend-soak-")
    interrupt_on_signals()
    try:
        run_command([tend, "start", fixture, "--name", "blink", "--interpreter", "none",
                     "--min-uptime", "0", "--", "exit", "0"], env)
        # Both snapshots with the app stopped, after its files are open.
        wait_restarts(tend, env, 10)
        run_command([tend, "stop", "blink"], env)
        before = snapshot(home)
        first = restarts(tend, env)
        started = time.monotonic()
        run_command([tend, "restart", "blink"], env)
        done = wait_restarts(tend, env, first + wanted) - first
        elapsed = time.monotonic() - started
        run_command([tend, "stop", "blink"], env)
        after = snapshot(home)
        print(f"restarts                 {done} in {elapsed:.1f} s ({done / elapsed:.0f}/s)")
        for key in before:
            print(f"{key:<24} {before[key]:>8} before, {after[key]:>8} after "
                  f"({after[key] - before[key]:+d})")
    finally:
        stop_daemon(tend, env, home)


if __name__ == "__main__":
    main()
