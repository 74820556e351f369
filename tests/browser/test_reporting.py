"""/reporting in real headless Chromium on the demo store (湛江, judged at its as-of day 2026-11-05).

Figures shown must equal :mod:`data_access.reporting` for the same region and month, and for a
county the JSON API's reporting indicators; the page drills down, clicks through to /map, changes
month through the picker, logs no console error, requests nothing from outside and does not
overflow at 1366×768 or 1920×1080.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from components.format import value_parts

pytestmark = [
    pytest.mark.browser,
    # flask-compress leaves the static asset files it streams unclosed (a ResourceWarning raised
    # in the server thread); those are third-party and only about /assets/, nothing of ours.
    pytest.mark.filterwarnings(
        "ignore:Exception ignored in. <_io.FileIO name='[^']*/assets/:pytest.PytestUnraisableExceptionWarning"
    ),
]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
SIZES = ((1920, 1080), (1366, 768))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LEIZHOU = "440882000000"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The app on the demo store (login disabled: a leader of 湛江) on a free local port."""
    import tempfile

    from app import create_app
    from data_access import store
    from data_access.cache import clear
    from data_access.settings import get_settings
    from tests.pages.conftest import demo_store_url

    with tempfile.TemporaryDirectory() as instance:
        settings = get_settings(
            database_url=demo_store_url("sqlite"), instance_dir=instance, cache_url="", root_region="440800"
        )
        app = create_app(settings, login_disabled=True)
        clear()
        server = make_server("127.0.0.1", 0, app.server, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            thread.join()
            store.engine().dispose()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def opened(browser, base_url: str, path: str, size=(1920, 1080), ready: str = ".page"):
    """A page at ``path``; console errors and requests to other hosts are recorded and must stay empty."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, accept_downloads=True)
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
        page.wait_for_selector(ready, timeout=60000)
        page.wait_for_load_state("networkidle")
        yield page
        assert errors == [], errors
        assert outside == [], outside
    finally:
        context.close()


def overflow(page) -> list[str]:
    """The document wider than the window, or any on-screen element wider than the viewport."""
    return page.evaluate(
        """() => {
        const vw = window.innerWidth, out = [];
        if (document.documentElement.scrollWidth > vw) out.push('document ' + document.documentElement.scrollWidth);
        for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            // plotly keeps a measuring <svg> far off-screen (left -10000px): not part of the page
            if (r.width > vw + 0.5 && r.right > 0) out.push(el.tagName + '#' + el.id + ' ' + r.width);
        }
        return out;
    }"""
    )


def kpi(page, code: str) -> str:
    return page.locator(f"#reporting-kpis [data-indicator='{code}'] .kpi-number").inner_text().strip()


def api_child(page, base_url: str, indicator: str, period: str, code: str) -> dict:
    resp = page.request.get(f"{base_url}/api/v1/values?indicator={indicator}&period={period}&parent=440800")
    assert resp.ok, resp.text()
    return next(c for c in resp.json()["children"] if c["code"] == code)


def shown(count: int) -> str:
    return value_parts(count, "个", 0)[0]


def test_rep201_figures_equal_the_data_at_root_and_county(browser, base_url):
    from data_access import reporting
    from data_access.scope import Scope

    scope = Scope.of("440800")
    month = reporting.default_month(scope)
    assert month == "2026-09"  # the newest month whose rounds were all due by 2026-11-05
    for region in ("440800", "440882"):
        total = reporting.region_tally(region, month, scope)
        with opened(browser, base_url, f"/reporting?region={region}") as page:
            assert [kpi(page, c) for c in ("expected", "reported", "on-time", "overdue")] == [
                shown(total.expected),
                shown(total.reported),
                shown(total.on_time),
                shown(total.overdue),
            ]
            assert kpi(page, "completeness") == f"{total.completeness * 100:.1f}"
            assert kpi(page, "timeliness") == f"{total.timeliness * 100:.1f}"
            overdue = reporting.overdue_units(region, month, scope, reveal_phones=True)
            first = page.locator("#reporting-overdue tr[data-code]").first
            assert first.get_attribute("data-code") == overdue[0].code
            assert first.locator("a[href^='tel:']").get_attribute("href") == f"tel:{overdue[0].phone}"
            assert f"共 {len(overdue):,} 个单位逾期未报" in page.locator("#reporting-overdue").inner_text()
            if region == "440882":  # a county: the API's reporting indicators say the same
                for indicator, value in (
                    ("reports_expected", total.expected),
                    ("reports_submitted", total.reported),
                    ("reports_on_time", total.on_time),
                ):
                    assert api_child(page, base_url, indicator, month, LEIZHOU)["value"] == value, indicator


def test_rep202_children_drill_down_and_click_through_to_the_map(browser, base_url):
    with opened(browser, base_url, "/reporting") as page:
        page.locator(f"#reporting-children tr[data-code='{LEIZHOU}'] a.drill-link").click()
        page.wait_for_url(f"**/reporting?region={LEIZHOU}&month=2026-09")
        page.wait_for_selector("#reporting-children:has-text('各镇（街道）报送情况')")
        assert "雷州市" in page.locator(".breadcrumb").inner_text()
        town = page.locator("#reporting-children tr[data-code]").first.get_attribute("data-code")
        page.locator(f"#reporting-children tr[data-code='{town}'] a.map-link").click()
        page.wait_for_url(f"**/map?region={town}")
    with opened(browser, base_url, "/reporting") as page:
        page.locator(f"#reporting-children tr[data-code='{LEIZHOU}'] a.map-link").click()
        page.wait_for_url(f"**/map?region={LEIZHOU}")
        page.wait_for_selector("#map-title")


def test_rep203_month_picker_redraws_with_that_month(browser, base_url):
    from data_access import reporting
    from data_access.scope import Scope

    total = reporting.region_tally(LEIZHOU, "2026-08", Scope.of("440800"))
    with opened(browser, base_url, "/reporting?region=440882") as page:
        page.click("#reporting-month")
        page.get_by_role("option", name="2026年8月", exact=True).click()
        page.wait_for_url(f"**/reporting?region={LEIZHOU}&month=2026-08")
        page.wait_for_selector("#reporting-kpis:has-text('2026年8月报告期')")
        assert kpi(page, "expected") == shown(total.expected)
        assert kpi(page, "on-time") == shown(total.on_time)


def test_rep204_unknown_region_says_so(browser, base_url):
    with opened(browser, base_url, "/reporting?region=440899", ready=".notice-error") as page:
        assert "未知地区代码" in page.locator("#reporting-message").inner_text()


@pytest.mark.parametrize("region", [None, "440882"])
def test_rep205_no_overflow_and_screenshot(browser, base_url, region):
    path = "/reporting" + (f"?region={region}" if region else "")
    for size in SIZES:
        with opened(browser, base_url, path, size) as page:
            page.wait_for_selector("#reporting-trend .main-svg")
            assert overflow(page) == [], (path, size)
            titles = page.locator(".panel-title").all_inner_texts()
            assert any("（%）" in t and "12 个报告期" in t for t in titles)
            assert any("（份/个）" in t for t in titles)
            if region is None and size == (1920, 1080):
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / "reporting.png"), full_page=True)
