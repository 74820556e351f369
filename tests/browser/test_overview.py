"""Overview, shell and 404 in real headless Chromium."""

from __future__ import annotations

import re

import pytest

from tests.browser.maphelp import click_region, wait_drawn

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


FITS = """() => {
  const main = document.querySelector('.shell-main');
  const boxes = {};
  for (const [name, sel] of Object.entries({map: '#overview-map', ranking: '#overview-ranking',
      attention: '#overview-attention', trend: '#overview-trend', kpis: '#overview-kpis'})) {
    const r = document.querySelector(sel).getBoundingClientRect();
    boxes[name] = {top: r.top, bottom: r.bottom, height: r.height};
  }
  return {boxes, innerHeight: window.innerHeight,
          pageScroll: document.documentElement.scrollHeight - window.innerHeight,
          mainScroll: main.scrollHeight - main.clientHeight};
}"""


def test_ovw104_wall_screen_overview_fits_one_screen(leader_page, live_server):
    """大屏 at 1920×1080: KPIs, map, ranking, 需关注 and the trend all on screen, nothing to scroll;
    the map and the trend take the height left (the desk layout scrolls instead)."""
    page = leader_page
    page.goto(f"{live_server}/?screen=wall")
    page.wait_for_selector(".shell.theme-wall")
    wait_drawn(page, CITY, graph_id="overview-map")
    page.wait_for_function(
        "() => document.querySelectorAll('#overview-trend .bars path, #overview-trend .point').length > 0"
    )
    fit = page.evaluate(FITS)
    assert fit["pageScroll"] <= 1 and fit["mainScroll"] <= 1, fit
    for name, box in fit["boxes"].items():
        assert box["top"] >= 0 and box["bottom"] <= fit["innerHeight"], (name, fit)
    assert fit["boxes"]["map"]["height"] >= 320 and fit["boxes"]["trend"]["height"] >= 150, fit
    page.goto(f"{live_server}/?screen=desk")  # the desk theme keeps its scrolling page
    page.wait_for_selector(".shell.theme-desk")
    wait_drawn(page, CITY, graph_id="overview-map")
    assert page.evaluate(FITS)["pageScroll"] > 0
