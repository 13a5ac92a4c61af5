# What the bench scripts share: where the tend build is, running a manager's
# command, how to tell from /proc whether a pid is alive and is one of ours, and the
# loud writer the log benchmarks run. Imported by core.py, monit.py, cluster.py,
# log_rotation.py and others (their folder is on sys.path when run).
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tend_binaries():
    """(build dir, tend, tendd) from TEND_BUILD (default ./build); exits when missing."""
    build = os.environ.get("TEND_BUILD", "build")
    if not os.path.isabs(build) and not os.path.isdir(build):
        build = os.path.join(REPO, build)
    build = os.path.abspath(build)
    tend, tendd = (os.path.join(build, "bin", name) for name in ("tend", "tendd"))
    for b in (tend, tendd):
        if not os.access(b, os.X_OK):
            sys.exit(f"bench: {b} not found; build first (see README.md) or set TEND_BUILD")
    return build, tend, tendd


def run_command(argv, env, check=True, timeout=60):
    """Runs argv with no stdin, its output captured; with check, a failure
    raises naming the command, its exit code and the end of its stderr."""
    p = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=timeout)
    if check and p.returncode != 0:
        name = " ".join([os.path.basename(argv[0]), *argv[1:]])
        raise RuntimeError(f"{name}: exit {p.returncode}: "
                           f"{p.stderr.decode(errors='replace').strip()[-500:]}")
    return p


def alive(pid):
    """True when pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def has_env(pid, key, value):
    """True when pid is alive and its environment holds key=value (it is ours)."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return f"{key}={value}".encode() in f.read().split(b"\0")
    except OSError:
        return False


def parent_pid(pid):
    """The parent of pid from /proc; 0 when pid is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def kill_daemon(pid, home):
    """SIGKILLs a serving tendd of home, its tend-keeper (its parent) first:
    the keeper would start another one. Only processes whose environment
    says TEND_HOME=home are touched."""
    keeper = parent_pid(pid)
    if keeper > 1 and has_env(keeper, "TEND_HOME", home):
        os.kill(keeper, signal.SIGKILL)
    if has_env(pid, "TEND_HOME", home):
        os.kill(pid, signal.SIGKILL)


def interrupt_on_signals():
    """SIGTERM and SIGHUP raise KeyboardInterrupt, so a script's cleanup runs."""
    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)


def serving_pid(home):
    """The serving tendd of home, from its pid file; 0 when there is none."""
    try:
        with open(os.path.join(home, "tendd.pid")) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def open_fds(pid):
    """How many descriptors pid has open; -1 when it is gone."""
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return -1


def rss_kib(pid):
    """VmRSS of pid in KiB; -1 when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return -1


def run_bench(bench):
    """Runs bench.main(), says why it failed or was interrupted, always runs
    bench.cleanup(), and exits with main's code (1 on failure)."""
    code = 1
    try:
        code = bench.main()
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
    except Exception as e:  # noqa: BLE001 - reported, then cleaned up
        print(f"bench: {e}", file=sys.stderr)
    finally:
        bench.cleanup()
    sys.exit(code)


def stop_daemon(tend, env, home):
    """`tend kill` for home's daemon; SIGKILL (keeper first) if it is still
    there, then the home's temporary directory goes."""
    pid = serving_pid(home)
    run_command([tend, "kill"], env, check=False)
    if pid and os.path.exists(f"/proc/{pid}"):
        kill_daemon(pid, home)
    shutil.rmtree(os.path.dirname(home), ignore_errors=True)


def private_home(prefix):
    """(home, env): a TEND_HOME inside a new temporary directory, and this
    process's environment naming it; stop_daemon() removes both."""
    home = os.path.join(tempfile.mkdtemp(prefix=prefix), "home")
    return home, dict(os.environ, TEND_HOME=home)


def wait_until(what, predicate, deadline_s, poll_s=0.2):
    """Polls predicate until it holds; raises naming what after deadline_s."""
    end = time.monotonic() + deadline_s
    while not predicate():
        if time.monotonic() > end:
            raise RuntimeError(f"timed out after {deadline_s:.0f} s waiting for {what}")
        time.sleep(poll_s)


