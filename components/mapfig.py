"""The children map as a plain figure dict — the request-path twin of ``choropleth_figure``.

``components.choropleth.choropleth_figure`` (geo) builds a ``go.Figure``: plotly validates every
property, which costs ~40–60 ms per call. A drill-down callback must answer in a few ms, so this
module builds the same figure (same traces, colours, hover, notes, offline style, fitted view)
as a plain dict from geo's constants; ``tests/components/test_mapfig.py`` keeps the two in step.
Only codes, names and values travel; the geometry is the layer's URL, fetched once by the browser.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from components import choropleth as geo_fig

# A style with ``"sources": {}`` breaks updates: Plotly prunes the empty object from the full
# layout, then sees a "different" style and calls MapLibre's setStyle with no ``sources``, which
# fails ("missing required property sources") and the whole update is dropped — the map keeps
# showing the previous parent. One tiny inline source (no fetch) keeps such a style valid.
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


def map_style(outline: str | None, labels: str | None) -> dict:
    """geo's offline style (outline and name layers), never with an empty ``sources``."""
    style = geo_fig.map_style(outline, labels)
    if not style.get("sources"):
        style["sources"] = {"blank": BLANK_SOURCE}
    return style


def _missing(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def map_figure(
    geojson_url: str,
    codes: Sequence[str],
    names: Sequence[str],
    values: Sequence[float | None],
    *,
    unit: str,
    bounds: Sequence[float],
    direction: int = 1,
    outline: str | None = None,
    labels: str | None = None,
    schematic: bool = False,
    decimals: int = 1,
    size: tuple[int, int] = (900, 600),
    height: int | None = None,
    selected: str | None = None,
    value_text: Sequence[str] | None = None,
) -> dict:
    """A figure dict equivalent to ``choropleth_figure`` (without a title), plus a selection.

    Args:
        selected: a code drawn at full strength while the others are paler (a picked village).
        value_text: hover text per child (default: geo's ``format_value``); lets callers show
            Chinese-scaled figures such as ``1.23 亿元``.
    """
    texts = (
        list(value_text)
        if value_text is not None
        else [geo_fig.format_value(v, unit, decimals) for v in values]
    )
    have = [(c, n, v, t) for c, n, v, t in zip(codes, names, values, texts, strict=True) if not _missing(v)]
    missing = [(c, n) for c, n, v in zip(codes, names, values, strict=True) if _missing(v)]
    common = {
        "type": "choroplethmap",
        "geojson": geojson_url,
        "featureidkey": "properties.code",
        "marker": {"line": {"color": geo_fig.EDGE_COLOR, "width": 1}},
    }
    data: list[dict] = []
    if missing:
        data.append(
            {
                **common,
                "locations": [c for c, _ in missing],
                "z": [0] * len(missing),
                "colorscale": [[0, geo_fig.NO_DATA_COLOR], [1, geo_fig.NO_DATA_COLOR]],
                "showscale": False,
                "customdata": [[n] for _, n in missing],
                "name": geo_fig.NO_DATA_LABEL,
                "hovertemplate": f"<b>%{{customdata[0]}}</b><br>{geo_fig.NO_DATA_LABEL}<extra></extra>",
            }
        )
    if have:
        data.append(
            {
                **common,
                "locations": [c for c, _, _, _ in have],
                "z": [v for _, _, v, _ in have],
                "colorscale": geo_fig.GREENS,
                "reversescale": direction < 0,
                "name": unit,
                "customdata": [[n, t] for _, n, _, t in have],
                "hovertemplate": "<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>",
                "colorbar": {
                    "title": {"text": unit, "side": "top"},
                    "thickness": 14,
                    "len": 0.6,
                    "x": 1.0,
                    "xanchor": "right",
                    "bgcolor": "rgba(255,255,255,0.7)",
                },
            }
        )
    zs = [v for _, _, v, _ in have]
    if zs and min(zs) == max(zs):  # one value everywhere: a 0-based scale, not 99.6–100.4
        data[-1]["zmin"], data[-1]["zmax"] = min(0.0, zs[0]), zs[0] if zs[0] != min(0.0, zs[0]) else zs[0] + 1
    if selected is not None:
        for trace in data:
            locs = trace["locations"]
            trace["selectedpoints"] = [locs.index(selected)] if selected in locs else []
            trace["unselected"] = {"marker": {"opacity": 0.35}}
    centre, zoom = geo_fig.fit_view(bounds, size)
    style = map_style(outline, labels)
    return {
        "data": data,
        "layout": _layout(geojson_url, centre, zoom, style, bool(missing), schematic, height),
    }


def _layout(
    url: str, centre: dict, zoom: float, style: dict, missing: bool, schematic: bool, height: int | None
):
    notes = []
    if missing:
        notes.append(
            geo_fig._note(
                f"<span style='color:{geo_fig.NO_DATA_COLOR}'>■</span> {geo_fig.NO_DATA_LABEL}", 0.0
            )
        )
    if schematic:
        notes.append(
            geo_fig._note(
                f"{geo_fig.SCHEMATIC_NOTE}：镇村边界为示意，不代表实际界线",
                0.0 if not missing else 0.12,
                "#8a5a00",
            )
        )
    layout = {
        "font": {"family": geo_fig.FONT, "size": 14},
        "map": {"style": style, "center": centre, "zoom": zoom},
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "paper_bgcolor": geo_fig.BACKGROUND,
        "annotations": notes,
        "showlegend": False,
        "uirevision": url,  # a new indicator keeps the user's pan/zoom; a new parent resets it
    }
    if height is not None:
        layout["height"] = height
    return layout
