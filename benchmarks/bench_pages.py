"""Every page at a root: its first (cold) and warm time and the JSON it sends, as a browser asks.

For each page the browser's requests are replayed through the Flask test client of ``create_app``
(login disabled, the scope of ``--root``): Dash's page router (``/_dash-update-component`` for
``_pages_content``; it builds the page's layout) and then every server callback the page fires on
arrival (no ``prevent_initial_call``, all its inputs on the page or in the shell, at their layout
values). Printed per page: the first visit in a fresh process (cold: empty cache, no map layer
derived yet) with the CPU time this process spent on it (on a busy machine the wall time
mostly measures the wait for a core; with SQLite the CPU time includes the queries, with
PostgreSQL it does not), the median of ``--runs`` warm visits, and the bytes of JSON (router +
initial callbacks; uncompressed, and gzip as the server would send it).

    .venv/bin/python benchmarks/bench_pages.py                 # builds a 湛江 demo store first
    .venv/bin/python benchmarks/bench_pages.py --database-url sqlite:////tmp/prov.db --root 440000
    .venv/bin/python benchmarks/bench_pages.py --database-url URL --root 440800 --page /services

Each page's cold figure is taken in its own subprocess, so no page warms another's cache (the
store's own caches, such as the operating system's file cache, stay warm). Goal at the province
root: every page under 1 s warm, under 3 s cold and under 300 KB of JSON.

``--serve`` measures the same visits over HTTP against ``cockpit serve`` (gunicorn, ``--workers``
processes of one thread each: sync workers), started fresh on a free loopback port with a
dedicated leader account of the root (``bench-pages``, created when missing, enabled for the run
and disabled again at its end, with its token):

1. four simultaneous first visits: four logged-in clients open one heavy page each (/services,
   /infrastructure, /reporting, the overview) at the same moment on the just-started server;
   printed: each visit's time and whether any request failed or timed out (``--timeout``);
2. every page: median and p95 of ``--runs`` visits and their JSON size;
3. p50/p95 of the overview, the /map drill at the root (root → its first child) and at a city
   (city → its first county), and ``GET /api/v1/values`` of the root (Bearer token);
4. the resident memory (VmRSS) of every worker after all pages were opened.

    .venv/bin/python benchmarks/bench_pages.py --serve --root 440000 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/prov --cache-url redis://127.0.0.1:6379/5

With a Redis ``--cache-url`` add ``--flush-cache`` to empty that Redis database first (only for a
database of the benchmark's own), so the first visits are cold; a file cache (the default for
several workers) starts empty in the server's fresh instance folder.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = (
    "/",
    "/map",
    "/economy",
    "/services",
    "/reporting",
    "/infrastructure",
    "/governance",
    "/command",
    "/indicators",
    "/report",
)


def _props_by_id(tree: Any, found: dict[str, dict]) -> dict[str, dict]:
    """Every component with a (string or dict) id in a layout as Dash sends it: id → props."""
    if isinstance(tree, dict):
        props = tree.get("props")
        if isinstance(props, dict) and "id" in props:
            ident = props["id"]
            found[json.dumps(ident, sort_keys=True) if isinstance(ident, dict) else ident] = props
        for value in tree.values():
            _props_by_id(value, found)
    elif isinstance(tree, list):
        for value in tree:
            _props_by_id(value, found)
    return found


def _matches(pattern: dict, ident: dict) -> bool:
    if set(pattern) != set(ident):
        return False
    return all(isinstance(v, list) or ident[k] == v for k, v in pattern.items())


def _item(dep: dict, props: dict[str, dict]) -> Any:
    """The value Dash sends for one input or state; None when the component is not on the page."""
    ident, prop = dep["id"], dep["property"]
    if ident.startswith("{"):
        pattern = json.loads(ident)
        hits = [
            {"id": json.loads(k), "property": prop, "value": p.get(prop)}
            for k, p in props.items()
            if k.startswith("{") and _matches(pattern, json.loads(k))
        ]
        return hits
    if ident not in props:
        return None
    return {"id": ident, "property": prop, "value": props[ident].get(prop)}


def _outputs(key: str) -> Any:
    def one(part: str) -> dict:
        ident, prop = part.rsplit(".", 1)
        return {"id": json.loads(ident) if ident.startswith("{") else ident, "property": prop.split("@")[0]}

    if key.startswith(".."):
        return [one(p) for p in key.strip(".").split("...")]
    return one(key)


def _initial_calls(deps: list[dict], props: dict[str, dict]) -> list[dict]:
    """The payloads of the server callbacks the page fires on arrival."""
    calls = []
    for dep in deps:
        if dep.get("clientside_function") or dep.get("prevent_initial_call"):
            continue
        outputs = _outputs(dep["output"])
        outs = outputs if isinstance(outputs, list) else [outputs]
        if not any(isinstance(o["id"], str) and o["id"] in props for o in outs):
            continue
        inputs = [_item(i, props) for i in dep["inputs"]]
        if any(i is None or i == [] for i in inputs):
            continue
        state = [_item(s, props) for s in dep.get("state", [])]
        changed = [f"{i['id']}.{i['property']}" for i in inputs if isinstance(i, dict)]
        calls.append(
            {
                "output": dep["output"],
                "outputs": outputs,
                "inputs": inputs,
                "state": [
                    s if s is not None else {**d, "value": None}
                    for s, d in zip(state, dep.get("state", []), strict=True)
                ],
                "changedPropIds": changed,
            }
        )
    return calls


def visit(
    client: Any, deps: list[dict], shell: dict[str, dict], path: str, search: str
) -> tuple[int, int, int]:
    """One visit of a page: router, then its initial callbacks. Returns (calls, bytes, gzip bytes)."""
    router = next(d for d in deps if "_pages_content.children" in d["output"])
    values = {"pathname": path, "search": search}
    payload = {
        "output": router["output"],
        "outputs": _outputs(router["output"]),
        "inputs": [{**i, "value": values.get(i["property"])} for i in router["inputs"]],
        "state": [{**s, "value": None} for s in router.get("state", [])],
        "changedPropIds": ["_pages_location.pathname"],
    }
    bodies = [_post(client, payload)]
    content = json.loads(bodies[0])["response"]["_pages_content"]["children"]
    props = _props_by_id(content, {})
    page_ids = set(props)
    merged = {**shell, **props}
    from pages import _ids

    merged.setdefault(_ids.URL, {}).update(
        pathname=path, search=search, href=f"http://localhost{path}{search}"
    )
    calls = [c for c in _initial_calls(deps, merged) if _touches(c, page_ids)]
    bodies += [_post(client, c) for c in calls]
    raw = b"".join(bodies)
    return len(bodies), len(raw), sum(len(gzip.compress(b, 6)) for b in bodies)


def _touches(call: dict, page_ids: set[str]) -> bool:
    outs = call["outputs"] if isinstance(call["outputs"], list) else [call["outputs"]]
    return any(isinstance(o["id"], str) and o["id"] in page_ids for o in outs)


def _post(client: Any, payload: dict) -> bytes:
    resp = client.post("/_dash-update-component", json=payload)
    if resp.status_code not in (200, 204):
        raise RuntimeError(
            f"{payload['output'][:60]}: HTTP {resp.status_code} {resp.get_data(as_text=True)[:200]}"
        )
    return resp.get_data()


def _app(database_url: str, root: str, cache_url: str) -> tuple[Any, list[dict], dict[str, dict]]:
    from app import create_app
    from data_access.settings import get_settings

    instance = tempfile.mkdtemp(prefix="bench-pages-")
    settings = get_settings(
        database_url=database_url, root_region=root, instance_dir=instance, cache_url=cache_url
    )
    app = create_app(settings, login_disabled=True)
    client = app.server.test_client()
    index = client.get("/")
    assert index.status_code == 200, index.status_code
    deps = client.get("/_dash-dependencies").get_json()
    with app.server.test_request_context("/"):
        shell_layout = app.layout() if callable(app.layout) else app.layout
    shell = _props_by_id(json.loads(json.dumps(shell_layout, cls=_plotly_encoder())), {})
    return client, deps, shell


def _plotly_encoder() -> type:
    from plotly.utils import PlotlyJSONEncoder

    return PlotlyJSONEncoder


def measure(args: argparse.Namespace, path: str) -> dict[str, float]:
    """Cold visit, then ``runs`` warm ones, in this process."""
    client, deps, shell = _app(args.database_url, args.root, args.cache_url)
    search = f"?region={args.region}" if args.region else ""
    started, cpu = time.perf_counter(), time.process_time()
    calls, size, zipped = visit(client, deps, shell, path, search)
    cold, cold_cpu = time.perf_counter() - started, time.process_time() - cpu
    warm = []
    for _ in range(args.runs):
        started = time.perf_counter()
        visit(client, deps, shell, path, search)
        warm.append(time.perf_counter() - started)
    return {
        "cold": cold,
        "cold_cpu": cold_cpu,
        "warm": statistics.median(warm),
        "calls": calls,
        "bytes": size,
        "gzip": zipped,
    }


def build_demo(root: str) -> str:
    """A demo store of ``root`` in a temporary folder, built with this checkout's ``cockpit demo``."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-pages-store-"))
    url = f"sqlite:///{workdir / 'store.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    env.update(
        COCKPIT_DATABASE_URL=url,
        COCKPIT_INSTANCE_DIR=str(workdir / "instance"),
        COCKPIT_DEMO_PASSWORD="bench-pages-pw",
        PYTHONPATH=str(ROOT),
    )
    subprocess.run([sys.executable, "-m", "data_access.cli", "demo", "--root", root], env=env, check=True)
    return url


