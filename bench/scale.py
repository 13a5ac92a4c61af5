#!/usr/bin/python3
# Scale benchmark (issue 16): a thousand instances as cheaply as ten, and an
# idle daemon that costs nothing. Prints each figure of the table for
# tend and, side by side in the same run, for PM2 (unless --skip-pm2), each
# beside its target:
#
#   1,000 instances online, one command     (until jlist says all are online)
#   list / jlist with 1,000 instances        (hyperfine -N, median)
#   tend list with 10 apps                   (hyperfine -N, median)
#   daemon CPU while idle, 100 / 1,000       (utime+stime of the daemon over
#                                             --idle-seconds, as ms a minute,
#                                             with ~1,000 unrelated `sleep`s running)
#   daemon RSS, 1 / 100 / 1,000, and its drift over --soak-minutes with 1,000
#   delete of 1,000
#   with --ten-thousand: 10,000 instances under tend, with {"max_instances": 10000}
#   in TEND_HOME/config.json before the daemon starts: online time, list latency,
#   idle CPU, RSS (a refusal is printed as it comes)
#
# The instances are `/bin/sleep infinity`: under tend `tend start /bin/sleep
# --interpreter none --name s -i N -- infinity`; under PM2 the same binary from
# an ecosystem file (script /bin/sleep, args infinity, interpreter none,
# exec_mode fork, instances N). Not a test; never run by ctest.
#
#   bench/scale.py                   # uses ./build (or TEND_BUILD)
#   bench/scale.py --quick --skip-pm2
#   bench/scale.py --soak-minutes 60 # the "flat over an hour"
#   PM2_BIN=/path/to/pm2 bench/scale.py  # skip the npm install of pm2
#
# pm2 is installed from the npm registry into a temporary folder by this script
# only (never a dependency of tend), with a private PM2_HOME holding its `touch`
# file and PM2_DISABLE_VERSION_CHECK=1 before any pm2 command. Every wait has a
# deadline; however the script ends, `tend kill`, `pm2 kill`, the unrelated
# sleeps (by the pids this script started) and the temporary homes are cleaned
# up; only pids this run started, or that carry its private homes in their
# environment, are signalled.
import argparse
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import (TICKS, alive, cpu_ticks, has_env, interrupt_on_signals, rss_kib,
                      run_command, tend_binaries)

TARGETS = {
    "online": "< 1 s",
    "list1000": "< 10 ms",
    "jlist1000": "< 10 ms",
    "list10": "< 1.5 ms",
    "cpu100": "< 15 ms/min",
    "cpu1000": "< 60 ms/min",
    "rss1": "",
    "rss100": "< 6 MB",
    "rss1000": "< 12 MB",
    "drift": "flat",
    "delete": "keep (0.25 s)",
    "online10k": "all online",
    "list10k": "answering, linear",
    "cpu10k": "linear",
    "rss10k": "linear",
}
LABELS = {
    "online": "1,000 instances online, one command",
    "list1000": "list, 1,000 instances (median)",
    "jlist1000": "jlist, 1,000 instances (median)",
    "list10": "list, 10 apps (median)",
    "cpu100": "daemon CPU idle, 100 instances",
    "cpu1000": "daemon CPU idle, 1,000 instances",
    "rss1": "daemon RSS, 1 instance",
    "rss100": "daemon RSS, 100 instances",
    "rss1000": "daemon RSS, 1,000 instances",
    "drift": "daemon RSS drift over the soak, 1,000",
    "delete": "delete of 1,000",
    "online10k": "10,000 instances online",
    "list10k": "list, 10,000 instances (median)",
    "cpu10k": "daemon CPU idle, 10,000 instances",
    "rss10k": "daemon RSS, 10,000 instances",
}
UNRELATED = 1000


