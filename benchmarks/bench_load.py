"""N simulated users against ``cockpit serve`` (and ``--dev``), healthy and with faults — locust as a library.

Usage (PostgreSQL + Redis of your own; the fault runs stop and start them, so never the shared ones)::

    .venv/bin/python benchmarks/bench_load.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5433/loadbench \\
        --cache-url redis://127.0.0.1:6390/0 [--users 10,50,100] [--seconds 40] [--servers serve,dev] \\
        [--workers N --threads N] [--think 3,8] \\
        [--faults --pg-data /tmp/loadbench-pg --pg-user postgres --fault-users 50]

The store must hold the 湛江 demo (``cockpit demo``); the script adds ten ``bench*`` leader accounts
of 湛江市 (password ``bench-only-password``) and one API token.

**The journey** of one simulated user (a locust ``FastHttpUser``, gevent), as the browser makes it:
log in through the form (CSRF token from the page) once, then in a loop, with a think time of
``--think`` seconds (uniform) between steps: the overview (``/``), ``/map`` at the city, a drill
to 雷州市 and on to 雷城街道 (the drill's URL change, as a click on the map makes it), the theme
pages ``/economy`` and ``/services``, and one call of the JSON API (``GET /api/v1/values`` with a
Bearer token). Each page visit replays the requests headless Chromium made for it — the page,
``/_dash-layout``, ``/_dash-dependencies``, every ``/_dash-update-component`` with its exact body,
the ``/geo/`` layers — captured once per run by Playwright on the production server (static assets
are left out: a browser has them cached). Request kinds in the output: ``page`` (HTML, layout,
dependencies), ``callback`` (callbacks of the overview and theme pages), ``drill`` (the /map
callbacks), ``geo`` (map layers), ``api`` and ``login``.

**Runs.** For each server (``serve``: gunicorn with the settings' or ``--workers``/``--threads``;
``dev``: Flask's development server) and each user count: users start at 10 per second, then
``--seconds`` are measured (requests started during the ramp are not counted). Printed per run and
kind: requests, req/s, p50/p95/p99 (ms) and errors by status (0 = no answer).

**Faults** (``--faults``, production server, ``--fault-users`` users, ``--seconds`` before, during
and after): ``worker`` — ``kill -9`` of one gunicorn worker (the master must replace it);
``postgres`` — ``pg_ctl stop -m fast``, ``--outage`` seconds down, ``pg_ctl start``; ``redis`` —
``SHUTDOWN NOSAVE``, down for the whole middle phase, started again. Printed per phase: requests,
errors by status, p50/p95; ``/readyz`` as polled every second; the gunicorn workers before and after.

The load generator runs on the same machine and competes with the server for the cores (on a
2-core machine, noticeably: one locust process uses most of a core at 100 users). Loopback only;
nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
COCKPIT = Path(sys.executable).with_name("cockpit")
PASSWORD = "bench-only-password"
ACCOUNTS = [f"bench{i:02d}" for i in range(10)]
CITY, COUNTY, TOWN = "440800", "440882", "440882001"  # 湛江市 → 雷州市 → 雷城街道
INDICATOR, MONTH = "kiosk_coverage", "2026-10"
KINDS = ("login", "page", "callback", "drill", "geo", "api")
SHARED_PORTS = {"postgresql": 5432, "redis": 6379}  # other helpers' servers: never stopped by a fault run


# ---------------------------------------------------------------------------------------------
# Capture: what the browser requests per page visit (Playwright; runs in a child process without gevent)


def capture(base: str, out: str) -> None:
    from playwright.sync_api import sync_playwright

    visits = [
        ("overview", "goto", "/"),
        ("map", "goto", f"/map?region={CITY}"),
        ("drill county", "push", f"/map?region={COUNTY}"),
        ("drill town", "push", f"/map?region={TOWN}"),
        ("economy", "goto", "/economy"),
        ("services", "goto", "/services"),
    ]
    recorded: dict[str, list[dict]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        page.set_default_timeout(60_000)
        page.goto(f"{base}/login")
        page.fill("#login-username", ACCOUNTS[0])
        page.fill("#login-password", PASSWORD)
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_selector(".shell-header")
        current: list[dict] = []
        activity = {"inflight": 0, "last": time.monotonic()}

        def on_request(req) -> None:  # noqa: ANN001
            activity["inflight"] += 1
            activity["last"] = time.monotonic()
            url = urlparse(req.url)
            if f"{url.scheme}://{url.netloc}" != base or url.path.startswith(
                ("/assets/", "/_dash-component-suites/")
            ):
                return
            if url.path.endswith((".js", ".css", ".ico", ".png", ".woff2", ".map")) or url.path == "/login":
                return
            path = url.path + (f"?{url.query}" if url.query else "")
            current.append({"method": req.method, "path": path, "body": req.post_data})

        def on_done(_req) -> None:  # noqa: ANN001
            activity["inflight"] = max(0, activity["inflight"] - 1)
            activity["last"] = time.monotonic()

        def settle(quiet: float = 2.0) -> None:
            """Until no request has been in flight for ``quiet`` seconds (callbacks chain)."""
            while activity["inflight"] > 0 or time.monotonic() - activity["last"] < quiet:
                page.wait_for_timeout(100)

        page.on("request", on_request)
        page.on("requestfinished", on_done)
        page.on("requestfailed", on_done)
        for name, how, path in visits:
            settle()
            current.clear()
            triggered = time.monotonic()
            if how == "goto":
                page.goto(base + path)
            else:  # what a click on the map does: the URL changes inside the page, no reload
                page.evaluate(
                    "p => { history.pushState({}, '', p); window.dispatchEvent(new CustomEvent('_dashprivate_pushstate')); }",
                    path,
                )
            page.wait_for_load_state("networkidle")
            while activity["last"] < triggered and time.monotonic() - triggered < 15:
                page.wait_for_timeout(100)  # the first request after a pushState
            settle()
            recorded[name] = list(current)
        browser.close()
    Path(out).write_text(json.dumps(recorded, ensure_ascii=False))


def kind_of(visit: str, req: dict) -> str:
    path = req["path"]
    if path.startswith("/geo/"):
        return "geo"
    if path.startswith("/_dash-update-component"):
        return "drill" if visit.startswith(("map", "drill")) else "callback"
    return "page"


# ---------------------------------------------------------------------------------------------
# Servers, store, faults


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(opts, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    env.update(
        COCKPIT_DATABASE_URL=opts.database_url,
        COCKPIT_CACHE_URL=opts.cache_url,
        COCKPIT_INSTANCE_DIR=str(workdir),
        COCKPIT_SECRET_KEY="bench-load-" + "k" * 32,
        COCKPIT_ACCESS_LOG="",
        PYTHONPATH=str(ROOT),
    )
    return env


def cockpit(*args: str, env: dict[str, str], stdin: str = "") -> str:
    done = subprocess.run([str(COCKPIT), *args], env=env, input=stdin, capture_output=True, text=True)
    if done.returncode != 0 and "已存在" not in done.stderr + done.stdout:
        raise SystemExit(f"cockpit {' '.join(args)} failed: {done.stderr or done.stdout}")
    return done.stdout


def prepare_accounts(env: dict[str, str]) -> str:
    listed = cockpit("user", "list", env=env)
    for name in ACCOUNTS:
        if not re.search(rf"^\s*{name}\b", listed, re.M):
            cockpit(
                "user",
                "add",
                name,
                "--role",
                "leader",
                "--region",
                CITY,
                "--password-stdin",
                env=env,
                stdin=PASSWORD,
            )
    return cockpit("user", "token", ACCOUNTS[0], env=env).strip().splitlines()[-1]


class Server:
    def __init__(self, kind: str, opts, env: dict[str, str], log: Path):
        self.kind, self.port = kind, free_port()
        args = ["--dev"] if kind == "dev" else []
        args += ["--workers", str(opts.workers)] if opts.workers and kind == "serve" else []
        args += ["--threads", str(opts.threads)] if opts.threads and kind == "serve" else []
        self.log = log.open("ab")
        self.proc = subprocess.Popen(
            [str(COCKPIT), "serve", "--host", "127.0.0.1", "--port", str(self.port), *args],
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/readyz", timeout=30).read()
                for _ in range(12):  # every worker has booted (Dash's setup done)
                    urllib.request.urlopen(f"{self.base}/readyz", timeout=30).read()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit(f"cockpit serve ({kind}) exited, see {log}") from None
                time.sleep(0.3)
        raise SystemExit("server did not start")

    def workers(self) -> list[int]:
        import psutil

        return sorted(p.pid for p in psutil.Process(self.proc.pid).children())

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def run_quiet(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)


class Faults:
    """Stop/start this run's own PostgreSQL cluster and Redis (refuses the shared ports)."""

    def __init__(self, opts):
        db, cache = urlparse(opts.database_url.replace("+psycopg", "")), urlparse(opts.cache_url)
        if (db.port or 5432) == SHARED_PORTS["postgresql"] or (cache.port or 6379) == SHARED_PORTS["redis"]:
            raise SystemExit("--faults stops PostgreSQL and Redis: use your own (not ports 5432/6379)")
        if not opts.pg_data:
            raise SystemExit("--faults needs --pg-data (the cluster's data directory, for pg_ctl)")
        self.pg_data, self.pg_user, self.redis_port = opts.pg_data, opts.pg_user, cache.port

    def _pg(self, action: str) -> None:
        log = Path(self.pg_data).parent / (Path(self.pg_data).name + ".log")
        cmd = f"pg_ctl -D {self.pg_data} -w -m fast -l {log} {action}"
        run_quiet(["su", self.pg_user, "-c", cmd] if self.pg_user else ["sh", "-c", cmd])

    def pg_stop(self) -> None:
        self._pg("stop")

    def pg_start(self) -> None:
        self._pg("start")

    def redis_stop(self) -> None:
        run_quiet(["redis-cli", "-p", str(self.redis_port), "shutdown", "nosave"])

    def redis_start(self) -> None:
        run_quiet(
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
            ]
        )
        for _ in range(50):
            if (
                subprocess.run(
                    ["redis-cli", "-p", str(self.redis_port), "ping"], capture_output=True
                ).returncode
                == 0
            ):
                return
            time.sleep(0.1)


