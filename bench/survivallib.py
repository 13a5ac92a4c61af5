# What bench/survival.py and bench/chaos.py share: the apps they run (a
# compiled helper that writes numbered lines, sleeps or exits, and a Node
# HTTP server), the check of the log files end to end, a closed-loop HTTP
# client, and the walk of /proc that finds every process of a run by the
# marker variable the scripts set (SURV_RUN), to count an app's copies and
# to clean up what a killed manager orphaned.
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time

from benchlib import alive

LINE_BYTES = 64         # "<slot> <10-digit seq> xxx...x\n", one write() each
MARK = "SURV_RUN"       # in the environment of every daemon and app a run starts
SLOT = "SURV_SLOT"      # the app slot a process belongs to

# One small program for every app that is not Node, so that the managers all
# run the same thing (a program, --interpreter none):
#   survapp loud SLOT RATE DIR MAXSEC  RATE numbered lines a second on stdout,
#                                       one write() per line, for MAXSEC
#                                       seconds, then idle; the count of lines
#                                       written so far is kept in the shared
#                                       file DIR/SLOT.PID (mmap), which a
#                                       kill -9 or SIGPIPE does not lose;
#                                       SIGUSR1 stops the writing (the
#                                       bench freezes the writers before it
#                                       counts).
#   survapp sleep MAXSEC                 sleeps, then exits 0
#   survapp exit-after MS CODE           exits with CODE after MS ms
SURVAPP_C = r"""
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t frozen;
static void on_usr1(int sig) { (void)sig; frozen = 1; }

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_s(double s) {
    if (s <= 0) return;
    struct timespec ts = {(time_t)s, (long)((s - (time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

static int loud(const char* slot, long rate, const char* dir, double maxsec) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%d", dir, slot, (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, sizeof(uint64_t)) != 0) { perror(path); return 2; }
    volatile uint64_t* count = mmap(NULL, sizeof(uint64_t), PROT_READ | PROT_WRITE,
                                    MAP_SHARED, fd, 0);
    if (count == MAP_FAILED) { perror("mmap"); return 2; }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);

    char line[LINE_BYTES];
    size_t k = strlen(slot);
    if (k > LINE_BYTES - 14) return 2;
    memcpy(line, slot, k);
    line[k] = ' ';
    memset(line + k + 12, 'x', LINE_BYTES - (k + 13));
    line[LINE_BYTES - 1] = '\n';

    const double tick = 0.01;
    long per_tick = rate / 100 > 0 ? rate / 100 : 1;
    uint64_t seq = 0;
    double start = now(), next = start;
    while (!frozen && now() - start < maxsec) {
        for (long i = 0; i < per_tick && !frozen; i++) {
            char digits[16];
            snprintf(digits, sizeof digits, "%010llu", (unsigned long long)seq);
            memcpy(line + k + 1, digits, 10);
            line[k + 11] = ' ';
            ssize_t w;
            do {
                w = write(1, line, sizeof line);
            } while (w < 0 && errno == EINTR && !frozen);
            if (w != (ssize_t)sizeof line) {
                if (w < 0 && errno == EINTR) break; /* frozen while blocked */
                return 3;                           /* EPIPE with SIGPIPE ignored */
            }
            *count = ++seq;
        }
        next += tick;
        double lag = next - now();
        if (lag > 0) sleep_s(lag);
        else if (lag < -tick) next = now(); /* blocked on a full pipe: no burst after */
    }
    for (;;) pause(); /* frozen or done: idle until stopped */
}

int main(int argc, char** argv) {
    if (argc >= 6 && strcmp(argv[1], "loud") == 0)
        return loud(argv[2], atol(argv[3]), argv[4], atof(argv[5]));
    if (argc >= 3 && strcmp(argv[1], "sleep") == 0) {
        sleep_s(atof(argv[2]));
        return 0;
    }
    if (argc >= 4 && strcmp(argv[1], "exit-after") == 0) {
        sleep_s(atof(argv[2]) / 1000.0);
        return atoi(argv[3]);
    }
    fprintf(stderr, "usage: survapp loud SLOT RATE DIR MAXSEC | sleep S | exit-after MS CODE\n");
    return 2;
}
"""

# The HTTP app: answers "<instance> <pid>\n" with Connection: close, on
# PORT at HOST (127.0.0.1); as a Node cluster worker its listen() goes
# through the primary (tendd or PM2's daemon), under tend's --port in fork
# mode through tend's preload to fd 3. On SIGINT it finishes and exits.
HTTP_JS = r"""'use strict';
const http = require('http');
const port = Number(process.env.PORT);
const host = process.env.HOST || '127.0.0.1';
const instance = process.env.NODE_APP_INSTANCE || '0';
const server = http.createServer((req, res) => {
  const body = `${instance} ${process.pid}\n`;
  res.writeHead(200, { 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
  res.end(body);
});
server.listen(port, host, () => console.log(`instance ${instance} (pid ${process.pid})`));
process.on('SIGINT', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections?.();
});
"""


