"""Drill-down map: server time and bytes of the map callback, and time to a drawn map in Chromium.

Usage: ``.venv/bin/python benchmarks/bench_map.py [--database-url URL] [--runs 60] [--browser-runs 5]``
(without a URL a 湛江 demo store is built into a temporary folder with ``cockpit demo``).

For a drill from the city to a county (9 → 22 polygons) and from a county to a town (→ its
villages) it prints, over ``--runs`` requests of Dash's ``/_dash-update-component`` through the
Flask test client (compress on, gzip accepted), the round trip and the time inside the server
(the WSGI app: Flask, Dash, the callback, JSON and gzip, without the test client's own work):
- **ours**: the page's map callback, warm (cache filled) and cold (cache cleared before every
  request), p50/p95 and the bytes sent (gzip and raw). It answers with a ``Patch`` of the map the
  page shows (the parent's map, as the request's state says): traces with codes, values and hover
  texts, the view and the layer URLs; geometry, names and styling are already in the browser;
- **common pattern**, two ways, each a ``go.Figure`` with the children's full stored GeoJSON
  embedded, built in the callback and serialised as Dash would (p50/p95, gzip and raw bytes):
  *values only*, the bare minimum (codes, values, names; none of what else the page's map shows),
  and *same map*, which draws what ours draws: hover texts formatted the Chinese way, the unit on
  the colour bar, grey 未报送 cells, the notes, the parent's outline (its stored boundary as a line
  layer) and the children's names (a text trace at the label points), with the title. The ratios
  are printed against both.
A scale check builds one map of all 485 villages of 雷州市 both ways (no page offers that view yet).
Then the time from navigation to a drawn map in headless Chromium (page load, and an in-page drill).
With the 视频点位 layer on (``&cameras=1``) the same drills also carry the target's cameras
(coordinates and ids): one more row, warm. Goals (layer off): warm p50 < 20 ms, payload < 30 KB,
≥ 5× faster and 5× fewer bytes than the common pattern, drawn map < 1.5 s on localhost. Nothing is asserted; the figures are printed.
"""

from __future__ import annotations

import argparse
import gzip
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
COCKPIT = Path(sys.executable).with_name("cockpit")
CITY, COUNTY, TOWN = "440800000000", "440882000000", "440882100000"
INDICATOR, MONTH = "kiosk_coverage", "2026-10"  # collected at village level: every drill has values
DRILLS = [("city → county", CITY, COUNTY), ("county → town", COUNTY, TOWN)]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def build_store(workdir: Path) -> str:
    url = f"sqlite:///{workdir / 'demo.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    env.update(
        COCKPIT_DATABASE_URL=url,
        COCKPIT_INSTANCE_DIR=str(workdir / "instance"),
        COCKPIT_DEMO_PASSWORD="bench-only",
    )
    subprocess.run([str(COCKPIT), "demo"], env=env, check=True, capture_output=True)
    return url


def make_app(url: str, workdir: Path):
    from app import create_app
    from data_access.settings import get_settings

    return create_app(
        get_settings(database_url=url, instance_dir=str(workdir / "instance")), login_disabled=True
    )


def map_request(app, parent_state: dict, target: str, cameras: bool = False) -> dict:
    """The body Dash's renderer posts when the URL's search changes to ``target`` (``cameras``:
    with the 视频点位 layer on, from a map that shows it)."""
    key = next(k for k in app.callback_map if "map-graph.figure" in k and "map-state.data" in k)
    outputs = [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in key.strip(".").split("...")]
    search = f"?region={target[:6] if target.endswith('000000') else target[:9]}&indicator={INDICATOR}&period={MONTH}"
    if cameras:
        search += "&cameras=1"
    return {
        "output": key,
        "outputs": outputs,
        "inputs": [{"id": "shell-url", "property": "search", "value": search}],
        "state": [{"id": "map-state", "property": "data", "value": parent_state}],
        "changedPropIds": ["shell-url.search"],
    }


