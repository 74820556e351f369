"""Drill-down map in real headless Chromium: clicks on the map canvas, URL state, history, pickers."""

from __future__ import annotations

import re

import pytest

from tests.browser.maphelp import click_point, click_region, wait_drawn
from tests.browser.test_reporting import scope as scope  # noqa: F401 - the fixture, shared
from tests.browser.wallfit import assert_fits

pytestmark = pytest.mark.browser

CITY = "440800000000"
LEIZHOU = "440882000000"


def _text_has(page, selector: str, text: str) -> None:
    page.wait_for_function(
        "([sel, text]) => { const el = document.querySelector(sel); return !!el && el.innerText.includes(text); }",
        arg=[selector, text],
    )


def _rows(page) -> int:
    return page.locator("#map-table .ag-center-cols-container .ag-row").count()


def test_map001_drill_city_county_town_village_breadcrumb_and_back(leader_page, live_server, browser_store):
    page = leader_page
    page.goto(f"{live_server}/map")
    wait_drawn(page, CITY)
    _text_has(page, "#map-title", "湛江市各县（市、区）")
    county = browser_store.regions[LEIZHOU]

    click_region(page, county)  # a real click on the canvas at 雷州市's representative point
    page.wait_for_url(re.compile(r"region=440882(&|$)"))
    wait_drawn(page, LEIZHOU)
    _text_has(page, "#map-title", "雷州市各镇（街道）")
    _text_has(page, "#map-breadcrumb", "雷州市")
    towns = browser_store.children(LEIZHOU)
    page.wait_for_function(
        "(n) => document.querySelectorAll('#map-table .ag-center-cols-container .ag-row').length"
        " >= Math.min(n, 8)",
        arg=len(towns),
    )
    _text_has(page, "#map-table", towns[0].name)

    town = next(t for t in towns if t.name.endswith("镇"))
    click_region(page, town)
    page.wait_for_url(re.compile(rf"region={town.code[:9]}(&|$)"))
    wait_drawn(page, town.code)
    _text_has(page, "#map-breadcrumb", town.name)

    village = browser_store.children(town.code)[1]
    click_region(page, village)
    page.wait_for_url(re.compile(rf"region={village.code}(&|$)"))
    _text_has(page, "#map-breadcrumb", village.name)  # selected: the profile is the village's
    _text_has(page, "#map-profile-title", village.name)
    _text_has(page, "#map-title", f"{town.name}各村")  # the map stays on the town's villages

    page.click("#map-breadcrumb a:text-is('湛江市')")
    page.wait_for_url(re.compile(r"region=440800(&|$)"))
    wait_drawn(page, CITY)
    _text_has(page, "#map-title", "湛江市各县")

    page.go_back()  # the browser's back button returns to the village
    page.wait_for_url(re.compile(rf"region={village.code}(&|$)"))
    wait_drawn(page, town.code)
    _text_has(page, "#map-breadcrumb", village.name)

    page.go_back()
    page.wait_for_url(re.compile(rf"region={town.code[:9]}(&|$)"))
    page.wait_for_function(
        "(name) => !document.querySelector('#map-breadcrumb').innerText.includes(name)", arg=village.name
    )
    page.click("#map-up")  # one level up: the county
    page.wait_for_url(re.compile(r"region=440882(&|$)"))
    wait_drawn(page, LEIZHOU)


def test_map002_switch_indicator_and_period(leader_page, live_server):
    page = leader_page
    page.goto(f"{live_server}/map?region=440882&indicator=online_rate&period=2026-10")
    wait_drawn(page, LEIZHOU)
    _text_has(page, "#map-title", "网上办理率 · 雷州市各镇（街道） · 2026年10月")

    page.click("#map-period")
    page.get_by_role("option", name="2026年3月").click()
    page.wait_for_url(re.compile(r"period=2026-03"))
    _text_has(page, "#map-title", "2026年3月")

    page.click("#map-indicator")
    page.keyboard.type("即办率")
    page.get_by_role("option", name=re.compile("即办率")).first.click()
    page.wait_for_url(re.compile(r"indicator=on_spot_rate"))
    _text_has(page, "#map-title", "即办率 · 雷州市各镇（街道） · 2026年3月")
    wait_drawn(page, LEIZHOU)

    page.go_back()
    page.wait_for_url(re.compile(r"indicator=online_rate"))
    _text_has(page, "#map-title", "网上办理率")


