#!/usr/bin/python3
# Cluster-mode HTTP benchmark: requests/s that wrk gets from
# examples/cluster-http/app.js run four ways, in one run, on 127.0.0.1:
#
#   plain   PORT=P node app.js                       (one process, no manager)
#   tend    tend start app.js -i 2 --port P         (tend binds once, hands connections in turn)
#   tendnp  tend start app.js -i 2 --env PORT=P     (no --port: the workers' own listen(P),
#                                                     bound by tendd on the first, dealt in turn)
#   pm2     PORT=P pm2 start app.js -i 2            (pm2's master routes every connection)
#
# Configurations are interleaved round by round (the machine is noisy): each
# round runs a 2 s warm-up then `wrk -t2 -c50 -d10s` on each; the table shows
# the median rps, ratios to pm2 and the average latency. Target: tend >= 1.15x
# pm2, with --port and without. Then the load spread under tend (once every instance has answered): a wrk Lua script counts the responses
# of each instance ("hello from instance K ..."); with N instances each share
# must be within 50%..150% of 1/N. Not a test; never run by ctest.
#
#   bench/cluster.py                       # uses ./build
#   TEND_BUILD=build-bench bench/cluster.py
#   CLUSTER_ROUNDS=5 CLUSTER_SECONDS=10 bench/cluster.py
#   PM2_BIN=/path/to/pm2 bench/cluster.py  # skip the npm install of pm2
#
# pm2 is installed from the npm registry into a temporary folder by this
# script only; it is never a dependency of tend. Both managers run with a
# private home (TEND_HOME, PM2_HOME) and are stopped with their own command
# (`tend kill`, `pm2 kill`) however the script ends; only pids this run
# started are ever signalled. /usr/bin/python3 on purpose (see BASELINE.md).
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from benchlib import REPO, alive, has_env, interrupt_on_signals, run_command, tend_binaries

APP = os.path.join(REPO, "examples", "cluster-http", "app.js")
ROUNDS = int(os.environ.get("CLUSTER_ROUNDS", "3"))
SECONDS = int(os.environ.get("CLUSTER_SECONDS", "10"))
WARMUP_S = 2
WRK_ARGS = ["-t2", "-c50"]
TARGET = 1.15
DEADLINE_S = 60.0

# Counts the responses of each instance across wrk's threads; `done` prints
# one line "instance K COUNT" per instance seen, plus "other COUNT".
SPREAD_LUA = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} other = 0 end
function response(status, headers, body)
  local k = body and body:match("instance (%d+)")
  if k then counts[k] = (counts[k] or 0) + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local total, other_all = {}, 0
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do total[k] = (total[k] or 0) + v end
    other_all = other_all + t:get("other")
  end
  for k, v in pairs(total) do io.write(string.format("instance %s %d\n", k, v)) end
  io.write(string.format("other %d\n", other_all))
end
"""


# --- small helpers --------------------------------------------------------
def free_port():
    """A port nobody uses on 127.0.0.1 right now (bound to 0, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, timeout=1.0):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=timeout) as r:
        return r.read().decode(errors="replace")


def wait_http(port, what, deadline_s=DEADLINE_S):
    end = time.monotonic() + deadline_s
    while True:
        try:
            return get(port)
        except OSError:
            if time.monotonic() > end:
                raise RuntimeError(f"{what}: nothing answers on port {port} "
                                   f"after {deadline_s:.0f} s")
            time.sleep(0.05)


def wait_all_answering(port, n, what, deadline_s=DEADLINE_S):
    """Until each of n instances has answered once: an instance still starting
    when wrk opens its keep-alive connections would get none of them."""
    end = time.monotonic() + deadline_s
    seen = set()
    while len(seen) < n:
        try:
            m = re.search(r"instance (\d+)", get(port))
            if m:
                seen.add(m.group(1))
        except OSError:
            time.sleep(0.05)
        if time.monotonic() > end:
            raise RuntimeError(f"{what}: only instances {sorted(seen)} answer on port {port} "
                               f"after {deadline_s:.0f} s")


def ms(text):
    """wrk's latency text ('812.34us', '1.23ms', '2.01s') in milliseconds."""
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if not m:
        return float("nan")
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m.group(2)]


