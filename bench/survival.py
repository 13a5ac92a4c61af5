#!/usr/bin/python3
# What a manager's death costs its apps: tend, PM2 and supervisord, one after
# the other in one run, each managing the same 20 apps, first through a
# `kill -9` of the daemon, then through an upgrade of the daemon in place
# (`tend update`, `pm2 update`, `supervisorctl reload`), each on a fresh set
# of apps. Issue 10's bench. Not a test; never run by ctest. About 2 min 10 s
# on the 2-core machine (pm2's install from npm, the first time, ~10 s more).
#
#   bench/survival.py                          # uses ./build
#   TEND_BUILD=build-bench bench/survival.py
#   SURVIVAL_ONLY=tend,pm2 bench/survival.py   # some managers only
#   SURVIVAL_EVENTS=kill bench/survival.py     # kill, update or both (default)
#   SURVIVAL_RATE=2000 bench/survival.py       # lines a second of each loud app
#   PM2_BIN=/path/to/pm2 bench/survival.py     # skip the npm install of pm2
#
# The 20 apps (slots): 10 loud apps writing numbered lines (SURVIVAL_RATE a
# second each, one write() per line), a Node HTTP app with 4 instances in
# cluster mode (supervisord has no cluster mode: 4 more sleepers there), a
# Node HTTP app with a port of its own (tend: --port, fork mode: tend holds
# the socket; PM2 and supervisord: the app binds it), a crash-looping app
# (exits 1 after 1.5 s, restarted at once), a stopped app, an app waiting out
# a 10-minute restart delay (supervisord has none: an app that exits before
# startsecs, in BACKOFF), and 2 sleepers. A closed-loop HTTP client (a new
# connection per request, timeout 5 s, at most 100 requests a second) runs on
# the cluster app and another on the port app throughout.
#
# Figures, per manager and event:
#   survive   the apps the event did not harm, seen in /proc 2.5 s after it:
#             a running app's process (same pid and start time) still alive;
#             the crash-looping app alive and still counted (restarts not
#             reset); the stopped and the delayed app not started by anyone
#   known     apps the next daemon lists (its CLI's list), by name/instance
#   adopted   apps it lists as they were: same pid (the crash loop: restarts
#             not reset), the stopped one stopped, the delayed one waiting
#   dup       apps with more than one live process (an orphan and a new copy)
#   lines     numbered lines of the 10 loud apps checked end to end once
#             the writers are frozen: lost (written, never in the file), torn
#             (not one whole line), duplicated (a number again: counted apart)
#   back      time from the event until the CLI lists all 20 apps adopted
#   failed    failed requests / requests of the clients (cluster, port)
# Targets (tend): 20/20 survive, 20/20 adopted, 0 duplicated, 0 lines lost,
# back within 1 s, 0 failed requests.
#
# pm2 is installed from the npm registry by this script only (pm2@7.0.4 in
# /tmp/tend-bench-pm2-7.0.4, reused by later runs); it is never a dependency
# of tend. Before any pm2 command: a private PM2_HOME with its `touch` file,
# and PM2_DISABLE_VERSION_CHECK=1. supervisord is Debian's (installed if
# missing; the system service is left disabled): a private supervisord with
# its own config and socket. Every daemon and app this run starts carries
# SURV_RUN=<run id> in its environment; however the script ends, each
# manager is stopped with its own command, then every process still carrying
# the marker (orphans of a killed daemon) is killed by pid.
# /usr/bin/python3 on purpose (see BASELINE.md).
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from benchlib import interrupt_on_signals, run_command, tend_binaries
from survivallib import (MARK, Client, build_apps, check_log, free_port, freeze_writers,
                         marked, proc_comm, processes_by_slot, same_process, start_time, sweep,
                         wait_answering, wait_files_still, wait_gone)

RATE = int(os.environ.get("SURVIVAL_RATE", "2000"))
LOUD = 10
WRITE_MAX_S = 900          # a writer stops writing after this, whatever happens
WARM_S = 3.0               # apps and clients running before the event
SURVIVE_CHECK_S = 2.5      # after the event: longer than the crash loop's 1.5 s run
BACK_DEADLINE_S = 10.0     # waiting for the table after a kill -9
UPDATE_DEADLINE_S = 10.0   # after an update command returns
CLIENT_RATE = 100
CLIENT_AFTER_S = 7.0       # the clients go on this long after the event at least: a
                           # request stuck then has timed out (5 s), and the next ones
                           # show whether the service came back