def parse_args():
    p = argparse.ArgumentParser(description="tend vs PM2 at 1,000 instances (issue 16)")
    p.add_argument("--idle-seconds", type=float, default=None,
                   help="window of each idle CPU figure (default 60, 10 with --quick)")
    p.add_argument("--soak-minutes", type=float, default=None,
                   help="RSS soak with 1,000 instances (default 2, 0.5 with --quick)")
    p.add_argument("--skip-pm2", action="store_true", help="tend only")
    p.add_argument("--quick", action="store_true", help="smaller windows, fewer runs")
    p.add_argument("--ten-thousand", action="store_true",
                   help="also 10,000 instances under tend (a raised instance limit)")
    a = p.parse_args()
    if a.idle_seconds is None:
        a.idle_seconds = 10.0 if a.quick else 60.0
    if a.soak_minutes is None:
        a.soak_minutes = 0.5 if a.quick else 2.0
    if a.idle_seconds <= 0 or a.soak_minutes < 0:
        p.error("--idle-seconds must be > 0 and --soak-minutes >= 0")
    return a


def mib(kib):
    return f"{kib / 1024.0:.1f} MiB" if kib >= 0 else "gone"


def ecosystem(path, n):
    """A PM2 ecosystem file for n forked /bin/sleep infinity."""
    app = {"name": "s", "script": "/bin/sleep", "args": "infinity", "interpreter": "none",
           "exec_mode": "fork", "instances": n, "autorestart": True}
    with open(path, "w") as f:
        f.write("module.exports = " + json.dumps({"apps": [app]}) + ";\n")
    return path


class Manager:
    """What the figures need of a manager: start N, its list, the daemon's pid."""
    name = ""

    def __init__(self, bench):
        self.bench = bench
        self.pids = set()  # every instance pid seen, for the last-resort cleanup

    def wait_online(self, n, deadline_s):
        """Polls jlist until exactly n instances are online; the list."""
        end = time.monotonic() + deadline_s
        while True:
            lst = self.jlist()
            if len(lst) == n and all(self.status(i) == "online" for i in lst):
                return lst
            if time.monotonic() > end:
                online = sum(self.status(i) == "online" for i in lst)
                raise RuntimeError(f"{self.name}: {online} of {n} online after "
                                   f"{deadline_s:.0f} s")
            time.sleep(0.05)

    def wait_empty(self, deadline_s):
        end = time.monotonic() + deadline_s
        while self.jlist():
            if time.monotonic() > end:
                raise RuntimeError(f"{self.name}: list not empty after {deadline_s:.0f} s")
            time.sleep(0.05)


class Tend(Manager):
    name = "tend"

    def __init__(self, bench, tag, config=None):
        super().__init__(bench)
        self.home = os.path.join(bench.tmp, f"tend-{tag}")
        os.makedirs(self.home)
        if config is not None:  # before the daemon starts: it reads config.json once
            with open(os.path.join(self.home, "config.json"), "w") as f:
                json.dump(config, f)
        self.env = dict(bench.base_env, TEND_HOME=self.home, TEND_DAEMON_BIN=bench.tendd)
        self.daemon = 0
        self.stopped = False  # any tend command after the stop would start a daemon again

    def run(self, *args, check=True, timeout=120):
        return run_command([self.bench.tend, *args], self.env, check, timeout)

    def start_daemon(self):
        self.run("list")
        with open(os.path.join(self.home, "tendd.pid")) as f:
            self.daemon = int(f.read().split()[0])

    def log_tail(self):
        """The last line of tendd.log that says something (why a daemon stopped)."""
        try:
            with open(os.path.join(self.home, "tendd.log"), errors="replace") as f:
                lines = [line.strip() for line in f if line.strip()]
            return lines[-1] if lines else "(tendd.log empty)"
        except OSError:
            return "(no tendd.log)"

    def start(self, n, name="s"):
        self.run("start", "/bin/sleep", "--interpreter", "none", "--name", name, "-i", str(n),
                 "--", "infinity", timeout=600)

    def delete(self, name="s"):
        self.run("delete", name, timeout=600)

    def jlist(self):
        lst = json.loads(self.run("jlist").stdout)
        self.pids.update(i["pid"] for i in lst if i.get("pid"))
        return lst

    @staticmethod
    def status(i):
        return i.get("status")

    def command(self, word):
        return [self.bench.tend, word]

    def ours(self, pid):
        return has_env(pid, "TEND_HOME", self.home)

    def stop(self):
        if self.stopped or not os.path.exists(os.path.join(self.home, "tendd.pid")):
            return
        self.stopped = True
        try:
            self.jlist()
        except Exception:  # noqa: BLE001 - the daemon may be gone already
            pass
        try:
            self.run("kill", check=False, timeout=60)
        except Exception as e:  # noqa: BLE001 - cleanup goes on regardless
            print(f"bench: tend kill: {e}", file=sys.stderr)
        keeper = 0
        if self.daemon:
            try:
                with open(f"/proc/{self.daemon}/stat") as f:
                    keeper = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
        for pid in (keeper, self.daemon):  # the keeper first: it would start another
            if pid > 1 and self.ours(pid):
                os.kill(pid, signal.SIGKILL)