# --- over HTTP, against cockpit serve ------------------------------------------------------------

COCKPIT = Path(sys.executable).with_name("cockpit")
BENCH_USER, BENCH_PASSWORD = "bench-pages", "bench-pages-password-1"
HEAVY = ("/services", "/infrastructure", "/reporting", "/")
API_INDICATOR = "kiosk_coverage"


class HttpClient:
    """What :func:`visit` needs of a test client (``post`` → ``status_code``, ``get_data``), over HTTP
    with one logged-in ``requests`` session."""

    def __init__(self, base: str, timeout: float) -> None:
        import requests

        self.base, self.timeout = base, timeout
        self.session = requests.Session()

    def login(self) -> None:
        import re

        page = self.session.get(f"{self.base}/login", timeout=self.timeout).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = {"username": BENCH_USER, "password": BENCH_PASSWORD, "csrf_token": token}
        resp = self.session.post(f"{self.base}/login", data=form, timeout=self.timeout)
        if resp.status_code != 200 or "/login" in resp.url:
            raise RuntimeError(f"login as {BENCH_USER} failed: HTTP {resp.status_code} {resp.url}")

    def get(self, path: str, **kw: Any) -> Any:
        return _Resp(self.session.get(self.base + path, timeout=self.timeout, **kw))

    def post(self, path: str, json: Any) -> Any:  # noqa: A002 - the test client's keyword
        return _Resp(self.session.post(self.base + path, json=json, timeout=self.timeout))