SERVER_MS: list[float] = []  # time inside the WSGI app, per request (see ``time_server``)


def time_server(app) -> None:
    """Record the time each request spends inside the server (Flask, Dash, the callback, JSON,
    gzip), without the test client's own work of building the request and reading the answer."""
    inner = app.server.wsgi_app

    def timed(environ, start_response):
        started = time.perf_counter()
        try:
            return list(inner(environ, start_response))
        finally:
            SERVER_MS.append((time.perf_counter() - started) * 1000)

    app.server.wsgi_app = timed


def time_ours(app, client, body: dict, runs: int, cold: bool) -> tuple[list[float], list[float], int, int]:
    """Round-trip times through the test client, in-server times, gzip and raw bytes."""
    from data_access.cache import clear

    times, size_gz, size_raw = [], 0, 0
    SERVER_MS.clear()
    for _ in range(runs):
        if cold:
            clear()
        started = time.perf_counter()
        response = client.post("/_dash-update-component", json=body, headers={"Accept-Encoding": "gzip"})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.data[:300]
        size_gz = len(response.data)
        raw = (
            gzip.decompress(response.data)
            if response.headers.get("Content-Encoding") == "gzip"
            else response.data
        )
        size_raw = len(raw)
    return times, list(SERVER_MS), size_gz, size_raw


def stored_geojson(parent: str) -> dict:
    """The children's boundaries as stored (full precision), the GeoJSON a callback would embed."""
    from shapely.geometry import mapping

    from data_access.regions import region_index
    from geo.storage import read_boundaries

    kids = region_index().children[parent]
    stored = read_boundaries([k.code for k in kids])
    features = [
        {
            "type": "Feature",
            "id": k.code,
            "properties": {"code": k.code, "name": k.name},
            "geometry": mapping(stored[k.code].geometry),
        }
        for k in kids
        if k.code in stored
    ]
    return {"type": "FeatureCollection", "features": features}


COMMON_GEOJSON: dict[str, dict] = {}
COMMON_OVERLAY: dict[str, tuple[dict, list[dict]]] = {}  # parent → (stored outline GeoJSON, label points)


def stored_overlay(parent: str) -> tuple[dict, list[dict]]:
    """The parent's own stored boundary (full precision) and its children's label points."""
    import orjson
    from shapely.geometry import mapping

    from geo.prepare import get_layer
    from geo.storage import read_boundaries

    outline = {
        "type": "Feature",
        "properties": {},
        "geometry": mapping(read_boundaries([parent])[parent].geometry),
    }
    points = orjson.loads(get_layer(parent).overlay)["features"][1:]
    return {"type": "FeatureCollection", "features": [outline]}, points


