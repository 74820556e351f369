"""A tiny Dash page that draws 湛江's maps from a real store, served on a free local port.

Used by the browser test and, run as a script, to refresh the screenshots::

    .venv/bin/python -m tests.geo.offline_map docs/screenshots
"""

from __future__ import annotations

import contextlib
import logging
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import dash
from dash import _callback as dash_callbacks
from dash import dcc, html
from flask import Flask
from werkzeug.serving import make_server

from components.choropleth import choropleth_figure
from data_access import regions, store
from data_access.cache import init_cache
from data_access.scope import Scope
from data_access.settings import get_settings
from geo.build import ensure_boundaries
from geo.prepare import get_layer
from geo.serve import bp, geojson_url, overlay_url
from tests.conftest import CHROMIUM, CHROMIUM_ARGS

VIEWS = {"city": "440800000000", "county_leizhou": "440882000000"}
SIZE = (1920, 1080)


def build_store(directory: Path, root: str = "440800") -> None:
    """A fresh SQLite store for ``root`` with every boundary built."""
    settings = get_settings(
        database_url=f"sqlite:///{directory / 'geo.db'}",
        instance_dir=str(directory),
        root_region=root,
        cache_url="",
    )
    store.configure(settings)
    with store.engine().begin() as conn:
        regions.load_regions(conn, root)
        store.bump_version(conn)
    ensure_boundaries(root)


def demo_values(codes: list[str]) -> list[float | None]:
    """Plausible made-up values; every seventh region unreported (grey)."""
    return [None if i % 7 == 3 else round(20 + (int(c[:9]) * 37 % 80) * 1.3, 1) for i, c in enumerate(codes)]


def map_figure(parent: str):
    """The choropleth of ``parent``'s children as a page would build it."""
    layer = get_layer(parent)
    kids = regions.children(parent, Scope.of(parent))
    codes = [k.code for k in kids]
    name = regions.region_index().get(parent).name
    return choropleth_figure(
        geojson_url(parent),
        codes,
        [k.name for k in kids],
        demo_values(codes),
        unit="亿元",
        title=f"{name} · 地区生产总值（示例数据）",
        direction=1,
        bounds=layer.bounds,
        overlay=overlay_url(parent),
        schematic=layer.schematic,
        size=(SIZE[0], SIZE[1] - 60),
    )


def create_page_app() -> dash.Dash:
    """A bare Dash app showing one map, with only its own callback.

    ``dash.callback`` registrations wait in Dash's global lists until an app serves its first
    request; an app built earlier in the same process and never served (e.g. the cockpit's, by a
    test that calls its page functions directly) would hand its page callbacks to this app, and the
    browser would report outputs missing from this layout. They are dropped here first.
    """
    for pending in (
        dash_callbacks.GLOBAL_CALLBACK_LIST,
        dash_callbacks.GLOBAL_CALLBACK_MAP,
        dash_callbacks.GLOBAL_INLINE_SCRIPTS,
    ):
        pending.clear()
    server = Flask(__name__)
    init_cache(server, store.settings())  # the cache belongs to the serving app
    server.register_blueprint(bp)
    app = dash.Dash(__name__, server=server, serve_locally=True, use_pages=False)
    app.layout = html.Div([dcc.Location(id="url"), html.Div(id="map-holder")])

    @app.callback(dash.Output("map-holder", "children"), dash.Input("url", "pathname"))
    def _show(pathname: str):
        parent = VIEWS.get((pathname or "/").strip("/"), VIEWS["city"])
        return dcc.Graph(
            id="map",
            figure=map_figure(parent),
            style={"height": f"{SIZE[1] - 20}px"},
            config={"displayModeBar": False},
        )

    return app


@contextlib.contextmanager
def serving(app: dash.Dash) -> Iterator[str]:
    """Serve the app on a free port of 127.0.0.1 in a thread; yields the base URL."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


MAP_READY = """() => {
  const gd = document.querySelector('#map .js-plotly-plot');
  const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
  if (!sub || !sub.map || !sub.map.loaded() || !sub.map.isStyleLoaded()) return false;
  const layers = sub.map.getStyle().layers.filter(l => l.type === 'fill');
  return layers.length > 0 && sub.map.queryRenderedFeatures({layers: layers.map(l => l.id)}).length > 0;
}"""

FEATURES_AT = """([lon, lat]) => {
  const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  const p = map.project([lon, lat]);
  const rect = map.getCanvas().getBoundingClientRect();
  const fills = map.getStyle().layers.filter(l => l.type === 'fill').map(l => l.id);
  // Plotly re-encodes the features: each drawn fill carries its colour ("fc"), not the code.
  const colours = map.queryRenderedFeatures(p, {layers: fills}).map(f => f.properties.fc);
  return {x: rect.left + p.x, y: rect.top + p.y, colours};
}"""


def open_map(page, base: str, view: str) -> None:
    page.goto(f"{base}/{view}")
    page.wait_for_function(MAP_READY, timeout=30000)


def outside_requests(requests: list[str]) -> list[str]:
    return [
        u for u in requests if urlparse(u).hostname not in ("127.0.0.1", None) and not u.startswith("data:")
    ]


def save_screenshots(out_dir: Path) -> list[str]:
    """Render both views at 1920×1080 and save ``geo_<view>.png``; returns outside requests."""
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        build_store(Path(tmp))
        with serving(create_page_app()) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": SIZE[0], "height": SIZE[1]})
            page.on("request", lambda r: requests.append(r.url))
            for view in VIEWS:
                open_map(page, base, view)
                page.screenshot(path=str(out_dir / f"geo_{view}.png"))
            browser.close()
    return outside_requests(requests)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    target.mkdir(parents=True, exist_ok=True)
    outside = save_screenshots(target)
    print(f"saved to {target}; requests outside 127.0.0.1: {outside or 'none'}")