PM2_VERSION = "7.0.4"
PM2_CACHE = f"/tmp/tend-bench-pm2-{PM2_VERSION}"
SETUP_DEADLINE_S = 60.0


class NoDaemon(Exception):
    """The manager's CLI found no daemon to talk to."""


class Entry:
    def __init__(self, pid, status, restarts):
        self.pid, self.status, self.restarts = pid or 0, status, restarts

    def __repr__(self):
        return f"{self.status}:{self.pid}:{self.restarts}"


def slots(with_cluster):
    """(slot, kind) of the 20 apps."""
    out = [(f"loud{i}", "loud") for i in range(LOUD)]
    if with_cluster:
        out += [(f"cluster#{k}", "cluster") for k in range(4)]
    out += [("port", "port"), ("crash", "crash"), ("stopped", "stopped"),
            ("delayed", "delayed"), ("sleep0", "sleep"), ("sleep1", "sleep")]
    if not with_cluster:
        out += [(f"sleep{k}", "sleep") for k in range(2, 6)]
    return out


RUNNING_KINDS = ("loud", "cluster", "port", "sleep")


# --- the managers -------------------------------------------------------------
class Manager:
    name = "?"
    has_cluster = True
    update_command = "?"

    def __init__(self, bench):
        self.b = bench
        self.dir = tempfile.mkdtemp(prefix=f"{self.name}-", dir=bench.tmp)
        self.counters = os.path.join(self.dir, "counters")
        os.makedirs(self.counters)
        self.logs = {}          # loud slot -> log file
        self.daemons = set()    # daemon pids seen
        self.ports = {"cluster": free_port() if self.has_cluster else 0, "port": free_port()}
        self.slots = slots(self.has_cluster)

    def loud_args(self, slot):
        return ["loud", slot, str(RATE), self.counters, str(WRITE_MAX_S)]

    def not_ready(self, lst):
        """The slots not in the state the bench wants before the event."""
        out = []
        for slot, kind in self.slots:
            e = lst.get(slot)
            if (e is None
                    or (kind in RUNNING_KINDS and not (e.status == "online" and e.pid))
                    or (kind == "stopped" and e.status != "stopped")
                    or (kind == "delayed" and e.status != "waiting")
                    or (kind == "crash" and (e.restarts or 0) < 1
                        and self.name != "supervisord")):
                out.append(f"{slot} {e}")
        return out

    def ready(self, lst):
        return not self.not_ready(lst)

    def wait_ready(self):
        end = time.monotonic() + SETUP_DEADLINE_S
        while True:
            lst = self.listing()
            if self.ready(lst):
                return lst
            if time.monotonic() > end:
                raise RuntimeError(f"{self.name}: apps not ready after {SETUP_DEADLINE_S:.0f} s "
                                   f"(status:pid:restarts): {', '.join(self.not_ready(lst))}")
            time.sleep(0.2)

    def remember_daemon(self):
        try:
            pid = self.daemon_pid()
            if pid:
                self.daemons.add(pid)
        except (OSError, ValueError, IndexError):
            pass

    def after_kill(self):
        """What comes back by itself or as an operator would do it (supervisord)."""

    daemon_comm = "?"

    def live_daemons(self):
        """Live processes of this run that run the daemon (two would share one home)."""
        return sorted(p for p in marked(self.b.run_id) if proc_comm(p) == self.daemon_comm)

    def teardown(self):
        """The manager's own stop, then every marked process left, by pid."""
        try:
            self.stop_all()
        except Exception as e:  # noqa: BLE001 - cleanup goes on regardless
            print(f"  cleanup: {self.name}: {e}", file=sys.stderr)
        # The daemons finish their stop (supervisorctl shutdown returns at once),
        # and the apps they stopped have a second to go.
        wait_gone(self.daemons, 15)
        time.sleep(1.0)
        return sweep(self.b.run_id)


