#!/usr/bin/python3
# The chaos soak of issue 10, run by bench/chaos.sh: tend runs 10 loud apps
# (numbered lines, SURVIVAL_RATE a second each) and a Node HTTP app with 4
# instances in cluster mode under a closed-loop client (a new connection per
# request, timeout 5 s, at most 100 a second), and the serving tendd (the pid
# in $TEND_HOME/tendd.pid) is killed with kill -9 every --interval seconds
# (10) for --minutes minutes (10). After each kill the soak waits for a new
# tendd to serve by itself (tendd.pid names a new live tendd: no CLI command
# is run in the gap), then for `tend jlist` to list every app with the same
# pids, and a second later samples the new tendd's open fds and RSS (and its
# parent's, the keeper). At the end: lines lost or torn, failed requests,
# duplicated or forgotten apps, and whether fds and RSS stayed flat.
# A tendd that does not come back within 5 s ends the soak there (today's
# main has no keeper: a kill -9 orphans the apps), reported as such.
# Not a test; never run by ctest.
#
# Every daemon and app it starts carries SURV_RUN=<run id>; however it ends,
# `tend kill` runs, then every process still carrying the marker is killed
# by pid.
import argparse
import json
import os
import signal
import sys
import time

from benchlib import alive, interrupt_on_signals
from survival import LOUD, Bench, NoDaemon, Result, Tend
from survivallib import (Client, processes_by_slot, proc_comm, proc_fds, proc_ppid,
                         proc_rss_kib, wait_answering)

TAKEOVER_DEADLINE_S = 5.0
TABLE_DEADLINE_S = 5.0
SETTLE_S = 1.0
FD_SLACK = 2          # last vs first sample: a connection in hand is a transient fd
RSS_SLACK_KIB = 1024


class ChaosTend(Tend):
    """tend with the soak's apps only: 10 loud apps and the cluster app."""

    def __init__(self, bench):
        super().__init__(bench)
        self.slots = [(f"loud{i}", "loud") for i in range(LOUD)] + \
                     [(f"cluster#{k}", "cluster") for k in range(4)]

    def setup(self):
        b = self.b
        self.cli("list")
        self.remember_daemon()
        for i in range(LOUD):
            self.start(f"loud{i}", b.survapp, "--interpreter", "none",
                       args=self.loud_args(f"loud{i}"))
        self.cli("start", b.http_js, "--name", "cluster", "-i", "4",
                 "--env", f"PORT={self.ports['cluster']}", "--env", "HOST=127.0.0.1",
                 "--env", f"SURV_RUN={b.run_id}", "--env", "SURV_SLOT=cluster")
        for i in json.loads(self.cli("jlist").stdout):
            if i["name"].startswith("loud"):
                self.logs[i["name"]] = i["out_log"]


def same_table(m, pre, post):
    return all(s in post and post[s].pid == pre[s].pid and post[s].pid
               and post[s].status == "online" for s, _ in m.slots)


def read_pid(m):
    try:
        return m.daemon_pid()
    except (OSError, ValueError, IndexError):
        return None


def one_round(m, n):
    """Kills the serving tendd once; returns the round's record."""
    rec = {"round": n, "takeover": None, "back": None, "fds": None, "rss": None,
           "keeper_fds": None, "keeper_rss": None, "adopted": None, "error": None}
    old = read_pid(m)
    if not old or not alive(old) or "tendd" not in proc_comm(old):
        rec["error"] = f"no live tendd in tendd.pid ({old})"
        return rec
    pre = m.listing()
    rec["killed"] = old
    t0 = time.monotonic()
    os.kill(old, signal.SIGKILL)
    new = None
    while time.monotonic() - t0 < TAKEOVER_DEADLINE_S:
        pid = read_pid(m)
        if pid and pid != old and alive(pid):
            new = pid
            break
        time.sleep(0.005)
    if not new:
        rec["error"] = (f"no new tendd {TAKEOVER_DEADLINE_S:.0f} s after kill -9 of {old} "
                        f"(tendd.pid still names {read_pid(m)})")
        return rec
    rec["takeover"] = time.monotonic() - t0
    rec["new"] = new
    m.daemons.add(new)
    post = {}
    while time.monotonic() - t0 < TAKEOVER_DEADLINE_S + TABLE_DEADLINE_S:
        try:
            post = m.listing()
            if same_table(m, pre, post):
                rec["back"] = time.monotonic() - t0
                break
        except NoDaemon:
            pass
        time.sleep(0.005)
    rec["adopted"] = sum(1 for s, _ in m.slots if s in post and post[s].pid == pre[s].pid
                         and post[s].pid)
    time.sleep(SETTLE_S)
    rec["tendds"] = m.live_daemons()  # two tendd for one home: issue 10's point 8
    rec["fds"], rec["rss"] = proc_fds(new), proc_rss_kib(new)
    keeper = proc_ppid(new)
    if keeper and keeper > 1:
        rec["keeper"] = keeper
        rec["keeper_comm"] = proc_comm(keeper)
        rec["keeper_fds"], rec["keeper_rss"] = proc_fds(keeper), proc_rss_kib(keeper)
    return rec


