"""The drill-down map's callback logic, called directly on the 湛江 demo store (SQLite and PostgreSQL)."""

from __future__ import annotations

import copy
import json

import pytest
from dash import Patch, no_update
from plotly.utils import PlotlyJSONEncoder

from components.choropleth import VIEW_PATHS, notes_key
from data_access import store, values
from data_access.scope import Scope
from pages import _map_view as mv

SCOPE = Scope.of("440800")
CITY, LEIZHOU, BAISHA = "440800000000", "440882000000", "440882100000"


@pytest.fixture
def demo(demo_client):
    """The demo store configured for this process (through the app, login disabled)."""
    return demo_client


def _text(component) -> str:
    return json.dumps(component, cls=PlotlyJSONEncoder, ensure_ascii=False)


def test_map001_city_view_draws_the_counties_from_the_store(demo):
    view = mv.view_for(mv.query_from(indicator="gdp", period="2026-10"), SCOPE)
    assert view.message is None
    assert view.state == {
        "region": CITY,
        "indicator": "gdp",
        "period": "2026-10",
        "parent": CITY,
        "selected": None,
        "map": True,
        "version": store.data_version(),
        "notes": notes_key(view.figure),
    }
    _, kids = values.children_values("gdp", CITY, "2026-Q3", SCOPE)
    trace = view.figure["data"][-1]
    assert trace["geojson"] == f"/geo/{CITY}.geojson"
    drawn = dict(zip(trace["locations"], trace["z"], strict=True))
    assert drawn == {k.code: k.value for k in kids if k.value is not None}
    assert len(view.rows) == 9 and view.title == "地区生产总值 · 湛江市各县（市、区） · 2026年第三季度"
    ranks = {r.code: r.rank for r in values.ranking("gdp", CITY, "2026-Q3", SCOPE)}
    assert {r["code"]: r["rank"] for r in view.rows} == ranks


def test_map002_county_view_has_breadcrumb_up_link_and_profile(demo):
    view = mv.view_for(mv.query_from(region="440882", indicator="online_rate"), SCOPE)
    assert view.state["parent"] == LEIZHOU and view.state["period"] == "2026-10"
    crumb = _text(view.breadcrumb)
    assert "湛江市" in crumb and "雷州市" in crumb
    assert "/map?region=440800&indicator=online_rate&period=2026-10" in crumb  # step and 返回上一级
    assert len(view.rows) == 22
    profile = _text(view.profile)
    assert "网上办理率" in profile and "地区生产总值" in profile and view.profile_title.startswith("雷州市")
    hrefs = [a.href for a in view.profile_export.children[1].children if hasattr(a, "href")]
    assert hrefs == [
        f"/export/panel?kind=profile&region=440882&period=2026-10&format={fmt}" for fmt in ("xlsx", "csv")
    ]  # the profile's data, for the region and month shown


def test_map003_village_is_selected_on_its_towns_map(demo):
    village = "440882100202"
    view = mv.view_for(mv.query_from(region=village, indicator="kiosk_coverage"), SCOPE)
    assert view.state["parent"] == BAISHA and view.state["selected"] == village
    assert any(t["selectedpoints"] for t in view.figure["data"])
    assert view.row_rules == {"row-current": f"params.data.code === '{village}'"}
    assert "/map?region=440882100&" in _text(view.breadcrumb)  # up: the town


@pytest.mark.parametrize(
    ("query", "title", "text"),
    [
        ({"region": "abc"}, "无法显示该地图", "地区代码格式错误"),
        ({"region": "4408821"}, "无法显示该地图", "地区代码格式错误"),
        ({"region": "440899"}, "无法显示该地图", "未知地区代码"),
        ({"region": "440100"}, "无权查看", "无权查看"),
        ({"indicator": "no_such"}, "无法显示该地图", "未知指标"),
        ({"period": "2026-13"}, "无法显示该地图", "期间格式错误"),
    ],
)
def test_map004_bad_urls_give_a_chinese_message_not_a_traceback(demo, query, title, text):
    view = mv.view_for(mv.query_from(**query), SCOPE)
    message = _text(view.message)
    assert title in message and text in message
    assert "Traceback" not in message and view.state["error"]
    assert view.body_style == {"display": "none"} and view.figure is None


def test_map005_indicator_not_collected_at_this_level_says_so(demo):
    view = mv.view_for(mv.query_from(region="440882", indicator="gdp"), SCOPE)
    assert view.figure is None and view.graph_style == {"display": "none"}
    assert "本级未采集该指标" in _text(view.notice) and "县级" in _text(view.notice)
    assert len(view.rows) == 22 and all(r["value"] is None for r in view.rows)
    assert "未采集" in view.columns[1]["valueFormatter"]["function"]