def parse_wrk(out):
    """rps, average latency (ms), non-2xx count, socket-error text from wrk's output."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    lat = re.search(r"^\s*Latency\s+(\S+)", out, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors:.*", out)
    return (float(rps.group(1)) if rps else 0.0,
            ms(lat.group(1)) if lat else float("nan"),
            int(non2xx.group(1)) if non2xx else 0,
            sock.group(0) if sock else "")


# --- the three configurations -------------------------------------------
class Bench:
    def __init__(self):
        self.build, self.tend_bin, self.tendd_bin = tend_binaries()
        for tool in ("wrk", "node", "npm"):
            if not shutil.which(tool):
                sys.exit(f"bench: {tool} not found (Debian packages wrk, nodejs, npm)")
        self.tmp = tempfile.mkdtemp(prefix="tend-bench-cluster-")
        self.tend_home = os.path.join(self.tmp, "tend-home")
        self.pm2_home = os.path.join(self.tmp, "pm2-home")
        os.makedirs(self.pm2_home)
        # Before any pm2 command: a private home with its `touch` file and no
        # version check, or pm2 phones home and uses the real ~/.pm2.
        open(os.path.join(self.pm2_home, "touch"), "w").close()
        self.lua = os.path.join(self.tmp, "spread.lua")
        with open(self.lua, "w") as f:
            f.write(SPREAD_LUA)
        base = {k: v for k, v in os.environ.items() if k not in ("PORT", "NODE_APP_INSTANCE")}
        self.tend_env = dict(base, TEND_HOME=self.tend_home, TEND_DAEMON_BIN=self.tendd_bin)
        self.pm2_env = dict(base, PM2_HOME=self.pm2_home, PM2_DISABLE_VERSION_CHECK="1")
        self.base_env = base
        self.pm2_bin = os.environ.get("PM2_BIN", "")
        self.plain = None          # Popen of the plain node
        self.ports = {}            # configuration -> port
        self.pids = {"plain": set(), "tend": set(), "pm2": set(), "daemons": set()}
        self.notes = []            # anything odd, printed at the end

    # --- managers -------------------------------------------------------
    def tend(self, *args, check=True, timeout=60):
        return run_command([self.tend_bin, *args], self.tend_env, check, timeout)

    def pm2(self, *args, check=True, timeout=120, env=None):
        return run_command([self.pm2_bin, *args], env or self.pm2_env, check, timeout)

    def install_pm2(self):
        if self.pm2_bin:
            return
        prefix = os.path.join(self.tmp, "pm2")
        t0 = time.monotonic()
        p = subprocess.run(["npm", "install", "--prefix", prefix, "pm2@latest",
                            "--no-audit", "--no-fund", "--loglevel=error"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=600)
        if p.returncode != 0:
            raise RuntimeError(f"npm install pm2: {p.stderr.decode(errors='replace')[-500:]}")
        self.pm2_bin = os.path.join(prefix, "node_modules", ".bin", "pm2")
        print(f"pm2 installed in {time.monotonic() - t0:.0f} s", flush=True)

    def tend_jlist(self):
        lst = json.loads(self.tend("jlist").stdout)
        self.pids["tend"].update(i["pid"] for i in lst if i.get("pid"))
        return lst

    def pm2_jlist(self):
        out = self.pm2("jlist").stdout.decode(errors="replace")
        lst = json.loads(out[out.index("["):]) if "[" in out else []
        self.pids["pm2"].update(i["pid"] for i in lst if i.get("pid"))
        return lst

    def wait_online(self, what, jlist, status_of, n):
        end = time.monotonic() + DEADLINE_S
        while True:
            lst = jlist()
            if len(lst) == n and all(status_of(i) == "online" for i in lst):
                return lst
            if time.monotonic() > end:
                raise RuntimeError(f"{what}: not {n} online after {DEADLINE_S:.0f} s")
            time.sleep(0.1)

    def start_plain(self):
        port = self.ports["plain"] = free_port()
        self.plain = subprocess.Popen(["node", APP], env=dict(self.base_env, PORT=str(port)),
                                      stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
        self.pids["plain"].add(self.plain.pid)
        wait_http(port, "plain node")

    def start_tend(self, name, n, with_port=True):
        """tend -i n with --port, or (with_port False) as PM2 users start it:
        the app's own listen(PORT) under cluster mode, no --port."""
        port = self.ports[name] = free_port()
        shared = (["--port", str(port), "--host", "127.0.0.1"] if with_port
                  else ["--env", f"PORT={port}"])
        self.tend("start", APP, "--name", name, "-i", str(n), *shared)
        try:
            with open(os.path.join(self.tend_home, "tendd.pid")) as f:
                self.pids["daemons"].add(int(f.read().split()[0]))
        except (OSError, ValueError, IndexError):
            pass
        self.wait_online(f"tend {name}",
                         lambda: [i for i in self.tend_jlist() if i["name"] == name],
                         lambda i: i["status"], n)
        wait_http(port, f"tend {name}")
        wait_all_answering(port, n, f"tend {name}")

    def stop_tend_app(self, name):
        self.tend("delete", name, check=False)

    def start_pm2(self):
        port = self.ports["pm2"] = free_port()
        # pm2 hands the CLI's environment to the app: PORT reaches listen().
        self.pm2("start", APP, "--name", "pm2app", "-i", "2",
                 env=dict(self.pm2_env, PORT=str(port)))
        try:
            with open(os.path.join(self.pm2_home, "pm2.pid")) as f:
                self.pids["daemons"].add(int(f.read().split()[0]))
        except (OSError, ValueError, IndexError):
            pass
        self.wait_online("pm2", self.pm2_jlist, lambda i: i["pm2_env"]["status"], 2)
        wait_http(port, "pm2")

    # --- measuring ------------------------------------------------------
    def wrk(self, port, seconds, script=None):
        cmd = ["wrk", *WRK_ARGS, f"-d{seconds}s"]
        if script:
            cmd += ["-s", script]
        cmd.append(f"http://127.0.0.1:{port}/")
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=seconds + 60)
        return p.stdout.decode(errors="replace")

    def measure_rounds(self, configs):
        results = {c: [] for c in configs}   # c -> [(rps, lat_ms)]
        for r in range(1, ROUNDS + 1):
            line = []
            for c in configs:
                self.wrk(self.ports[c], WARMUP_S)
                out = self.wrk(self.ports[c], SECONDS)
                rps, lat, non2xx, sock = parse_wrk(out)
                if rps == 0:
                    self.notes.append(f"round {r} {c}: wrk gave no rate:\n{out}")
                if non2xx:
                    self.notes.append(f"round {r} {c}: {non2xx} non-2xx/3xx responses")
                if sock:
                    self.notes.append(f"round {r} {c}: {sock}")
                results[c].append((rps, lat))
                line.append(f"{c} {rps / 1000:.1f}k")
            print(f"  round {r}: " + ", ".join(line), flush=True)
        return results

    def spread(self, name, n):
        """One wrk run with the counting script against tend app `name` (n instances)."""
        out = self.wrk(self.ports[name], SECONDS, script=self.lua)
        rps, _, non2xx, sock = parse_wrk(out)
        counts = {int(k): int(v) for k, v in re.findall(r"^instance (\d+) (\d+)$", out, re.M)}
        other = re.search(r"^other (\d+)$", out, re.M)
        other = int(other.group(1)) if other else 0
        total = sum(counts.values()) + other
        if non2xx:
            self.notes.append(f"spread -i {n}: {non2xx} non-2xx/3xx responses")
        if sock:
            self.notes.append(f"spread -i {n}: {sock}")
        if not total:
            print(f"spread -i {n}: no responses counted\n{out}")
            return False
        fair = total / n
        parts, ok = [], True
        for k in range(n):
            c = counts.get(k, 0)
            rel = c / fair
            inside = 0.5 <= rel <= 1.5
            ok &= inside
            parts.append(f"#{k} {c} ({100.0 * c / total:.1f}%, {rel:.2f}x fair{'' if inside else ' OUT'})")
        unknown = sorted(set(counts) - set(range(n)))
        if unknown or other:
            ok = False
            parts.append(f"unexpected: instances {unknown}, unmatched bodies {other}")
        print(f"spread tend -i {n} ({total} responses, {rps / 1000:.1f}k rps with the "
              f"counting script): " + "; ".join(parts)
              + f" -> {'every share within 50%..150% of 1/N' if ok else 'UNEVEN'}", flush=True)
        return ok

    # --- cleanup --------------------------------------------------------
    def cleanup(self):
        if self.plain and self.plain.poll() is None:
            self.plain.terminate()
            try:
                self.plain.wait(5)
            except subprocess.TimeoutExpired:
                self.plain.kill()
                self.plain.wait()
        if os.path.exists(self.tend_home):
            try:
                self.tend_jlist()
            except Exception:  # noqa: BLE001 - the daemon may be gone already
                pass
            try:
                self.tend("kill", check=False, timeout=30)
            except Exception as e:  # noqa: BLE001 - cleanup goes on regardless
                print(f"bench: tend kill: {e}", file=sys.stderr)
        if self.pm2_bin and os.path.exists(self.pm2_bin):
            try:
                self.pm2_jlist()
            except Exception:  # noqa: BLE001
                pass
            try:
                self.pm2("kill", check=False, timeout=60)
            except Exception as e:  # noqa: BLE001
                print(f"bench: pm2 kill: {e}", file=sys.stderr)
        self.verify_gone()
        if os.environ.get("TEND_BENCH_KEEP"):
            print(f"bench: kept {self.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def verify_gone(self):
        """Every pid this run saw is gone; a survivor that is provably ours is killed."""
        deadline = time.monotonic() + 5
        seen = set().union(*self.pids.values())
        while any(alive(p) for p in seen) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [p for p in seen if alive(p)]
        for p in left:
            if (has_env(p, "TEND_HOME", self.tend_home) or has_env(p, "PM2_HOME", self.pm2_home)
                    or (self.plain and p == self.plain.pid)):
                os.kill(p, signal.SIGKILL)
        counts = {k: len(v) for k, v in self.pids.items()}
        if left:
            print(f"cleanup: {len(left)} of {len(seen)} pids outlived their manager's stop, "
                  f"killed: {left}")
        else:
            print(f"cleanup: all {len(seen)} pids seen are gone ({counts})")


def summarize(results):
    """Prints the table; the ratios to pm2 of tend with --port and without."""
    med = {c: (statistics.median(r[0] for r in v), statistics.mean(r[1] for r in v))
           for c, v in results.items()}
    pm2 = med["pm2"][0]
    plain = med["plain"][0]
    print(f"\n{'configuration':<26} {'median rps':>11} {'/ pm2':>7} {'/ plain':>8} "
          f"{'avg latency':>12}   rounds (k rps)")
    labels = {"plain": "plain node", "tend": "tend -i 2 --port",
              "tendnp": "tend -i 2 (no --port)", "pm2": "pm2 start -i 2"}
    for c, (rps, lat) in med.items():
        rounds = " ".join(f"{r[0] / 1000:.1f}" for r in results[c])
        print(f"{labels[c]:<26} {rps:>11,.0f} {rps / pm2:>7.2f} {rps / plain:>8.2f} "
              f"{lat:>9.2f} ms   {rounds}")
    return med["tend"][0] / pm2, med["tendnp"][0] / pm2


def main():
    bench = Bench()

    interrupt_on_signals()
    wrk_version = subprocess.run(["wrk", "-v"], stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT).stdout.decode().split("\n")[0]
    node_version = subprocess.run(["node", "--version"], stdout=subprocess.PIPE).stdout.decode()
    print(f"tend cluster benchmark: {bench.build}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.2f}, {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"{wrk_version.strip()}; node {node_version.strip()}; "
          f"wrk {' '.join(WRK_ARGS)} -d{SECONDS}s after a {WARMUP_S} s warm-up, "
          f"{ROUNDS} interleaved rounds")
    ok = False
    try:
        bench.install_pm2()
        pm2_version = bench.pm2("--version").stdout.decode().strip().splitlines()[-1]
        print(f"pm2 {pm2_version} (PM2_HOME {bench.pm2_home})")
        bench.start_plain()
        bench.start_tend("tend", 2)
        bench.start_tend("tendnp", 2, with_port=False)
        modes = {i["mode"] for i in bench.tend_jlist() if i["name"] == "tendnp"}
        if modes != {"cluster"}:
            raise RuntimeError(f"tend without --port runs in mode {sorted(modes)}, not cluster")
        bench.start_pm2()
        configs = ["plain", "tend", "tendnp", "pm2"]
        for c in configs:
            print(f"  {c:<6} port {bench.ports[c]}: {get(bench.ports[c]).strip()}")
        results = bench.measure_rounds(configs)
        ratio, ratio_np = summarize(results)
        print()
        spread_ok = bench.spread("tend", 2)
        # Four instances: only tend's app runs from here on.
        bench.stop_tend_app("tend")
        bench.stop_tend_app("tendnp")
        bench.start_tend("tend4", 4)
        spread_ok &= bench.spread("tend4", 4)
        met = ratio >= TARGET and ratio_np >= TARGET
        ok = met and spread_ok
        print(f"\nverdict: tend -i 2 serves {ratio:.2f}x pm2 -i 2's requests/s with --port "
              f"and {ratio_np:.2f}x without (target >= {TARGET:.2f}x): "
              f"{'MET' if met else 'NOT MET'}; load spread {'even' if spread_ok else 'UNEVEN'}")
    except KeyboardInterrupt:
        print("\nbench: interrupted", file=sys.stderr)
    except Exception as e:  # noqa: BLE001 - report, then clean up
        print(f"bench: FAILED: {e}", file=sys.stderr)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for n in bench.notes:
            print(f"note: {n}")
        bench.cleanup()
    return 0 if ok else 1  # 1: target not met, spread uneven, or the run failed


if __name__ == "__main__":
    sys.exit(main())
