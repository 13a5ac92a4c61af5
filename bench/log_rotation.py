#!/usr/bin/python3
# Log rotation benchmark, in one run:
#
# 1. Capture throughput with rotation ON (--max-size 5M --retain 5 --compress)
#    against OFF (--max-size 0), and both against the ceiling: the same loud
#    writer straight into files on the same disk. 1 and 2 instances, ROUNDS
#    rounds whose order of configurations rotates (the machine is shared),
#    medians. Each run is timed from the start (`tend start`, or the writers'
#    spawn) to the last byte in the files (their mtime, as core.py does).
#    Targets: ON >= 0.9 x OFF, ON >= 0.9 x direct. Every ON run's retained
#    tail (5 archives + the live file) must be contiguous, whole lines.
# 2. Integrity with everything retained (--retain 1000): lost, torn,
#    duplicated and out-of-order lines over every archive (.gz read with
#    zlib) and the live file, 1 and 2 instances.
# 3. PM2 + pm2-logrotate (max_size 5M, compress, workerInterval 1, retain
#    1000) against tend (--max-size 5M --compress --retain 1000) on the same
#    writer: a burst, then a paced run (~20 MB/s for several seconds, so
#    pm2-logrotate's once-a-second check rotates many times): lines lost,
#    torn and duplicated at rotation.
#
#   bench/log_rotation.py                    # uses ./build (Release is best)
#   TEND_BUILD=build-bench bench/log_rotation.py
#   LOGROT_ROUNDS=7 LOGROT_LINES=2000000 bench/log_rotation.py
#   LOGROT_SKIP_PM2=1 bench/log_rotation.py  # tend only
#   PM2_BIN=/path/to/pm2 bench/log_rotation.py  # skip the npm install of pm2
#
# pm2 is installed from the npm registry into a temporary folder by this
# script only (and pm2-logrotate by `pm2 install`, into the private
# PM2_HOME); neither is ever a dependency of tend. Each manager has a private
# home and is stopped with its own command (`tend kill`, `pm2 kill`) however
# the script ends; only pids this run saw are ever signalled. Not a test;
# never run by ctest. /usr/bin/python3 on purpose (see core.py).
import gzip
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import (LINE_BYTES, alive, has_env, interrupt_on_signals, kill_daemon,
                      loud_writer, run_bench, run_command, serving_pid, tend_binaries)

LINES = int(os.environ.get("LOGROT_LINES", "1000000"))  # per instance and run
ROUNDS = int(os.environ.get("LOGROT_ROUNDS", "9"))
ROTATE_ON = ["--max-size", "5M", "--retain", "5", "--compress"]
ROTATE_ALL = ["--max-size", "5M", "--retain", "1000", "--compress"]  # keeps every line
ROTATE_OFF = ["--max-size", "0"]
PACED_LINES = 2_000_000   # ~146 MB
PACE_US = 3000            # sleep after each 64 KiB write: ~20 MB/s
CAPTURE_DEADLINE_S = 60.0
QUIET_DEADLINE_S = 60.0
TARGET = 0.9

LINE_RE = re.compile(rb"^(\d+) (\d{9}) x+\n$")


# --- reading what a manager kept ------------------------------------------
def archives_of(live):
    """The archives of live (`<stem>__<date>[-n]<ext>[.gz]`, as tend and
    pm2-logrotate name them), oldest first: by mtime, then name. A plain
    archive whose .gz is being written stands for both."""
    d, base = os.path.split(live)
    stem, ext = os.path.splitext(base)
    found = {}
    for name in os.listdir(d):
        if not name.startswith(stem + "__"):
            continue
        if not (name.endswith(ext) or name.endswith(ext + ".gz")):
            continue
        path = os.path.join(d, name)
        try:
            found[path] = os.stat(path).st_mtime_ns
        except FileNotFoundError:
            continue
    for path in list(found):
        if path.endswith(".gz") and path[:-3] in found:
            del found[path]
    return sorted(found, key=lambda p: (found[p], p))