class Pm2(Manager):
    name = "pm2"

    def __init__(self, bench):
        super().__init__(bench)
        self.home = os.path.join(bench.tmp, "pm2-home")
        os.makedirs(self.home)
        # Before any pm2 command: its `touch` file and no version check, or pm2
        # phones home and uses the real ~/.pm2.
        open(os.path.join(self.home, "touch"), "w").close()
        self.env = dict(bench.base_env, PM2_HOME=self.home, PM2_DISABLE_VERSION_CHECK="1")
        self.bin = os.environ.get("PM2_BIN", "")
        self.daemon = 0

    def install(self):
        if self.bin:
            return
        prefix = os.path.join(self.bench.tmp, "pm2")
        t0 = time.monotonic()
        p = subprocess.run(["npm", "install", "--prefix", prefix, "pm2@latest", "--no-audit",
                            "--no-fund", "--loglevel=error"], stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=600)
        if p.returncode != 0:
            raise RuntimeError(f"npm install pm2: {p.stderr.decode(errors='replace')[-500:]}")
        self.bin = os.path.join(prefix, "node_modules", ".bin", "pm2")
        print(f"pm2 installed in {time.monotonic() - t0:.0f} s", flush=True)

    def run(self, *args, check=True, timeout=300):
        return run_command([self.bin, *args], self.env, check, timeout)

    def start_daemon(self):
        self.run("ping")
        with open(os.path.join(self.home, "pm2.pid")) as f:
            self.daemon = int(f.read().split()[0])

    def start(self, n, name="s"):
        path = ecosystem(os.path.join(self.bench.tmp, f"ecosystem-{n}.config.js"), n)
        self.run("start", path, timeout=900)

    def delete(self, name="s"):
        self.run("delete", name, timeout=900)

    def jlist(self):
        out = self.run("jlist").stdout.decode(errors="replace")
        lst = json.loads(out[out.index("["):]) if "[" in out else []
        self.pids.update(i["pid"] for i in lst if i.get("pid"))
        return lst

    @staticmethod
    def status(i):
        return i.get("pm2_env", {}).get("status")

    def command(self, word):
        return [self.bin, word]

    def ours(self, pid):
        return has_env(pid, "PM2_HOME", self.home)

    def stop(self):
        if not self.bin or not os.path.exists(self.bin):
            return
        try:
            self.jlist()
        except Exception:  # noqa: BLE001
            pass
        try:
            self.run("kill", check=False, timeout=120)
        except Exception as e:  # noqa: BLE001
            print(f"bench: pm2 kill: {e}", file=sys.stderr)
        if self.daemon and self.ours(self.daemon):
            os.kill(self.daemon, signal.SIGKILL)