class _Resp:
    def __init__(self, resp: Any) -> None:
        self.status_code, self._resp = resp.status_code, resp

    def get_data(self, as_text: bool = False) -> Any:
        return self._resp.text if as_text else self._resp.content

    def get_json(self) -> Any:
        return self._resp.json()


def _serve_env(args: argparse.Namespace, instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    env.update(
        COCKPIT_DATABASE_URL=args.database_url,
        COCKPIT_ROOT_REGION=args.root,
        COCKPIT_INSTANCE_DIR=str(instance),
        COCKPIT_CACHE_URL=args.cache_url,
        COCKPIT_ACCESS_LOG=str(instance / "access.log"),
        PYTHONPATH=str(ROOT),
    )
    return env


def _bench_account(env: dict[str, str], root: str) -> str:
    """The benchmark's leader account of the root (created or its password reset); its API token."""

    def cockpit(*cmd: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(COCKPIT), *cmd], env=env, input=stdin, capture_output=True, text=True, check=False
        )

    made = cockpit(
        "user",
        "add",
        BENCH_USER,
        "--role",
        "leader",
        "--region",
        root,
        "--password-stdin",
        stdin=BENCH_PASSWORD,
    )
    if made.returncode:
        done = cockpit("user", "passwd", BENCH_USER, "--password-stdin", stdin=BENCH_PASSWORD)
        if done.returncode:
            raise SystemExit(f"bench account: {made.stderr.strip()} / {done.stderr.strip()}")
        cockpit("user", "enable", BENCH_USER)
    token = cockpit("user", "token", BENCH_USER)
    if token.returncode:
        raise SystemExit(f"bench token: {token.stderr.strip()}")
    return token.stdout.strip().split()[-1]


