"""Choropleth of one region's children, drawn offline from a cached GeoJSON URL.

The figure carries only codes and values; the geometry is the URL of a prepared layer
(``/geo/<code>.geojson``) that the browser fetches once, and hover names come from that layer's
``properties.hover`` (the name escaped with ``components.format.plot_text``). The map style has no outside source at all (no tiles, sprites, and glyphs
served empty by this server), so nothing leaves the intranet. :func:`map_figure` is the one
builder (a plain dict, fast on the request path); :func:`choropleth_figure` wraps it in a
``go.Figure`` with a title. Styling shared by every map trace sits in ``layout.template``, and
:data:`VIEW_PATHS` names the layout entries that change with the parent, so a page that already
shows a map can send a drill as a ``Patch`` of the traces and those entries only.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence

import orjson
import plotly.graph_objects as go
import plotly.io as pio

from components.format import plot_text

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
BACKGROUND = "rgba(0,0,0,0)"  # transparent: the panel behind shows, in the desk and in the wall theme
# Plotly prunes an empty ``sources`` object from the full layout, then sees a "different" style on
# the next update and MapLibre rejects it (no ``sources``): the update is dropped. One tiny inline
# source (nothing fetched) keeps every style valid.
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
LAYER_NAME = "%{properties.hover}"  # every /geo/ layer's features carry their name, escaped for plotly
# Defaults of every map trace (``layout.template``): sent once with the figure, not with each trace.
TRACE_DEFAULTS: dict = {
    "featureidkey": "properties.code",
    "marker": {"line": {"color": EDGE_COLOR, "width": 1}},
    "colorscale": GREENS,
    "colorbar": {
        "title": {"side": "top"},
        "thickness": 14,
        "len": 0.6,
        "x": 1.0,
        "xanchor": "right",
        "bgcolor": "rgba(255,255,255,0.7)",
    },
    "hovertemplate": f"<b>{LAYER_NAME}</b><br>%{{customdata}}<extra></extra>",
    "unselected": {"marker": {"opacity": 0.35}},  # with ``selectedpoints``: a picked village stands out
}
# The layout entries of a :func:`map_figure` that depend on the parent drawn (view, overlay of
# outline and labels, UI revision) or on its values (notes); every other entry is the same for
# every map built with the same options (an overlay given), as one page builds them. Traces carry
# only what differs (see TRACE_DEFAULTS).
VIEW_PATHS: tuple[tuple[str, ...], ...] = (
    ("map", "center"),
    ("map", "zoom"),
    ("meta",),
    ("map", "style", "sources", "overlay", "data"),
    ("annotations",),
    ("uirevision",),
)


def notes_key(figure: dict) -> int:
    """A short fingerprint of a map's notes (未报送, 示意边界), kept in the page's state so a drill
    that draws the same notes does not send them again."""
    return zlib.crc32(orjson.dumps(figure["layout"].get("annotations", [])))


def format_value(value: float | None, unit: str = "", decimals: int = 1) -> str:
    """``12,345.6 亿元``; ``未报送`` for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_DATA_LABEL
    text = f"{value:,.{decimals}f}"
    return f"{text} {unit}".strip() if unit != "%" else f"{text}%"


def _merc_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def axis_zooms(
    bounds: Sequence[float], size: tuple[int, int] = (900, 600), padding: float = 0.06
) -> tuple[float, float]:
    """The zooms that fit ``(west, south, east, north)`` across the width and down the height of a
    map of ``size`` pixels (the view's zoom is the smaller one)."""
    west, south, east, north = bounds
    width, height = (max(s * (1 - 2 * padding), 1.0) for s in size)
    dx = max(east - west, 1e-6) / 360.0
    dy = max(_merc_y(north) - _merc_y(south), 1e-6) / (2 * math.pi)
    return math.log2(width / 512 / dx), math.log2(height / 512 / dy)


def fit_view(
    bounds: Sequence[float], size: tuple[int, int] = (900, 600), padding: float = 0.06
) -> tuple[dict[str, float], float]:
    """Centre and zoom that fit ``(west, south, east, north)`` into a map of ``size`` pixels.

    MapLibre draws the world 512 px wide at zoom 0 (Web Mercator), doubling per zoom step.
    """
    west, south, east, north = bounds
    zoom = min(axis_zooms(bounds, size, padding))
    mid_y = (_merc_y(north) + _merc_y(south)) / 2
    centre_lat = math.degrees(2 * math.atan(math.exp(mid_y)) - math.pi / 2)
    return {"lon": round((west + east) / 2, 5), "lat": round(centre_lat, 5)}, round(max(zoom, 0.0), 3)


