"""Every page at a root: its first (cold) and warm time and the JSON it sends, as a browser asks.

For each page the browser's requests are replayed through the Flask test client of ``create_app``
(login disabled, the scope of ``--root``): Dash's page router (``/_dash-update-component`` for
``_pages_content``; it builds the page's layout) and then every server callback the page fires on
arrival (no ``prevent_initial_call``, all its inputs on the page or in the shell, at their layout
values). Printed per page: the first visit in a fresh process (cold: empty cache, no map layer
derived yet), the median of ``--runs`` warm visits, and the bytes of JSON (router + initial
callbacks; uncompressed, and gzip as the server would send it).

    .venv/bin/python benchmarks/bench_pages.py                 # builds a 湛江 demo store first
    .venv/bin/python benchmarks/bench_pages.py --database-url sqlite:////tmp/prov.db --root 440000
    .venv/bin/python benchmarks/bench_pages.py --database-url URL --root 440800 --page /services

Each page's cold figure is taken in its own subprocess, so no page warms another's cache (the
store's own caches, such as the operating system's file cache, stay warm). Goal at the province
root: every page under 1 s warm, under 3 s cold and under 300 KB of JSON.
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
    started = time.perf_counter()
    calls, size, zipped = visit(client, deps, shell, path, search)
    cold = time.perf_counter() - started
    warm = []
    for _ in range(args.runs):
        started = time.perf_counter()
        visit(client, deps, shell, path, search)
        warm.append(time.perf_counter() - started)
    return {"cold": cold, "warm": statistics.median(warm), "calls": calls, "bytes": size, "gzip": zipped}


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="store to read (default: a new demo store of --root)")
    parser.add_argument("--root", default="440800", help="root region of the cockpit (440800, 440000)")
    parser.add_argument("--region", default="", help="?region= of every page (default: the root)")
    parser.add_argument("--cache-url", default="", help="COCKPIT_CACHE_URL (empty: in-process)")
    parser.add_argument("--runs", type=int, default=5, help="warm visits per page")
    parser.add_argument("--page", action="append", help="only these pages (repeatable)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child process: measure one page, print JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args, args.one)))
        return
    if not args.database_url:
        args.database_url = build_demo(args.root)
        sys.argv += ["--database-url", args.database_url]
    print(f"root {args.root}{' region ' + args.region if args.region else ''}, store {args.database_url}")
    print(f"{'page':<16}{'cold s':>8}{'warm s':>8}{'calls':>6}{'JSON KB':>9}{'gzip KB':>9}")
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
            f"{path:<16}{r['cold']:>8.2f}{r['warm']:>8.3f}{r['calls']:>6}"
            f"{r['bytes'] / 1024:>9.0f}{r['gzip'] / 1024:>9.0f}"
        )


if __name__ == "__main__":
    main()