def stop_daemon_and_apps(tend, env, home, daemon_pid, app_pids):
    """`tend kill` for home's daemon, then SIGKILL for whatever of home
    outlived it: the daemon (keeper first) and any app pid the bench saw,
    each only while it still carries TEND_HOME=home (a reused pid is left)."""
    try:
        run_command([tend, "kill"], env, check=False, timeout=30)
    except Exception as e:  # noqa: BLE001 - cleanup goes on regardless
        print(f"bench: tend kill: {e}", file=sys.stderr)
    if daemon_pid and has_env(daemon_pid, "TEND_HOME", home):
        kill_daemon(daemon_pid, home)
    for pid in app_pids:
        if has_env(pid, "TEND_HOME", home):
            os.kill(pid, signal.SIGKILL)


# --- CPU of a process, from /proc ----------------------------------------
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid):
    """utime + stime of pid, in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def cpu_percent(pid, seconds):
    """pid's CPU use over the next `seconds`, in % of one core."""
    start_ticks, start = cpu_ticks(pid), time.monotonic()
    time.sleep(seconds)
    ticks, elapsed = cpu_ticks(pid) - start_ticks, time.monotonic() - start
    return 100.0 * ticks / TICKS / elapsed


# --- the loud writer (core.py's log capture, log_rotation.py) -------------
LINE_BYTES = 73  # "<instance> <9-digit seq> xxx...x\n"

# The writer is compiled rather than taken from tests/fixtures: the
# fixture's `lines` mode formats each line with fprintf and tops out near
# 0.7 GB/s on the 2-core machine, below the target, so the figure would
# measure the writer. This one fills 64 KiB blocks by memcpy (~3 GB/s).
WRITER_C = r"""
/* Loud writer for the log benchmarks: N lines of 73 bytes,
 * "<TEND_INSTANCE> <9-digit seq> xxx...x\n", as fast as possible, in full
 * 64 KiB writes that cut lines anywhere (the daemon must rejoin them).
 * An optional second argument paces it: that many microseconds of sleep
 * after each 64 KiB write (a steady app rather than a burst). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[1 << 16];
static size_t used;
static long pause_us;

static int flush_buf(void) {
    size_t off = 0;
    while (off < used) {
        ssize_t w = write(1, buf + off, used - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        off += (size_t)w;
    }
    used = 0;
    if (pause_us > 0) usleep((useconds_t)pause_us);
    return 0;
}

int main(int argc, char** argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    pause_us = argc > 2 ? atol(argv[2]) : 0;
    const char* inst = getenv("TEND_INSTANCE");
    if (!inst || !*inst || strlen(inst) > 20) inst = "0";
    char line[73];
    size_t k = strlen(inst);
    memcpy(line, inst, k);
    line[k] = ' ';
    char* digits = line + k + 1;
    memset(digits, '0', 9);
    digits[9] = ' ';
    memset(digits + 10, 'x', sizeof line - (k + 12));
    line[sizeof line - 1] = '\n';
    for (long i = 0; i < n; i++) {
        size_t done = 0;
        while (done < sizeof line) {
            size_t part = sizeof line - done;
            if (part > sizeof buf - used) part = sizeof buf - used;
            memcpy(buf + used, line + done, part);
            used += part;
            done += part;
            if (used == sizeof buf && flush_buf() != 0) return 1;
        }
        for (int d = 8; d >= 0; d--) { /* odometer: the next sequence number */
            if (digits[d] == '9') { digits[d] = '0'; continue; }
            digits[d]++;
            break;
        }
    }
    return flush_buf() != 0;
}
"""


def loud_writer(directory):
    """The loud writer compiled into directory (once); its path."""
    exe = os.path.join(directory, "loud_writer")
    if os.path.exists(exe):
        return exe
    src = exe + ".c"
    with open(src, "w") as f:
        f.write(WRITER_C)
    subprocess.run(["cc", "-O2", "-o", exe, src], check=True)
    return exe