def read_lines(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        yield from f


class LineCheck:
    """Every line of `instances` writers of `lines` lines each, as found in
    files read in order: torn pieces, duplicates, lines out of order, lost."""

    def __init__(self, instances, lines):
        self.seen = [bytearray(lines) for _ in range(instances)]
        self.nxt = [None] * instances  # a retained tail may start anywhere: lost counts it
        self.torn = self.dup = self.disorder = self.present = 0

    def read(self, paths):
        seen, nxt = self.seen, self.nxt
        for path in paths:
            for line in read_lines(path):
                m = LINE_RE.match(line) if len(line) == LINE_BYTES else None
                inst = int(m.group(1)) if m else -1
                if not m or inst >= len(seen):
                    self.torn += 1
                    continue
                seq = int(m.group(2))
                if seq >= len(seen[inst]):
                    self.torn += 1
                    continue
                if seen[inst][seq]:
                    self.dup += 1
                else:
                    seen[inst][seq] = 1
                    self.present += 1
                if nxt[inst] is not None and seq != nxt[inst]:
                    self.disorder += 1
                nxt[inst] = seq + 1
        return self

    def lost(self):
        return sum(s.count(0) for s in self.seen)

    def tail_gaps(self):
        """Lines missing after each writer's first retained line (a
        contiguous retained tail has none), and whether every writer's
        last line is there."""
        gaps, ends = 0, True
        for s in self.seen:
            first = s.find(1)
            if first < 0:
                return len(s), False
            gaps += s.count(0, first)
            ends &= s[-1] == 1
        return gaps, ends

    def summary(self):
        return (f"{self.lost():,} lost, {self.torn:,} torn, {self.dup:,} duplicated, "
                f"{self.disorder:,} out of order")


def final_line(instance, lines):
    head = f"{instance} {lines - 1:09d} ".encode()
    return head + b"x" * (LINE_BYTES - len(head) - 1) + b"\n"


def ends_with(path, tail):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            if f.tell() < len(tail):
                return False
            f.seek(-len(tail), os.SEEK_END)
            return f.read() == tail
    except OSError:
        return False


def last_mtime(live):
    """The time of the last byte written for live: its mtime, or the newest
    archive's when the last write was followed by a rotation (tend stamps
    each archive with the time it rotated; its .gz keeps that time)."""
    st = os.stat(live)
    if st.st_size > 0:
        return st.st_mtime_ns / 1e9
    arch = archives_of(live)
    return max(st.st_mtime_ns, os.stat(arch[-1]).st_mtime_ns if arch else 0) / 1e9


def cpu_seconds(pid):
    """pid's CPU time plus its reaped children's (the writers a daemon
    started and waited for), from /proc; 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def median_text(values, unit=""):
    if not values:
        return "-"
    return f"{statistics.median(values):.0f}{unit} ({min(values):.0f}-{max(values):.0f})"


class Bench:
    def __init__(self):
        self.build, self.tend_bin, self.tendd_bin = tend_binaries()
        self.tmp = tempfile.mkdtemp(prefix="tend-bench-logrot-")
        self.tend_home = os.path.join(self.tmp, "tend-home")
        self.direct_dir = os.path.join(self.tmp, "direct")  # same disk as tend's logs
        os.makedirs(self.direct_dir)
        self.pm2_home = os.path.join(self.tmp, "pm2-home")
        os.makedirs(self.pm2_home)
        # Before any pm2 command: a private home with its `touch` file and no
        # version check, or pm2 phones home and uses the real ~/.pm2.
        open(os.path.join(self.pm2_home, "touch"), "w").close()
        base = {k: v for k, v in os.environ.items() if k not in ("TEND_INSTANCE",)}
        self.tend_env = dict(base, TEND_HOME=self.tend_home, TEND_DAEMON_BIN=self.tendd_bin)
        self.pm2_env = dict(base, PM2_HOME=self.pm2_home, PM2_DISABLE_VERSION_CHECK="1")
        self.pm2_bin = os.environ.get("PM2_BIN", "")
        self.writer = loud_writer(self.tmp)
        self.pids = {"tend": set(), "pm2": set(), "direct": set()}
        self.runs = 0
        self.daemon = 0
        self.cpu = {(c, n): 0.0 for c in ("direct", "off", "on") for n in (1, 2)}  # CPU s
        self.problems = []  # lines lost or torn where none may be, runs that timed out

    # --- tend ---------------------------------------------------------------
    def tend(self, *args, check=True, timeout=60):
        return run_command([self.tend_bin, *args], self.tend_env, check, timeout)

    def tend_jlist(self):
        lst = json.loads(self.tend("jlist").stdout)
        self.pids["tend"].update(i["pid"] for i in lst if i.get("pid"))
        return lst

    def tend_run(self, rotation, instances, lines, pace_us=0):
        """Runs the writer under tend until every instance's last line is in
        its files; (MB/s from `tend start` to the last byte, live files)."""
        self.runs += 1
        name = f"w{self.runs}"
        argv = ["start", self.writer, "--name", name, "--interpreter", "none",
                "--no-autorestart", "-i", str(instances), *rotation, "--", str(lines)]
        if pace_us:
            argv.append(str(pace_us))
        t0 = self.last_t0 = time.time()
        self.tend(*argv)
        mine = sorted((i for i in self.tend_jlist() if i["name"] == name),
                      key=lambda i: i["instance"])
        files = [i["out_log"] for i in mine]
        tails = [final_line(i["instance"], lines) for i in mine]
        end = t0 + CAPTURE_DEADLINE_S + lines * pace_us / 1e6 / 900
        # Polled slowly: the end is the files' mtime, and a tight poll would
        # take a core from the two being measured.
        while not all(ends_with(f, t) or self.ended_in_archive(f, t)
                      for f, t in zip(files, tails)):
            if time.time() > end:
                self.problems.append(f"tend run {name} timed out")
                break
            time.sleep(0.02)
        t1 = max(last_mtime(f) for f in files)
        return name, files, instances * lines * LINE_BYTES / (t1 - t0) / 1e6

    @staticmethod
    def ended_in_archive(live, tail):
        """The last write rotated the file: the line ends the newest archive
        (looked at only while the live file is empty, and only a plain one)."""
        try:
            if os.path.getsize(live) != 0:
                return False
        except OSError:
            return False
        arch = archives_of(live)
        if not arch:
            return False
        if not arch[-1].endswith(".gz"):
            return ends_with(arch[-1], tail)
        try:  # compressed already: 5 MB to read, once per run at most
            with gzip.open(arch[-1], "rb") as f:
                return f.read().endswith(tail)
        except (OSError, EOFError):
            return False  # being written: look again

    def tend_wait_quiet(self, files):
        """Until the archiver has compressed every archive of files and
        pruned them (no plain archive, no temporary file left)."""
        end = time.monotonic() + QUIET_DEADLINE_S
        d = os.path.dirname(files[0])
        while True:
            busy = any(n.endswith(".tmp") for n in os.listdir(d)) or any(
                not a.endswith(".gz") for f in files for a in archives_of(f))
            if not busy:
                return
            if time.monotonic() > end:
                self.problems.append("tend's archiver still busy after "
                                     f"{QUIET_DEADLINE_S:.0f} s")
                return
            time.sleep(0.05)

    def tend_delete(self, name, files):
        self.tend("delete", name)
        end = time.monotonic() + 30
        while any(i["name"] == name for i in self.tend_jlist()):
            if time.monotonic() > end:
                raise RuntimeError(f"{name} still listed 30 s after tend delete")
            time.sleep(0.05)
        d = os.path.dirname(files[0])
        for p in os.listdir(d):  # its out and error files and their archives
            if p.startswith(name + "-"):
                try:
                    os.unlink(os.path.join(d, p))
                except FileNotFoundError:
                    pass

    # --- the ceiling ----------------------------------------------------------
    def direct_run(self, instances, lines):
        """The writers straight into files in one folder on tend's disk; MB/s
        from their spawn to the last byte (the files' mtime)."""
        paths = [os.path.join(self.direct_dir, f"direct-{i}.log") for i in range(instances)]
        outs = [open(p, "wb") for p in paths]
        cpu0 = children_cpu()
        try:
            t0 = time.time()
            procs = [subprocess.Popen([self.writer, str(lines)], stdout=o,
                                      stdin=subprocess.DEVNULL,
                                      env=dict(self.tend_env, TEND_INSTANCE=str(i)))
                     for i, o in enumerate(outs)]
            self.pids["direct"].update(p.pid for p in procs)
            for p in procs:
                p.wait(timeout=CAPTURE_DEADLINE_S)
        finally:
            for o in outs:
                o.close()
        t1 = max(os.stat(p).st_mtime_ns for p in paths) / 1e9
        size = sum(os.path.getsize(p) for p in paths)
        for p in paths:
            os.unlink(p)
        self.cpu["direct", instances] += children_cpu() - cpu0
        return size / (t1 - t0) / 1e6

    # --- 1: throughput --------------------------------------------------------
    def throughput(self):
        configs = ["direct", "off", "on"]
        mbps = {(c, n): [] for c in configs for n in (1, 2)}
        tails_ok, tail_notes = 0, []
        self.tend_run_once(ROTATE_OFF, 1)  # warm-up: the daemon, the page cache
        self.direct_run(1, LINES)
        for r in range(ROUNDS):
            for n in (1, 2):
                order = configs[r % 3:] + configs[:r % 3]
                for c in order:
                    if c == "direct":
                        mbps[(c, n)].append(self.direct_run(n, LINES))
                        continue
                    cpu0 = cpu_seconds(self.daemon)
                    name, files, v = self.tend_run(ROTATE_OFF if c == "off" else ROTATE_ON,
                                                   n, LINES)
                    mbps[(c, n)].append(v)
                    if c == "on":
                        self.tend_wait_quiet(files)
                        check = LineCheck(n, LINES).read(
                            [p for f in files for p in [*archives_of(f), f]])
                        gaps, ends = check.tail_gaps()
                        if gaps or check.torn or check.dup or check.disorder or not ends:
                            tail_notes.append(f"round {r} x{n}: {gaps} gaps, "
                                              f"{check.summary()}, last line there: {ends}")
                        else:
                            tails_ok += 1
                    self.tend_delete(name, files)  # the writers are reaped: their CPU counts
                    self.cpu[c, n] += cpu_seconds(self.daemon) - cpu0
            print(f"  round {r + 1}/{ROUNDS}: "
                  + ", ".join(f"{c} x{n} {mbps[(c, n)][-1]:.0f}" for n in (1, 2)
                              for c in configs) + f"  (load {os.getloadavg()[0]:.2f})",
                  flush=True)
        print(f"\n{'MB/s, median (min-max) of ' + str(ROUNDS):<40} {'1 instance':<22} "
              f"{'2 instances (own files)':<22}")
        labels = {"direct": "direct into a file (ceiling)",
                  "off": "tend, rotation OFF (--max-size 0)",
                  "on": "tend, rotation ON (5M, retain 5, gz)"}
        for c in configs:
            print(f"{labels[c]:<40} {median_text(mbps[(c, 1)]):<22} "
                  f"{median_text(mbps[(c, 2)]):<22}")
        gb = {n: ROUNDS * n * LINES * LINE_BYTES / 1e9 for n in (1, 2)}
        print(f"CPU s per GB (writers + tendd, all threads)")
        for c in configs:
            print(f"  {labels[c]:<38} {self.cpu[c, 1] / gb[1]:<22.2f} "
                  f"{self.cpu[c, 2] / gb[2]:<22.2f}")
        med = {k: statistics.median(v) for k, v in mbps.items()}
        # Two ratios: of the medians, and the median of each round's own
        # ratio (its runs are seconds apart, so they share the machine's load).
        print(f"ratios: of the medians / median of the {ROUNDS} rounds' own")
        for num, den, what in (("on", "off", "rotation ON / OFF"),
                               ("on", "direct", "rotation ON / direct"),
                               ("off", "direct", "rotation OFF / direct")):
            ratios = [med[(num, n)] / med[(den, n)] for n in (1, 2)]
            paired = [statistics.median(a / b for a, b in zip(mbps[(num, n)], mbps[(den, n)]))
                      for n in (1, 2)]
            target = f"target >= {TARGET}" if num == "on" else ""
            print(f"  {what:<38} {f'{ratios[0]:.2f} / {paired[0]:.2f}':<22} "
                  f"{f'{ratios[1]:.2f} / {paired[1]:.2f}':<22} {target}")
            if num == "on" and min(ratios) < TARGET:
                self.problems.append(f"{what} below {TARGET}")
        cost = self.start_cost()
        print(f"fixed cost in each tend run: `tend start` to a 1-line writer's line in its file, "
              f"median {cost:.1f} ms ({cost / 1000 * med['off', 1] / (LINES * LINE_BYTES / 1e6) * 100:.0f}%"
              f" of a 1-instance run at the OFF median)")
        print(f"retained tail (5 archives + live) of the {2 * ROUNDS} ON runs: {tails_ok} "
              "contiguous, whole lines, ending on the last line")
        for note in tail_notes:
            print(f"  NOT CONTIGUOUS: {note}")
            self.problems.append(note)

    def start_cost(self):
        """`tend start` of a 1-line writer to that line's mtime: the fixed
        part of each run's time (CLI, request, spawn, first capture)."""
        costs = []
        for _ in range(ROUNDS):
            name, files, _ = self.tend_run(ROTATE_OFF, 1, 1)
            t0 = self.last_t0
            costs.append((last_mtime(files[0]) - t0) * 1000)
            self.tend_delete(name, files)
        return statistics.median(costs)

    def tend_run_once(self, rotation, n):
        name, files, _ = self.tend_run(rotation, n, LINES)
        self.tend_delete(name, files)

    # --- 2: integrity with everything kept ------------------------------------
    def integrity(self, lines=LINES, pace_us=0, label=""):
        results = {}
        for n in (1, 2) if not label else (1,):
            name, files, v = self.tend_run(ROTATE_ALL, n, lines, pace_us)
            self.tend_wait_quiet(files)
            paths = [p for f in files for p in [*archives_of(f), f]]
            check = LineCheck(n, lines).read(paths)
            results[n] = check
            what = label or f"{n} instance{'s' if n > 1 else ''}"
            print(f"tend, {what}: {n * lines * LINE_BYTES / 1e6:.0f} MB in "
                  f"{len(paths) - len(files)} archives + live, {v:.0f} MB/s: {check.summary()}",
                  flush=True)
            if check.lost() or check.torn or check.dup or check.disorder:
                self.problems.append(f"tend {what}: {check.summary()}")
            self.tend_delete(name, files)
        return results

    # --- 3: pm2 + pm2-logrotate ------------------------------------------------
    def pm2(self, *args, check=True, timeout=120):
        return run_command([self.pm2_bin, *args], self.pm2_env, check, timeout)

    def pm2_jlist(self):
        out = self.pm2("jlist").stdout.decode(errors="replace")
        lst = json.loads(out[out.index("["):]) if "[" in out else []
        self.pids["pm2"].update(i["pid"] for i in lst if i.get("pid"))
        return lst

    def pm2_setup(self):
        """pm2 from npm (into the temp dir), pm2-logrotate by `pm2 install`;
        its version, or raises."""
        if not self.pm2_bin:
            if not shutil.which("npm"):
                raise RuntimeError("npm not found (Debian packages nodejs, npm)")
            prefix = os.path.join(self.tmp, "pm2")
            p = subprocess.run(["npm", "install", "--prefix", prefix, "pm2@latest",
                                "--no-audit", "--no-fund", "--loglevel=error"],
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
            if p.returncode != 0:
                raise RuntimeError(f"npm install pm2: {p.stderr.decode(errors='replace')[-300:]}")
            self.pm2_bin = os.path.join(prefix, "node_modules", ".bin", "pm2")
        version = self.pm2("--version").stdout.decode().strip().splitlines()[-1]
        self.pm2_note_daemon()
        # Set before the install, so the module starts with them.
        for key, value in (("max_size", "5M"), ("compress", "true"), ("workerInterval", "1"),
                           ("retain", "1000")):
            self.pm2("set", f"pm2-logrotate:{key}", value)
        self.pm2("install", "pm2-logrotate", timeout=600)
        end = time.monotonic() + 60
        while not any(i["name"] == "pm2-logrotate" and i["pm2_env"]["status"] == "online"
                      for i in self.pm2_jlist()):
            if time.monotonic() > end:
                raise RuntimeError("pm2-logrotate not online 60 s after pm2 install")
            time.sleep(0.5)
        pkg = os.path.join(self.pm2_home, "modules", "pm2-logrotate", "node_modules",
                           "pm2-logrotate", "package.json")
        try:
            with open(pkg) as f:
                module = json.load(f)["version"]
        except (OSError, ValueError, KeyError):
            module = "?"
        time.sleep(1.5)  # its first check, so its interval is running
        return version, module

    def pm2_note_daemon(self):
        try:
            with open(os.path.join(self.pm2_home, "pm2.pid")) as f:
                self.pids["pm2"].add(int(f.read().split()[0]))
        except (OSError, ValueError, IndexError):
            pass

    def pm2_run(self, label, lines, pace_us):
        name = f"pw-{label}"
        argv = ["start", self.writer, "--name", name, "--interpreter", "none",
                "--no-autorestart", "--", str(lines)]
        if pace_us:
            argv.append(str(pace_us))
        self.pm2(*argv)
        deadline = time.monotonic() + CAPTURE_DEADLINE_S + lines * pace_us / 1e6 / 900
        live = None
        while True:  # until the writer has exited
            mine = [i for i in self.pm2_jlist() if i["name"] == name]
            if mine:
                live = mine[0]["pm2_env"]["pm_out_log_path"]
                if mine[0]["pm2_env"]["status"] in ("stopped", "errored"):
                    break
            if time.monotonic() > deadline:
                self.problems.append(f"pm2 run {name}: the writer did not end in time")
                break
            time.sleep(0.5)
        # Then until pm2 has written it all and pm2-logrotate has had its
        # say: nothing in the folder changes for 3 of its 1 s checks.
        d = os.path.dirname(live)
        stable_since, last = time.monotonic(), None
        end = time.monotonic() + QUIET_DEADLINE_S
        while time.monotonic() - stable_since < 3.0 and time.monotonic() < end:
            now = sorted((n, os.stat(os.path.join(d, n)).st_size) for n in os.listdir(d)
                         if n.startswith(name))
            if now != last:
                last, stable_since = now, time.monotonic()
            time.sleep(0.2)
        paths = [*archives_of(live), live]
        check = LineCheck(1, lines).read(paths)
        self.pm2("delete", name)
        for p in os.listdir(d):
            if p.startswith(name):
                os.unlink(os.path.join(d, p))
        return check, len(paths) - 1

    def versus_pm2(self):
        try:
            if os.environ.get("LOGROT_SKIP_PM2"):
                raise RuntimeError("LOGROT_SKIP_PM2 is set")
            version, module = self.pm2_setup()
            print(f"pm2 {version}, pm2-logrotate {module} (max_size 5M, compress, "
                  "workerInterval 1 s, retain 1000)", flush=True)
        except (RuntimeError, OSError, subprocess.SubprocessError, ValueError) as e:
            print(f"pm2: not run ({e}); tend's figures only", flush=True)
            version = None
        rows = []
        for label, lines, pace in (("burst", LINES, 0), ("paced", PACED_LINES, PACE_US)):
            what = (f"{label}: {lines:,} lines" + (f", {PACE_US} us pause per 64 KiB"
                                                   if pace else ", full speed"))
            tend = self.integrity(lines, pace, label=what)[1]
            if version:
                check, archives = self.pm2_run(label, lines, pace)
                print(f"pm2,  {what}: {archives} archives + live: {check.summary()}",
                      flush=True)
                rows.append((label, tend, check))
        if rows:
            print(f"\n{'lines lost / torn / duplicated':<34} {'tend':<22} {'pm2 + pm2-logrotate':<22}")
            for label, t, p in rows:
                print(f"{label:<34} {f'{t.lost():,} / {t.torn:,} / {t.dup:,}':<22} "
                      f"{f'{p.lost():,} / {p.torn:,} / {p.dup:,}':<22}")

    # --- cleanup ------------------------------------------------------------------
    def main(self):
        print(f"tend log rotation benchmark: {self.build}, {os.cpu_count()} cores, "
              f"{time.strftime('%Y-%m-%d %H:%M')}")
        print(f"uptime at start: {uptime()}")
        print(f"{LINES:,} lines of {LINE_BYTES} B per instance and run; MB = 10^6 bytes",
              flush=True)
        self.tend("list")  # starts the daemon
        self.daemon = serving_pid(self.tend_home)
        self.pids["tend"].add(self.daemon)
        print(f"\n1) capture throughput, {ROUNDS} rounds (MB/s per configuration)")
        self.throughput()
        print("\n2) integrity with every line kept (--max-size 5M --retain 1000 --compress)")
        self.integrity()
        print("\n3) lines lost at rotation: tend against pm2 + pm2-logrotate (every archive kept)")
        self.versus_pm2()
        return 0 if not self.problems else 1

    def cleanup(self):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print(f"\nuptime at end: {uptime()}")
        for p in self.problems:
            print(f"problem: {p}")
        daemon = serving_pid(self.tend_home)
        if os.path.exists(self.tend_home):
            try:
                self.tend("kill", check=False, timeout=30)
            except Exception as e:  # noqa: BLE001 - cleanup goes on regardless
                print(f"bench: tend kill: {e}", file=sys.stderr)
            if daemon and alive(daemon):
                kill_daemon(daemon, self.tend_home)
        if self.pm2_bin and os.path.exists(self.pm2_bin):
            try:
                self.pm2_jlist()
            except Exception:  # noqa: BLE001 - the daemon may be gone already
                pass
            self.pm2_note_daemon()
            try:
                self.pm2("kill", check=False, timeout=60)
            except Exception as e:  # noqa: BLE001
                print(f"bench: pm2 kill: {e}", file=sys.stderr)
        deadline = time.monotonic() + 5
        seen = set().union(*self.pids.values())
        while any(alive(p) for p in seen) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [p for p in seen if alive(p)]
        for p in left:  # only what is provably ours
            if has_env(p, "TEND_HOME", self.tend_home) or has_env(p, "PM2_HOME", self.pm2_home):
                os.kill(p, signal.SIGKILL)
        print(f"cleanup: {len(seen) - len(left)} of {len(seen)} pids seen are gone"
              + (f"; killed {left}" if left else ""))
        if os.environ.get("TEND_BENCH_KEEP"):
            print(f"bench: kept {self.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def uptime():
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return f"load average {os.getloadavg()}"


if __name__ == "__main__":
    interrupt_on_signals()
    run_bench(Bench())
