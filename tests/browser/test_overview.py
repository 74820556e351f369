"""Overview, shell and 404 in real headless Chromium."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import TIMEOUT_MS, _is_local, login
from tests.browser.maphelp import click_region, wait_drawn
from tests.browser.wallfit import assert_fits

pytestmark = pytest.mark.browser

CITY = "440800000000"


def test_ovw101_overview_shows_kpis_map_ranking_and_the_shell(leader_page, live_server):
    page = leader_page
    page.goto(f"{live_server}/")
    cards = page.locator("#overview-kpis .kpi-card")
    cards.first.wait_for()
    assert cards.count() >= 4
    first = cards.first.inner_text()
    assert "地区生产总值" in first and "亿元" in first and "2026年前三季度" in first and "同比" in first
    assert "时间进度" in page.inner_text("#overview-kpis")
    wait_drawn(page, CITY, graph_id="overview-map")
    page.wait_for_function("() => document.querySelectorAll('#overview-ranking .ranking-row').length === 9")
    header = page.inner_text(".shell-header")
    assert "百千万工程驾驶舱" in header and "湛江市" in header and "数据截至 2026年10月" in header
    assert page.locator(".shell-header .demo-badge").is_visible()  # 演示数据
    nav = page.inner_text("#shell-nav")
    assert "总览" in nav and "地图" in nav
    assert page.locator("#shell-nav .nav-link.active").inner_text() == "总览"


def test_ovw102_click_a_county_on_the_overview_opens_its_map(leader_page, live_server, browser_store):
    page = leader_page
    page.goto(f"{live_server}/")
    wait_drawn(page, CITY, graph_id="overview-map")
    county = browser_store.children(CITY)[0]
    click_region(page, county, graph_id="overview-map")
    page.wait_for_url(re.compile(rf"/map\?region={county.code[:6]}"))
    page.wait_for_function(
        "(name) => { const el = document.querySelector('#map-breadcrumb'); return !!el && el.innerText.includes(name); }",
        arg=county.name,
    )
    # The overview's indicator (地区生产总值) stops at counties: the map page says so for its towns.
    page.get_by_text("本级未采集该指标").wait_for()


def test_ovw103_unknown_path_shows_the_404_page(leader_page, live_server):
    page = leader_page
    page.goto(f"{live_server}/no-such-page")
    page.get_by_text("页面不存在").first.wait_for()
    assert page.locator("a:has-text('返回总览')").is_visible()


def _open_wall_overview(page, base: str) -> None:
    """The overview at ?screen=wall with its map, ranking and trend drawn."""
    page.goto(f"{base}/?screen=wall")
    page.wait_for_selector(".shell.theme-wall")
    wait_drawn(page, CITY, graph_id="overview-map")
    page.wait_for_function(
        "() => document.querySelectorAll('#overview-trend .bars path, #overview-trend .point').length > 0"
        " && document.querySelectorAll('#overview-ranking .ranking-row').length === 9"
    )


def test_ovw104_wall_screen_overview_fits_one_screen(leader_page, live_server):
    """大屏 at 1920×1080: KPIs, map, ranking, 需关注 and the trend all on screen, nothing to scroll,
    text ≥ 18 px and KPI figures ≥ 40 px; header and navigation one line each; the map and the
    trend take the height left (the desk layout scrolls instead)."""
    page = leader_page
    _open_wall_overview(page, live_server)
    fit = assert_fits(page, extra=("#overview-map", "#overview-trend", "#overview-attention"))
    boxes = page.evaluate(BOXES)
    assert boxes["map"]["height"] >= 400 and boxes["trend"]["height"] >= 200, boxes
    for part in ("header", "nav", "banner"):  # one line each: no taller than two lines of its text
        assert boxes[part]["height"] < 2 * boxes[part]["line"], (part, boxes)
    assert boxes["header"]["height"] + boxes["nav"]["height"] <= 100, boxes
    assert fit["minKpi"] >= 40
    page.goto(f"{live_server}/?screen=desk")  # the desk theme keeps its scrolling page
    page.wait_for_selector(".shell.theme-desk")
    wait_drawn(page, CITY, graph_id="overview-map")
    assert page.evaluate("() => document.documentElement.scrollHeight - innerHeight") > 0


BOXES = """() => {
  const box = (sel) => {
    const el = document.querySelector(sel); const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return {top: r.top, bottom: r.bottom, height: r.height,
            line: parseFloat(s.lineHeight) || 1.5 * parseFloat(s.fontSize)};
  };
  return {map: box('#overview-map'), trend: box('#overview-trend'), header: box('.shell-header'),
          nav: box('.shell-nav'), banner: box('.demo-banner')};
}"""

# What plotly and MapLibre draw in pixels: a trend tick label's font size, the map's county names
# (the text size of the style's symbol layer ``labels`` in the map, once a name is rendered).
CHART_TEXT = """() => {
  const tick = document.querySelector('#overview-trend .ytick text');
  const gd = document.querySelector('#overview-map .js-plotly-plot');
  const m = gd._fullLayout.map._subplot.map;
  const labels = m.queryRenderedFeatures({layers: ['labels']});
  return {tick: parseFloat(tick.style.fontSize), tickHeight: tick.getBoundingClientRect().height,
          label: labels.length ? m.getLayoutProperty('labels', 'text-size') : null, zoom: m.getZoom(),
          innerWidth, devicePixelRatio};
}"""


@pytest.fixture
def sized_page(browser, live_server):
    """``sized_page(width, height, scale)``: a logged-in page of that viewport and device scale
    factor, failing on console errors and outside requests like ``page``."""
    made = []

    def make(width: int, height: int, scale: float = 1):
        context = browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=scale, locale="zh-CN"
        )
        context.set_default_timeout(TIMEOUT_MS)
        pg = context.new_page()
        pg.errors, pg.outside = [], []
        context.route(
            lambda url: not _is_local(url),
            lambda route: (pg.outside.append(route.request.url), route.abort()),
        )
        pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: pg.errors.append(f"page error: {e}"))
        login(pg, live_server, "leader")
        made.append((context, pg))
        return pg

    yield make
    for context, pg in made:
        context.close()
        assert pg.outside == [] and pg.errors == [], (pg.outside, pg.errors)


def test_ovw105_wall_overview_scales_to_2560_with_its_charts(sized_page, live_server):
    """2560×1440 at device scale 1: the HTML scales by rem and still fits; plotly's text and the
    map's names grow with it (≥ 1.25× their size at 1920×1080), the map zooms in to match."""
    small, large = sized_page(1920, 1080), sized_page(2560, 1440)
    sizes = {}
    for pg in (small, large):
        _open_wall_overview(pg, live_server)
        pg.wait_for_function(
            "() => document.querySelector('#overview-map .js-plotly-plot')._fullLayout.map"
            "._subplot.map.queryRenderedFeatures({layers: ['labels']}).length > 0"
        )
        sizes[pg.viewport_size["width"]] = pg.evaluate(CHART_TEXT)
    assert_fits(large, extra=("#overview-map", "#overview-trend"), scale=2560 / 1920)
    s, b = sizes[1920], sizes[2560]
    assert b["tick"] >= 1.25 * s["tick"] and b["tickHeight"] >= 1.25 * s["tickHeight"], sizes
    assert b["label"] >= 1.25 * s["label"], sizes
    assert b["zoom"] > s["zoom"] + 0.3, sizes  # log2(4/3) = 0.415: the map fills its larger box alike
    assert s["tick"] >= 15, sizes  # wall charts read from afar at 1080p too (plotly's own 12 px × 1.3)


