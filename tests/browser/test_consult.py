"""一键会商 in real headless Chromium: pick three contacts, start, download the .ics, read the notice."""

from __future__ import annotations

import pytest

from tests.browser.conftest import pick_option
from tests.browser.test_reporting import scope as scope  # noqa: F401 - the fixture, shared

pytestmark = pytest.mark.browser


def test_csb001_start_a_consultation_with_three_contacts_and_get_the_ics(leader_page, live_server, scope):
    from icalendar import Calendar

    from data_access import directory

    page = leader_page
    people = [
        p for p in directory.contacts("440882", scope, subtree=True, reveal_phones=True) if p.role == "书记"
    ][:3]
    page.goto(f"{live_server}/command?region=440882&sub=1")
    page.wait_for_selector("#consult-form")
    page.wait_for_load_state("networkidle")
    for p in people:  # Dash's dropdown: open, search, click the option, close
        pick_option(page, "#consult-people", p.name, f"{p.region_name} {p.role} {p.name}")
    assert page.locator("#consult-people").inner_text().count("书记") >= 1
    page.fill("#consult-topic", "雷州市矛盾纠纷排查化解会商")
    page.fill("#consult-when", "2026-12-10 15:30")
    page.fill("#consult-place", "雷州市综治中心会议室")
    page.click("#consult-start")
    created = page.wait_for_selector("[data-created]")
    new = created.get_attribute("data-created")
    item = page.locator(f".consult-item[data-consultation='{new}']")
    item.locator("summary").click()
    notice = item.locator("pre[data-kind='notice']").inner_text()
    assert notice.startswith("【会商通知】雷州市矛盾纠纷排查化解会商")
    assert "时间：2026年12月10日（星期四）15:30—16:30" in notice
    assert all(f"{p.region_name} {p.role} {p.name}" in notice for p in people)
    phones = item.locator("pre[data-kind='phones']").inner_text()
    assert all(p.phone in phones for p in people)  # a leader sees full numbers
    href = item.locator("a[href$='.ics']").get_attribute("href")
    resp = page.request.get(live_server + href)
    assert resp.ok and resp.headers["content-type"].startswith("text/calendar")
    event = Calendar.from_ical(resp.body()).walk("VEVENT")[0]
    assert str(event["summary"]) == "雷州市矛盾纠纷排查化解会商"
    assert str(event["location"]) == "雷州市综治中心会议室"
    assert len(event["attendee"]) == 3
    assert event.decoded("dtstart").isoformat() == "2026-12-10T07:30:00+00:00"


_PIXEL = """([sel, lon, lat]) => {
  const gd = document.querySelector(sel);
  if (!gd || !gd._fullLayout || !gd._fullLayout.map || !gd._fullLayout.map._subplot) return null;
  const m = gd._fullLayout.map._subplot.map;
  if (!m.loaded() || m.isMoving()) return null;
  const p = m.project([lon, lat]);
  const box = m.getCanvas().getBoundingClientRect();
  return [box.left + p.x, box.top + p.y];
}"""


def test_csb002_clicking_a_camera_on_the_map_shows_its_panel(leader_page, live_server, scope):
    from data_access import cameras

    page = leader_page
    offline = next(p for p in cameras.camera_points("440882", scope) if not p.online)  # drawn on top
    page.goto(f"{live_server}/infrastructure?region=440882")
    page.wait_for_selector("#infrastructure-video-map")
    page.wait_for_load_state("networkidle")
    page.locator("#infrastructure-video-map").scroll_into_view_if_needed()
    sel = "#infrastructure-video-map .js-plotly-plot"
    x, y = page.wait_for_function(_PIXEL, arg=[sel, offline.lon, offline.lat]).json_value()
    page.mouse.move(x, y)
    page.wait_for_selector(f"{sel} .hoverlayer .hovertext")
    page.mouse.click(x, y)
    card = page.wait_for_selector("#infrastructure-camera [data-camera]")
    cam = cameras.camera(card.get_attribute("data-camera"), scope)  # the point under the mouse
    words = card.inner_text()
    assert cam.camera_id in words and cam.location in words and cam.region_name in words
    assert ("在线" if cam.online else "离线") in words
    assert "未配置视频平台地址" in words  # the test server has no COCKPIT_VIDEO_URL_TEMPLATE
    assert page.url.endswith("/infrastructure?region=440882")  # a camera click does not open /map
