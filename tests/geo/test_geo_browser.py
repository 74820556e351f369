"""The maps in headless Chromium: drawn from local URLs only, names on the map, hover, no errors."""

from __future__ import annotations

import orjson
import pytest

from data_access import regions
from data_access.scope import Scope
from geo.prepare import get_layer

from .offline_map import (
    FEATURES_AT,
    SIZE,
    VIEWS,
    build_store,
    create_page_app,
    demo_values,
    open_map,
    outside_requests,
    serving,
)

pytestmark = pytest.mark.browser

GREY = "rgb(195, 200, 207)"  # components.choropleth.NO_DATA_COLOR as MapLibre reports it
RENDERED_LABELS = """() => {
  const map = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map;
  return map.queryRenderedFeatures({layers: ['labels']}).map(f => f.properties.name);
}"""


@pytest.fixture(scope="module")
def browser_page(browser, tmp_path_factory):
    build_store(tmp_path_factory.mktemp("geo_browser"))
    with serving(create_page_app()) as base:
        context = browser.new_context(viewport={"width": SIZE[0], "height": SIZE[1]})
        page = context.new_page()
        log = {"requests": [], "errors": []}
        page.on("request", lambda r: log["requests"].append(r.url))
        page.on("console", lambda m: log["errors"].append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: log["errors"].append(str(e)))
        yield page, base, log
        context.close()


@pytest.mark.parametrize(("view", "names"), [("city", 9), ("county_leizhou", 22)])
def test_geo401_map_draws_offline_with_names(browser_page, view, names):
    page, base, log = browser_page
    open_map(page, base, view)
    parent = VIEWS[view]
    labels = orjson.loads(get_layer(parent).overlay)["features"][1:]
    assert len(labels) == names
    # Every child is drawn where its label point is: grey exactly where the value is missing.
    codes = [k.code for k in regions.children(parent, Scope.of(parent))]
    missing = {c for c, v in zip(codes, demo_values(codes), strict=True) if v is None}
    assert missing
    for feature in labels:
        (colour,) = page.evaluate(FEATURES_AT, feature["geometry"]["coordinates"])["colours"]
        assert (colour == GREY) == (feature["properties"]["code"] in missing)
    shown = page.evaluate(RENDERED_LABELS)
    assert len(set(shown)) >= names * 0.8  # a few may yield to collisions
    assert outside_requests(log["requests"]) == []
    assert any(f"/geo/{parent}.geojson" in u for u in log["requests"])
    assert log["errors"] == []


def test_geo402_hover_names_the_region_and_value(browser_page):
    page, base, log = browser_page
    open_map(page, base, "county_leizhou")
    label = next(
        f
        for f in orjson.loads(get_layer(VIEWS["county_leizhou"]).overlay)["features"][1:]
        if f["properties"]["name"] == "唐家镇"
    )
    spot = page.evaluate(FEATURES_AT, label["geometry"]["coordinates"])
    page.mouse.move(spot["x"], spot["y"] + 12)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=10000)
    text = page.text_content(".hoverlayer")
    assert "唐家镇" in text and ("亿元" in text or "未报送" in text)
    assert "示意边界" in page.text_content("#map")
    assert log["errors"] == []