def test_map006_clicks_and_pickers_become_canonical_urls():
    state = {"region": CITY, "indicator": "gdp", "period": "2026-10", "parent": CITY}
    assert mv.drill_search(state, LEIZHOU) == "?region=440882&indicator=gdp&period=2026-10"
    assert mv.drill_search(state, "440882100202") == "?region=440882100202&indicator=gdp&period=2026-10"
    assert mv.drill_search(state, CITY) is None and mv.drill_search(state, None) is None
    assert mv.drill_search({"error": "x"}, LEIZHOU) is None
    assert mv.picker_search(state, "gdp", "2026-10") is None
    assert (
        mv.picker_search(state, "retail_sales", "2026-10")
        == "?region=440800&indicator=retail_sales&period=2026-10"
    )
    assert mv.picker_search({"error": "x"}, "gdp", "2026-09") == "?indicator=gdp&period=2026-09"
    assert mv.parse_search("?region=440882&indicator=gdp&period=2026-10") == {
        "region": "440882",
        "indicator": "gdp",
        "period": "2026-10",
    }
    assert mv.parse_search(None) == {"region": None, "indicator": None, "period": None}


def _apply(figure: dict, patch: Patch) -> dict:
    """What the browser does with a Patch of the drawn figure (Assign operations)."""
    out = copy.deepcopy(figure)
    for op in patch.to_plotly_json()["operations"]:
        assert op["operation"] == "Assign"
        *head, last = op["location"]
        target = out
        for key in head:
            target = target[key]
        target[last] = copy.deepcopy(op["params"]["value"])
    return out


def test_map007_a_drawn_map_is_patched_to_exactly_the_new_figure(demo):
    first = mv.map_view(mv.query_from(region="440882", indicator="online_rate"), SCOPE)
    same_parent = mv.map_view(mv.query_from(region="440882", indicator="on_spot_rate"), SCOPE)
    deeper = mv.map_view(mv.query_from(region="440882100202", indicator="kiosk_coverage"), SCOPE)
    city = mv.map_view(mv.query_from(indicator="kiosk_coverage"), SCOPE)  # real boundaries: no 示意边界
    cases = [(first, same_parent, ()), (first, deeper, VIEW_PATHS), (deeper, city, VIEW_PATHS)]
    kinds = set()
    for drawn, new, view_paths in cases:
        patch = mv.map_patch(new, drawn.state)
        assert isinstance(patch, Patch)
        locations = [tuple(op["location"]) for op in patch.to_plotly_json()["operations"]]
        assert _apply(drawn.figure, patch) == new.figure
        # The notes travel only when they differ from the drawn ones; the view only with another parent.
        notes_differ = drawn.figure["layout"]["annotations"] != new.figure["layout"]["annotations"]
        assert (drawn.state["notes"] != new.state["notes"]) == notes_differ
        kinds.add(notes_differ)
        expected = [("data",)] + [("layout", *p) for p in view_paths if p != ("annotations",) or notes_differ]
        if notes_differ and not view_paths:
            expected.append(("layout", "annotations"))
        assert locations == expected
    assert kinds == {True, False}  # both occur above: a drill that keeps the notes, one that changes them
    assert deeper.state["parent"] == "440882100000" and deeper.state["selected"] == "440882100202"
    broken = mv.map_view(mv.query_from(region="abc"), SCOPE)
    assert mv.map_patch(first, broken.state) is None and mv.map_patch(broken, first.state) is None


def test_map007b_a_drill_sends_only_what_changes(demo):
    drawn = mv.map_view(mv.query_from(region="440882", indicator="kiosk_coverage"), SCOPE).state
    out = mv.map_outputs(
        mv.map_view(mv.query_from(region="440882100", indicator="kiosk_coverage"), SCOPE), drawn
    )
    assert isinstance(out["figure"], Patch) and out["state"]["parent"] == BAISHA
    # The map stays shown, no notice or message, the pickers already show indicator and month.
    for key in ("graph_style", "notice", "message", "body_style", "indicator", "period"):
        assert out[key] is no_update, key
    broken = mv.map_view(mv.query_from(region="440899", indicator="kiosk_coverage"), SCOPE)
    out = mv.map_outputs(broken, drawn)
    assert out["message"] is not None and out["body_style"] == mv.HIDDEN and out["figure"] == {}
    back = mv.map_outputs(
        mv.map_view(mv.query_from(region="440882", indicator="online_rate"), SCOPE), broken.state
    )
    assert back["message"] is None and back["body_style"] == {} and back["indicator"] == "online_rate"
    assert isinstance(back["figure"], dict) and back["figure"]["data"]


def test_map008_drill_payload_is_small(demo):
    """City → county: what the map callback sends (state, figure, title…) stays far below 30 KB."""
    view = mv.map_view(mv.query_from(region="440882", indicator="online_rate"), SCOPE)
    body = _text([view.state, view.figure, view.graph_style, view.title, view.notice])
    assert len(body.encode()) < 30_000
    assert "Polygon" not in body  # geometry travels by URL only


def test_map009_the_same_query_after_a_write_is_redrawn(demo):
    """The wall's refresh re-sends the same URL after a write: the data version makes it a new state."""
    view = mv.map_view(mv.query_from(region="440882", indicator="items_handled"), SCOPE)
    older = dict(view.state, version=view.state["version"] - 1)
    out = mv.map_outputs(view, older)
    assert out["state"] == view.state and isinstance(out["figure"], Patch)
