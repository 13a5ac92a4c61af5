#!/usr/bin/python3
# The web dashboard's benchmark: the daemon's CPU over 60 s with 20
# instances, first with no dashboard open, then while the dashboard (GET /)
# is open in a headless Chromium, polling the table every second with its
# logs panel following all apps. Not a test; never run by ctest.
#
#   bench/dashboard.py                    # uses ./build
#   TEND_BUILD=build-bench bench/dashboard.py
#
# Runs a private daemon (HTTP on 127.0.0.1, a port it chooses) in a
# temporary TEND_HOME and Chromium in its own process group with a
# temporary profile, and always stops both (and only what it started).
import base64
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from benchlib import (TICKS, cpu_percent, cpu_ticks, run_bench, run_command, stop_daemon_and_apps,
                      tend_binaries, wait_until)

INSTANCES = 20
SECONDS = 60
DEADLINE_S = 60.0
# Each instance says a line every 5 s: the logs panel has something to follow.
APP = 'while :; do echo "tick $TEND_INSTANCE $(date +%s)"; sleep 5; done'


class Chromium:
    """Headless Chromium with the DevTools protocol on a pipe (its fds 3 and
    4, NUL-separated JSON), as tests/integration/chromium_driver.cpp does."""

    def __init__(self, tmp):
        self.dir = tempfile.mkdtemp(prefix="chromium-", dir=tmp)
        commands_in, self.to_browser = os.pipe()
        self.from_browser, replies_out = os.pipe()

        def in_child():  # fds 3 and 4, in a process group of its own
            a, b = os.dup(commands_in), os.dup(replies_out)
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.setpgid(0, 0)

        self.proc = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             f"--user-data-dir={self.dir}/profile", "--no-first-run", "--disable-extensions",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", "--window-size=1200,800", "about:blank"],
            preexec_fn=in_child, close_fds=False, stdin=subprocess.DEVNULL,
            stdout=open(os.path.join(self.dir, "chromium.log"), "w"), stderr=subprocess.STDOUT,
            env=dict(os.environ, HOME=self.dir))
        os.close(commands_in)
        os.close(replies_out)
        self.pending = b""
        self.next_id = 0
        self.session = None

    def attach(self):
        """One page of our own, its commands on this pipe with a sessionId."""
        target = self.call("Target.createTarget", {"url": "about:blank"}, timeout=30)
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target["targetId"], "flatten": True})["sessionId"]

    def call(self, method, params=None, timeout=10):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if self.session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            while b"\0" in self.pending:
                text, self.pending = self.pending.split(b"\0", 1)
                reply = json.loads(text)
                if reply.get("id") == self.next_id:
                    if "error" in reply:
                        raise RuntimeError(f"{method}: {reply['error']}")
                    return reply.get("result", {})
            ready, _, _ = select.select([self.from_browser], [], [], 0.2)
            if ready:
                data = os.read(self.from_browser, 1 << 20)
                if not data:
                    raise RuntimeError("Chromium closed its pipe")
                self.pending += data
        raise RuntimeError(f"{method}: no answer from Chromium in {timeout} s")

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", {"format": "png"}, timeout=20)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def group_ticks(self):
        """CPU ticks of every process of Chromium's group, so far."""
        total = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[2]) == self.proc.pid:  # its process group
                    total += int(fields[11]) + int(fields[12])
            except (OSError, IndexError, ValueError):
                pass
        return total

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        end = time.monotonic() + 10
        while time.monotonic() < end:  # its renderers are in its group
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        for fd in (self.to_browser, self.from_browser):
            os.close(fd)
        shutil.rmtree(self.dir, ignore_errors=True)


