"""``choropleth_figure``: offline style, colours by direction, grey 未报送, hover, outline, view."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from components.choropleth import NO_DATA_LABEL, SCHEMATIC_NOTE, choropleth_figure, fit_view, format_value

URL = "/geo/440800000000.geojson"
BOUNDS = (109.66, 20.22, 110.97, 21.96)


def figure(**kw) -> go.Figure:
    args = {"unit": "亿元", "bounds": BOUNDS, "title": "地区生产总值"} | kw
    return choropleth_figure(
        URL,
        ["440802000000", "440803000000", "440804000000"],
        ["赤坎区", "霞山区", "坡头区"],
        [12.5, None, 30.0],
        **args,
    )


def test_cho001_geometry_is_a_url_and_traces_carry_codes_and_values():
    fig = figure()
    assert '"coordinates"' not in json.dumps([t.to_plotly_json() for t in fig.data])  # no geometry in traces
    values = [t for t in fig.data if t.showscale is not False]
    assert len(values) == 1
    (trace,) = values
    assert isinstance(trace, go.Choroplethmap) and trace.geojson == URL
    assert defaults(fig).featureidkey == "properties.code"
    assert list(trace.locations) == ["440802000000", "440804000000"] and list(trace.z) == [12.5, 30.0]
    assert trace.colorbar.title.text == "亿元"
    # Names are in the layer (properties.hover, escaped): only the formatted values travel with the trace.
    assert list(trace.customdata) == ["12.5 亿元", "30.0 亿元"] and trace.text is None
    hover = defaults(fig).hovertemplate
    assert "%{properties.hover}" in hover and "%{customdata}" in hover


def test_cho001b_names_travel_with_the_traces_for_a_layer_without_names():
    fig = figure(layer_names=False)
    grey, trace = fig.data
    assert list(trace.text) == ["赤坎区", "坡头区"] and list(grey.text) == ["霞山区"]
    assert "%{text}" in trace.hovertemplate and "%{text}" in grey.hovertemplate


def defaults(fig: go.Figure):
    """The trace defaults every map trace takes from the figure's template."""
    (template,) = fig.layout.template.data.choroplethmap
    return template


def test_cho002_missing_values_are_grey_and_labelled():
    fig = figure()
    grey = [t for t in fig.data if t.showscale is False]
    assert len(grey) == 1 and list(grey[0].locations) == ["440803000000"]
    assert {c for _, c in grey[0].colorscale} == {"#c3c8cf"}
    assert NO_DATA_LABEL in grey[0].hovertemplate
    assert any(NO_DATA_LABEL in a.text for a in fig.layout.annotations)


def test_cho003_direction_reverses_the_greens():
    up = [t for t in figure(direction=1).data if t.showscale is not False][0]
    down = [t for t in figure(direction=-1).data if t.showscale is not False][0]
    assert not up.reversescale and down.reversescale is True
    assert up.colorscale is None and defaults(figure()).colorscale[-1][1] == "#00441b"  # higher: darker


def test_cho004_offline_style_with_outline_and_labels_over_the_fills():
    plain = figure().layout.map.style
    # Never an empty "sources" (Plotly prunes it and a later update fails); nothing fetched.
    assert list(plain["sources"]) == ["blank"] and isinstance(plain["sources"]["blank"]["data"], dict)
    assert "sprite" not in plain
    # Transparent: the panel behind shows, light on the desk theme and dark on the wall theme.
    assert plain["layers"][0]["paint"]["background-color"] == "rgba(0,0,0,0)"
    assert figure().layout.paper_bgcolor == "rgba(0,0,0,0)"
    fig = figure(overlay="/geo/overlay/440800000000.geojson")
    style = fig.layout.map.style
    assert "http" not in json.dumps(style)  # every URL is on this server
    assert style["glyphs"].startswith("/geo/glyphs/")
    # One source, one fetch: the line layer draws its shapes, the symbol layer its points.
    assert [k for k in style["sources"] if k != "blank"] == ["overlay"]
    assert style["sources"]["overlay"]["data"] == "/geo/overlay/440800000000.geojson"
    ids = [layer["id"] for layer in style["layers"]]
    # Plotly puts choropleth fills right above the first "water…" layer: outline and names stay on top.
    assert ids[0].startswith("water") and ids[1:] == ["outline", "labels"]
    outline, labels = style["layers"][1:]
    assert outline["source"] == labels["source"] == "overlay"
    assert labels["filter"] == ["==", ["geometry-type"], "Point"] and outline["filter"] == [
        "!",
        labels["filter"],
    ]
    assert labels["layout"]["text-field"] == ["get", "name"]
    alone = figure(outline="/geo/outline/440800000000.geojson").layout.map.style
    assert alone["sources"]["outline"]["data"] == "/geo/outline/440800000000.geojson"
    assert [layer["id"] for layer in alone["layers"]][1:] == ["outline"] and "filter" not in alone["layers"][
        1
    ]


def test_cho005_schematic_note_only_when_schematic():
    assert any(SCHEMATIC_NOTE in a.text for a in figure(schematic=True).layout.annotations)
    assert not any(SCHEMATIC_NOTE in a.text for a in figure(schematic=False).layout.annotations)


def test_cho006_view_fits_the_bounds():
    centre, zoom = fit_view(BOUNDS, (900, 600))
    assert centre["lon"] == pytest.approx(110.315)
    assert 21.0 < centre["lat"] < 21.2  # Mercator middle, a little north of the arithmetic one
    # 1.31° of longitude into ~800 px: 512·2^z·1.31/360 ≈ 800 → z ≈ 8.7; latitude 1.74° limits more.
    assert 7.4 < zoom < 8.0
    _, closer = fit_view((110.0, 21.0, 110.1, 21.1), (900, 600))
    assert closer > zoom + 3
    fig = figure()
    assert fig.layout.map.zoom == zoom and fig.layout.map.center.lon == pytest.approx(110.315)


def test_cho006b_figure_carries_what_the_wall_needs_to_refit_its_map():
    """meta.fit = [width, height, zoom, across, down]: the view's zoom is the smaller of the zooms
    that fit the width and the height, and twice the box's height allows one zoom step more down
    (what assets/wall-mapfit.js computes for the box the wall gives the map)."""
    from components.choropleth import axis_zooms

    across, down = axis_zooms(BOUNDS, (900, 600))
    _, zoom = fit_view(BOUNDS, (900, 600))
    assert min(across, down) == pytest.approx(zoom, abs=1e-3) and down < across  # latitude limits
    assert axis_zooms(BOUNDS, (900, 1200))[1] == pytest.approx(down + 1, abs=0.02)
    fit = figure().layout.meta["fit"]
    assert fit[:3] == [900, 600, zoom] and fit[3:] == [
        pytest.approx(across, abs=1e-3),
        pytest.approx(down, abs=1e-3),
    ]


def test_cho007_all_missing_draws_only_grey():
    fig = choropleth_figure(URL, ["a", "b"], ["甲", "乙"], [None, float("nan")], unit="%", bounds=BOUNDS)
    assert len(fig.data) == 1 and fig.data[0].showscale is False


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "text"),
    [
        (1234.567, "亿元", 1, "1,234.6 亿元"),
        (95.0, "%", 1, "95.0%"),
        (None, "个", 0, "未报送"),
        (7, "个", 0, "7 个"),
    ],
)
def test_cho008_format_value(value, unit, decimals, text):
    assert format_value(value, unit, decimals) == text