class Tend(Manager):
    name = "tend"
    daemon_comm = "tendd"
    update_command = "tend update"

    def __init__(self, bench):
        super().__init__(bench)
        self.home = os.path.join(self.dir, "home")
        self.env = dict(bench.base_env, TEND_HOME=self.home, TEND_DAEMON_BIN=bench.tendd)
        self.env[MARK] = bench.run_id

    def cli(self, *args, check=True, timeout=60):
        return run_command([self.b.tend, *args], self.env, check, timeout)

    def start(self, slot, script, *opts, args=()):
        env = ["--env", f"{MARK}={self.b.run_id}", "--env", f"SURV_SLOT={slot}"]
        tail = ["--", *args] if args else []
        self.cli("start", script, "--name", slot, *opts, *env, *tail)

    def setup(self):
        b = self.b
        self.cli("list")  # the daemon, started by the CLI as a user's first command does
        self.remember_daemon()
        none = ["--interpreter", "none"]
        self.start("stopped", b.survapp, *none, args=["sleep", "7200"])
        self.cli("stop", "stopped")
        for i in range(LOUD):
            self.start(f"loud{i}", b.survapp, *none, args=self.loud_args(f"loud{i}"))
        self.cli("start", b.http_js, "--name", "cluster", "-i", "4",
                 "--env", f"PORT={self.ports['cluster']}", "--env", "HOST=127.0.0.1",
                 "--env", f"{MARK}={b.run_id}", "--env", "SURV_SLOT=cluster")
        self.start("port", b.http_js, "--exec-mode", "fork", "--port", str(self.ports["port"]),
                   "--host", "127.0.0.1", "--env", "HOST=127.0.0.1")
        self.start("crash", b.survapp, *none, args=["exit-after", "1500", "1"])
        self.start("delayed", b.survapp, *none, "--restart-delay", "600000",
                   args=["exit-after", "1200", "3"])
        for i in range(2):
            self.start(f"sleep{i}", b.survapp, *none, args=["sleep", "7200"])
        lst = json.loads(self.cli("jlist").stdout)
        for i in lst:
            if i["name"].startswith("loud"):
                self.logs[i["name"]] = i["out_log"]

    def listing(self):
        p = self.cli("jlist", check=False, timeout=20)
        if p.returncode != 0:
            raise NoDaemon(p.stderr.decode(errors="replace").strip()[-300:])
        self.remember_daemon()
        out = {}
        norm = {"waiting_restart": "waiting"}
        for i in json.loads(p.stdout):
            slot = i["name"] if i["name"] != "cluster" else f"cluster#{i['instance']}"
            out[slot] = Entry(i.get("pid"), norm.get(i["status"], i["status"]), i.get("restarts"))
        return out

    def daemon_pid(self):
        with open(os.path.join(self.home, "tendd.pid")) as f:
            return int(f.read().split()[0])

    def update(self):
        return self.cli("update", check=False, timeout=120)

    def stop_all(self):
        self.cli("kill", check=False, timeout=60)


class Pm2(Manager):
    name = "pm2"
    update_command = "pm2 update"

    def __init__(self, bench):
        super().__init__(bench)
        self.home = os.path.join(self.dir, "pm2-home")
        os.makedirs(self.home)
        # Before any pm2 command: its `touch` file and no version check, or
        # pm2 phones home and uses the real ~/.pm2.
        open(os.path.join(self.home, "touch"), "w").close()
        self.env = dict(bench.base_env, PM2_HOME=self.home, PM2_DISABLE_VERSION_CHECK="1")
        self.daemon_comm = f"PM2 v{pm2_version(bench.pm2)}: God"[:15]
        self.env[MARK] = bench.run_id

    def cli(self, *args, check=True, timeout=120, env=None):
        return run_command([self.b.pm2, *args], env or self.env, check, timeout)

    def start(self, slot, script, *opts, args=(), env=None):
        # pm2 hands the CLI's environment to the app: the marker and slot too.
        e = dict(self.env, SURV_SLOT=slot, **(env or {}))
        tail = ["--", *args] if args else []
        self.cli("start", script, "--name", slot, *opts, *tail, env=e)

    def setup(self):
        b = self.b
        self.cli("ping")  # the daemon, with no app's variables in its environment
        self.remember_daemon()
        none = ["--interpreter", "none"]
        self.start("stopped", b.survapp, *none, args=["sleep", "7200"])
        self.cli("stop", "stopped")
        for i in range(LOUD):
            self.start(f"loud{i}", b.survapp, *none, args=self.loud_args(f"loud{i}"))
        self.start("cluster", b.http_js, "-i", "4",
                   env={"PORT": str(self.ports["cluster"]), "HOST": "127.0.0.1"})
        self.start("port", b.http_js, env={"PORT": str(self.ports["port"]), "HOST": "127.0.0.1"})
        self.start("crash", b.survapp, *none, args=["exit-after", "1500", "1"])
        self.start("delayed", b.survapp, *none, "--restart-delay", "600000",
                   args=["exit-after", "1200", "3"])
        for i in range(2):
            self.start(f"sleep{i}", b.survapp, *none, args=["sleep", "7200"])
        for i in self.jlist():
            if i["name"].startswith("loud"):
                self.logs[i["name"]] = i["pm2_env"]["pm_out_log_path"]

    def jlist(self):
        p = self.cli("jlist", check=False, timeout=60)
        out = p.stdout.decode(errors="replace")
        # The JSON is one line; "[PM2] Spawning PM2 daemon..." may come first.
        for line in out.splitlines():
            if line.startswith("[") and not line.startswith("[PM2"):
                try:
                    return json.loads(line)
                except ValueError:
                    pass
        raise NoDaemon(p.stderr.decode(errors="replace").strip()[-300:] or out[-300:])

    def listing(self):
        lst = self.jlist()
        self.remember_daemon()
        out = {}
        norm = {"waiting restart": "waiting"}
        for i in lst:
            env = i.get("pm2_env", {})
            slot = i["name"]
            if slot == "cluster":
                slot = f"cluster#{env.get('NODE_APP_INSTANCE')}"
            out[slot] = Entry(i.get("pid"), norm.get(env.get("status"), env.get("status")),
                              env.get("restart_time"))
        return out

    def daemon_pid(self):
        with open(os.path.join(self.home, "pm2.pid")) as f:
            return int(f.read().split()[0])

    def update(self):
        return self.cli("update", check=False, timeout=180)

    def stop_all(self):
        self.cli("kill", check=False, timeout=60)