def fmt_s(v):
    return f"{v * 1000:.0f} ms" if v is not None else "-"


def flat(values, slack):
    vals = [v for v in values if v is not None]
    if len(vals) < 2:
        return "n/a (fewer than 2 samples)"
    growth = vals[-1] - vals[0]
    return (f"first {vals[0]}, last {vals[-1]}, min {min(vals)}, max {max(vals)}: "
            + (f"flat (last - first {growth:+d}, allowed {slack})" if growth <= slack
               else f"GREW by {growth}"))


def median(values):
    return sorted(values)[len(values) // 2]


def listed(label, items):
    return f"{label}: {len(items)}" + (f" {items}" if items else "")


def report(rounds, r, client, summary):
    ok_rounds = [x for x in rounds if not x["error"]]
    print()
    line = f"kills: {len(rounds)} ({len(ok_rounds)} taken over)"
    if ok_rounds:
        takeovers = [x["takeover"] for x in ok_rounds]
        line += f"; take-over median {fmt_s(median(takeovers))}, max {fmt_s(max(takeovers))}"
    print(line)
    if ok_rounds:
        backs = [x["back"] for x in ok_rounds]
        late = sum(1 for b in backs if b is None)
        got = sorted(b for b in backs if b is not None)
        print("table back (same pids in tend jlist): "
              + (f"median {fmt_s(median(got))}, max {fmt_s(got[-1])}" if got else "never")
              + (f"; {late} rounds not back within {TABLE_DEADLINE_S:.0f} s" if late else ""))
        print(f"tendd fds: {flat([x['fds'] for x in ok_rounds], FD_SLACK)}")
        print(f"tendd RSS (KiB): {flat([x['rss'] for x in ok_rounds], RSS_SLACK_KIB)}")
        if any(x.get("keeper") for x in ok_rounds):
            print(f"keeper fds: {flat([x['keeper_fds'] for x in ok_rounds], FD_SLACK)}")
            print(f"keeper RSS (KiB): {flat([x['keeper_rss'] for x in ok_rounds], RSS_SLACK_KIB)}")
        print(listed("rounds with other than one live tendd",
                     [x["round"] for x in ok_rounds if len(x["tendds"]) != 1]))
    if r.lines:
        t = r.lines
        print(f"lines: {t['written']:,} written, {t['lost']} lost, {t['torn']} torn, "
              f"{t['dup']} duplicated"
              + (f", {t['disorder']} out of order" if t["disorder"] else ""))
    for note in r.notes:
        print(f"  {note}")
    if client:
        print(f"requests (cluster): failed {client.summary()}")
    if summary:
        if "list" in summary:
            print(f"at the end: {summary['list']}")
        print(listed("apps forgotten (not in tend jlist at the end)", summary["forgotten"]))
        print(listed("apps with a new pid at the end", summary["replaced"]))
        print(listed("apps duplicated", summary["dup"]))
        print(listed("apps with no live process at the end", summary["dead"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--interval", type=float, default=10.0)
    args = ap.parse_args()
    if args.minutes <= 0 or args.interval < 2:
        sys.exit("chaos: --minutes must be > 0 and --interval at least 2 s")

    bench = Bench()
    interrupt_on_signals()
    m = bench.current = ChaosTend(bench)
    client = None
    rounds = []
    t_start = time.monotonic()
    print(f"tend chaos soak: {bench.build}, kill -9 of tendd every {args.interval:.0f} s for "
          f"{args.minutes:g} min; {LOUD} loud apps at {os.environ.get('SURVIVAL_RATE', '2000')} "
          f"lines/s, cluster -i 4 under a closed-loop client; load average "
          f"{os.getloadavg()[0]:.2f}, {time.strftime('%Y-%m-%d %H:%M')}", flush=True)
    summary = {}
    try:
        m.setup()
        first = m.wait_ready()
        wait_answering(m.ports["cluster"], 4)
        client = Client(m.ports["cluster"], 100, max_s=args.minutes * 60 + 120)
        client.start()
        time.sleep(1.0)
        if client.failed:
            print(f"           {client.summary()} failed in the first second, before any kill",
                  flush=True)
        d = read_pid(m)
        print(f"round   0: tendd {d}, {proc_fds(d)} fds, {proc_rss_kib(d)} KiB RSS "
              f"(before any kill)", flush=True)
        end = time.monotonic() + args.minutes * 60
        nxt = time.monotonic() + args.interval
        n = 0
        while nxt <= end:
            time.sleep(max(0.0, nxt - time.monotonic()))
            n += 1
            before = client.failed
            rec = one_round(m, n)
            rounds.append(rec)
            if rec["error"]:
                print(f"round {n:>3}: {rec['error']}: the soak stops here", flush=True)
                break
            keeper = (f"; {rec.get('keeper_comm')} {rec.get('keeper')}: {rec['keeper_fds']} "
                      f"fds, {rec['keeper_rss']} KiB" if rec.get("keeper") else "")
            print(f"round {n:>3}: killed {rec['killed']}, tendd {rec['new']} serves after "
                  f"{fmt_s(rec['takeover'])}, table back after {fmt_s(rec['back'])} "
                  f"({rec['adopted']}/{len(m.slots)} same pids); {rec['fds']} fds, "
                  f"{rec['rss']} KiB RSS{keeper}"
                  + (f"; {len(rec['tendds'])} live tendd: {rec['tendds']}"
                     if len(rec["tendds"]) != 1 else ""), flush=True)
            nxt += args.interval
            # Failed requests from this kill until just before the next one
            # (or the end of the soak).
            time.sleep(max(0.0, min(nxt - 0.05, end) - time.monotonic()))
            if client.failed - before:
                print(f"           {client.failed - before} failed requests after kill {n} "
                      f"({client.summary()} so far)", flush=True)
        # The end: what the CLI lists now (on today's main the CLI starts a
        # fresh daemon here, which knows nothing), and the processes.
        try:
            last = m.listing()
        except NoDaemon as e:
            last = {}
            summary["list"] = f"no daemon answers: {e}"
        procs = processes_by_slot(bench.run_id, exclude=m.daemons)
        summary["forgotten"] = [s for s, _ in m.slots if s not in last]
        summary["replaced"] = [s for s, _ in m.slots
                               if s in last and last[s].pid != first[s].pid]
        summary["dup"] = {s: len(p) for s, p in procs.items() if len(p) > 1}
        summary["dead"] = [s for s, _ in m.slots if not procs.get(s)]
    except KeyboardInterrupt:
        print("\nchaos: interrupted", file=sys.stderr)
    except Exception as e:  # noqa: BLE001 - report, then clean up
        print(f"chaos: FAILED: {type(e).__name__}: {e}", file=sys.stderr)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if client:
            client.stop()
        r = Result("tend", "chaos")
        try:
            bench.count_lines(m, r)
        except Exception as e:  # noqa: BLE001
            r.notes.append(f"log check failed: {e}")
        left = m.teardown()
        bench.current = None
        bench.cleanup()

    report(rounds, r, client, summary)
    if left:
        print(f"cleanup killed {len(left)} processes tend kill left (orphans)")
    print(f"soak took {time.monotonic() - t_start:.0f} s")
    ok = (rounds and not any(x["error"] for x in rounds) and r.lines and r.lines["lost"] == 0
          and r.lines["torn"] == 0 and client and client.failed == 0 and summary
          and not summary["forgotten"] and not summary["dup"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