def build_apps(tmp):
    """Compiles survapp and writes the HTTP app into tmp; returns their paths."""
    src = os.path.join(tmp, "survapp.c")
    exe = os.path.join(tmp, "survapp")
    with open(src, "w") as f:
        f.write(f"#define LINE_BYTES {LINE_BYTES}\n" + SURVAPP_C)
    subprocess.run(["cc", "-O2", "-Wall", "-o", exe, src], check=True)
    js = os.path.join(tmp, "surv_http.js")
    with open(js, "w") as f:
        f.write(HTTP_JS)
    return exe, js


def free_port():
    """A port nobody uses on 127.0.0.1 right now (bound to 0, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- /proc ------------------------------------------------------------------
def environ(pid):
    """pid's environment as a dict, {} when it is gone or not readable."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            raw = f.read()
    except OSError:
        return {}
    env = {}
    for item in raw.split(b"\0"):
        k, sep, v = item.partition(b"=")
        if sep:
            env[k.decode(errors="replace")] = v.decode(errors="replace")
    return env


def start_time(pid):
    """pid's start time in clock ticks since boot (field 22 of stat), or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def same_process(pid, started):
    """True when pid is alive and is still the process that started at `started`."""
    return bool(pid) and alive(pid) and start_time(pid) == started


def marked(run_id, exclude=()):
    """{pid: env} of every live process whose environment has SURV_RUN=run_id."""
    found = {}
    me = os.getpid()
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        if pid == me or pid in exclude:
            continue
        env = environ(pid)
        if env.get(MARK) == run_id and alive(pid):
            found[pid] = env
    return found


def slot_of(env):
    """The slot a marked process belongs to: SURV_SLOT, with the instance
    index for the cluster app's workers ("cluster#2"); None for a daemon."""
    slot = env.get(SLOT)
    instance = env.get("NODE_APP_INSTANCE", "?")
    if not slot and "pm2_env" in env:
        # A cluster worker PM2 forked again (pm2 update, resurrect) has the
        # app's variables only in the JSON of its pm2_env variable.
        try:
            pm2_env = json.loads(env["pm2_env"])
            slot = pm2_env.get(SLOT) or pm2_env.get("env", {}).get(SLOT)
            instance = str(pm2_env.get("NODE_APP_INSTANCE", instance))
        except (ValueError, AttributeError):
            return None
    if not slot:
        return None
    if slot == "cluster":
        return f"cluster#{instance}"
    return slot


def processes_by_slot(run_id, exclude=()):
    """{slot: [pid, ...]} of the live app processes of a run."""
    out = {}
    for pid, env in marked(run_id, exclude).items():
        slot = slot_of(env)
        if slot:
            out.setdefault(slot, []).append(pid)
    return out


def sweep(run_id, keep=()):
    """SIGKILLs, one pid at a time, every live process of this run (found by
    its SURV_RUN marker, checked again just before the signal); returns them."""
    killed = []
    for pid in sorted(marked(run_id, keep)):
        if environ(pid).get(MARK) == run_id:
            try:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            except ProcessLookupError:
                pass
    end = time.monotonic() + 3
    while any(alive(p) for p in killed) and time.monotonic() < end:
        time.sleep(0.02)
    return killed


def wait_gone(pids, deadline_s):
    """Until none of pids is alive, or the deadline; True when all are gone."""
    end = time.monotonic() + deadline_s
    while any(alive(p) for p in pids):
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