class Bench:
    def __init__(self, args):
        self.args = args
        self.build, self.tend, self.tendd = tend_binaries()
        self.hyperfine = shutil.which("hyperfine")
        if not self.hyperfine:
            sys.exit("bench: hyperfine not found (Debian package hyperfine)")
        if not args.skip_pm2 and not (shutil.which("node") and shutil.which("npm")):
            sys.exit("bench: node and npm are needed for PM2 (or pass --skip-pm2)")
        self.tmp = tempfile.mkdtemp(prefix="tend-bench-scale-")
        self.base_env = {k: v for k, v in os.environ.items()
                         if k not in ("TEND_HOME", "PM2_HOME")}
        self.managers = []
        self.unrelated = []  # Popen of the unrelated sleeps
        self.results = {}    # (manager, key) -> text
        self.failures = 0
        self.runs = 10 if args.quick else 30

    # --- output ---------------------------------------------------------
    def show(self, who, key, value, note=""):
        self.results[(who, key)] = value
        target = TARGETS.get(key, "")
        print(f"{who:<5} {LABELS[key]:<40} {value:<22} "
              f"{('target ' + target) if target else '':<22} {note}", flush=True)

    def fail(self, who, what, err):
        self.failures += 1
        self.results.setdefault((who, what), "FAILED")
        print(f"{who:<5} {LABELS.get(what, what):<40} FAILED: {err}", flush=True)

    # --- the unrelated processes ------------------------------------------
    def start_unrelated(self):
        """~1,000 sleeps that are not the manager's (the machine's other
        processes, which a sampler that walks /proc pays for). Each sleeps no
        longer than this run could last, should the script itself be killed."""
        if self.unrelated:
            return
        bound = int(3600 + self.args.soak_minutes * 60 * 3 + self.args.idle_seconds * 20)
        for _ in range(UNRELATED):
            self.unrelated.append(subprocess.Popen(
                ["sleep", str(bound)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL))
        print(f"started {UNRELATED} unrelated `sleep {bound}` processes", flush=True)

    def stop_unrelated(self):
        for p in self.unrelated:
            if p.poll() is None:
                p.kill()
        for p in self.unrelated:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                pass
        self.unrelated = []

    # --- measuring ------------------------------------------------------
    def median_ms(self, env, argv, runs):
        out = os.path.join(self.tmp, "hyperfine.json")
        cmd = " ".join(argv)
        p = subprocess.run([self.hyperfine, "-N", "--warmup", "2", "--runs", str(runs),
                            "--style", "none", "--export-json", out, cmd], env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=900)
        if p.returncode != 0:
            raise RuntimeError(f"hyperfine {cmd}: {p.stderr.decode(errors='replace')[-300:]}")
        with open(out) as f:
            return statistics.median(json.load(f)["results"][0]["times"]) * 1000.0

    def idle_cpu(self, m, key, n):
        """The daemon's utime+stime over the idle window, as ms a minute."""
        self.start_unrelated()
        time.sleep(2)  # the start's own tail (the last exits of jlist polls) settles
        t0, c0 = time.monotonic(), cpu_ticks(m.daemon)
        time.sleep(self.args.idle_seconds)
        ticks, elapsed = cpu_ticks(m.daemon) - c0, time.monotonic() - t0
        per_min = ticks * 1000.0 / TICKS * 60.0 / elapsed
        self.show(m.name, key, f"{per_min:.0f} ms/min",
                  f"({ticks} ticks in {elapsed:.0f} s, {len(self.unrelated)} unrelated sleeps)")

    def rss(self, m, key):
        self.show(m.name, key, mib(rss_kib(m.daemon)))

    def soak(self, m):
        """RSS with 1,000 instances over --soak-minutes: first, last, highest."""
        seconds = self.args.soak_minutes * 60
        if seconds <= 0:
            return
        first = rss_kib(m.daemon)
        samples = [first]
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            time.sleep(min(10.0, max(0.0, end - time.monotonic())))
            samples.append(rss_kib(m.daemon))
        last = samples[-1]
        self.show(m.name, "drift", f"{(last - first) / 1024.0:+.2f} MiB",
                  f"over {self.args.soak_minutes:g} min: {mib(first)} -> {mib(last)}, "
                  f"highest {mib(max(samples))}")

    # --- one manager through the table ------------------------------------
    def run_manager(self, m, n=1000, deadline_s=120.0):
        who = m.name
        m.start_daemon()
        steps = [
            ("rss1", lambda: self.one_instance(m)),
            ("cpu100", lambda: self.hundred(m)),
            ("online", lambda: self.thousand_online(m, n, deadline_s)),
            ("list1000", lambda: self.latency(m, "list", "list1000")),
            ("jlist1000", lambda: self.latency(m, "jlist", "jlist1000")),
            ("cpu1000", lambda: self.idle_cpu(m, "cpu1000", n)),
            ("rss1000", lambda: self.rss(m, "rss1000")),
            ("drift", lambda: self.soak(m)),
            ("delete", lambda: self.delete_all(m, n)),
            ("list10", lambda: self.ten_apps(m)),
        ]
        for key, step in steps:
            try:
                step()
            except (RuntimeError, subprocess.SubprocessError, OSError, ValueError,
                    KeyError) as e:
                self.fail(who, key, e)
                if key == "online":  # no 1,000: the figures that need them cannot run
                    for k in ("list1000", "jlist1000", "cpu1000", "rss1000", "drift"):
                        self.results[(who, k)] = "not run"
                    steps_left = [s for s in steps if s[0] in ("delete", "list10")]
                    for k2, s2 in steps_left:
                        try:
                            s2()
                        except Exception as e2:  # noqa: BLE001 - reported
                            self.fail(who, k2, e2)
                    return

    def one_instance(self, m):
        m.start(1)
        m.wait_online(1, 60)
        time.sleep(2)
        self.rss(m, "rss1")
        m.delete()
        m.wait_empty(60)

    def hundred(self, m):
        m.start(100)
        m.wait_online(100, 120)
        self.idle_cpu(m, "cpu100", 100)
        self.rss(m, "rss100")
        m.delete()
        m.wait_empty(120)

    def thousand_online(self, m, n, deadline_s):
        t0 = time.monotonic()
        m.start(n)
        m.wait_online(n, deadline_s)
        self.show(m.name, "online", f"{time.monotonic() - t0:.2f} s")

    def latency(self, m, word, key):
        runs = self.runs if m.name == "tend" else max(3, self.runs // 5)
        ms = self.median_ms(m.env, m.command(word), runs)
        self.show(m.name, key, f"{ms:.1f} ms", f"(hyperfine -N, {runs} runs)")

    def delete_all(self, m, n):
        t0 = time.monotonic()
        m.delete()
        m.wait_empty(300)
        self.show(m.name, "delete", f"{time.monotonic() - t0:.2f} s")

    def ten_apps(self, m):
        if m.name != "tend":
            return  # PM2's list with 10 apps is in core.py's reference (160-173 ms)
        for i in range(10):
            m.start(1, name=f"a{i}")
        m.wait_online(10, 60)
        ms = self.median_ms(m.env, m.command("list"), self.runs * 2)
        self.show(m.name, "list10", f"{ms:.2f} ms", f"(hyperfine -N, {self.runs * 2} runs)")
        m.run("delete", "all")
        m.wait_empty(60)

    def ten_thousand(self):
        """10,000 instances, or as many as the hard open-file limit lets tendd
        hold: six descriptors each (two pipes, IPC, two log files, a pidfd),
        and the keeper three. tendd raises its soft limit to the hard one
        itself; the hard one is the administrator's (LimitNOFILE=, ulimit
        -Hn), and raising it needs CAP_SYS_RESOURCE."""
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = 131072
        if hard != resource.RLIM_INFINITY and hard < wanted:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (soft, wanted))
                hard = wanted
            except (ValueError, OSError) as e:
                print(f"(hard open-file limit {hard} stays: {e})")
        n = 10000 if hard == resource.RLIM_INFINITY else min(10000, (hard - 512) // 6)
        n -= n % 100
        if n < 10000:
            print(f"(the many-instances rows run {n:,} instances: the most a hard open-file "
                  f"limit of {hard:,} holds at 6 descriptors each; 10,000 need about 61,000)")
        m = Tend(self, "10k", config={"max_instances": n})
        self.managers.append(m)
        who = "tend"
        try:
            try:
                m.start_daemon()
            except RuntimeError as e:  # e.g. a daemon that does not know the key
                self.fail(who, "online10k", f"refused: {e}: {m.log_tail()}")
                return
            t0 = time.monotonic()
            try:
                m.start(n)
            except RuntimeError as e:  # the limit not raised: print the refusal
                self.fail(who, "online10k", f"refused: {e}")
                return
            m.wait_online(n, 600)
            self.show(who, "online10k", f"{time.monotonic() - t0:.2f} s", f"{n:,} instances")
            ms = self.median_ms(m.env, m.command("list"), max(3, self.runs // 3))
            self.show(who, "list10k", f"{ms:.1f} ms", f"{n:,} instances")
            self.idle_cpu(m, "cpu10k", n)
            self.rss(m, "rss10k")
        except (RuntimeError, subprocess.SubprocessError, OSError, ValueError, KeyError) as e:
            self.fail(who, "online10k", e)
        finally:
            m.stop()
            self.verify_gone(m)

    # --- cleanup --------------------------------------------------------
    def verify_gone(self, m):
        """Every instance pid m showed is gone; a survivor provably ours is killed."""
        deadline = time.monotonic() + 10
        while any(alive(p) for p in m.pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [p for p in m.pids if alive(p) and m.ours(p)]
        for p in left:
            os.kill(p, signal.SIGKILL)
        if left:
            print(f"cleanup: {len(left)} of {len(m.pids)} {m.name} instances outlived "
                  f"its stop, killed", flush=True)

    def cleanup(self):
        for m in self.managers:
            m.stop()
            self.verify_gone(m)
        self.managers = []
        self.stop_unrelated()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def table(self):
        who = ["tend"] + ([] if self.args.skip_pm2 else ["pm2"])
        print(f"\n{'figure':<40} " + " ".join(f"{w:<16}" for w in who) + " target")
        for key, label in LABELS.items():
            cells = [self.results.get((w, key), "") for w in who]
            if not any(cells):
                continue
            print(f"{label:<40} " + " ".join(f"{c:<16}" for c in cells) + f" {TARGETS[key]}")


def main():
    args = parse_args()
    bench = Bench(args)
    interrupt_on_signals()
    print(f"tend scale benchmark: {bench.build}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.2f}, {time.strftime('%Y-%m-%d %H:%M')}; idle windows "
          f"{args.idle_seconds:g} s, soak {args.soak_minutes:g} min")
    print("instances: /bin/sleep infinity; tend: tend start /bin/sleep --interpreter none "
          "--name s -i N -- infinity; pm2: an ecosystem file {script /bin/sleep, args "
          "infinity, interpreter none, exec_mode fork, instances N}. RSS in MiB (VmRSS).",
          flush=True)
    try:
        tend = Tend(bench, "main")
        bench.managers.append(tend)
        bench.run_manager(tend)
        tend.stop()
        bench.verify_gone(tend)
        if args.ten_thousand:
            bench.ten_thousand()
        if not args.skip_pm2:
            pm2 = Pm2(bench)
            bench.managers.append(pm2)
            pm2.install()
            version = pm2.run("--version").stdout.decode().strip().splitlines()[-1]
            print(f"pm2 {version} (PM2_HOME {pm2.home})", flush=True)
            bench.run_manager(pm2, deadline_s=120.0 if args.quick else 600.0)
        bench.table()
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        bench.failures += 1
    except Exception as e:  # noqa: BLE001 - reported, then cleaned up
        print(f"bench: {e}", file=sys.stderr)
        bench.failures += 1
    finally:
        bench.cleanup()
    sys.exit(1 if bench.failures else 0)


if __name__ == "__main__":
    main()