SUPERVISOR_HEAD = """[unix_http_server]
file={dir}/supervisor.sock

[supervisord]
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}/childlogs
user=root

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{dir}/supervisor.sock
"""

SUPERVISOR_PROGRAM = """
[program:{slot}]
command={command}
environment={environment}
stdout_logfile={dir}/logs/{slot}.log
stdout_logfile_maxbytes=0
stderr_logfile={dir}/logs/{slot}.err
stderr_logfile_maxbytes=0
autostart=true
autorestart=true
startsecs={startsecs}
startretries=1000
stopsignal=INT
stopasgroup=true
killasgroup=true
"""


class Supervisord(Manager):
    name = "supervisord"
    daemon_comm = "supervisord"
    has_cluster = False
    update_command = "supervisorctl reload"

    def __init__(self, bench):
        super().__init__(bench)
        self.conf = os.path.join(self.dir, "supervisord.conf")
        self.env = dict(bench.base_env)
        self.env[MARK] = bench.run_id
        os.makedirs(os.path.join(self.dir, "logs"))
        os.makedirs(os.path.join(self.dir, "childlogs"))

    def ctl(self, *args, timeout=60):
        return run_command(["supervisorctl", "-c", self.conf, *args], self.env, False, timeout)

    def program(self, slot, argv, env=None, startsecs=1):
        environment = {MARK: self.b.run_id, "SURV_SLOT": slot, **(env or {})}
        return SUPERVISOR_PROGRAM.format(
            slot=slot, command=" ".join(argv), dir=self.dir, startsecs=startsecs,
            environment=",".join(f'{k}="{v}"' for k, v in environment.items()))

    def setup(self):
        b = self.b
        text = SUPERVISOR_HEAD.format(dir=self.dir)
        for i in range(LOUD):
            slot = f"loud{i}"
            text += self.program(slot, [b.survapp, *self.loud_args(slot)])
            self.logs[slot] = os.path.join(self.dir, "logs", f"{slot}.log")
        node = shutil.which("node")
        text += self.program("port", [node, b.http_js],
                             {"PORT": str(self.ports["port"]), "HOST": "127.0.0.1"})
        text += self.program("crash", [b.survapp, "exit-after", "1500", "1"])
        text += self.program("stopped", [b.survapp, "sleep", "7200"])
        # No restart delay in supervisord: an app that exits before startsecs
        # is retried after 1, 2, 3... s (BACKOFF), the nearest thing.
        text += self.program("delayed", [b.survapp, "exit-after", "1200", "3"], startsecs=5)
        for i in range(6):
            text += self.program(f"sleep{i}", [b.survapp, "sleep", "7200"])
        with open(self.conf, "w") as f:
            f.write(text)
        self.launch()
        end = time.monotonic() + SETUP_DEADLINE_S
        while True:  # the stopped app: started with the rest, then stopped
            try:
                if self.listing().get("stopped", Entry(0, "", 0)).status == "online":
                    break
            except NoDaemon:
                pass
            if time.monotonic() > end:
                raise RuntimeError("supervisord: app 'stopped' never started")
            time.sleep(0.2)
        self.ctl("stop", "stopped")

    def launch(self):
        # supervisord forks into the background itself; its env carries the marker.
        run_command(["supervisord", "-c", self.conf], self.env, True, 30)
        end = time.monotonic() + 10
        while not os.path.exists(os.path.join(self.dir, "supervisor.sock")):
            if time.monotonic() > end:
                raise RuntimeError("supervisord: no socket after 10 s")
            time.sleep(0.05)
        self.remember_daemon()

    def listing(self):
        p = self.ctl("status", timeout=30)
        text = p.stdout.decode(errors="replace")
        if "no such file" in text or "refused connection" in text or p.returncode == 4:
            raise NoDaemon(text.strip()[-200:])
        self.remember_daemon()
        norm = {"RUNNING": "online", "STOPPED": "stopped", "BACKOFF": "waiting",
                "STARTING": "launching", "EXITED": "exited", "FATAL": "errored"}
        out = {}
        for line in text.splitlines():
            parts = line.split()
            if len(parts) < 2:
                continue
            pid = 0
            if "pid" in parts:
                try:
                    pid = int(parts[parts.index("pid") + 1].rstrip(","))
                except (ValueError, IndexError):
                    pid = 0
            out[parts[0]] = Entry(pid, norm.get(parts[1], parts[1].lower()), None)
        return out

    def daemon_pid(self):
        with open(os.path.join(self.dir, "supervisord.pid")) as f:
            return int(f.read().split()[0])

    def after_kill(self):
        # As systemd's Restart= would (Debian's unit has Restart=on-failure):
        # the next supervisord, same config. Its stale socket file is removed
        # by supervisord itself.
        self.launch()

    def update(self):
        return self.ctl("reload", timeout=120)

    def stop_all(self):
        if os.path.exists(os.path.join(self.dir, "supervisor.sock")):
            self.ctl("shutdown", timeout=60)


