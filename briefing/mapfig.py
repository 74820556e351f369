"""A map that draws anywhere: the children of a region as filled shapes on plain x/y axes.

The cockpit's live maps are MapLibre ``choroplethmap`` traces whose geometry is a URL under
``/geo/``; a server-side image has neither the session to fetch it nor reliable WebGL. This
figure carries its geometry inline (the same prepared, simplified layer the browser gets), so
it renders offline with Kaleido as PNG and as SVG: one filled ``scatter`` per region, coloured on
the cockpit's green scale, a colour bar for the legend, a 未报送 swatch, and every name written at
the region's label point. Coordinates are projected to Web Mercator so shapes look as on the page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import orjson
from plotly.colors import sample_colorscale

from components.choropleth import GREENS, NO_DATA_COLOR, NO_DATA_LABEL, SCHEMATIC_NOTE
from components.format import fmt_value, plot_text
from components.trend import FONT


def _merc(lon: float, lat: float) -> tuple[float, float]:
    x = math.radians(lon)
    y = math.log(math.tan(math.pi / 4 + math.radians(max(min(lat, 85.0), -85.0)) / 2))
    return x, y


def _rings(geometry: dict) -> list[list[list[float]]]:
    kind, coords = geometry["type"], geometry["coordinates"]
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return [ring for polygon in polygons for ring in polygon]


def _path(geometry: dict) -> tuple[list[float | None], list[float | None]]:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for ring in _rings(geometry):
        for lon, lat in ring:
            x, y = _merc(lon, lat)
            xs.append(round(x, 6))
            ys.append(round(y, 6))
        xs.append(None)
        ys.append(None)
    return xs, ys


def static_map(
    layer_body: bytes,
    overlay_body: bytes,
    values: dict[str, float | None],
    *,
    unit: str,
    decimals: int,
    direction: int = 1,
    schematic: bool = False,
    names: bool = True,
) -> dict:
    """The figure dict: one shape per feature of the layer, coloured by ``values`` (code → value)."""
    features = orjson.loads(layer_body)["features"]
    known = [v for v in values.values() if v is not None]
    lo, hi = (min(known), max(known)) if known else (0.0, 1.0)
    if hi == lo:
        lo, hi = min(0.0, lo), (hi if hi != min(0.0, lo) else hi + 1)
    scale = GREENS if direction >= 0 else [[1 - s, c] for s, c in reversed(GREENS)]
    data: list[dict] = []
    missing = False
    for feature in features:
        code = feature["properties"]["code"]
        value = values.get(code)
        if value is None:
            colour, missing = NO_DATA_COLOR, True
        else:
            colour = sample_colorscale(scale, [(value - lo) / (hi - lo)])[0]
        xs, ys = _path(feature["geometry"])
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": xs,
                "y": ys,
                "fill": "toself",
                "fillcolor": colour,
                "line": {"color": "#ffffff", "width": 1},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    overlay = orjson.loads(overlay_body)["features"]
    outline = next((f for f in overlay if f["geometry"]["type"] != "Point"), None)
    if outline is not None:
        xs, ys = _path(outline["geometry"])
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": xs,
                "y": ys,
                "line": {"color": "#37474f", "width": 1.6},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    points = [f for f in overlay if f["geometry"]["type"] == "Point"]
    if names and points and len(points) <= 60:  # village layers: hundreds of names would be a blur
        px = [_merc(*p["geometry"]["coordinates"]) for p in points]
        labels = []
        for p in points:
            value = values.get(p["properties"]["code"])
            value_text = fmt_value(value, unit, decimals) if value is not None else NO_DATA_LABEL
            labels.append(f"<b>{plot_text(p['properties']['name'])}</b><br>{value_text}")
        data.append(
            {
                "type": "scatter",
                "mode": "text",
                "x": [x for x, _ in px],
                "y": [y for _, y in px],
                "text": labels,
                "textfont": {"family": FONT, "size": 11, "color": "#102030"},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    data.append(_colour_bar(scale, lo, hi, unit))
    if missing:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [None],
                "y": [None],
                "marker": {"symbol": "square", "size": 12, "color": NO_DATA_COLOR},
                "name": NO_DATA_LABEL,
                "showlegend": True,
            }
        )
    annotations = []
    if schematic:
        annotations.append(
            {
                "text": SCHEMATIC_NOTE,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 0,
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 11, "color": "#5b6878"},
            }
        )
    return {
        "data": data,
        "layout": {
            "font": {"family": FONT, "size": 12, "color": "#1d2733"},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "xaxis": {"visible": False, "fixedrange": True},
            "yaxis": {"visible": False, "scaleanchor": "x", "scaleratio": 1, "fixedrange": True},
            "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
            "legend": {"x": 0, "y": 1, "bgcolor": "rgba(255,255,255,0.7)"},
            "annotations": annotations,
            "showlegend": missing,
        },
    }


def _colour_bar(scale: Sequence, lo: float, hi: float, unit: str) -> dict:
    """An invisible marker trace whose colour bar is the map's legend."""
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [None, None],
        "y": [None, None],
        "marker": {
            "color": [lo, hi],
            "colorscale": scale,
            "cmin": lo,
            "cmax": hi,
            "showscale": True,
            "colorbar": {
                "title": {"text": unit, "side": "top"},
                "thickness": 14,
                "len": 0.6,
                "x": 1.0,
                "xanchor": "right",
                "tickformat": ",~r",
            },
        },
        "hoverinfo": "skip",
        "showlegend": False,
    }