OUTLINE_LAYER: dict = {
    "id": "outline",
    "type": "line",
    "paint": {"line-color": OUTLINE_COLOR, "line-width": 2.5},
}
LABEL_LAYER: dict = {
    "id": "labels",
    "type": "symbol",
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
IS_POINT: list = ["==", ["geometry-type"], "Point"]


def map_style(outline: str | None = None, overlay: str | None = None) -> dict:
    """The offline style, with the parent's outline (and the children's names) as style layers.

    ``outline`` is a collection with the outline alone (``geo.serve.outline_url``); ``overlay`` one
    with the outline and a point per child (``geo.serve.overlay_url``): one source, one fetch, the
    line layer drawing its shapes and the symbol layer its points. Names use the browser's own CJK
    font (MapLibre draws CJK locally), with a white halo.
    """
    style = {
        **OFFLINE_STYLE,
        "sources": dict(OFFLINE_STYLE["sources"]),
        "layers": list(OFFLINE_STYLE["layers"]),
    }
    if overlay:
        style["sources"]["overlay"] = {"type": "geojson", "data": overlay}
        style["layers"] += [
            {**OUTLINE_LAYER, "source": "overlay", "filter": ["!", IS_POINT]},
            {**LABEL_LAYER, "source": "overlay", "filter": IS_POINT},
        ]
    elif outline:
        style["sources"]["outline"] = {"type": "geojson", "data": outline}
        style["layers"].append({**OUTLINE_LAYER, "source": "outline"})
    return style


NOTE_DEFAULTS: dict = {  # the notes' common look (``layout.template``): each note sends its text
    "y": 0.0,
    "xref": "paper",
    "yref": "paper",
    "xanchor": "left",
    "yanchor": "bottom",
    "showarrow": False,
    "bgcolor": "rgba(255,255,255,0.85)",
    "font": {"size": 13, "color": "#37474f"},
    "borderpad": 4,
}


def _note(text: str, x: float, color: str | None = None) -> dict:
    note: dict = {"text": text, "x": x}
    if color:
        note["font"] = {"color": color}
    return note


def choropleth_figure(
    geojson_url: str,
    codes: Sequence[str],
    names: Sequence[str],
    values: Sequence[float | None],
    *,
    unit: str,
    bounds: Sequence[float],
    title: str = "",
    **options: object,
) -> go.Figure:
    """:func:`map_figure` as a ``go.Figure`` with a title, for pages that build figures once.

    ``options`` are :func:`map_figure`'s keyword arguments (direction, outline, overlay, …).
    """
    figure = map_figure(geojson_url, codes, names, values, unit=unit, bounds=bounds, **options)
    fig = go.Figure(figure)
    if pio.templates.default:  # plotly's usual look, plus the map's trace and note defaults
        template = go.layout.Template(pio.templates[pio.templates.default])
        base = template.data.choroplethmap[0] if template.data.choroplethmap else go.Choroplethmap()
        template.data.choroplethmap = [go.Choroplethmap(base).update(TRACE_DEFAULTS)]
        template.layout.annotationdefaults.update(NOTE_DEFAULTS)
        fig.layout.template = template
    if title:
        fig.update_layout(title={"text": plot_text(title), "x": 0.01, "font": {"size": 18}}, margin={"t": 44})
        fig.data[-1].name = plot_text(title)
    return fig


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
    overlay: str | None = None,
    schematic: bool = False,
    decimals: int = 1,
    size: tuple[int, int] = (900, 600),
    height: int | None = None,
    selected: str | None = None,
    value_text: Sequence[str] | None = None,
    layer_names: bool = True,
) -> dict:
    """A map of a parent's children coloured by one indicator, as a plain figure dict.

    A dict, not a ``go.Figure``: plotly's validation costs ~40–60 ms, too much for a drill-down
    callback that must answer in a few ms. Only codes, values and hover texts travel; the
    geometry is the layer's URL, fetched once by the browser, and the names are in it.

    Args:
        geojson_url: the children layer, e.g. ``geo.serve.geojson_url(parent)``.
        codes, names, values: one entry per child; ``None`` = not reported (grey, 未报送).
        unit: shown in the colour-bar title and the hover.
        bounds: ``(west, south, east, north)`` of the layer; the view is fitted to it.
        direction: 1 higher is better (darker green = higher); -1 lower is better (reversed).
        outline: URL of the parent's outline layer (``geo.serve.outline_url``), drawn on top.
        overlay: instead of ``outline``, the URL of the outline plus the children's label points
            (``geo.serve.overlay_url``): the outline and the names on the map, from one fetch.
        schematic: the layer has schematic cells: the map says 示意边界.
        size: the map's expected pixel size, used to fit the view.
        selected: a code drawn at full strength while the others are paler (a picked village).
        value_text: hover text per child (default: ``format_value``); lets callers show
            Chinese-scaled figures such as ``1.23 亿元``.
        layer_names: the layer's features carry ``properties.name`` (every ``/geo/`` layer does):
            the hover reads the names there. False sends ``names`` with the traces instead.
    """
    # Every text plotly draws goes through plot_text: a name or unit from the store is never markup.
    texts = [
        plot_text(t)
        for t in (value_text if value_text is not None else [format_value(v, unit, decimals) for v in values])
    ]
    names = [plot_text(n) for n in names]
    have = [(c, n, v, t) for c, n, v, t in zip(codes, names, values, texts, strict=True) if not _missing(v)]
    missing = [(c, n) for c, n, v in zip(codes, names, values, strict=True) if _missing(v)]
    name = LAYER_NAME if layer_names else "%{text}"
    data: list[dict] = []
    if missing:
        data.append(
            {
                "type": "choroplethmap",
                "geojson": geojson_url,
                "locations": [c for c, _ in missing],
                "z": [0] * len(missing),
                "colorscale": [[0, NO_DATA_COLOR], [1, NO_DATA_COLOR]],
                "showscale": False,
                "hovertemplate": f"<b>{name}</b><br>{NO_DATA_LABEL}<extra></extra>",
            }
        )
        if not layer_names:
            data[-1]["text"] = [n for _, n in missing]
    if have:
        data.append(
            {
                "type": "choroplethmap",
                "geojson": geojson_url,
                "locations": [c for c, _, _, _ in have],
                "z": [_short(v) for _, _, v, _ in have],
                "customdata": [t for _, _, _, t in have],
                "colorbar": {"title": {"text": plot_text(unit)}},
            }
        )
        if direction < 0:
            data[-1]["reversescale"] = True
        if not layer_names:
            data[-1]["text"] = [n for _, n, _, _ in have]
            data[-1]["hovertemplate"] = f"<b>{name}</b><br>%{{customdata}}<extra></extra>"
    zs = [v for _, _, v, _ in have]
    if zs and min(zs) == max(zs):  # one value everywhere: a 0-based scale, not 99.6–100.4
        data[-1]["zmin"], data[-1]["zmax"] = min(0.0, zs[0]), zs[0] if zs[0] != min(0.0, zs[0]) else zs[0] + 1
    if selected is not None:
        for trace in data:
            locs = trace["locations"]
            trace["selectedpoints"] = [locs.index(selected)] if selected in locs else []
    centre, zoom = fit_view(bounds, size)
    style = map_style(outline, overlay)
    layout = _layout(geojson_url, centre, zoom, style, bool(missing), schematic, height)
    # The size the view was fitted to, its zoom and the zooms that fit the width and the height: on
    # the wall, assets/wall-mapfit.js refits the zoom to the box the wall layout gives the map (the
    # desk keeps this view).
    across, down = axis_zooms(bounds, size)
    layout["meta"] = {"fit": [int(size[0]), int(size[1]), zoom, round(across, 3), round(down, 3)]}
    return {"data": data, "layout": layout}


def _short(value: float) -> float:
    """Six significant digits: the colour cannot show more, and the hover text is sent formatted."""
    return float(f"{value:.6g}")


def _layout(
    url: str, centre: dict, zoom: float, style: dict, missing: bool, schematic: bool, height: int | None
):
    notes = []
    if missing:
        notes.append(_note(f"<span style='color:{NO_DATA_COLOR}'>■</span> {NO_DATA_LABEL}", 0.0))
    if schematic:
        notes.append(
            _note(
                f"{SCHEMATIC_NOTE}：镇村边界为示意，不代表实际界线",
                0.0 if not missing else 0.12,
                "#8a5a00",
            )
        )
    layout = {
        "font": {"family": FONT, "size": 14},
        "map": {"style": style, "center": centre, "zoom": zoom},
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "paper_bgcolor": BACKGROUND,
        "annotations": notes,
        "showlegend": False,
        "uirevision": url,  # a new indicator keeps the user's pan/zoom; a new parent resets it
        "template": {
            "data": {"choroplethmap": [TRACE_DEFAULTS]},
            "layout": {"annotationdefaults": NOTE_DEFAULTS},
        },
    }
    if height is not None:
        layout["height"] = height
    return layout