# ---------------------------------------------------------------------------------------------
# Load (locust as a library; imported only here: it monkey-patches the standard library for gevent)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def load(
    base: str, journey: dict, token: str, users: int, seconds: float, think: tuple[float, float], fault=None
):
    """Run ``users`` users; returns (records, measure_start, fault_marks, readyz).

    records: (start time, kind, ms, status); fault: a callable(marks) run in a greenlet once the
    ramp is over, appending (label, time) marks."""
    import gevent
    from locust import FastHttpUser, events, task
    from locust.env import Environment

    records: list[tuple[float, str, float, int]] = []
    logged_in = [0]

    def on_request(request_type, name, response_time, response_length, response=None, exception=None, **_):  # noqa: ANN001
        status = getattr(response, "status_code", 0) or 0
        if exception is not None and status in (200, 302):
            status = 0
        records.append((time.time() - response_time / 1000, name, response_time, status))

    events.request.add_listener(on_request)
    visits = list(journey.items())

    class Viewer(FastHttpUser):
        host = base
        connection_timeout = 30.0
        network_timeout = 60.0

        def on_start(self) -> None:
            """Log in through the form; refused (429: too many attempts from this address at
            once — every simulated user comes from 127.0.0.1), wait as told and try again."""
            self.account = random.choice(ACCOUNTS)
            for _attempt in range(20):
                page = self.client.get("/login", name="login")
                found = re.search(r'name="csrf_token" value="([^"]+)"', page.text or "")
                form = {
                    "username": self.account,
                    "password": PASSWORD,
                    "csrf_token": found.group(1) if found else "",
                }
                with self.client.post(
                    "/login", data=form, name="login", allow_redirects=False, catch_response=True
                ) as resp:
                    if resp.status_code == 302 and "/login" not in (resp.headers.get("Location") or ""):
                        resp.success()
                        logged_in[0] += 1
                        return
                    resp.failure(f"login refused ({resp.status_code})")
                    wait = resp.headers.get("Retry-After") or "5"
                gevent.sleep(min(float(wait) if wait.isdigit() else 5.0, 30.0))

        def think(self) -> None:
            gevent.sleep(random.uniform(*think))

        @task
        def journey(self) -> None:
            for visit, requests in visits:
                for req in requests:
                    kind = kind_of(visit, req)
                    if req["method"] == "POST":
                        self.client.post(
                            req["path"],
                            data=req["body"],
                            name=kind,
                            headers={"Content-Type": "application/json", "Accept-Encoding": "gzip"},
                        )
                    else:
                        self.client.get(req["path"], name=kind, headers={"Accept-Encoding": "gzip"})
                self.think()
            self.client.get(
                f"/api/v1/values?indicator={INDICATOR}&period={MONTH}&parent={CITY}",
                name="api",
                headers={"Authorization": f"Bearer {token}"},
            )
            self.think()

    env = Environment(user_classes=[Viewer], events=events)
    runner = env.create_local_runner()
    readyz: list[tuple[float, int, str]] = []

    def poll_ready() -> None:
        from geventhttpclient import HTTPClient
        from geventhttpclient.url import URL

        while True:
            try:
                client = HTTPClient.from_url(URL(base + "/readyz"), connection_timeout=5, network_timeout=5)
                resp = client.get("/readyz")
                body = json.loads(resp.read())
                readyz.append(
                    (time.time(), resp.status_code, ",".join(f"{k}={v}" for k, v in body["checks"].items()))
                )
                client.close()
            except Exception as exc:  # noqa: BLE001 - recorded, not raised
                readyz.append((time.time(), 0, type(exc).__name__))
            gevent.sleep(1)

    poller = gevent.spawn(poll_ready)
    rate = 10
    runner.start(users, spawn_rate=rate)
    # The ramp is not measured: logins (scrypt, ~0.1 s of CPU each on an idle core) come once a
    # day, not with every page; measuring starts when every user has logged in.
    ramp = time.time()
    while logged_in[0] < users and time.time() < ramp + 300:
        gevent.sleep(0.5)
    print(f"  ({logged_in[0]} of {users} users logged in after {time.time() - ramp:.0f} s)", flush=True)
    gevent.sleep(2)
    start = time.time()
    marks: list[tuple[str, float]] = []
    if fault is not None:
        greenlet = gevent.spawn(fault, marks)
        gevent.sleep(seconds)
        greenlet.join()
    else:
        gevent.sleep(seconds)
    end = time.time()
    runner.quit()
    poller.kill()
    events.request.remove_listener(on_request)
    return [r for r in records if start <= r[0] < end], start, end, marks, readyz