# --- the run -------------------------------------------------------------------
class Result:
    def __init__(self, manager, event):
        self.manager, self.event = manager, event
        self.error = None
        self.survive = self.known = self.adopted = self.dup = None
        self.lines = None
        self.back = None
        self.failed = {}
        self.notes = []
        self.duration = 0.0


class Bench:
    def __init__(self):
        self.build, self.tend, self.tendd = tend_binaries()
        for tool in ("node", "npm", "cc"):
            if not shutil.which(tool):
                sys.exit(f"bench: {tool} not found (Debian packages nodejs, npm, gcc)")
        self.run_id = f"survival-{os.getpid()}-{int(time.time())}"
        self.tmp = tempfile.mkdtemp(prefix="tend-bench-survival-")
        self.survapp, self.http_js = build_apps(self.tmp)
        self.base_env = {k: v for k, v in os.environ.items()
                         if k not in ("PORT", "NODE_APP_INSTANCE", "HOST", MARK, "SURV_SLOT",
                                      "TEND_HOME", "PM2_HOME")}
        self.pm2 = os.environ.get("PM2_BIN", "")
        self.current = None

    def install_pm2(self):
        if self.pm2:
            return
        self.pm2 = os.path.join(PM2_CACHE, "node_modules", ".bin", "pm2")
        if os.access(self.pm2, os.X_OK):
            return
        t0 = time.monotonic()
        p = subprocess.run(["npm", "install", "--prefix", PM2_CACHE, f"pm2@{PM2_VERSION}",
                            "--no-audit", "--no-fund", "--loglevel=error"],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
        if p.returncode != 0:
            raise RuntimeError(f"npm install pm2: {p.stderr.decode(errors='replace')[-500:]}")
        print(f"pm2 {PM2_VERSION} installed in {PM2_CACHE} in {time.monotonic() - t0:.0f} s",
              flush=True)

    def scenario(self, cls, event):
        t_start = time.monotonic()
        m = self.current = cls(self)
        r = Result(m.name, event)
        clients = {}
        try:
            m.setup()
            pre = m.wait_ready()
            wait_answering(m.ports["port"], 1)
            if m.has_cluster:
                wait_answering(m.ports["cluster"], 4)
            clients = {"port": Client(m.ports["port"], CLIENT_RATE)}
            if m.has_cluster:
                clients["cluster"] = Client(m.ports["cluster"], CLIENT_RATE)
            for c in clients.values():
                c.start()
            time.sleep(WARM_S)
            pre = m.listing()
            if not m.ready(pre):
                r.notes.append(f"before the {event}, not as wanted (status:pid:restarts): "
                               + ", ".join(m.not_ready(pre)))
            started = {s: start_time(e.pid) for s, e in pre.items() if e.pid}
            daemon_before = m.daemon_pid()
            self.measure(m, r, event, pre, started, daemon_before)
        except Exception as e:  # noqa: BLE001 - report, then clean up
            r.error = f"{type(e).__name__}: {e}"
        finally:
            for c in clients.values():
                c.stop()
            r.failed = {k: c.summary() for k, c in clients.items()}
            try:
                self.count_lines(m, r)
            except Exception as e:  # noqa: BLE001
                r.notes.append(f"log check failed: {e}")
            left = m.teardown()
            if left:
                r.notes.append(f"cleanup killed {len(left)} processes the manager left "
                               f"(orphans): {sorted(left)}")
            self.current = None
            r.duration = time.monotonic() - t_start
        return r

    def measure(self, m, r, event, pre, started, daemon_before):
        t0 = time.monotonic()
        if event == "kill":
            os.kill(daemon_before, signal.SIGKILL)
            m.after_kill()
            deadline = t0 + BACK_DEADLINE_S
        else:
            p = m.update()
            took = time.monotonic() - t0
            out = (p.stdout + p.stderr).decode(errors="replace").strip()
            r.notes.append(f"`{m.update_command}`: exit {p.returncode} after {took:.2f} s"
                           + (f": {out[-300:]}" if p.returncode != 0 else ""))
            if p.returncode != 0:
                r.error = f"`{m.update_command}` failed (exit {p.returncode}): " \
                          f"{out.splitlines()[-1][:200] if out else ''}"
            deadline = time.monotonic() + UPDATE_DEADLINE_S
        sample = None
        post = {}
        no_daemon = None
        while True:
            now = time.monotonic()
            if sample is None and now - t0 >= SURVIVE_CHECK_S:
                sample = self.survival_sample(m, pre, started)
            if r.back is None:
                try:
                    post = m.listing()
                    no_daemon = None
                    if self.adopted(m, pre, post) == len(m.slots):
                        r.back = time.monotonic() - t0
                except NoDaemon as e:
                    no_daemon = str(e)
            if r.back is not None and sample is not None:
                break
            if now > deadline and sample is not None:
                break
            time.sleep(0.005 if r.back is None and now - t0 < 2 else 0.1)
        if no_daemon:
            r.notes.append(f"no daemon answers the CLI: {no_daemon}")
        time.sleep(1.0)  # a second for any copy the next daemon starts
        try:
            post = m.listing()
        except NoDaemon:
            pass
        daemon_after = None
        try:
            daemon_after = m.daemon_pid()
        except (OSError, ValueError, IndexError):
            pass
        if event == "update" and daemon_after == daemon_before and m.name != "supervisord":
            r.notes.append(f"the daemon was not replaced (pid {daemon_before} still serves)")
            r.error = r.error or "the daemon was not replaced"
        procs = processes_by_slot(self.run_id, exclude=m.daemons)
        daemons = m.live_daemons()
        if len(daemons) != 1:
            r.notes.append(f"{len(daemons)} live daemon processes at the end: {daemons}")
        time.sleep(max(0.0, t0 + CLIENT_AFTER_S - time.monotonic()))
        r.survive = self.survived(m, pre, post, sample)
        r.known = sum(1 for s, _ in m.slots if s in post)
        r.adopted = self.adopted(m, pre, post)
        dups = {s: len(procs.get(s, [])) for s, _ in m.slots if len(procs.get(s, [])) > 1}
        r.dup = len(dups)
        if dups:
            r.notes.append("duplicated (live processes): "
                           + ", ".join(f"{s} x{n}" for s, n in sorted(dups.items())))
        revived = [s for s, k in m.slots if k == "stopped" and procs.get(s)]
        if revived:
            r.notes.append("the stopped app runs again after the event")
        if len(post) != len(m.slots):
            r.notes.append(f"the next daemon lists {len(post)} apps")
        gone = [s for s, k in m.slots if k in RUNNING_KINDS and not procs.get(s)]
        if gone:
            r.notes.append(f"{len(gone)} running apps have no live process at the end: "
                           f"{', '.join(gone)}")

    def survival_sample(self, m, pre, started):
        procs = processes_by_slot(self.run_id, exclude=m.daemons)
        out = {}
        for slot, kind in m.slots:
            e = pre.get(slot)
            pid = e.pid if e else 0
            same = same_process(pid, started.get(slot))
            if kind in RUNNING_KINDS:
                out[slot] = same
            elif kind == "crash":
                out[slot] = "same" if same else ("alive" if procs.get(slot) else False)
            elif kind == "stopped":
                out[slot] = not procs.get(slot)
            else:  # delayed: still waiting, or the run it was in goes on
                out[slot] = same or not procs.get(slot)
        return out

    @staticmethod
    def survived(m, pre, post, sample):
        n = 0
        for slot, _ in m.slots:
            v = sample.get(slot) if sample else False
            if v == "alive":  # a new run of the crash loop: its count must go on
                e, p = pre.get(slot), post.get(slot)
                v = bool(e and p and p.restarts is not None and e.restarts is not None
                         and p.restarts >= e.restarts)
            n += bool(v)
        return n

    @staticmethod
    def adopted(m, pre, post):
        n = 0
        for slot, kind in m.slots:
            e, p = pre.get(slot), post.get(slot)
            if not e or not p:
                continue
            if kind in RUNNING_KINDS:
                n += p.pid == e.pid and p.pid != 0 and p.status == "online"
            elif kind == "stopped":
                n += p.status == "stopped"
            else:  # crash loop, delayed restart: the same run, or its count goes on
                counted = (p.restarts is not None and e.restarts is not None
                           and p.restarts >= e.restarts)
                if kind == "crash":
                    n += (p.pid == e.pid and p.pid != 0) or counted
                else:
                    n += p.status == "waiting" and counted
        return n

    def count_lines(self, m, r):
        loud = {s for s, k in m.slots if k == "loud"}
        freeze_writers(self.run_id, loud)
        paths = [m.logs[s] for s in sorted(loud) if s in m.logs]
        if not wait_files_still(paths):
            r.notes.append("log files still grew 15 s after the writers were frozen")
        tot = {"written": 0, "lost": 0, "torn": 0, "dup": 0, "disorder": 0}
        worst = []
        for s in sorted(loud):
            if s not in m.logs:
                r.notes.append(f"{s}: no log file known")
                continue
            c = check_log(m.logs[s], s, m.counters)
            for k in tot:
                tot[k] += c[k]
            if c["lost"] or c["torn"] or c["dup"]:
                worst.append(f"{s} lost {c['lost']} torn {c['torn']} dup {c['dup']} "
                             f"({c['writers']} writer processes)")
        r.lines = tot
        if worst:
            r.notes.append("lines: " + "; ".join(worst[:4]) + (" ..." if len(worst) > 4 else ""))

    def cleanup(self):
        if self.current:
            try:
                self.current.teardown()
            except Exception as e:  # noqa: BLE001
                print(f"bench: cleanup: {e}", file=sys.stderr)
        left = sweep(self.run_id)
        if left:
            print(f"bench: killed {len(left)} leftover processes of this run: {left}",
                  file=sys.stderr)
        if os.environ.get("TEND_BENCH_KEEP"):
            print(f"bench: kept {self.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def ensure_supervisord():
    if shutil.which("supervisord") and shutil.which("supervisorctl"):
        return
    print("bench: supervisord is missing; installing Debian's supervisor package "
          "(its system service is disabled again)", file=sys.stderr)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "supervisor"], check=True, env=env,
                   stdin=subprocess.DEVNULL)
    # The package enables (and, where allowed, starts) its system service:
    # this bench runs its own supervisord only.
    if shutil.which("systemctl"):
        subprocess.run(sudo + ["systemctl", "disable", "--now", "supervisor"], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       stdin=subprocess.DEVNULL)


