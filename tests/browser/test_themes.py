"""Theme pages in real headless Chromium: figures equal the API, click-through to /map, no console
errors, no outside requests, no horizontal overflow at 1366×768 and 1920×1080.

The server is the real app on the demo store (built once by ``cockpit demo``), login disabled,
in a child process on a free port of 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from components.format import fmt_value, value_parts

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
PAGES = ("economy", "services", "infrastructure", "indicators")
REGIONS = (None, "440882")
SIZES = ((1920, 1080), (1366, 768))
COUNTIES = {"440802", "440803", "440804", "440811", "440823", "440825", "440881", "440882", "440883"}


# The server runs in its own process (as in production): its warnings and threads stay out of pytest.
SERVER = """
import sys
from app import create_app
from data_access.settings import get_settings
settings = get_settings(database_url=sys.argv[1], instance_dir=sys.argv[2], cache_url="", root_region="440800")
create_app(settings, login_disabled=True).server.run(host="127.0.0.1", port=int(sys.argv[3]), threaded=True)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory) -> Iterator[str]:
    """The app on the demo store, served by a child process on a free local port."""
    from tests.pages.conftest import demo_store_url

    port = _free_port()
    instance = tmp_path_factory.mktemp("theme-browser")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    args = [sys.executable, "-c", SERVER, demo_store_url("sqlite"), str(instance), str(port)]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # up to a minute for the app to import and bind
            with contextlib.suppress(OSError), urllib.request.urlopen(url + "/healthz", timeout=1):
                break
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def opened(browser, base_url: str, path: str, size=(1920, 1080)):
    """A page at ``path`` with its console errors and outside requests recorded; both must stay empty."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "request", lambda r: None if r.url.startswith((base_url, "data:", "blob:")) else outside.append(r.url)
    )
    try:
        page.goto(base_url + path)
        page.wait_for_selector(".theme-page, .notice-error", timeout=60000)
        page.wait_for_load_state("networkidle")
        yield page
        assert errors == [], errors
        assert outside == [], outside
    finally:
        context.close()


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
def test_thb001_every_page_opens_with_titled_charts_and_no_overflow(browser, base_url, name, region):
    path = f"/{name}" + (f"?region={region}" if region else "")
    for size in SIZES:
        with opened(browser, base_url, path, size) as page:
            assert page.locator(".notice-error").count() == 0
            page.wait_for_timeout(500)
            assert overflowing(page) == [], (path, size)
            # Every chart sits in a panel whose title names the unit and whose footnote names the period and source.
            for i in range(page.locator(".theme-panel").count()):
                panel = page.locator(".theme-panel").nth(i)
                words = panel.inner_text()
                assert "单位：" in words and "统计期：" in words and "数据来源：" in words, words[:200]


def test_thb002_economy_figures_equal_the_api(browser, base_url):
    with opened(browser, base_url, "/economy?indicator=gdp") as page:
        body = api(page, base_url, "gdp", "2026-Q3", "440800")
        assert kpi(page, "gdp") == value_parts(body["parent"]["value"], "亿元", 2)[0]
        rows = page.locator("#economy-ranking .ranking-row")
        shown = {
            rows.nth(i).get_attribute("data-code"): rows.nth(i).locator(".ranking-value").inner_text()
            for i in range(rows.count())
        }
        assert shown == {c["code"]: fmt_value(c["value"], "亿元", 2) for c in body["children"]}
    with opened(browser, base_url, "/economy?region=440882") as page:
        body = api(page, base_url, "gdp", "2026-Q3", "440800")
        leizhou = next(c for c in body["children"] if c["code"] == "440882000000")
        assert kpi(page, "gdp") == value_parts(leizhou["value"], "亿元", 2)[0]
        assert "雷州市地区生产总值" in page.locator("#economy-summary").inner_text()


@pytest.mark.parametrize("region", REGIONS)
def test_thb003_services_and_infrastructure_figures_equal_the_api(browser, base_url, region):
    parent = region or "440800"
    query = f"?region={region}" if region else ""
    with opened(browser, base_url, f"/services{query}") as page:
        body = api(page, base_url, "items_handled", "2026-10", parent)
        assert kpi(page, "items_handled") == value_parts(body["parent"]["value"], "件", 0)[0]
        rate = api(page, base_url, "online_rate", "2026-10", parent)["parent"]["value"]
        assert kpi(page, "online_rate") == f"{rate:.1f}"
    with opened(browser, base_url, f"/infrastructure{query}") as page:
        accounts = api(page, base_url, "platform_accounts", "2026-10", "440800")
        value = (
            accounts["parent"]["value"]
            if not region
            else next(c["value"] for c in accounts["children"] if c["code"].startswith(region))
        )
        assert kpi(page, "platform_accounts") == value_parts(value, "个", 0)[0]


def test_thb004_catalogue_coverage_equals_the_api_and_search_filters(browser, base_url):
    with opened(browser, base_url, "/indicators") as page:
        body = api(page, base_url, "kiosk_coverage", "2026-10", "440800")
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


def test_thb005_ranking_and_map_click_through_to_the_drill_down_map(browser, base_url):
    with opened(browser, base_url, "/economy?indicator=retail_sales") as page:
        page.locator("#economy-ranking .ranking-row[data-code='440882000000'] a").click()
        page.wait_for_url("**/map?region=440882&indicator=retail_sales&period=2026-10")
    with opened(browser, base_url, "/economy?indicator=retail_sales") as page:
        graph = page.locator("#economy-map-panel .js-plotly-plot")
        graph.locator("canvas").first.wait_for()
        graph.scroll_into_view_if_needed()
        box = graph.bounding_box()
        x, y = box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.5
        # A map click counts on the region under the pointer: hover first, as a person does.
        page.mouse.move(x - 8, y)
        page.mouse.move(x, y, steps=4)
        expect(graph.locator(".hoverlayer .hovertext")).to_have_count(1)
        page.mouse.click(x, y)
        page.wait_for_url("**/map?**")
        query = parse_qs(urlparse(page.url).query)
        assert query["region"][0] in COUNTIES
        assert query["indicator"] == ["retail_sales"] and query["period"] == ["2026-10"]


def test_thb006_period_picker_rewrites_the_url_and_the_figures(browser, base_url):
    with opened(browser, base_url, "/economy?region=440882") as page:
        page.locator(".theme-head .picker").first.click()
        page.get_by_text("2026年6月", exact=True).click()
        page.wait_for_url("**/economy?region=440882&period=2026-06")
        expect(page.locator(".kpi-card[data-indicator='retail_sales'] .kpi-period")).to_have_text(
            "2026年1—6月"
        )
        body = api(page, base_url, "gdp", "2026-Q2", "440800")
        leizhou = next(c for c in body["children"] if c["code"] == "440882000000")
        assert kpi(page, "gdp") == value_parts(leizhou["value"], "亿元", 2)[0]
