"""Choropleth of one region's children, drawn offline from a cached GeoJSON URL.

The figure carries only codes, names and values; the geometry is the URL of a prepared layer
(``/geo/<code>.geojson``) that the browser fetches once. The map style has no outside source at
all (no tiles, glyphs or sprites), so nothing leaves the intranet; names appear in the hover.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
BACKGROUND = "#f4f6f8"
# Plotly prunes an empty ``sources`` object from the full layout, then sees a "different" style on
# the next update and MapLibre rejects it (no ``sources``): the update is dropped. One tiny inline
# source (nothing fetched) keeps every style valid. Same object as components.mapfig uses.
BLANK_SOURCE: dict = {
    "type": "geojson",
    "data": {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"blank": 1},
                "geometry": {"type": "Point", "coordinates": [0, 0]},
            }
        ],
    },
}
GLYPHS_URL = "/geo/glyphs/{fontstack}/{range}.pbf"  # served empty by geo.serve: nothing from outside
# The background's id starts with "water": Plotly inserts choropleth fills right above the first
# such layer, so the outline and label layers that follow in the style are drawn over the fills.
OFFLINE_STYLE: dict = {
    "version": 8,
    "name": "cockpit-offline",
    "glyphs": GLYPHS_URL,
    "sources": {"blank": BLANK_SOURCE},
    "layers": [{"id": "water-background", "type": "background", "paint": {"background-color": BACKGROUND}}],
}
GREENS = [[0.0, "#e5f5e0"], [0.25, "#a1d99b"], [0.5, "#41ab5d"], [0.75, "#238b45"], [1.0, "#00441b"]]
NO_DATA_COLOR = "#c3c8cf"
NO_DATA_LABEL = "未报送"
SCHEMATIC_NOTE = "示意边界"
EDGE_COLOR = "#ffffff"
OUTLINE_COLOR = "#37474f"


def format_value(value: float | None, unit: str = "", decimals: int = 1) -> str:
    """``12,345.6 亿元``; ``未报送`` for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_DATA_LABEL
    text = f"{value:,.{decimals}f}"
    return f"{text} {unit}".strip() if unit != "%" else f"{text}%"


def fit_view(
    bounds: Sequence[float], size: tuple[int, int] = (900, 600), padding: float = 0.06
) -> tuple[dict[str, float], float]:
    """Centre and zoom that fit ``(west, south, east, north)`` into a map of ``size`` pixels.

    MapLibre draws the world 512 px wide at zoom 0 (Web Mercator), doubling per zoom step.
    """
    west, south, east, north = bounds

    def merc_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    width, height = (max(s * (1 - 2 * padding), 1.0) for s in size)
    dx = max(east - west, 1e-6) / 360.0
    dy = max(merc_y(north) - merc_y(south), 1e-6) / (2 * math.pi)
    zoom = min(math.log2(width / 512 / dx), math.log2(height / 512 / dy))
    mid_y = (merc_y(north) + merc_y(south)) / 2
    centre_lat = math.degrees(2 * math.atan(math.exp(mid_y)) - math.pi / 2)
    return {"lon": (west + east) / 2, "lat": centre_lat}, round(max(zoom, 0.0), 3)


def map_style(outline: str | None = None, labels: str | None = None) -> dict:
    """The offline style, with the parent's outline and the children's names as style layers.

    Names use the browser's own CJK font (MapLibre draws CJK locally), with a white halo.
    """
    style = {
        **OFFLINE_STYLE,
        "sources": dict(OFFLINE_STYLE["sources"]),
        "layers": list(OFFLINE_STYLE["layers"]),
    }
    if outline:
        style["sources"]["outline"] = {"type": "geojson", "data": outline}
        style["layers"].append(
            {
                "id": "outline",
                "type": "line",
                "source": "outline",
                "paint": {"line-color": OUTLINE_COLOR, "line-width": 2.5},
            }
        )
    if labels:
        style["sources"]["labels"] = {"type": "geojson", "data": labels}
        style["layers"].append(
            {
                "id": "labels",
                "type": "symbol",
                "source": "labels",
                "layout": {
                    "text-field": ["get", "name"],
                    "text-font": ["Noto Sans Regular"],
                    "text-size": 14,
                    "text-max-width": 6,
                    "text-padding": 2,
                },
                "paint": {
                    "text-color": "#1f2933",
                    "text-halo-color": "rgba(255,255,255,0.92)",
                    "text-halo-width": 1.6,
                },
            }
        )
    return style