def pm2_version(pm2):
    """From pm2's package.json: even `pm2 --version` starts a daemon."""
    pkg = os.path.join(os.path.dirname(os.path.realpath(pm2)), "..", "package.json")
    try:
        with open(pkg) as f:
            return json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        return "(version unknown)"


def fmt_lines(t):
    if t is None:
        return "-"
    s = f"{t['lost']}/{t['torn']}/{t['dup']}"
    return s + (f" ({t['disorder']} disordered)" if t["disorder"] else "")


def print_table(results, total_slots):
    print()
    head = (f"{'manager':<12} {'event':<22} {'survive':>7} {'known':>6} {'adopted':>7} {'dup':>4}  "
            f"{'lines lost/torn/dup':<21} {'back':>8}  failed requests")
    print(head)
    print("-" * len(head))
    for r in results:
        n = total_slots
        if r.error:  # the figures would describe a daemon that was never replaced
            print(f"{r.manager:<12} {r.event:<22} NOT MEASURED: {r.error}")
            continue
        back = f"{r.back:.3f} s" if r.back is not None else "never"
        failed = "; ".join(f"{k} {v}" for k, v in sorted(r.failed.items()))
        print(f"{r.manager:<12} {r.event:<22} {r.survive:>4}/{n} {r.known:>3}/{n} "
              f"{r.adopted:>4}/{n} {r.dup:>4}  {fmt_lines(r.lines):<21} {back:>8}  {failed}")
    print()
    for r in results:
        figures = []
        if r.error and r.survive is not None:
            figures = [f"figures anyway: survive {r.survive}, known {r.known}, adopted "
                       f"{r.adopted}, dup {r.dup}, lines {fmt_lines(r.lines)}, failed "
                       + "; ".join(f"{k} {v}" for k, v in sorted(r.failed.items()))]
        for n in figures + r.notes:
            print(f"  {r.manager} {r.event}: {n}")
        print(f"  {r.manager} {r.event}: took {r.duration:.0f} s"
              + (f"; lines written {r.lines['written']:,}" if r.lines else ""))