def answered(kind: str, status: int) -> bool:
    """A success: 200, and the login's redirect to the cockpit."""
    return status == 200 or (kind == "login" and status == 302)


def summary(records) -> dict[str, tuple]:
    by_kind: dict[str, list] = defaultdict(list)
    for _t, kind, ms, status in records:
        by_kind[kind].append((ms, answered(kind, status), status))
    out = {}
    for kind in (*KINDS, "all"):
        rows = [x for r in by_kind.values() for x in r] if kind == "all" else by_kind.get(kind, [])
        if not rows:
            continue
        errors: dict[int, int] = defaultdict(int)
        for _ms, ok, status in rows:
            if not ok:
                errors[status] += 1
        out[kind] = (len(rows), [ms for ms, ok, _s in rows if ok], dict(errors))
    return out


def fmt_errors(errors: dict[int, int]) -> str:
    return ", ".join(f"{status}×{n}" for status, n in sorted(errors.items())) or "0"


def print_run(label: str, records, seconds: float) -> None:
    print(f"\n{label}  (load average {loadavg()})", flush=True)
    print(f"  {'kind':<9}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  errors")
    for kind, (n, ok, errors) in summary(records).items():
        print(
            f"  {kind:<9}{n:>9}{n / seconds:>8.1f}{pct(ok, 0.5):>9.0f}{pct(ok, 0.95):>9.0f}{pct(ok, 0.99):>9.0f}  {fmt_errors(errors)}"
        )


