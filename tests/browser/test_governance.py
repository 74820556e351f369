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
