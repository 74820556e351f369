"""The map figure: one dict builder (``map_figure``), wrapped as a ``go.Figure`` by ``choropleth_figure``."""

from __future__ import annotations

import copy

import pytest

from components.choropleth import VIEW_PATHS, choropleth_figure, map_figure

ARGS = (
    "/geo/440800000000.geojson",
    ["440802000000", "440803000000", "440804000000"],
    ["赤坎区", "霞山区", "坡头区"],
)
KW = {"unit": "亿元", "bounds": (109.6, 20.2, 110.9, 21.9), "decimals": 1, "size": (1000, 560)}


@pytest.mark.parametrize("direction", [1, -1])
@pytest.mark.parametrize("outline", [None, "/geo/outline/440800000000.geojson"])
def test_mapfig001_figure_wraps_the_dict_with_a_title(direction, outline):
    values = [12.5, None, 30.0]
    ours = map_figure(*ARGS, values, direction=direction, outline=outline, schematic=True, **KW)
    fig = choropleth_figure(
        *ARGS, values, direction=direction, outline=outline, schematic=True, title="GDP", **KW
    )
    theirs = fig.to_plotly_json()
    assert len(ours["data"]) == len(theirs["data"]) == 2
    for mine, geo in zip(ours["data"], theirs["data"], strict=True):
        for key in ("type", "geojson", "featureidkey", "showscale", "hovertemplate", "reversescale"):
            assert mine.get(key) == geo.get(key), key
        assert list(mine["locations"]) == list(geo["locations"])
        assert list(mine["z"]) == list(geo["z"])
        assert list(mine.get("customdata", [])) == list(geo.get("customdata", []))
    layout, geo_layout = ours["layout"], theirs["layout"]
    assert layout["map"]["center"] == geo_layout["map"]["center"]
    assert layout["map"]["zoom"] == geo_layout["map"]["zoom"]
    assert [a["text"] for a in layout["annotations"]] == [a["text"] for a in geo_layout["annotations"]]
    assert layout["map"]["style"]["layers"] == geo_layout["map"]["style"]["layers"]
    assert geo_layout["title"]["text"] == "GDP" and "title" not in layout


def test_mapfig002_style_never_has_empty_sources_and_fetches_nothing_outside():
    fig = map_figure(*ARGS, [1.0, 2.0, 3.0], **KW)
    sources = fig["layout"]["map"]["style"]["sources"]
    assert sources, "an empty sources object breaks Plotly.react updates"
    assert all(not str(s.get("data", "")).startswith("http") for s in sources.values())
    assert "http" not in str(fig["layout"]["map"]["style"].get("glyphs", ""))


def test_mapfig003_selected_village_is_drawn_full_strength():
    fig = map_figure(
        *ARGS, [1.0, None, 3.0], selected="440804000000", value_text=["1.0 亿元", "未报送", "3.0 亿元"], **KW
    )
    missing, have = fig["data"]
    assert missing["selectedpoints"] == [] and have["selectedpoints"] == [1]
    (defaults,) = fig["layout"]["template"]["data"]["choroplethmap"]
    assert defaults["unselected"] == {"marker": {"opacity": 0.35}}
    assert have["customdata"] == ["1.0 亿元", "3.0 亿元"]


def test_mapfig004_one_value_everywhere_gets_a_zero_based_scale():
    fig = map_figure(*ARGS, [100.0, 100.0, 100.0], **KW)
    assert (fig["data"][-1]["zmin"], fig["data"][-1]["zmax"]) == (0.0, 100.0)
    assert "zmin" not in map_figure(*ARGS, [1.0, 2.0, 3.0], **KW)["data"][-1]


def test_mapfig005_another_parent_changes_only_the_view_paths_of_the_layout():
    """A page that shows one map can draw another by patching the traces and VIEW_PATHS only."""

    def urls(code: str) -> dict:
        return {"overlay": f"/geo/overlay/{code}.geojson"}

    first = map_figure(*ARGS, [1.0, None, 3.0], schematic=False, **urls("440800000000"), **KW)
    second = map_figure(
        "/geo/440882000000.geojson",
        ["440882100000", "440882101000"],
        ["白沙镇", "沈塘镇"],
        [95.0, 88.9],
        unit="%",
        bounds=(109.7, 20.4, 110.4, 21.1),
        direction=-1,
        schematic=True,
        size=(1000, 560),
        **urls("440882000000"),
    )
    patched = copy.deepcopy(first["layout"])
    for path in VIEW_PATHS:
        source, target = second["layout"], patched
        for key in path[:-1]:
            source, target = source[key], target[key]
        target[path[-1]] = source[path[-1]]
    assert patched == second["layout"]
    assert first["layout"]["template"] == second["layout"]["template"]  # trace defaults: same for all