def test_ovw106_4k_at_device_scale_2_is_the_1080p_layout(sized_page, live_server):
    """3840×2160 physical pixels at device scale 2 is 1920×1080 CSS pixels: the same layout, fits."""
    page = sized_page(1920, 1080, scale=2)
    _open_wall_overview(page, live_server)
    assert page.evaluate("() => [innerWidth, innerHeight, devicePixelRatio]") == [1920, 1080, 2]
    fit = assert_fits(page, extra=("#overview-map", "#overview-trend"))
    assert fit["minText"] < 20  # 1080p sizes, not 4K CSS sizes


def test_ovw107_theme_switch_rescales_charts_without_compounding(sized_page, live_server):
    """At 2560 wide, desk → wall → desk → wall: the charts are drawn from the app's figure each time,
    so the scaled tick size is the same after the round trip (never scaled twice)."""
    page = sized_page(2560, 1440)
    _open_wall_overview(page, live_server)
    wall = page.evaluate(CHART_TEXT)["tick"]
    for _ in range(2):
        page.click("#shell-theme-toggle")
        page.wait_for_selector(".shell.theme-desk")
        page.wait_for_function(
            "(t) => parseFloat(document.querySelector('#overview-trend .ytick text').style.fontSize) < t",
            arg=wall,
        )
        desk = page.evaluate(CHART_TEXT)["tick"]
        page.click("#shell-theme-toggle")
        page.wait_for_selector(".shell.theme-wall")
        page.wait_for_function(
            "(t) => parseFloat(document.querySelector('#overview-trend .ytick text').style.fontSize) > t",
            arg=desk,
        )
    assert page.evaluate(CHART_TEXT)["tick"] == pytest.approx(wall, abs=0.1)
    assert desk < wall / 1.5