class DashboardBench:
    def __init__(self):
        self.build, self.tend, self.tendd = tend_binaries()
        if not shutil.which("chromium"):
            sys.exit("bench: chromium not found (Debian package chromium)")
        self.tmp = tempfile.mkdtemp(prefix="tend-bench-dashboard-")
        self.home = os.path.join(self.tmp, "home")
        self.env = dict(os.environ, TEND_HOME=self.home, TEND_DAEMON_BIN=self.tendd)
        self.daemon_pid = 0
        self.app_pids = set()
        self.chromium = None

    def run(self, *args, check=True, timeout=60):
        return run_command([self.tend, *args], self.env, check, timeout)

    def wait_for(self, what, predicate):
        wait_until(what, predicate, DEADLINE_S, 0.2)

    def start_instances(self):
        # The daemon the CLI starts reads config.json: HTTP on a port it chooses.
        os.makedirs(self.home, mode=0o700)
        with open(os.path.join(self.home, "config.json"), "w") as f:
            json.dump({"http": {"listen": "127.0.0.1:0"}}, f)
        self.run("start", "/bin/sh", "--name", "ticker", "-i", str(INSTANCES), "--interpreter",
                 "none", "--", "-c", APP)
        with open(os.path.join(self.home, "tendd.pid")) as f:
            self.daemon_pid = int(f.read().split()[0])

        def all_online():
            lst = json.loads(self.run("jlist").stdout)
            self.app_pids.update(i["pid"] for i in lst if i.get("pid"))
            return len(lst) == INSTANCES and all(i["status"] == "online" for i in lst)

        self.wait_for(f"{INSTANCES} instances online", all_online)
        url = json.loads(self.run("ping", "--json").stdout).get("http", "")
        if not url:
            raise RuntimeError("the daemon serves no HTTP (ping --json has no http)")
        return url

    def open_dashboard(self, url):
        self.chromium = Chromium(self.tmp)
        self.chromium.attach()
        self.chromium.call("Page.navigate", {"url": url + "/"})
        self.wait_for("the page to list every instance", lambda: self.evaluate_quietly(
            "document.querySelectorAll('#apps-body tr').length") == INSTANCES)
        self.chromium.evaluate("(() => { const s = document.getElementById('log-target');"
                               " s.value = 'app:all'; s.dispatchEvent(new Event('change')); })()")
        self.wait_for("the logs panel to follow", lambda: self.evaluate_quietly(
            "document.getElementById('log-state').dataset.state") == "open")

    def evaluate_quietly(self, expression):
        try:
            return self.chromium.evaluate(expression)
        except RuntimeError:
            return None  # the page is still loading

    def main(self):
        print(f"bench/dashboard.py: build {self.build}, {INSTANCES} instances, "
              f"{os.cpu_count()} cores", flush=True)
        url = self.start_instances()
        idle = cpu_percent(self.daemon_pid, SECONDS)
        print(f"{'daemon CPU over ' + str(SECONDS) + ' s, no dashboard':<48} {idle:6.2f}% "
              f"of one core", flush=True)
        self.open_dashboard(url)
        start = (cpu_ticks(self.daemon_pid), self.chromium.group_ticks(), time.monotonic())
        time.sleep(SECONDS)
        elapsed = time.monotonic() - start[2]
        daemon = 100.0 * (cpu_ticks(self.daemon_pid) - start[0]) / TICKS / elapsed
        browser = 100.0 * (self.chromium.group_ticks() - start[1]) / TICKS / elapsed
        lines = self.chromium.evaluate("document.querySelectorAll('#log-lines .log-line').length")
        print(f"{'daemon CPU over ' + str(SECONDS) + ' s, dashboard open':<48} {daemon:6.2f}% "
              f"of one core", flush=True)
        print(f"{'(Chromium itself, all its processes)':<48} {browser:6.2f}% of one core",
              flush=True)
        print(f"{'log lines the page shows':<48} {lines:6d}", flush=True)
        if os.environ.get("DASHBOARD_SCREENSHOT"):
            self.chromium.screenshot(os.environ["DASHBOARD_SCREENSHOT"])
        return 0

    def cleanup(self):
        if self.chromium:
            self.chromium.stop()
        stop_daemon_and_apps(self.tend, self.env, self.home, self.daemon_pid, self.app_pids)
        shutil.rmtree(self.tmp, ignore_errors=True)


if __name__ == "__main__":
    run_bench(DashboardBench())