def add_common_callback(app) -> None:
    """Register the common pattern as a callback of the same app (before its first request).

    It resolves the region, reads the values, and returns a ``go.Figure`` with the children's
    full GeoJSON embedded. The GeoJSON comes from a module-level dict filled once (as if read from
    a file at import), which favours the common pattern.
    """
    import plotly.graph_objects as go
    from dash import Input, Output

    from data_access import values
    from data_access.periods import period_for
    from data_access.regions import children, get_region
    from pages._map_view import parse_search
    from web.scope import current_scope

    @app.callback(Output("bench-graph", "figure"), Input("bench-url", "search"))
    def common(search):
        scope = current_scope()
        region = get_region(parse_search(search)["region"], scope)
        kids = children(region.code, scope)
        _, vals = values.children_values(INDICATOR, region.code, period_for("month", MONTH), scope)
        fig = go.Figure(
            go.Choroplethmap(
                geojson=COMMON_GEOJSON[region.code],
                featureidkey="properties.code",
                locations=[v.code for v in vals],
                z=[v.value for v in vals],
                text=[k.name for k in kids],
                colorscale="Greens",
            )
        )
        fig.update_layout(
            map={"style": "white-bg", "center": {"lon": 110.1, "lat": 21.0}, "zoom": 8},
            margin={"l": 0, "r": 0, "t": 0, "b": 0},
        )
        return fig

    @app.callback(Output("bench-graph-same", "figure"), Input("bench-url-same", "search"))
    def common_same_map(search):
        from components.choropleth import NO_DATA_COLOR, NO_DATA_LABEL, fit_view
        from components.format import fmt_period, fmt_value
        from data_access.indicators import get_indicator
        from geo.prepare import get_layer

        scope = current_scope()
        region = get_region(parse_search(search)["region"], scope)
        ind = get_indicator(INDICATOR)
        period = period_for(ind.frequency, MONTH)
        _, vals = values.children_values(ind.code, region.code, period, scope)
        have = [v for v in vals if v.value is not None]
        missing = [v for v in vals if v.value is None]
        outline, points = COMMON_OVERLAY[region.code]
        layer = get_layer(region.code)
        centre, zoom = fit_view(layer.bounds, (1000, 560))
        fig = go.Figure()
        if missing:
            fig.add_trace(
                go.Choroplethmap(
                    geojson=COMMON_GEOJSON[region.code],
                    featureidkey="properties.code",
                    locations=[v.code for v in missing],
                    z=[0] * len(missing),
                    text=[v.name for v in missing],
                    colorscale=[[0, NO_DATA_COLOR], [1, NO_DATA_COLOR]],
                    showscale=False,
                    hovertemplate=f"<b>%{{text}}</b><br>{NO_DATA_LABEL}<extra></extra>",
                )
            )
        fig.add_trace(
            go.Choroplethmap(
                geojson=COMMON_GEOJSON[region.code],
                featureidkey="properties.code",
                locations=[v.code for v in have],
                z=[v.value for v in have],
                text=[v.name for v in have],
                customdata=[fmt_value(v.value, ind.unit, ind.decimals) for v in have],
                hovertemplate="<b>%{text}</b><br>%{customdata}<extra></extra>",
                colorscale="Greens",
                reversescale=ind.direction < 0,
                colorbar={"title": {"text": ind.unit}},
                marker={"line": {"color": "#ffffff", "width": 1}},
            )
        )
        fig.add_trace(
            go.Scattermap(
                lon=[p["geometry"]["coordinates"][0] for p in points],
                lat=[p["geometry"]["coordinates"][1] for p in points],
                mode="text",
                text=[p["properties"]["name"] for p in points],
                hoverinfo="skip",
            )
        )
        notes = []
        if missing:
            notes.append({"text": f"■ {NO_DATA_LABEL}", "x": 0.0, "y": 0.0, "xref": "paper", "yref": "paper"})
        if layer.schematic:
            notes.append(
                {
                    "text": "示意边界：镇村边界为示意，不代表实际界线",
                    "x": 0.12,
                    "y": 0.0,
                    "xref": "paper",
                    "yref": "paper",
                }
            )
        fig.update_layout(
            title=f"{ind.name} · {region.name}各下级地区 · {fmt_period(period)}",
            map={
                "style": "white-bg",
                "center": centre,
                "zoom": zoom,
                "layers": [{"source": outline, "type": "line", "color": "#37474f", "line": {"width": 2.5}}],
            },
            annotations=notes,
            showlegend=False,
            margin={"l": 0, "r": 0, "t": 44, "b": 0},
        )
        return fig


def common_request(target: str, suffix: str = "") -> dict:
    search = f"?region={target}"
    return {
        "output": f"bench-graph{suffix}.figure",
        "outputs": {"id": f"bench-graph{suffix}", "property": "figure"},
        "inputs": [{"id": f"bench-url{suffix}", "property": "search", "value": search}],
        "changedPropIds": [f"bench-url{suffix}.search"],
    }


