"""Shared check: does a page fit the wall screen (大屏) with nothing to scroll and nothing cut off?

``wall_fit(page)`` reads, in the page as it is drawn now:
- ``pageScroll`` / ``mainScroll`` / ``pageScrollX``: how far the document, ``.shell-main`` and the
  document horizontally can scroll (0 or 1 when the page fits);
- ``outside``: every visible ``.panel`` or ``.kpi-card`` (and any extra selector) whose box is not
  wholly inside the viewport, or inside the viewport minus the player bar when one is shown;
- ``clipped``: visible panels whose own content overflows them (scrollHeight > clientHeight + 1)
  without being a scroll box the page meant (``overflow-y: auto|scroll``) — cut-off content;
- ``minText`` / ``smallText``: the smallest computed font size of visible HTML text inside
  ``.shell-main`` and up to ten examples under ``min_text`` px (SVG text of charts is not counted);
- ``minKpi``: the smallest ``.kpi-number`` font size (px), or None when the page has no KPI cards.

``assert_fits(page)`` asserts all of it with the issue's thresholds (body text ≥ 18 px, KPI figures
≥ 40 px at 1920×1080 CSS pixels; both scale with ``scale`` for larger CSS viewports).
"""

from __future__ import annotations

WALL_FIT = """([extra, minText]) => {
  const vw = window.innerWidth, vh = window.innerHeight;
  const bar = document.querySelector('#wall-player');
  const barTop = bar && bar.getBoundingClientRect().height > 0 ? bar.getBoundingClientRect().top : vh;
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none';
  };
  const name = (el) => el.id ? '#' + el.id : (el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).join('.') : el.tagName.toLowerCase());
  const outside = [], clipped = [];
  const sel = ['.shell-main .panel', '.shell-main .kpi-card'].concat(extra).join(',');
  for (const el of document.querySelectorAll(sel)) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.top < -1 || r.left < -1 || r.right > vw + 1 || r.bottom > barTop + 1) {
      outside.push({el: name(el), top: Math.round(r.top), bottom: Math.round(r.bottom),
                    left: Math.round(r.left), right: Math.round(r.right)});
    }
    const s = getComputedStyle(el);
    const scrolls = /(auto|scroll)/.test(s.overflowY);
    if (!scrolls && el.scrollHeight > el.clientHeight + 1 && /(hidden|clip)/.test(s.overflowY)) {
      clipped.push({el: name(el), scrollHeight: el.scrollHeight, clientHeight: el.clientHeight});
    }
  }
  let min = Infinity; const small = [];
  const walker = document.createTreeWalker(document.querySelector('.shell-main') || document.body,
                                           NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || el.closest('svg') || !visible(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < min) min = size;
    if (size < minText && small.length < 10) small.push({text: node.textContent.trim().slice(0, 20), size});
  }
  const kpis = [...document.querySelectorAll('.shell-main .kpi-number')].filter(visible)
      .map((el) => parseFloat(getComputedStyle(el).fontSize));
  const main = document.querySelector('.shell-main');
  return {innerWidth: vw, innerHeight: vh, barTop,
          pageScroll: document.documentElement.scrollHeight - vh,
          pageScrollX: document.documentElement.scrollWidth - vw,
          mainScroll: main ? main.scrollHeight - main.clientHeight : 0,
          outside, clipped, minText: min, smallText: small,
          minKpi: kpis.length ? Math.min(...kpis) : null};
}"""


def wall_fit(page, extra: tuple[str, ...] = (), min_text: float = 18) -> dict:
    """What ``WALL_FIT`` reads on ``page`` now (see the module docstring)."""
    return page.evaluate(WALL_FIT, [list(extra), min_text])


def assert_fits(page, extra: tuple[str, ...] = (), scale: float = 1.0) -> dict:
    """Assert the page fits the wall: no scroll, every panel on screen and not cut off, text ≥ 18 px
    and KPI figures ≥ 40 px (× ``scale``, the CSS viewport width / 1920)."""
    fit = wall_fit(page, extra, 18 * scale)
    assert fit["pageScroll"] <= 1 and fit["mainScroll"] <= 1 and fit["pageScrollX"] <= 1, fit
    assert fit["outside"] == [], fit
    assert fit["clipped"] == [], fit
    assert fit["minText"] >= 18 * scale - 0.5, fit
    if fit["minKpi"] is not None:
        assert fit["minKpi"] >= 40 * scale - 0.5, fit
    return fit
