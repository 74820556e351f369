"""基层治理 (/governance) in real headless Chromium: figures equal the API, the list and links, fit.

``leader_page`` (tests/browser/conftest.py) fails a test on any console error or any request
leaving 127.0.0.1.
"""

from __future__ import annotations

import pytest

from components.format import fmt_value, value_parts
from tests.browser.test_themes import api, kpi, open_page, overflowing

pytestmark = pytest.mark.browser

RATES = ("dispute_resolution_rate", "dispute_village_share", "dispute_town_share", "dispute_satisfaction")


@pytest.mark.parametrize("region", [None, "440882"])
def test_gvb001_governance_figures_equal_the_api_and_fit(leader_page, live_server, region):
    page, parent = leader_page, region or "440800"
    path = "/governance" + (f"?region={region}" if region else "")
    for width, height in ((1920, 1080), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        open_page(page, live_server, path)
        assert page.locator(".notice-error").count() == 0
        assert overflowing(page) == [], (path, width)
    for code, unit, decimals in (("disputes_received", "件", 0), ("disputes_escalated", "件", 0)):
        body = api(page, live_server, code, "2026-10", parent)
        assert kpi(page, code) == value_parts(body["parent"]["value"], unit, decimals)[0], code
    for code in RATES:
        value = api(page, live_server, code, "2026-10", parent)["parent"]["value"]
        assert kpi(page, code) == f"{value:.1f}", code
    # the ranking of the children equals the API's children
    body = api(page, live_server, "dispute_resolution_rate", "2026-10", parent)
    rows = page.locator("#governance-ranking .ranking-row")
    shown = {
        rows.nth(i).get_attribute("data-code"): rows.nth(i).locator(".ranking-value").inner_text()
        for i in range(rows.count())
    }
    assert shown == {
        c["code"]: fmt_value(c["value"], "%", 1) for c in body["children"] if c["value"] is not None
    }
    assert page.locator("#governance-overdue tr[data-case]").count() > 0
    assert page.locator("#governance-types .js-plotly-plot").count() == 1


def test_gvb002_an_overdue_case_links_its_town_to_the_map(leader_page, live_server):
    page = leader_page
    open_page(page, live_server, "/governance?region=440882")
    link = page.locator("#governance-overdue tr[data-case] td:nth-child(3) a").first
    town = link.inner_text()
    link.click()
    page.wait_for_url("**/map?region=440882*")
    page.wait_for_selector("#map-breadcrumb", timeout=60000)
    assert town in page.locator("#map-breadcrumb").inner_text()


def test_gvb003_the_api_lists_the_governance_theme(leader_page, live_server):
    resp = leader_page.request.get(f"{live_server}/api/v1/indicators?theme=governance")
    assert resp.ok
    codes = {i["code"] for i in resp.json()}
    assert {i["theme_name"] for i in resp.json()} == {"基层治理"}
    assert {"disputes_received", "dispute_resolution_rate", "dispute_avg_days", "disputes_escalated"} <= codes


@pytest.mark.parametrize("region", [None, "440882"])
def test_gvb004_governance_fits_the_wall_with_the_most_overdue_cases(leader_page, live_server, region):
    """大屏 at 1920×1080: KPIs, the map, types, trend and the five most overdue cases with the count,
    nothing to scroll or cut off (also after the period picker changed the month)."""
    from tests.browser.wallpages import assert_wall, open_wall, rows, wait_charts

    page = leader_page
    open_wall(page, live_server, "/governance" + (f"?region={region}" if region else ""))
    assert_wall(page)
    for sel in ("#governance-map-panel", "#governance-types", "#governance-trend", "#governance-overdue"):
        assert page.locator(sel).is_visible(), sel
    for sel in ("#governance-ranking-panel", "#governance-outcomes", ".theme-summary-panel"):
        assert page.locator(sel).is_hidden(), sel
    desk = page.locator("#governance-overdue-count").text_content()  # 共 N 件超过办理期限仍未办结…
    total = int(desk.split("共 ")[1].split(" 件")[0].replace(",", ""))
    shown, listed = rows(page, "#governance-overdue tr[data-case]")
    assert total > 5 and shown == 5 and listed == min(total, 100)
    assert page.locator("#governance-overdue .wall-count").inner_text() == f"逾期最久的前 5 / 共 {total:,} 件"
    days = page.locator("#governance-overdue tr[data-case] td:nth-child(8)").all_text_contents()
    first = page.locator("#governance-overdue tr[data-case]:visible td:nth-child(8)").all_text_contents()
    assert first == days[:5]  # the most overdue, in the list's order
    if region:
        page.locator(".theme-head .picker").first.click()
        page.get_by_text("2026年6月", exact=True).click()
        page.wait_for_url("**/governance?region=440882&screen=wall&period=2026-06")
        page.wait_for_selector(
            ".kpi-card[data-indicator='disputes_received'] .kpi-period:has-text('2026年6月')"
        )
        wait_charts(page)
        assert page.locator(".shell.theme-wall").count() == 1
        assert_wall(page)