def _note(text: str, x: float, color: str = "#37474f") -> dict:
    return {
        "text": text,
        "x": x,
        "y": 0.0,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "bgcolor": "rgba(255,255,255,0.85)",
        "font": {"size": 13, "color": color},
        "borderpad": 4,
    }


def choropleth_figure(
    geojson_url: str,
    codes: Sequence[str],
    names: Sequence[str],
    values: Sequence[float | None],
    *,
    unit: str,
    bounds: Sequence[float],
    title: str = "",
    direction: int = 1,
    outline: str | None = None,
    labels: str | None = None,
    schematic: bool = False,
    decimals: int = 1,
    size: tuple[int, int] = (900, 600),
    height: int | None = None,
) -> go.Figure:
    """A map of a parent's children coloured by one indicator.

    Args:
        geojson_url: the children layer, e.g. ``geo.serve.geojson_url(parent)``.
        codes, names, values: one entry per child; ``None`` = not reported (grey, 未报送).
        unit: shown in the colour-bar title and the hover.
        bounds: ``(west, south, east, north)`` of the layer; the view is fitted to it.
        direction: 1 higher is better (darker green = higher); -1 lower is better (reversed).
        outline: URL of the parent's outline layer (``geo.serve.outline_url``), drawn on top.
        labels: URL of the children's label points (``geo.serve.labels_url``): names on the map.
        schematic: the layer has schematic cells: the map says 示意边界.
        size: the map's expected pixel size, used to fit the view.
    """
    rows = list(zip(codes, names, values, strict=True))
    have = [(c, n, v) for c, n, v in rows if v is not None and not (isinstance(v, float) and math.isnan(v))]
    missing = [(c, n) for c, n, v in rows if (c, n, v) not in have]
    fig = go.Figure()
    common = {
        "geojson": geojson_url,
        "featureidkey": "properties.code",
        "marker": {"line": {"color": EDGE_COLOR, "width": 1}},
    }
    if missing:
        fig.add_trace(
            go.Choroplethmap(
                **common,
                locations=[c for c, _ in missing],
                z=[0] * len(missing),
                colorscale=[[0, NO_DATA_COLOR], [1, NO_DATA_COLOR]],
                showscale=False,
                customdata=[[n] for _, n in missing],
                name=NO_DATA_LABEL,
                hovertemplate=f"<b>%{{customdata[0]}}</b><br>{NO_DATA_LABEL}<extra></extra>",
            )
        )
    if have:
        fig.add_trace(
            go.Choroplethmap(
                **common,
                locations=[c for c, _, _ in have],
                z=[v for _, _, v in have],
                colorscale=GREENS,
                reversescale=direction < 0,
                name=title or unit,
                customdata=[[n, format_value(v, unit, decimals)] for _, n, v in have],
                hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>",
                colorbar={
                    "title": {"text": unit, "side": "top"},
                    "thickness": 14,
                    "len": 0.6,
                    "x": 1.0,
                    "xanchor": "right",
                    "bgcolor": "rgba(255,255,255,0.7)",
                },
            )
        )
    centre, zoom = fit_view(bounds, size)
    notes = []
    if missing:
        notes.append(_note(f"<span style='color:{NO_DATA_COLOR}'>■</span> {NO_DATA_LABEL}", 0.0))
    if schematic:
        notes.append(
            _note(
                f"{SCHEMATIC_NOTE}：镇村边界为示意，不代表实际界线", 0.0 if not missing else 0.12, "#8a5a00"
            )
        )
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 18}} if title else None,
        font={"family": FONT, "size": 14},
        map={"style": map_style(outline, labels), "center": centre, "zoom": zoom},
        margin={"l": 0, "r": 0, "t": 44 if title else 0, "b": 0},
        paper_bgcolor=BACKGROUND,
        annotations=notes,
        showlegend=False,
        uirevision=geojson_url,  # a new indicator keeps the user's pan/zoom; a new parent resets it
        height=height,
    )
    return fig
