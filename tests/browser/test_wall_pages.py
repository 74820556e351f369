"""Every wall page (大屏) at 2560×1440 with device scale 1: the 1920×1080 layout, 1.33× larger.

The pages' own tests check 1920×1080 (and 3840×2160 at device scale 2 is the same CSS viewport,
test_ovw106). Here each page is opened at 2560×1440 CSS pixels: it must still fit with nothing to
scroll or spill, its text and KPI figures scaled (≥ 18 px and ≥ 40 px × 4/3), and every map refitted
to its box (assets/wall-mapfit.js: the drawn zoom is above the zoom the server fitted for a smaller
box), and the page's container takes the frame's whole height.
"""

from __future__ import annotations

import pytest

from tests.browser.wallfit import assert_fits
from tests.browser.wallpages import spilled

pytestmark = pytest.mark.browser

SCALE = 2560 / 1920
PAGES = [
    "/",
    "/map",
    "/map?region=440882",
    "/economy",
    "/services",
    "/reporting",
    "/governance?region=440882",
    "/infrastructure",
    "/command",
    "/indicators",
]

# Every visible map drawn and refitted (its zoom no longer the one the server fitted for its desk box),
# every other chart drawn; pages without charts only need the page loaded.
SETTLED = """() => {
  const graphs = [...document.querySelectorAll('.shell-main .js-plotly-plot')]
      .filter((el) => el.getBoundingClientRect().height > 0);
  return graphs.every((gd) => {
    if (!gd._fullLayout || !gd.data) return false;
    const sub = gd._fullLayout.map && gd._fullLayout.map._subplot;
    if (!sub) return gd.querySelectorAll('.main-svg .trace, .main-svg .point, .main-svg .bars path').length > 0;
    return !!sub.map && sub.map.loaded() && !sub.map.isMoving() && typeof gd.bqwFitted === 'string';
  });
}"""

MAPS = """() => [...document.querySelectorAll('.shell-main .js-plotly-plot')]
  .filter((gd) => gd.getBoundingClientRect().height > 0 && gd._fullLayout && gd._fullLayout.map)
  .map((gd) => {
    const fit = gd.layout.meta.fit, full = gd._fullLayout;
    return {zoom: full.map.zoom, fitted: fit[2], width: full.width, height: full.height, fit};
  })"""


def test_wal101_every_wall_page_fits_2560_by_1440_scaled(leader_page, live_server):
    page = leader_page
    page.set_viewport_size({"width": 2560, "height": 1440})
    for path in PAGES:
        page.goto(f"{live_server}{path}{'&' if '?' in path else '?'}screen=wall")
        page.wait_for_selector(".shell.theme-wall .shell-main")
        page.wait_for_load_state("networkidle")
        page.wait_for_function(SETTLED, timeout=60000)
        fit = assert_fits(page, scale=SCALE)
        assert fit["innerWidth"] == 2560, (path, fit)
        assert spilled(page) == [], (path, spilled(page))
        # The page's container takes the height the frame gives, not Dash's empty #_pages_dummy
        # beside it (which took ~200 px and squashed /infrastructure's charts).
        dummy = page.evaluate("() => document.querySelector('#_pages_dummy').getBoundingClientRect().height")
        assert dummy < 2, (path, dummy)
        for drawn in page.evaluate(MAPS):
            width, height = drawn["fit"][0], drawn["fit"][1]
            # Refitted to the larger box: the zoom is what the box's size allows (wall-mapfit.js),
            # above the server's fit whenever the box is larger than the size it fitted for.
            if drawn["width"] > width * 1.05 and drawn["height"] > height * 1.05:
                assert drawn["zoom"] > drawn["fitted"], (path, drawn)
