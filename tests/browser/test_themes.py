"""Theme pages in real headless Chromium: figures equal the API, click-through to /map, no console
errors, no outside requests, no horizontal overflow at 1366×768 and 1920×1080.

Shared fixtures (tests/browser/conftest.py): ``cockpit serve`` on the demo store, and
``leader_page``, logged in as the city leader, which fails a test on any console error or any
request leaving 127.0.0.1.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from components.format import fmt_value, value_parts
from tests.browser.maphelp import click_region

pytestmark = pytest.mark.browser

PAGES = ("economy", "services", "infrastructure", "indicators")
REGIONS = (None, "440882")
SIZES = ((1920, 1080), (1366, 768))
CHARTS = {"economy": 2, "services": 3, "infrastructure": 4, "indicators": 0}  # plotly charts per page


def open_page(page, base_url: str, path: str) -> None:
    """Go to ``path`` and wait until the theme page (or its error message) has been built."""
    page.goto(base_url + path)
    page.wait_for_selector(".theme-page, .notice-error", timeout=60000)
    page.wait_for_load_state("networkidle")


def api(page, base_url: str, indicator: str, period: str, parent: str) -> dict:
    resp = page.request.get(f"{base_url}/api/v1/values?indicator={indicator}&period={period}&parent={parent}")
    assert resp.ok, resp.text()
    return resp.json()


def kpi(page, code: str) -> str:
    return page.locator(f".kpi-card[data-indicator='{code}'] .kpi-number").inner_text().strip()


def overflowing(page) -> list[str]:
    """Elements wider than the window, and panels whose content is wider than the panel."""
    return page.evaluate(
        """() => {
        const out = [];
        const doc = document.documentElement;
        if (doc.scrollWidth > doc.clientWidth + 1) out.push('document ' + doc.scrollWidth);
        document.querySelectorAll('.panel, .kpi-card, .page-head').forEach(el => {
            const r = el.getBoundingClientRect();
            if (r.right > doc.clientWidth + 1) out.push((el.id || el.className) + ' right ' + r.right);
            if (el.scrollWidth > el.clientWidth + 2 && getComputedStyle(el).overflowX !== 'auto')
                out.push((el.id || el.className) + ' scroll ' + el.scrollWidth + '>' + el.clientWidth);
        });
        return out;
    }"""
    )


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("name", PAGES)
def test_thb001_every_page_opens_with_titled_charts_and_no_overflow(leader_page, live_server, name, region):
    page = leader_page
    path = f"/{name}" + (f"?region={region}" if region else "")
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        open_page(page, live_server, path)
        assert page.locator(".notice-error").count() == 0
        assert overflowing(page) == [], (path, width)
        # Every chart sits in a panel whose title names the unit and whose footnote the period and source.
        charts = page.locator(".js-plotly-plot")
        assert charts.count() == page.locator(".theme-panel .js-plotly-plot").count()
        assert charts.count() == CHARTS[name]
        assert "period=" not in page.url  # the page did not navigate on its own
        panels = page.locator(".theme-panel")
        for i in range(panels.count()):
            words = panels.nth(i).inner_text()
            assert "单位：" in words and "统计期：" in words and "数据来源：" in words, words[:200]


def test_thb002_economy_figures_equal_the_api(leader_page, live_server):
    page = leader_page
    open_page(page, live_server, "/economy?indicator=gdp")
    body = api(page, live_server, "gdp", "2026-Q3", "440800")
    assert kpi(page, "gdp") == value_parts(body["parent"]["value"], "亿元", 2)[0]
    rows = page.locator("#economy-ranking .ranking-row")
    shown = {
        rows.nth(i).get_attribute("data-code"): rows.nth(i).locator(".ranking-value").inner_text()
        for i in range(rows.count())
    }
    assert shown == {c["code"]: fmt_value(c["value"], "亿元", 2) for c in body["children"]}
    open_page(page, live_server, "/economy?region=440882")
    leizhou = next(c for c in body["children"] if c["code"] == "440882000000")
    assert kpi(page, "gdp") == value_parts(leizhou["value"], "亿元", 2)[0]
    assert "雷州市地区生产总值" in page.locator("#economy-summary").inner_text()


@pytest.mark.parametrize("region", REGIONS)
def test_thb003_services_and_infrastructure_figures_equal_the_api(leader_page, live_server, region):
    page, parent = leader_page, region or "440800"
    query = f"?region={region}" if region else ""
    open_page(page, live_server, f"/services{query}")
    body = api(page, live_server, "items_handled", "2026-10", parent)
    assert kpi(page, "items_handled") == value_parts(body["parent"]["value"], "件", 0)[0]
    rate = api(page, live_server, "online_rate", "2026-10", parent)["parent"]["value"]
    assert kpi(page, "online_rate") == f"{rate:.1f}"
    open_page(page, live_server, f"/infrastructure{query}")
    accounts = api(page, live_server, "platform_accounts", "2026-10", "440800")
    value = (
        accounts["parent"]["value"]
        if not region
        else next(c["value"] for c in accounts["children"] if c["code"].startswith(region))
    )
    assert kpi(page, "platform_accounts") == value_parts(value, "个", 0)[0]


def test_thb004_catalogue_coverage_equals_the_api_and_search_filters(leader_page, live_server):
    page = leader_page
    open_page(page, live_server, "/indicators")
    body = api(page, live_server, "kiosk_coverage", "2026-10", "440800")
    reported, expected = body["parent"]["reported"], body["parent"]["expected"]
    row = page.locator("tr[data-indicator='kiosk_coverage']")
    assert f"{reported / expected * 100:.1f}%（{reported}/{expected}）" in row.inner_text()
    total = page.locator("#indicators-table tr[data-indicator]").count()
    page.fill("#indicators-search", "粤智助")
    expect(page.locator("#indicators-count")).not_to_have_text(f"共 {total} 项指标")
    codes = page.locator("#indicators-table tr[data-indicator]").evaluate_all(
        "rows => rows.map(r => r.dataset.indicator)"
    )
    assert codes and all(c.startswith("kiosk") for c in codes)
    page.locator("tr[data-indicator='kiosk_coverage'] a").click()
    page.wait_for_url("**/map?indicator=kiosk_coverage")


def test_thb005_ranking_and_map_click_through_to_the_drill_down_map(leader_page, live_server, browser_store):
    page = leader_page
    open_page(page, live_server, "/economy?indicator=retail_sales")
    page.locator("#economy-ranking .ranking-row[data-code='440882000000'] a").click()
    page.wait_for_url("**/map?region=440882&indicator=retail_sales&period=2026-10")
    open_page(page, live_server, "/economy?indicator=retail_sales")
    page.locator("#economy-map-panel").scroll_into_view_if_needed()
    click_region(page, browser_store.regions["440881000000"], graph_id="economy-map-panel")  # 廉江市
    page.wait_for_url("**/map?region=440881&indicator=retail_sales&period=2026-10")
    assert parse_qs(urlparse(page.url).query)["region"] == ["440881"]


def test_thb006_period_picker_rewrites_the_url_and_the_figures(leader_page, live_server):
    page = leader_page
    open_page(page, live_server, "/economy?region=440882")
    page.locator(".theme-head .picker").first.click()
    page.get_by_text("2026年6月", exact=True).click()
    page.wait_for_url("**/economy?region=440882&period=2026-06")
    expect(page.locator(".kpi-card[data-indicator='retail_sales'] .kpi-period")).to_have_text("2026年1—6月")
    body = api(page, live_server, "gdp", "2026-Q2", "440800")
    leizhou = next(c for c in body["children"] if c["code"] == "440882000000")
    assert kpi(page, "gdp") == value_parts(leizhou["value"], "亿元", 2)[0]


# --- wall screen (大屏): /infrastructure and /indicators fit one 1920×1080 screen ------------------

WALL_DRAWN = {
    # the camera map and the two charts drawn, and the map refitted to its box (wall-mapfit.js)
    "infrastructure": """() => {
        const shown = [...document.querySelectorAll('#infrastructure-page .js-plotly-plot')]
            .filter((g) => g.offsetWidth > 0 && g._fullLayout);
        const map = document.querySelector('#infrastructure-video-map .js-plotly-plot');
        return shown.length === 3 && !!map && !!map.bqwFitted;
    }""",
    "indicators": "() => !!document.querySelector('#indicators-wall .count-list')",
}


def open_wall(page, base_url: str, name: str, region: str | None) -> None:
    query = f"region={region}&" if region else ""
    open_page(page, base_url, f"/{name}?{query}screen=wall")
    page.wait_for_selector(".shell.theme-wall")
    page.wait_for_function(WALL_DRAWN[name])
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("region", REGIONS)
def test_thb311_infrastructure_fits_the_wall(leader_page, live_server, region):
    from tests.browser.wallfit import assert_fits

    page = leader_page
    open_wall(page, live_server, "infrastructure", region)
    assert_fits(page)
    # KPIs in one row; the camera map and two charts; the long tables and the summary are left out
    tops = page.locator("#infrastructure-kpis .kpi-card").evaluate_all(
        "cards => cards.map(c => Math.round(c.getBoundingClientRect().top))"
    )
    assert len(tops) >= 4 and len(set(tops)) == 1, tops
    for shown in ("#infrastructure-video-map", "#infrastructure-sharing-month", "#infrastructure-govnet"):
        assert page.locator(shown).is_visible(), shown
    for hidden in ("#infrastructure-video-panel", "#infrastructure-sharing-dept", ".theme-summary-panel"):
        assert not page.locator(hidden).is_visible(), hidden
    # the map's view was fitted to a 1400×540 box on the server; on the wall it is refitted to the
    # box it has (wall-mapfit.js): the zoom that fits the region's width and height into that box
    zoom, fitted, expect = page.locator("#infrastructure-video-map .js-plotly-plot").evaluate(
        """g => { const f = g.layout.meta.fit, full = g._fullLayout;
                  return [full.map.zoom, f[2], Math.min(f[3] + Math.log2(full.width / f[0]),
                                                        f[4] + Math.log2(full.height / f[1]))]; }"""
    )
    assert abs(zoom - expect) < 0.01, (zoom, fitted, expect)
    if region:  # a county's map draws every camera as a point
        assert page.locator("#infrastructure-video-map .legendtext").count() == 2
    # the desk is as before: every panel shown, the map at the zoom fitted on the server
    open_page(page, live_server, f"/infrastructure?{f'region={region}&' if region else ''}screen=desk")
    assert page.locator("#infrastructure-video-panel").is_visible()
    page.wait_for_function(
        "() => !!document.querySelector('#infrastructure-video-map .js-plotly-plot')?._fullLayout"
    )
    zoom, fitted = page.locator("#infrastructure-video-map .js-plotly-plot").evaluate(
        "g => [g._fullLayout.map.zoom, g.layout.meta.fit[2]]"
    )
    assert zoom == fitted


@pytest.mark.parametrize("region", REGIONS)
def test_thb312_indicators_on_the_wall_are_counts_and_the_lowest_coverages(leader_page, live_server, region):
    from tests.browser.wallfit import assert_fits

    page = leader_page
    open_wall(page, live_server, "indicators", region)
    assert_fits(page)
    total = page.locator("#indicators-table tr[data-indicator]").count()  # the desk's table, hidden
    assert total > 50 and not page.locator("#indicators-table").is_visible()
    assert not page.locator("#indicators-search").is_visible()
    assert f"共 {total} 项指标" in page.locator("#indicators-wall-count").inner_text()
    # each grouping counts every indicator once
    for i in range(3):
        values = page.locator("#indicators-wall .count-list").nth(i).locator(".count-value").all_inner_texts()
        assert sum(int(v.split()[0]) for v in values) == total, values
    # the top rows, lowest coverage first, each as the desk's table has it
    rows = page.locator("#indicators-wall tr[data-wall-indicator]")
    assert rows.count() == 8
    coverage = []
    for i in range(rows.count()):
        code = rows.nth(i).get_attribute("data-wall-indicator")
        cells = rows.nth(i).locator("td").all_inner_texts()
        desk = page.locator(f"#indicators-table tr[data-indicator='{code}'] td").all_text_contents()
        assert cells[-1] == desk[-1] and cells[0] in desk[0], (cells, desk)
        coverage.append(float(cells[-1].split("%")[0]))
    assert coverage == sorted(coverage)
    open_page(page, live_server, "/indicators?screen=desk")
    assert (
        page.locator("#indicators-table").is_visible() and not page.locator("#indicators-wall").is_visible()
    )


# --- wall screen (大屏): /economy and /services fit one 1920×1080 screen ------------------------

WALL_PANELS = {
    "economy": (("#economy-map-panel", "#economy-ranking-panel", "#economy-trend"), ()),
    "services": (
        ("#services-trend", "#services-ranking-panel", "#services-kiosk-panel"),
        ("#services-map-panel",),
    ),
}


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("name", ("economy", "services"))
def test_thb401_wall_economy_and_services_fit_one_screen(leader_page, live_server, name, region):
    """大屏 at 1920×1080: every KPI card, the map, the ranking and the trend on screen, nothing to
    scroll or cut off; a ranking longer than 10 shows its first 10 and says 前 10 / 共 N 个; the
    desk theme still shows every row and the summary."""
    from tests.browser.wallpages import assert_wall, open_wall, rows

    page = leader_page
    path = f"/{name}" + (f"?region={region}" if region else "")
    open_wall(page, live_server, path)
    assert_wall(page)
    shown, every = rows(page, ".kpi-row .kpi-card")
    assert shown == every == {"economy": 9, "services": 6}[name]
    wall, desk_only = WALL_PANELS[name]
    for sel in wall:
        assert page.locator(sel).is_visible(), sel
    for sel in (*desk_only, ".theme-summary-panel"):
        assert page.locator(sel).is_hidden(), sel
    shown, total = rows(page, f"#{name}-ranking .ranking-row")
    assert shown == min(total, 10) and total > 0
    count = page.locator(f"#{name}-ranking-panel .wall-count")
    if total > 10:
        assert count.inner_text() == f"前 10 / 共 {total} 个"
    else:
        assert count.count() == 0
    # The desk keeps its layout: every row, the summary, no wall count.
    open_page(page, live_server, path + ("&" if "?" in path else "?") + "screen=desk")
    page.wait_for_selector(".shell.theme-desk")
    assert rows(page, f"#{name}-ranking .ranking-row") == (total, total)
    assert page.locator(".theme-summary-panel").is_visible()
    assert page.locator(".wall-count").count() == 0 or page.locator(".wall-count").first.is_hidden()


def test_thb402_wall_theme_pages_leave_room_for_the_playlist_bar(
    leader_page, live_server, browser_store, tmp_path
):
    """Played in a 轮播, a theme page keeps clear of the player's bar at the bottom of the screen."""
    import json

    from tests.browser.conftest import _cockpit
    from tests.browser.wallpages import assert_wall, open_wall

    views = ["/economy", "/services?region=440882", "/reporting?region=440882"]
    playlist = tmp_path / "themes.json"
    playlist.write_text(
        json.dumps({"name": "主题页大屏", "views": [{"url": v, "seconds": 600} for v in views]}), "utf-8"
    )
    _cockpit(browser_store.env, "playlist", "import", str(playlist))
    page = leader_page
    for view in views:
        open_wall(page, live_server, view + ("&" if "?" in view else "?") + "play=主题页大屏")
        page.wait_for_selector("#wall-player .wall-player-text:has-text('主题页大屏')")
        fit = assert_wall(page)
        assert fit["barTop"] < fit["innerHeight"]  # the bar is there, and every panel above it
        assert view.split("?")[0] in page.url  # still the view asked for (the player did not move on)