def test_map003_row_click_drills_and_not_collected_says_so(leader_page, live_server, browser_store):
    page = leader_page
    page.goto(f"{live_server}/map?region=440882&indicator=gdp")
    _text_has(page, "#map-notice", "本级未采集该指标")  # GDP stops at counties: no empty map
    assert page.locator("#map-graph-box").is_hidden()
    town = browser_store.children(LEIZHOU)[0]
    page.locator("#map-table .ag-row", has_text=town.name).first.click()
    page.wait_for_url(re.compile(rf"region={town.code[:9]}(&|$)"))
    _text_has(page, "#map-breadcrumb", town.name)


def test_map004_malformed_and_foreign_region_show_a_message(leader_page, live_server):
    page = leader_page
    page.goto(f"{live_server}/map?region=abc")
    _text_has(page, "#map-message", "地区代码格式错误")
    assert "Traceback" not in page.content()
    page.goto(f"{live_server}/map?region=440100")  # 广州市: outside 湛江
    _text_has(page, "#map-message", "无权查看")


_CAMERAS_DRAWN = """(on) => {
  const gd = document.querySelector('#map-graph .js-plotly-plot');
  return !!gd && !!gd.data && gd.data.some(t => t.type === 'scattermap') === on;
}"""


def test_map005_camera_layer_at_440882_click_a_point_shows_its_panel(leader_page, live_server, scope):
    from data_access import cameras

    page = leader_page
    page.goto(f"{live_server}/map?region=440882&indicator=online_rate")
    wait_drawn(page, LEIZHOU)
    page.wait_for_function(_CAMERAS_DRAWN, arg=False)  # off by default
    page.locator("#map-cameras input[type=checkbox]").check()
    page.wait_for_url(re.compile(r"region=440882&.*cameras=1"))
    page.wait_for_function(_CAMERAS_DRAWN, arg=True)
    _text_has(page, "#map-camera", "点击点位查看信息和视频")
    drawn = page.evaluate(
        "() => document.querySelector('#map-graph .js-plotly-plot').data"
        ".filter(t => t.type === 'scattermap').flatMap(t => t.customdata)"
    )
    assert sorted(drawn) == sorted(p.camera_id for p in cameras.camera_points("440882", scope))
    offline = next(p for p in cameras.camera_points("440882", scope) if not p.online)  # drawn on top
    wait_drawn(page, LEIZHOU)
    click_point(page, offline.lon, offline.lat, "视频点位")
    card = page.wait_for_selector("#map-camera [data-camera]")
    cam = cameras.camera(card.get_attribute("data-camera"), scope)  # the point under the mouse
    words = card.inner_text()
    assert cam.camera_id in words and cam.location in words and cam.region_name in words
    assert ("在线" if cam.online else "离线") in words and "省视频共享平台" in words
    assert "未配置视频平台地址" in words  # the test server has no COCKPIT_VIDEO_URL_TEMPLATE
    assert re.search(r"region=440882&", page.url)  # a camera click does not drill

    page.locator("#map-cameras input[type=checkbox]").uncheck()  # off again: the points go
    page.wait_for_url(re.compile(r"region=440882&indicator=online_rate&period=[0-9-]+$"))
    page.wait_for_function(_CAMERAS_DRAWN, arg=False)
    page.wait_for_function("() => document.querySelector('#map-camera').innerText.trim() === ''")


def _wall_ready(page, parent: str, count: str) -> None:
    """The wall view of ``parent`` is drawn: map, ranking with ``count`` in its title, compact profile."""
    page.wait_for_selector(".shell.theme-wall")
    wait_drawn(page, parent)
    _text_has(page, "#map-ranking .map-ranking-count", count)
    page.wait_for_selector("#map-profile .profile-count", state="visible")


_WALL_SIDE = """() => {
  const shown = (sel) => [...document.querySelectorAll(sel)].filter((el) => el.getClientRects().length > 0);
  const lines = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  };
  return {
    ranking: shown('#map-ranking .ranking-row').length,
    table: shown('#map-table').length,
    cards: shown('#map-profile .profile-item').length,
    names: Math.max(...shown('#map-profile .profile-name, #map-ranking .ranking-name').map(lines)),
    graph: document.querySelector('#map-graph-box').getBoundingClientRect().height,
  };
}"""