def print_phases(label: str, records, start: float, end: float, marks, readyz) -> None:
    bounds = [("before", start), *marks, ("end", end)]
    print(f"\n{label}  (load average {loadavg()})", flush=True)
    print(
        f"  {'phase':<22}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'failed p95':>11}  errors by status (kinds with errors)"
    )
    for (name, t0), (_n, t1) in zip(bounds, bounds[1:], strict=False):
        rows = [r for r in records if t0 <= r[0] < t1]
        ok = [r[2] for r in rows if answered(r[1], r[3])]
        failed = [r[2] for r in rows if not answered(r[1], r[3])]
        errors: dict[int, int] = defaultdict(int)
        kinds = set()
        for r in rows:
            if not answered(r[1], r[3]):
                errors[r[3]] += 1
                kinds.add(r[1])
        secs = f"{name} ({t1 - t0:.0f} s)"
        print(
            f"  {secs:<22}{len(rows):>9}{pct(ok, 0.5):>9.0f}{pct(ok, 0.95):>9.0f}{pct(failed, 0.95):>11.0f}  {fmt_errors(errors)}"
            + (f" ({', '.join(sorted(kinds))})" if kinds else "")
        )
    slow = [r for r in records if not answered(r[1], r[3]) and r[2] > 5000]
    if slow:
        print(
            f"  failed requests that took over 5 s: {len(slow)} (max {max(r[2] for r in slow) / 1000:.1f} s)"
        )
    changes, last = [], None
    for t, status, checks in readyz:
        if (status, checks) != last:
            changes.append(f"+{t - start:.0f}s {status} {checks}")
            last = (status, checks)
    print("  /readyz: " + " → ".join(changes))


# ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--cache-url", required=True)
    parser.add_argument("--users", default="10,50,100")
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--servers", default="serve,dev")
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--think", default="3,8", help="seconds between steps: min,max")
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--only-faults", action="store_true", help="skip the healthy runs")
    parser.add_argument("--fault-users", type=int, default=50)
    parser.add_argument("--fault-kinds", default="worker,postgres,redis")
    parser.add_argument("--outage", type=float, default=10.0, help="seconds PostgreSQL stays down")
    parser.add_argument("--pg-data", default="")
    parser.add_argument("--pg-user", default="postgres")
    opts = parser.parse_args()
    think = tuple(float(x) for x in opts.think.split(","))
    faults = Faults(opts) if opts.faults or opts.only_faults else None
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env = server_env(opts, workdir)
    token = prepare_accounts(env)
    log = workdir / "server.log"
    print(f"server log: {log}; {os.cpu_count()} cores; think time {think[0]:g}–{think[1]:g} s", flush=True)

    serve = Server("serve", opts, env, log)
    captured = workdir / "journey.json"
    subprocess.run([sys.executable, __file__, "--capture", serve.base, str(captured)], check=True)
    journey = json.loads(captured.read_text())
    print("journey: " + "; ".join(f"{v} {len(r)} requests" for v, r in journey.items()), flush=True)
    print(f"gunicorn workers: {len(serve.workers())}", flush=True)

    import gevent  # noqa: F401 - after the capture's subprocess: locust patches the standard library

    try:
        if not opts.only_faults:
            for kind in opts.servers.split(","):
                server = serve if kind == "serve" else Server(kind, opts, env, log)
                for users in [int(u) for u in opts.users.split(",")]:
                    records, start, end, _m, _r = load(
                        server.base, journey, token, users, opts.seconds, think
                    )
                    print_run(f"{kind} · {users} users · {opts.seconds:.0f} s", records, end - start)
                if server is not serve:
                    server.stop()
        if faults is not None:
            run_faults(serve, faults, journey, token, opts, think)
    finally:
        serve.stop()


def run_faults(serve: Server, faults: Faults, journey, token: str, opts, think) -> None:
    import gevent

    third = opts.seconds

    def kill_worker(marks) -> None:
        gevent.sleep(third)
        victim = serve.workers()[0]
        os.kill(victim, signal.SIGKILL)
        marks.append(("kill -9 worker", time.time()))
        gevent.sleep(5)
        marks.append(("after", time.time()))

    def restart_pg(marks) -> None:
        gevent.sleep(third)
        marks.append(("PostgreSQL down", time.time()))
        faults.pg_stop()
        gevent.sleep(opts.outage)
        faults.pg_start()
        marks.append(("back (+5 s)", time.time()))
        gevent.sleep(5)
        marks.append(("after", time.time()))

    def stop_redis(marks) -> None:
        gevent.sleep(third)
        marks.append(("Redis down", time.time()))
        faults.redis_stop()
        gevent.sleep(third)
        faults.redis_start()
        marks.append(("Redis back", time.time()))

    for name, fault in (("worker", kill_worker), ("postgres", restart_pg), ("redis", stop_redis)):
        if name not in opts.fault_kinds.split(","):
            continue
        before = serve.workers()
        records, start, end, marks, readyz = load(
            serve.base, journey, token, opts.fault_users, 3 * third, think, fault=fault
        )
        after = serve.workers()
        print_phases(f"fault {name} · serve · {opts.fault_users} users", records, start, end, marks, readyz)
        print(f"  workers: {before} → {after}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--capture":
        capture(sys.argv[2], sys.argv[3])
    else:
        main()