def _start_server(env: dict[str, str], workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = [str(COCKPIT), "serve", "--port", str(port), "--workers", str(workers), "--threads", "1"]
    proc = subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(1200):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=30).read()
            break
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"cockpit serve exited: {log.read_text()[-2000:]}") from None
            time.sleep(0.25)
    # Every worker booted: /readyz from several clients at once until the access log shows an
    # answer from each worker (its pid is the log line's <pid>).
    import re
    from concurrent.futures import ThreadPoolExecutor

    access = Path(env["COCKPIT_ACCESS_LOG"])
    deadline = time.monotonic() + 600
    with ThreadPoolExecutor(workers) as pool:
        while time.monotonic() < deadline:
            list(
                pool.map(
                    lambda _: urllib.request.urlopen(f"{base}/readyz", timeout=120).read(), range(workers)
                )
            )
            pids = set(re.findall(r"<(\d+)>", access.read_text())) if access.exists() else set()
            if len(pids) >= workers:
                break
            time.sleep(0.5)
    return proc, base


def _workers_rss(master: int) -> list[tuple[int, float]]:
    """(pid, VmRSS in MB) of every child of the gunicorn master."""
    out = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if int(fields.get("PPid", "0").strip()) == master:
            rss = int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
            out.append((int(status.parent.name), rss))
    return sorted(out)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _drill_payload(deps: list[dict], state_of: Any, from_code: str, to_code: str) -> dict:
    """The body the browser posts for a map drill from ``from_code``'s map to ``to_code``."""
    dep = next(d for d in deps if "map-graph.figure" in d["output"] and "map-state.data" in d["output"])
    inputs = [
        {**i, "value": f"?region={to_code[:6]}"} if i["property"] == "search" else {**i, "value": None}
        for i in dep["inputs"]
    ]
    return {
        "output": dep["output"],
        "outputs": _outputs(dep["output"]),
        "inputs": inputs,
        "state": [{**st, "value": state_of(from_code)} for st in dep.get("state", [])],
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in dep["inputs"] if i["property"] == "search"],
    }