def proc_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def proc_rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def proc_ppid(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def proc_comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


# --- the loud apps' lines -----------------------------------------------------
def freeze_writers(run_id, loud_slots):
    """SIGUSR1 to every live writer of the run: they stop writing (and stay)."""
    n = 0
    for pid, env in marked(run_id).items():
        if env.get(SLOT) in loud_slots:
            try:
                os.kill(pid, signal.SIGUSR1)
                n += 1
            except ProcessLookupError:
                pass
    return n


def wait_files_still(paths, still_s=1.0, deadline_s=15.0):
    """Until no file of paths has grown for still_s (the manager has written
    what it read); returns False when they still grew at the deadline."""
    end = time.monotonic() + deadline_s
    last, since = None, time.monotonic()
    while True:
        sizes = tuple(os.path.getsize(p) if os.path.exists(p) else -1 for p in paths)
        if sizes != last:
            last, since = sizes, time.monotonic()
        elif time.monotonic() - since >= still_s:
            return True
        if time.monotonic() > end:
            return False
        time.sleep(0.1)


def written_counts(counter_dir, slot):
    """{pid: lines written} of every writer process that ran for slot."""
    out = {}
    prefix = slot + "."
    for name in os.listdir(counter_dir):
        if name.startswith(prefix) and name[len(prefix):].isdigit():
            with open(os.path.join(counter_dir, name), "rb") as f:
                data = f.read(8)
            out[int(name[len(prefix):])] = int.from_bytes(data, "little") if len(data) == 8 else 0
    return out


def check_log(path, slot, counter_dir):
    """The numbered lines of one loud app's log file, end to end.
    Returns a dict: written (lines the app's writers got written, the most of
    any one of them), present (distinct numbers in the file), lost (numbers
    written but absent: gaps and a lost tail), torn (lines that are not one
    whole line of this app), dup (a number seen again: a second copy of the
    app, or a line written twice), disorder (a number lower than the one
    before, not a duplicate), writers (processes that wrote)."""
    pattern = re.compile(rb"^" + re.escape(slot.encode()) + rb" (\d{10}) x+\n$")
    seen = set()
    torn = dup = disorder = 0
    prev = -1
    top = -1
    try:
        f = open(path, "rb")
    except OSError:
        f = None
    if f:
        with f:
            for line in f:
                m = pattern.match(line) if len(line) == LINE_BYTES else None
                if not m:
                    torn += 1
                    continue
                seq = int(m.group(1))
                if seq in seen:
                    dup += 1
                else:
                    if seq < prev:
                        disorder += 1
                    seen.add(seq)
                prev = seq
                top = max(top, seq)
    counts = written_counts(counter_dir, slot)
    # A line can reach the file just before its writer dies between the
    # write() and the count's update: the file's top number counts too.
    written = max([top + 1, *counts.values()]) if counts or top >= 0 else 0
    present = sum(1 for s in seen if s < written)
    return {"written": written, "present": present, "lost": written - present, "torn": torn,
            "dup": dup, "disorder": disorder, "writers": len(counts)}


# --- the closed-loop HTTP client ----------------------------------------------
def wait_answering(port, instances, deadline_s=30.0):
    """Until each of `instances` instances has answered on port once, so the
    client does not count an app still starting as a failure."""
    end = time.monotonic() + deadline_s
    seen = set()
    while len(seen) < instances:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/")
            seen.add(conn.getresponse().read().split()[0])
        except (OSError, http.client.HTTPException, IndexError):
            time.sleep(0.05)
        finally:
            conn.close()
        if time.monotonic() > end:
            raise RuntimeError(f"only {len(seen)} of {instances} instances answer on port "
                               f"{port} after {deadline_s:.0f} s")


class Client(threading.Thread):
    """One request at a time on a new connection to 127.0.0.1:port (timeout
    5 s), at most `rate` a second, until stop() or max_s: a closed loop that
    stops by itself. Counts answers, failures by kind, and the spans without
    service."""

    def __init__(self, port, rate=100, max_s=900, timeout=5.0):
        super().__init__(daemon=True)
        self.port, self.rate, self.max_s, self.timeout = port, rate, max_s, timeout
        self._halt = threading.Event()
        self.ok = 0
        self.failed = 0
        self.kinds = {}
        self.first_fail = self.last_fail = None
        self.failing_at_end = False
        self.servers = set()    # "<instance> <pid>" bodies seen
        self.lock = threading.Lock()

    def stop(self):
        self._halt.set()
        self.join(self.timeout + 5)

    def run(self):
        t_end = time.monotonic() + self.max_s
        period = 1.0 / self.rate
        nxt = time.monotonic()
        while not self._halt.is_set() and time.monotonic() < t_end:
            ok, kind, body = self.one()
            with self.lock:
                if ok:
                    self.ok += 1
                    self.servers.add(body)
                    self.failing_at_end = False
                else:
                    self.failed += 1
                    self.kinds[kind] = self.kinds.get(kind, 0) + 1
                    now = time.time()
                    self.first_fail = self.first_fail or now
                    self.last_fail = now
                    self.failing_at_end = True
            nxt += period
            delay = nxt - time.monotonic()
            if delay > 0:
                self._halt.wait(delay)
            else:
                nxt = time.monotonic()

    def one(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            conn.request("GET", "/")
            r = conn.getresponse()
            body = r.read().decode(errors="replace").strip()
            if r.status != 200:
                return False, f"HTTP {r.status}", ""
            return True, "", body
        except socket.timeout:
            return False, "timeout", ""
        except ConnectionRefusedError:
            return False, "refused", ""
        except ConnectionResetError:
            return False, "reset", ""
        except (OSError, http.client.HTTPException) as e:
            return False, type(e).__name__, ""
        finally:
            conn.close()

    def summary(self):
        with self.lock:
            total = self.ok + self.failed
            if not self.failed:
                return f"0/{total}"
            kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.kinds.items()))
            end = "; down at the end" if self.failing_at_end else ""
            return f"{self.failed}/{total} ({kinds}{end})"