def main():
    bench = Bench()
    interrupt_on_signals()
    only = os.environ.get("SURVIVAL_ONLY", "tend,pm2,supervisord").split(",")
    events = os.environ.get("SURVIVAL_EVENTS", "kill,update").split(",")
    managers = [c for c in (Tend, Pm2, Supervisord) if c.name in only]
    results = []
    t_all = time.monotonic()
    print(f"tend survival benchmark: {bench.build}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.2f}, {time.strftime('%Y-%m-%d %H:%M')}; 20 apps each, "
          f"{LOUD} loud at {RATE} lines/s, clients at {CLIENT_RATE} requests/s", flush=True)
    try:
        if Pm2 in managers:
            bench.install_pm2()
            print(f"pm2 {pm2_version(bench.pm2)}", flush=True)
        if Supervisord in managers:
            ensure_supervisord()
            v = run_command(["supervisord", "--version"], bench.base_env, True, 30)
            print(f"supervisord {v.stdout.decode().strip()}", flush=True)
        tend_v = run_command([bench.tend, "--version"], bench.base_env, True, 30)
        print(tend_v.stdout.decode().strip(), flush=True)
        for event in events:
            for cls in managers:
                label = "kill -9 of the daemon" if event == "kill" else cls.update_command
                print(f"{cls.name}: {label} ...", flush=True)
                r = bench.scenario(cls, event)
                r.event = label
                results.append(r)
                print(f"  done in {r.duration:.0f} s" + (f": {r.error}" if r.error else ""),
                      flush=True)
    except KeyboardInterrupt:
        print("\nbench: interrupted", file=sys.stderr)
    except Exception as e:  # noqa: BLE001 - report, then clean up
        print(f"bench: FAILED: {e}", file=sys.stderr)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        bench.cleanup()
    print_table(results, 20)
    print("survive/known/adopted out of 20 apps; lines = numbered lines of the 10 loud apps "
          "lost / torn / duplicated (counted apart); back = until the CLI lists all 20 as "
          "they were; failed = failed/all requests of each client.")
    print("supervisord: no cluster mode (4 sleepers instead, no cluster client); no restart "
          "delay (an app in BACKOFF instead); its next daemon after the kill is started as "
          "systemd's Restart= would. Upgrade: supervisorctl reload.")
    print(f"targets for tend: 20/20 survive, 20/20 adopted, 0 duplicated, 0 lines lost, back "
          f"within 1 s, 0 failed requests. Whole run: {time.monotonic() - t_all:.0f} s.")
    tend_ok = [r for r in results if r.manager == "tend"]
    met = tend_ok and all(r.survive == 20 and r.adopted == 20 and r.dup == 0 and r.lines
                          and r.lines["lost"] == 0 and r.lines["torn"] == 0
                          and r.back is not None and r.back <= 1.0
                          and all(v.startswith("0/") for v in r.failed.values())
                          for r in tend_ok)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