def serve_bench(args: argparse.Namespace) -> None:
    """The four-first-visits case, every page, the named p50/p95 and the workers' memory, over HTTP."""
    import threading

    instance = Path(tempfile.mkdtemp(prefix="bench-pages-serve-"))
    env = _serve_env(args, instance)
    if args.flush_cache and args.cache_url.startswith("redis://"):
        import redis

        redis.Redis.from_url(args.cache_url).flushdb()
    token = _bench_account(env, args.root)
    proc, base = _start_server(env, args.workers, instance / "serve.log")
    try:
        print(
            f"cockpit serve: {args.workers} workers × 1 thread, cache {args.cache_url or 'file (instance)'}"
        )
        clients = [HttpClient(base, args.timeout) for _ in HEAVY]
        for c in clients:
            c.login()
        deps = clients[0].get("/_dash-dependencies").get_json()
        shell = _props_by_id(clients[0].get("/_dash-layout").get_json(), {})
        search = f"?region={args.region}" if args.region else ""
        results: dict[str, str] = {}
        barrier = threading.Barrier(len(HEAVY))

        def first(client: HttpClient, path: str) -> None:
            barrier.wait()
            started = time.perf_counter()
            try:
                calls, size, _z = visit(client, deps, shell, path, search)
                results[path] = (
                    f"{time.perf_counter() - started:7.2f} s  ok, {calls} requests, {size / 1024:.0f} KB"
                )
            except Exception as exc:  # noqa: BLE001 - a failed or timed-out request is the finding
                results[path] = f"{time.perf_counter() - started:7.2f} s  FAILED: {str(exc)[:120]}"

        threads = [threading.Thread(target=first, args=(c, p)) for c, p in zip(clients, HEAVY, strict=True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(f"four simultaneous first visits (load {_load()}):")
        for path in HEAVY:
            print(f"  {path:<16}{results[path]}")

        client = clients[0]
        print(
            f"{'page':<16}{'p50 s':>8}{'p95 s':>8}{'calls':>6}{'JSON KB':>9}{'gzip KB':>9}   (load {_load()})"
        )
        for path in args.page or PAGES:
            times, size, zipped, calls = [], 0, 0, 0
            try:
                for _ in range(args.runs):
                    started = time.perf_counter()
                    calls, size, zipped = visit(client, deps, shell, path, search)
                    times.append(time.perf_counter() - started)
            except Exception as exc:  # noqa: BLE001
                print(f"{path:<16} failed: {str(exc)[:120]}")
                continue
            print(
                f"{path:<16}{_pct(times, 0.5):>8.3f}{_pct(times, 0.95):>8.3f}{calls:>6}"
                f"{size / 1024:>9.0f}{zipped / 1024:>9.0f}"
            )
        _named_requests(args, client, deps, shell, token)
        print(f"workers' memory after every page (load {_load()}):")
        for pid, rss in _workers_rss(proc.pid):
            print(f"  worker {pid}: {rss:.0f} MB")
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        # the account's password is in this file: disabled again (which revokes its token too)
        subprocess.run(
            [str(COCKPIT), "user", "disable", BENCH_USER], env=env, capture_output=True, check=False
        )
        import shutil

        shutil.rmtree(instance, ignore_errors=True)  # the server's instance folder and file cache


def _named_requests(
    args: argparse.Namespace, client: HttpClient, deps: list, shell: dict, token: str
) -> None:
    """p50/p95 of the overview, two map drills and the API, ``--runs`` × 4 each."""
    from app import create_app
    from data_access.regions import region_index
    from data_access.settings import get_settings
    from pages import _map_view as mv
    from web.scope import current_scope

    app = create_app(
        get_settings(database_url=args.database_url, root_region=args.root, instance_dir=tempfile.mkdtemp()),
        login_disabled=True,
    )

    def state_of(code: str) -> Any:
        with app.server.test_request_context("/"):
            return json.loads(
                json.dumps(
                    mv.map_view(mv.query_from(region=code), current_scope()).state, cls=_plotly_encoder()
                )
            )

    with app.server.app_context():
        index = region_index()
        root12 = args.root.ljust(12, "0")
        city = index.children[root12][0].code if index.get(root12).level == 1 else root12
        county = index.children[city][0].code
    drills = {"drill at the root": (root12, city)} if city != root12 else {}
    drills["drill at a city"] = (city, county)
    n = args.runs * 4

    def timed(fn: Any) -> list[float]:
        out = []
        for _ in range(n):
            started = time.perf_counter()
            fn()
            out.append(time.perf_counter() - started)
        return out

    rows = {"overview (/)": timed(lambda: visit(client, deps, shell, "/", ""))}
    for name, (a, b) in drills.items():
        body = _drill_payload(deps, state_of, a, b)
        size = len(_post(client, body))  # the figure of the drilled map, not a 204 (nothing to draw)
        if size < 1000:
            raise RuntimeError(f"{name}: only {size} bytes answered")
        rows[f"{name} ({a[:6]}→{b[:6]}, {size / 1024:.0f} KB)"] = timed(lambda body=body: _post(client, body))
    period = _latest_period(app)
    api = f"/api/v1/values?indicator={API_INDICATOR}&period={period}&parent={args.root[:6]}"

    def call_api() -> None:
        resp = client.session.get(
            client.base + api, headers={"Authorization": f"Bearer {token}"}, timeout=args.timeout
        )
        if resp.status_code != 200:
            raise RuntimeError(f"API HTTP {resp.status_code}: {resp.text[:200]}")

    rows[f"API values at the root ({API_INDICATOR} {period})"] = timed(call_api)
    print(f"{'request':<52}{'p50 ms':>8}{'p95 ms':>8}   ({n} each, load {_load()})")
    for name, times in rows.items():
        print(f"{name:<52}{_pct(times, 0.5) * 1000:>8.0f}{_pct(times, 0.95) * 1000:>8.0f}")


def _latest_period(app: Any) -> str:
    """The store's latest month with observations (the API's period)."""
    from sqlalchemy import func, select

    from data_access import store
    from data_access.schema import observation

    with app.server.app_context(), store.engine().connect() as conn:
        return conn.execute(
            select(func.max(observation.c.period)).where(
                observation.c.period.like("____-__"), ~observation.c.period.like("%Q%")
            )
        ).scalar()


def _load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="store to read (default: a new demo store of --root)")
    parser.add_argument("--root", default="440800", help="root region of the cockpit (440800, 440000)")
    parser.add_argument("--region", default="", help="?region= of every page (default: the root)")
    parser.add_argument("--cache-url", default="", help="COCKPIT_CACHE_URL (empty: in-process)")
    parser.add_argument("--runs", type=int, default=5, help="warm visits per page")
    parser.add_argument("--page", action="append", help="only these pages (repeatable)")
    parser.add_argument("--serve", action="store_true", help="over HTTP against a fresh cockpit serve")
    parser.add_argument(
        "--workers", type=int, default=4, help="with --serve: gunicorn workers (1 thread each)"
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="with --serve: seconds a request may take"
    )
    parser.add_argument(
        "--flush-cache", action="store_true", help="with --serve: FLUSHDB the Redis --cache-url"
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child process: measure one page, print JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args, args.one)))
        return
    if not args.database_url:
        args.database_url = build_demo(args.root)
        sys.argv += ["--database-url", args.database_url]
    print(f"root {args.root}{' region ' + args.region if args.region else ''}, store {args.database_url}")
    if args.serve:
        serve_bench(args)
        return
    print(f"in-process (Flask test client), load average {_load()}")
    print(f"{'page':<16}{'cold s':>8}{'cpu s':>7}{'warm s':>8}{'calls':>6}{'JSON KB':>9}{'gzip KB':>9}")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for path in args.page or PAGES:
        cmd = [sys.executable, __file__, "--one", path, *sys.argv[1:]]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        if proc.returncode:
            print(
                f"{path:<16} failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr else proc.returncode}"
            )
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"{path:<16}{r['cold']:>8.2f}{r['cold_cpu']:>7.2f}{r['warm']:>8.3f}{r['calls']:>6}"
            f"{r['bytes'] / 1024:>9.0f}{r['gzip'] / 1024:>9.0f}"
        )


if __name__ == "__main__":
    main()