def test_map006_wall_fits_one_screen_at_city_county_and_town_and_still_drills(
    leader_page, live_server, browser_store
):
    """大屏 at 1920×1080: the map, the ranking (前 10 / 共 n) and the compact profile fit one screen
    at every level (nothing to scroll or cut off, text ≥ 18 px); a click on the map drills, a name
    in the ranking too."""
    page = leader_page
    page.goto(f"{live_server}/map?screen=wall")
    _wall_ready(page, CITY, "共 9 个")
    assert_fits(page)
    side = page.evaluate(_WALL_SIDE)
    assert side["ranking"] == 9 and side["table"] == 0, side  # the ranking, not the desk's table
    assert 1 <= side["cards"] <= 7 and side["names"] == 1, side  # one line each, never a column of characters
    assert side["graph"] >= 600, side  # the map takes the height left

    click_region(page, browser_store.regions[LEIZHOU])  # drills under the wall layout
    page.wait_for_url(re.compile(r"region=440882(&|$)"))
    towns = browser_store.children(LEIZHOU)
    _wall_ready(page, LEIZHOU, f"前 10 / 共 {len(towns)} 个")
    _text_has(page, "#map-title", "雷州市各镇（街道）")
    assert_fits(page)
    side = page.evaluate(_WALL_SIDE)
    assert side["ranking"] == 10 and side["names"] == 1, side

    town = next(t for t in towns if t.name.endswith("镇"))
    click_region(page, town)
    page.wait_for_url(re.compile(rf"region={town.code[:9]}(&|$)"))
    villages = browser_store.children(town.code)
    _wall_ready(page, town.code, f"前 10 / 共 {len(villages)} 个")
    assert_fits(page)

    first = page.locator("#map-ranking .ranking-row").first  # the best village: a link that drills
    code = first.get_attribute("data-code")
    first.locator("a").click()
    page.wait_for_url(re.compile(rf"region={code}(&|$)"))
    village = browser_store.regions[code]
    _text_has(page, "#map-profile-title", village.name)
    _text_has(page, "#map-breadcrumb", village.name)
    assert_fits(page)

    # The camera layer on: the village's nearest cameras take the ranking's place, still one screen.
    page.locator("#map-cameras input[type=checkbox]").check()
    page.wait_for_url(re.compile(rf"region={code}&.*cameras=1"))
    page.wait_for_selector("#map-nearby tbody tr")
    page.wait_for_function(_CAMERAS_DRAWN, arg=True)
    assert page.locator("#map-ranking").is_hidden()
    assert_fits(page)


_PROFILE_LAYOUT = """() => {
  const box = document.querySelector('#map-profile');
  const panel = box.getBoundingClientRect();
  const lines = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  };
  const overflow = [];
  for (const el of box.querySelectorAll('*')) {
    if (getComputedStyle(el).display === 'inline' || el.getClientRects().length === 0) continue;
    const r = el.getBoundingClientRect();
    if (el.scrollWidth > el.clientWidth + 1 || r.right > panel.right + 1 || r.left < panel.left - 1) {
      overflow.push({el: el.className || el.tagName, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth,
                     right: Math.round(r.right), panelRight: Math.round(panel.right)});
    }
  }
  const items = [...box.querySelectorAll('.profile-item')];
  const reported = items.map((item) => item.querySelector('.profile-reported'));
  return {
    items: items.length,
    maxNameLines: Math.max(...[...box.querySelectorAll('.profile-name')].map(lines)),
    overflow: overflow.slice(0, 10),
    reportedShown: reported.filter((el) => el && el.getClientRects().length > 0
        && el.innerText.startsWith('报送') && el.getBoundingClientRect().right <= panel.right + 1).length,
  };
}"""


@pytest.mark.parametrize("size", [(1366, 768), (1440, 900)])
def test_map007_desk_profile_reads_at_a_glance(leader_page, live_server, browser_store, size):
    """桌面 at 1366×768 and 1440×900: every indicator of the profile reads on its card (names on at
    most two lines, nothing wider than its box, 报送 shown for each), for a county and a village."""
    page = leader_page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    village = browser_store.children(browser_store.children(LEIZHOU)[0].code)[0]
    for region in ("440882", village.code):
        page.goto(f"{live_server}/map?region={region}&screen=desk")
        page.wait_for_selector(".shell.theme-desk")
        page.wait_for_selector("#map-profile .profile-item")
        layout = page.evaluate(_PROFILE_LAYOUT)
        assert layout["items"] >= 20, layout
        assert layout["maxNameLines"] <= 2, layout
        assert layout["overflow"] == [], layout
        assert layout["reportedShown"] == layout["items"], layout
