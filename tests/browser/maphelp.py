"""Map helpers for browser tests: wait for a drawn map, click a region on the canvas.

Plotly draws ``choroplethmap`` with MapLibre on a WebGL canvas. A region is clicked for real:
the helper waits until MapLibre has *rendered* the region's polygon under the region's
representative point (``queryRenderedFeatures``; plotly uses the feature code as the feature id),
moves the mouse there (plotly's click needs a hover first) and clicks that pixel. A point
(a camera) is clicked the same way at its coordinates (:func:`click_point`).
"""

from __future__ import annotations

GRAPH = "#{graph_id} .js-plotly-plot"

_DRAWN = """([sel, parent]) => {
  const gd = document.querySelector(sel);
  if (!gd || !gd.data || !gd.data.length || !gd._fullLayout || !gd._fullLayout.map) return false;
  const sub = gd._fullLayout.map._subplot;
  if (!sub || !sub.map) return false;
  const m = sub.map;
  const regions = gd.data.filter(t => t.type === 'choroplethmap');  // not the camera points
  return regions.length > 0 && regions.every(t => String(t.geojson).includes(parent)) && m.loaded() && !m.isMoving();
}"""

_UNDER = """([sel, code, lon, lat]) => {
  const gd = document.querySelector(sel);
  if (!gd || !gd._fullLayout || !gd._fullLayout.map || !gd._fullLayout.map._subplot) return null;
  const m = gd._fullLayout.map._subplot.map;
  if (!m.loaded() || m.isMoving()) return null;
  const p = m.project([lon, lat]);
  if (!m.queryRenderedFeatures([p.x, p.y]).some(f => String(f.id) === code)) return null;
  const box = m.getCanvas().getBoundingClientRect();
  return [box.left + p.x, box.top + p.y];
}"""


def wait_drawn(page, parent: str, graph_id: str = "map-graph") -> None:
    """Wait until the graph shows the children layer of ``parent`` (12-digit code)."""
    page.wait_for_function(_DRAWN, arg=[GRAPH.format(graph_id=graph_id), parent])


def click_region(page, place, graph_id: str = "map-graph") -> None:
    """Click ``place`` (a ``Place`` with code, lon, lat) on the map once it is drawn there."""
    handle = page.wait_for_function(
        _UNDER, arg=[GRAPH.format(graph_id=graph_id), place.code, place.lon, place.lat]
    )
    x, y = handle.json_value()
    page.mouse.move(x, y)
    # Wait for *this* region's hover label: after a drill the label of whatever region now lies
    # under the previous mouse position can still be up, and plotly clicks what it hovers.
    page.wait_for_function(
        "([sel, name]) => Array.from(document.querySelectorAll(sel + ' .hoverlayer .hovertext'))"
        ".some(el => el.textContent.includes(name))",
        arg=[GRAPH.format(graph_id=graph_id), getattr(place, "name", "")],
    )
    page.mouse.click(x, y)


_PIXEL = """([sel, lon, lat]) => {
  const gd = document.querySelector(sel);
  if (!gd || !gd._fullLayout || !gd._fullLayout.map || !gd._fullLayout.map._subplot) return null;
  const m = gd._fullLayout.map._subplot.map;
  if (!m.loaded() || m.isMoving()) return null;
  const p = m.project([lon, lat]);
  const box = m.getCanvas().getBoundingClientRect();
  return [box.left + p.x, box.top + p.y];
}"""


def click_point(page, lon: float, lat: float, hover_text: str, graph_id: str = "map-graph") -> None:
    """Click the map at ``lon``/``lat`` once a hover label with ``hover_text`` shows there."""
    sel = GRAPH.format(graph_id=graph_id)
    x, y = page.wait_for_function(_PIXEL, arg=[sel, lon, lat]).json_value()
    page.mouse.move(x, y)
    page.wait_for_function(
        "([sel, text]) => Array.from(document.querySelectorAll(sel + ' .hoverlayer .hovertext'))"
        ".some(el => el.textContent.includes(text))",
        arg=[sel, hover_text],
    )
    page.mouse.click(x, y)
