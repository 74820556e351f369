"""Production serve (gunicorn) against the development server, side by side, under a bounded load.

Usage: ``.venv/bin/python benchmarks/bench_serve.py [--database-url sqlite:///…] [--clients 20]
[--seconds 15] [--workers N]`` (without a URL a 湛江 demo store is built into a temporary folder).

For each server — ``cockpit serve`` (gunicorn, workers and threads from the settings or
``--workers``) and ``cockpit serve --dev`` (Flask's development server) — started on a free
loopback port, ``--clients`` threads send requests for ``--seconds`` seconds, one new connection
per request, first to the JSON API (``GET /api/v1/values`` of a village-level indicator for the
city, with a Bearer token), then to the map's drill callback (``POST /_dash-update-component``:
city → 雷州市, with a logged-in session). Printed per server and target: requests, req/s, p50 and
p95 latency (ms), errors (any status other than 200, or no answer). Loopback only; nothing is
asserted.
"""

from __future__ import annotations

import argparse
import atexit
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
COCKPIT = Path(sys.executable).with_name("cockpit")
PASSWORD = "bench-only-password"
CITY, COUNTY = "440800000000", "440882000000"
INDICATOR, MONTH = "kiosk_coverage", "2026-10"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(url: str, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    env.update(
        COCKPIT_DATABASE_URL=url,
        COCKPIT_INSTANCE_DIR=str(workdir / "instance"),
        COCKPIT_DEMO_PASSWORD=PASSWORD,
        COCKPIT_ACCESS_LOG="",  # the load would fill the terminal
        PYTHONPATH=str(ROOT),
    )
    return env


def cockpit(*args: str, env: dict[str, str]) -> str:
    return subprocess.run([str(COCKPIT), *args], env=env, check=True, capture_output=True, text=True).stdout


def drill_body(url: str, workdir: Path) -> dict:
    """The body the browser posts for a drill from the city map to 雷州市 (state of the city map)."""
    from app import create_app
    from data_access.settings import get_settings
    from pages import _map_view as mv
    from web.scope import current_scope

    app = create_app(
        get_settings(database_url=url, instance_dir=str(workdir / "instance")), login_disabled=True
    )
    app.server.test_client().get("/_dash-dependencies")
    with app.server.test_request_context("/"):
        state = mv.map_view(
            mv.query_from(region=CITY, indicator=INDICATOR, period=MONTH), current_scope()
        ).state
    key = next(k for k in app.callback_map if "map-graph.figure" in k and "map-state.data" in k)
    outputs = [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in key.strip(".").split("...")]
    return {
        "output": key,
        "outputs": outputs,
        "inputs": [
            {
                "id": "shell-url",
                "property": "search",
                "value": f"?region=440882&indicator={INDICATOR}&period={MONTH}",
            }
        ],
        "state": [{"id": "map-state", "property": "data", "value": state}],
        "changedPropIds": ["shell-url.search"],
    }


def start(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [str(COCKPIT), "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=30).read()
            return proc, base
        except OSError:  # refused, reset or timed out while the workers boot
            if proc.poll() is not None:
                raise SystemExit(f"cockpit serve {' '.join(args)} exited") from None
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("server did not start")


def session_cookie(base: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": "leader", "password": PASSWORD, "csrf_token": token})
    opener.open(f"{base}/login", data=form.encode()).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def load(make_request, clients: int, seconds: float) -> tuple[int, list[float], int]:
    """``clients`` threads sending ``make_request()`` back to back for ``seconds``."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client() -> None:
        mine, bad = [], 0
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(make_request(), timeout=60) as resp:
                    resp.read()
                    ok = resp.status == 200
            except OSError:  # URLError, refused, reset, timed out
                ok = False
            if ok:
                mine.append((time.perf_counter() - t0) * 1000)
            else:
                bad += 1
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies) + errors[0], latencies, errors[0]


def run_server(
    label: str, args: list[str], env: dict[str, str], token: str, body: bytes, opts
) -> list[tuple]:
    proc, base = start(args, env)
    rows = []
    try:
        for _ in range(3 * (opts.workers or 8)):  # every worker has booted and answers
            urllib.request.urlopen(f"{base}/readyz", timeout=60).read()
        cookie = session_cookie(base)
        api_url = f"{base}/api/v1/values?indicator={INDICATOR}&period={MONTH}&parent=440800"
        targets = {
            "API values": lambda: urllib.request.Request(
                api_url, headers={"Authorization": f"Bearer {token}"}
            ),
            "map drill": lambda: urllib.request.Request(
                f"{base}/_dash-update-component",
                data=body,
                headers={"Content-Type": "application/json", "Cookie": cookie, "Accept-Encoding": "gzip"},
            ),
        }
        for name, make in targets.items():
            for _ in range(5):  # warm the caches and the workers
                urllib.request.urlopen(make(), timeout=60).read()
            total, lat, errors = load(make, opts.clients, opts.seconds)
            rows.append((label, name, total, len(lat) / opts.seconds, pct(lat, 0.5), pct(lat, 0.95), errors))
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    return rows


def main() -> None:
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: the setting)")
    opts = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    url = opts.database_url or f"sqlite:///{workdir / 'demo.db'}"
    env = env_for(url, workdir)
    if not opts.database_url:
        print("building the 湛江 demo store …", flush=True)
        cockpit("demo", env=env)
    token = cockpit("user", "token", "leader", env=env).strip().splitlines()[-1]
    body = json.dumps(drill_body(url, workdir)).encode()
    production = ["--workers", str(opts.workers)] if opts.workers else []
    rows = run_server("production (gunicorn)", production, env, token, body, opts)
    rows += run_server("--dev (Flask)", ["--dev"], env, token, body, opts)
    print(f"\n{opts.clients} clients × {opts.seconds:.0f} s per target, loopback, {os.cpu_count()} cores")
    print(f"{'server':<24}{'target':<14}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    for label, name, total, rate, p50, p95, errors in rows:
        print(f"{label:<24}{name:<14}{total:>10}{rate:>9.1f}{p50:>9.1f}{p95:>9.1f}{errors:>8}")


if __name__ == "__main__":
    main()
