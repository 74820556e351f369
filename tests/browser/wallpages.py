"""Helpers for the wall-screen (大屏) tests of the theme pages /economy, /services, /governance and
/reporting: open a page on the wall and wait until every chart is drawn, find content that spills
out of its panel, read the rows a wall list shows and hides.

``tests/browser/wallfit.py`` checks scrolling, panels inside the viewport, clipping and text
sizes; :func:`spilled` adds what a panel's own box does not show: a child drawn over the next
one or past the panel's edge (a list running under the footnote, a chart taller than its box).
"""

from __future__ import annotations

from tests.browser.wallfit import assert_fits

# Every visible plotly graph drawn: a map's MapLibre canvas loaded and still, other charts have
# their SVG with at least one trace drawn.
_DRAWN = """() => {
  const graphs = [...document.querySelectorAll('.shell-main .js-plotly-plot')]
      .filter((el) => el.getBoundingClientRect().height > 0);
  if (!graphs.length) return false;
  return graphs.every((gd) => {
    if (!gd._fullLayout || !gd.data) return false;
    const sub = gd._fullLayout.map && gd._fullLayout.map._subplot;
    if (sub) return !!sub.map && sub.map.loaded() && !sub.map.isMoving();
    return gd.querySelectorAll('.main-svg .trace, .main-svg .point, .main-svg .bars path').length > 0;
  });
}"""

_SPILLED = """() => {
  const out = [];
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  for (const panel of document.querySelectorAll('.shell-main .panel')) {
    if (!shown(panel)) continue;
    const box = panel.getBoundingClientRect();
    const kids = [...panel.children].filter(shown);
    for (let i = 0; i + 1 < kids.length; i++) {
      const a = kids[i].getBoundingClientRect(), b = kids[i + 1].getBoundingClientRect();
      const beside = a.right <= b.left + 1 || b.right <= a.left + 1;  // side by side in a row
      if (!beside && a.bottom > b.top + 1 && a.top < b.top) {
        out.push({panel: panel.id || panel.className, over: kids[i + 1].className, by: Math.round(a.bottom - b.top)});
      }
    }
    for (const el of panel.querySelectorAll('*')) {
      if (el.closest('svg') || el.closest('.export-items') || !shown(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.bottom > box.bottom + 1 || r.right > box.right + 1) {
        out.push({panel: panel.id || panel.className, el: el.tagName + '.' + el.className,
                  bottom: Math.round(r.bottom - box.bottom), right: Math.round(r.right - box.right)});
        break;
      }
    }
  }
  return out;
}"""


def open_wall(page, base_url: str, path: str) -> None:
    """Open ``path`` on the wall screen (``?screen=wall``) and wait until its charts are drawn."""
    page.goto(base_url + path + ("&" if "?" in path else "?") + "screen=wall")
    page.wait_for_selector(".shell.theme-wall .kpi-row", timeout=60000)
    wait_charts(page)


def wait_charts(page) -> None:
    """Wait until every visible chart of the page is drawn (maps loaded and still)."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(_DRAWN, timeout=60000)


def spilled(page) -> list[dict]:
    """Panels whose children overlap or reach past the panel's box (nothing when all is in place)."""
    return page.evaluate(_SPILLED)


def assert_wall(page) -> dict:
    """The page fits the wall (``wallfit.assert_fits``) and no panel's content spills out."""
    fit = assert_fits(page)
    assert spilled(page) == [], spilled(page)
    return fit


def rows(page, selector: str) -> tuple[int, int]:
    """(shown, all) rows matching ``selector``: on the wall the ``wall-extra`` ones are hidden."""
    counts = page.locator(selector).evaluate_all(
        "els => [els.filter(e => e.getBoundingClientRect().height > 0).length, els.length]"
    )
    return counts[0], counts[1]