def server_figures(url: str, workdir: Path, runs: int) -> None:
    app = make_app(url, workdir)
    add_common_callback(app)
    time_server(app)
    client = app.server.test_client()
    client.get("/_dash-dependencies")  # Dash registers its callbacks on the first request
    from pages import _map_view as mv
    from web.scope import current_scope

    print(f"Map callback through /_dash-update-component, {runs} runs each (ms; bytes sent: gzip / raw)")
    print(
        f"{'':<36}{'round trip':>16}{'in server':>16}\n"
        f"{'drill':<16}{'pattern':<20}{'p50':>8}{'p95':>8}{'p50':>8}{'p95':>8}{'gzip B':>10}{'raw B':>10}"
    )
    for label, parent, target in DRILLS:
        with app.server.test_request_context("/"):
            drawn = mv.map_view(
                mv.query_from(region=parent, indicator=INDICATOR, period=MONTH), current_scope()
            ).state
            COMMON_GEOJSON[target] = stored_geojson(target)
            COMMON_OVERLAY[target] = stored_overlay(target)
            layer_drawn = mv.map_view(
                mv.query_from(region=parent, indicator=INDICATOR, period=MONTH, cameras="1"), current_scope()
            ).state
        body = map_request(app, drawn, target)
        layer_body = map_request(app, layer_drawn, target, cameras=True)
        common_body, same_body = common_request(target), common_request(target, "-same")
        time_ours(app, client, body, 3, cold=False)  # fill caches, prepare the layer once
        time_ours(app, client, layer_body, 3, cold=False)
        time_ours(app, client, common_body, 3, cold=False)
        time_ours(app, client, same_body, 3, cold=False)
        rows = [
            ("ours, warm", *time_ours(app, client, body, runs, cold=False)),
            ("ours, cold cache", *time_ours(app, client, body, runs, cold=True)),
            ("ours + cameras, warm", *time_ours(app, client, layer_body, runs, cold=False)),
            ("values only, warm", *time_ours(app, client, common_body, runs, cold=False)),
            ("values only, cold", *time_ours(app, client, common_body, runs, cold=True)),
            ("same map, warm", *time_ours(app, client, same_body, runs, cold=False)),
            ("same map, cold", *time_ours(app, client, same_body, runs, cold=True)),
        ]
        for name, times, server, g, r in rows:
            print(
                f"{label:<16}{name:<20}{pct(times, 0.5):>8.1f}{pct(times, 0.95):>8.1f}"
                f"{pct(server, 0.5):>8.1f}{pct(server, 0.95):>8.1f}{g:>10,}{r:>10,}"
            )
        _, ours, ours_srv, gz, raw = rows[0]
        for versus, (_, common, common_srv, cgz, craw) in (("values only", rows[3]), ("same map", rows[5])):
            print(
                f"{'':<16}→ ours vs {versus + ':':<13}{pct(common, 0.5) / pct(ours, 0.5):.1f}× faster round trip, "
                f"{pct(common_srv, 0.5) / pct(ours_srv, 0.5):.1f}× faster in the server (warm p50), "
                f"{cgz / gz:.1f}× fewer gzip bytes, {craw / raw:.1f}× fewer raw bytes"
            )
    scale_check(app, max(5, runs // 4))


def scale_check(app, runs: int) -> None:
    """All 485 villages of 雷州市 in one map (no page offers this view yet): figure build + JSON only."""
    import plotly.graph_objects as go
    import plotly.io as pio

    from components.choropleth import map_figure
    from data_access import values
    from data_access.regions import region_index
    from geo.prepare import get_layer
    from geo.serve import geojson_url

    with app.server.test_request_context("/"):
        from web.scope import current_scope

        scope = current_scope()
        towns = region_index().children[COUNTY]
        geojson = {"type": "FeatureCollection", "features": []}
        for town in towns:
            geojson["features"] += stored_geojson(town.code)["features"]
        layer = get_layer(COUNTY, 5)

        def village_values():
            out = []
            for town in towns:
                out += values.children_values(INDICATOR, town.code, MONTH, scope)[1]
            return out

        def ours() -> bytes:
            vals = village_values()
            fig = map_figure(
                geojson_url(COUNTY, 5),
                [v.code for v in vals],
                [v.name for v in vals],
                [v.value for v in vals],
                unit="%",
                bounds=layer.bounds,
            )
            return pio.to_json(fig, validate=False).encode()

        def common() -> bytes:
            vals = village_values()
            fig = go.Figure(
                go.Choroplethmap(
                    geojson=geojson,
                    featureidkey="properties.code",
                    locations=[v.code for v in vals],
                    z=[v.value for v in vals],
                    text=[v.name for v in vals],
                    colorscale="Greens",
                )
            )
            fig.update_layout(map={"style": "white-bg", "center": {"lon": 110.1, "lat": 20.9}, "zoom": 8})
            return pio.to_json(fig, validate=False).encode()

        print(
            f"\nScale check: 雷州市's {len(geojson['features'])} villages in one map (build + JSON, {runs} runs)"
        )
        for name, fn in (("ours (dict, URL)", ours), ("common go.Figure", common)):
            fn()
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                body = fn()
                times.append((time.perf_counter() - started) * 1000)
            print(
                f"  {name:<18}p50 {pct(times, 0.5):>7.1f} ms  p95 {pct(times, 0.95):>7.1f} ms  "
                f"gzip {len(gzip.compress(body, 6)):>9,} B  raw {len(body):>10,} B"
            )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVE = """
import sys
from app import create_app
from data_access.settings import get_settings
app = create_app(get_settings(database_url=sys.argv[1], instance_dir=sys.argv[2]), login_disabled=True)
app.run(host="127.0.0.1", port=int(sys.argv[3]))
"""

DRAWN = """(parent) => { const gd = document.querySelector('#map-graph .js-plotly-plot');
  if (!gd || !gd.data || !gd.data.length || !gd._fullLayout.map || !gd._fullLayout.map._subplot) return false;
  const m = gd._fullLayout.map._subplot.map;
  if (!gd.data.every(t => String(t.geojson).includes(parent)) || !m.loaded() || m.isMoving()) return false;
  const code = gd.data[gd.data.length - 1].locations[0];
  return m.queryRenderedFeatures().some(f => String(f.id) === code);
}"""


def browser_figures(url: str, workdir: Path, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, url, str(workdir / "instance"), str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        loads, drills = [], []
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                ],
            )
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.set_default_timeout(60_000)
            page.goto(f"{base}/map?region=440800&indicator={INDICATOR}")  # warm the server and HTTP cache
            page.wait_for_function(DRAWN, arg=CITY)
            for _ in range(runs):
                started = time.perf_counter()
                page.goto(f"{base}/map?region=440882&indicator={INDICATOR}")
                page.wait_for_function(DRAWN, arg=COUNTY, polling=20)
                loads.append(time.perf_counter() - started)
                started = time.perf_counter()
                page.evaluate(
                    "(s) => { history.pushState({}, '', '/map' + s);"
                    " window.dispatchEvent(new CustomEvent('_dashprivate_pushstate')); }",
                    f"?region=440882100&indicator={INDICATOR}",
                )
                page.wait_for_function(DRAWN, arg=TOWN, polling=20)
                drills.append(time.perf_counter() - started)
            browser.close()
    finally:
        proc.terminate()
        proc.wait()
    print(f"\nHeadless Chromium (software WebGL), {runs} runs: navigation → drawn map (s)")
    print(f"  page load /map?region=440882      p50 {pct(loads, 0.5):.2f}  p95 {pct(loads, 0.95):.2f}")
    print(f"  in-page drill county → town       p50 {pct(drills, 0.5):.2f}  p95 {pct(drills, 0.95):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("COCKPIT_DATABASE_URL", ""))
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--browser-runs", type=int, default=5)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (timings scale with it)\n")
    with tempfile.TemporaryDirectory(prefix="bench-map-") as tmp:
        workdir = Path(tmp)
        url = args.database_url or build_store(workdir)
        server_figures(url, workdir, args.runs)
        if args.browser_runs:
            browser_figures(url, workdir, args.browser_runs)


if __name__ == "__main__":
    main()
