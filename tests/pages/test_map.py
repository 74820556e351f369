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


# --- 视频点位 layer (issue 15 §3) -------------------------------------------------------------


def _camera_traces(figure: dict) -> list[dict]:
    return [t for t in figure["data"] if t["type"] == "scattermap"]


def _camera_ids(figure: dict) -> list[str]:
    return [i for t in _camera_traces(figure) for i in t["customdata"]]


def test_map010_camera_layer_is_off_by_default_and_adds_nothing_to_a_drill(demo):
    drawn = mv.map_view(mv.query_from(region="440882", indicator="kiosk_coverage"), SCOPE)
    assert "cameras" not in drawn.state and "radius" not in drawn.state
    assert not _camera_traces(drawn.figure)
    town = mv.map_view(mv.query_from(region="440882100", indicator="kiosk_coverage"), SCOPE)
    out = mv.map_outputs(town, drawn.state)
    assert out["cameras"] is no_update and out["camera"] is no_update  # nothing more travels
    assert "scattermap" not in _text(out["figure"].to_plotly_json())
    assert "cameras" not in mv.drill_search(drawn.state, BAISHA)
    # The page's first layout: the toggle unticked, no key under the map.
    assert mv.parse_search("?region=440882&cameras=0") == mv.query_from(region="440882")


def test_map011_layer_on_draws_the_cameras_of_the_view_inside_the_scope(demo):
    from components.cameras import LAYER_GROUPS
    from data_access.infrastructure import camera_points

    query = mv.query_from(region="440882", indicator="online_rate", cameras="1")
    view = mv.map_view(query, SCOPE)
    assert view.state["cameras"] is True and view.state["radius"] == 3
    points = {p.camera_id: p for p in camera_points("440882", SCOPE)}
    every = camera_points("440800", SCOPE)
    assert len(points) < len(every)  # the county's cameras, not the city's
    ids = _camera_ids(view.figure)
    assert sorted(ids) == sorted(points) and all(points[i].region_code.startswith("440882") for i in ids)
    for trace in _camera_traces(view.figure):  # each group is one status, said in its hover
        online, connected, words, _ = next(g for g in LAYER_GROUPS if g[2] == trace["name"])
        assert words in trace["hovertemplate"]
        assert all(
            (points[i].online, points[i].connected) == (online, connected) for i in trace["customdata"]
        )
        first = points[trace["customdata"][0]]
        assert (trace["lon"][0], trace["lat"][0]) == (round(first.lon, 5), round(first.lat, 5))
    # Small: coordinates and ids only (the place comes with a click's panel).
    off = mv.map_view(mv.query_from(region="440882", indicator="online_rate"), SCOPE)
    extra = len(_text(view.figure).encode()) - len(_text(off.figure).encode())
    assert 0 < extra < 60 * len(points)
    # A 雷州市 account: its own cameras; the city's map with the layer is refused, not drawn.
    county = Scope.of("440882")
    assert sorted(_camera_ids(mv.map_view(query, county).figure)) == sorted(points)
    city = mv.map_view(mv.query_from(region="440800", indicator="online_rate", cameras="1"), county)
    assert city.figure is None and "无权查看" in _text(city.message) and city.state["cameras"] is True


def test_map012_the_toggle_and_every_drill_keep_the_layer_in_the_url(demo):
    off = mv.map_view(mv.query_from(region="440882", indicator="kiosk_coverage"), SCOPE)
    on = mv.map_view(mv.query_from(region="440882", indicator="kiosk_coverage", cameras="1"), SCOPE)
    assert (
        mv.layer_toggle_search(off.state, ["on"])
        == "?region=440882&indicator=kiosk_coverage&period=2026-10&cameras=1"
    )
    assert mv.layer_toggle_search(off.state, []) is None and mv.layer_toggle_search(on.state, ["on"]) is None
    assert mv.layer_toggle_search(on.state, []) == "?region=440882&indicator=kiosk_coverage&period=2026-10"
    assert (
        mv.drill_search(on.state, BAISHA)
        == "?region=440882100&indicator=kiosk_coverage&period=2026-10&cameras=1"
    )
    assert mv.picker_search(on.state, "on_spot_rate", "2026-10").endswith(
        "indicator=on_spot_rate&period=2026-10&cameras=1"
    )
    assert mv.parse_search("?region=440882100&cameras=1&radius=5") == {
        "region": "440882100", "indicator": None, "period": None, "cameras": "1", "radius": "5"
    }  # fmt: skip
    odd = mv.map_view(mv.query_from(region="440882100", cameras="1", radius="7"), SCOPE)
    assert odd.state["radius"] == 3  # only 1, 3, 5 or 10 km
    # Turning it on patches the drawn map to exactly the new figure, ticks the toggle, shows the key.
    out = mv.map_outputs(on, off.state)
    assert _apply(off.figure, out["figure"]) == on.figure
    assert out["cameras"] == [mv.LAYER_ON] and "camera-key" in _text(out["camera"])
    back = mv.map_outputs(off, on.state)
    assert _apply(on.figure, back["figure"]) == off.figure
    assert back["cameras"] == [] and back["camera"] is None
    # A drill with the layer on: the new parent's cameras, and the key again (a camera's panel goes).
    town = mv.map_view(mv.query_from(region="440882100", indicator="kiosk_coverage", cameras="1"), SCOPE)
    drill = mv.map_outputs(town, on.state)
    assert _apply(on.figure, drill["figure"]) == town.figure and drill["cameras"] is no_update
    assert {i[:9] for i in _camera_ids(town.figure)} == {"440882100"}
    # Another radius changes the profile only: the map is not sent again.
    wider = mv.map_view(
        mv.query_from(region="440882100", indicator="kiosk_coverage", cameras="1", radius="5"), SCOPE
    )
    out = mv.map_outputs(wider, town.state)
    assert out["state"]["radius"] == 5
    assert out["figure"] is no_update and out["camera"] is no_update and out["title"] is no_update


def test_map013_a_town_with_the_layer_lists_the_cameras_near_it(demo):
    from data_access import cameras

    query = mv.query_from(region="440882100", indicator="kiosk_coverage", cameras="1", radius="5")
    view = mv.view_for(query, SCOPE)
    near = cameras.cameras_near(BAISHA, 5, SCOPE)
    profile = view.profile.to_plotly_json()
    nearby = _find(profile, "map-nearby")
    assert nearby is not None and f"周边 5 公里内共有视频点位 {len(near):,} 个" in _text(nearby)
    assert _attrs(nearby, "data-camera") == [n.camera.camera_id for n in near]  # nearest first
    radius = _text(_find(profile, "map-radius"))
    assert "/map?region=440882100&indicator=kiosk_coverage&period=2026-10&cameras=1&radius=10" in radius
    assert "/map?region=440882&indicator=kiosk_coverage&period=2026-10&cameras=1&radius=5" in _text(
        view.breadcrumb
    )  # the breadcrumb keeps the layer and the radius
    village = mv.view_for(
        mv.query_from(region="440882100202", indicator="kiosk_coverage", cameras="1"), SCOPE
    )
    assert _find(village.profile.to_plotly_json(), "map-nearby") is not None
    for other in (
        mv.query_from(region="440882100", indicator="kiosk_coverage"),
        mv.query_from(region="440882", cameras="1"),
    ):
        assert _find(mv.view_for(other, SCOPE).profile.to_plotly_json(), "map-nearby") is None


def _find(node, element_id: str):
    """The component (as plotly JSON) with ``element_id`` inside ``node``."""
    if isinstance(node, dict):
        props = node.get("props", {})
        if props.get("id") == element_id:
            return node
        children = [props.get("children")] if "props" in node else list(node.values())
        return next((f for c in children if (f := _find(c, element_id)) is not None), None)
    if isinstance(node, list | tuple):
        return next((f for c in node if (f := _find(c, element_id)) is not None), None)
    if hasattr(node, "to_plotly_json"):
        return _find(node.to_plotly_json(), element_id)
    return None


def _attrs(node, name: str) -> list:
    """Every value of attribute ``name`` inside ``node``, in document order."""
    if hasattr(node, "to_plotly_json"):
        node = node.to_plotly_json()
    if isinstance(node, dict):
        props = node.get("props", {})
        own = [props[name]] if name in props else []
        return own + _attrs(props.get("children"), name)
    if isinstance(node, list | tuple):
        return [v for c in node for v in _attrs(c, name)]
    return []


def _click_camera(client, camera_id: object) -> tuple[int, str]:
    """A click on a camera point as Dash's renderer posts it to the map's click callback."""
    deps = client.get("/_dash-dependencies").get_json()
    output = next(d["output"] for d in deps if "map-camera.children@" in d["output"])
    outputs = [
        dict(zip(("id", "property"), o.split(".", 1), strict=True)) for o in output.strip(".").split("...")
    ]
    click = {"points": [{"lon": 110.1, "lat": 20.9, "customdata": camera_id}]}
    values = {"map-graph.clickData": click}
    dep = next(d for d in deps if d["output"] == output)
    inputs = [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in dep["inputs"]]
    body = {
        "output": output,
        "outputs": outputs,
        "inputs": inputs,
        "changedPropIds": ["map-graph.clickData"],
        "state": [{**s, "value": None} for s in dep["state"]],
    }
    response = client.post("/_dash-update-component", json=body)
    return response.status_code, response.get_data(as_text=True)


def test_map014_a_click_on_a_camera_shows_its_panel_forged_ids_are_refused(demo, monkeypatch):
    import pages._cameras
    from data_access import cameras
    from data_access.infrastructure import camera_points

    mine = camera_points("440882", SCOPE)[0]
    status, body = _click_camera(demo, mine.camera_id)
    shown = json.loads(body)["response"]["map-camera"]["children"]
    words = _text(shown)
    assert status == 200 and shown["props"]["data-camera"] == mine.camera_id
    assert mine.location in words and ("在线" if mine.online else "离线") in words
    assert ("已接入省视频共享平台" if mine.connected else "未接入省视频共享平台") in words
    assert "未配置视频平台地址" in words  # no COCKPIT_VIDEO_URL_TEMPLATE in the tests
    status, body = _click_camera(demo, "44010000001320000001")  # no such camera
    assert status == 200 and "没有编号为 44010000001320000001 的视频点位" in body
    # A 雷州市 session: a camera of 廉江市 (same city, another county) is refused like an unknown id.
    other = next(p for p in camera_points("440800", SCOPE) if not p.region_code.startswith("440882"))
    monkeypatch.setattr(pages._cameras, "current_scope", lambda: Scope.of("440882"))
    status, body = _click_camera(demo, other.camera_id)
    assert status == 200 and f"没有编号为 {other.camera_id} 的视频点位" in body and other.location not in body
    assert cameras.camera(other.camera_id, SCOPE).location == other.location  # it exists, for the city
    assert mine.camera_id in _click_camera(demo, mine.camera_id)[1]
    status, body = _click_camera(demo, ["x"])  # malformed point data: the panel is left alone
    assert status in (200, 204) and "map-camera" not in body


def test_map015_wall_ranking_is_the_top_ten_with_the_count_of_all(demo):
    """The wall screen's ranking beside the map: best first, at most 10 rows, the count of all
    children in its title; each name drills in; the profile marks the indicator on the map."""
    view = mv.view_for(mv.query_from(region="440882", indicator="online_rate"), SCOPE)
    title, ranking = view.ranking
    assert _text(title).count("镇（街道）排名") == 1 and "前 10 / 共 22 个" in _text(title)
    ranked = values.ranking("online_rate", LEIZHOU, "2026-10", SCOPE)
    rows = ranking.children
    assert [r.to_plotly_json()["props"]["data-code"] for r in rows] == [r.code for r in ranked[:10]]
    assert [r.children[0].children for r in rows] == [str(r.rank) for r in ranked[:10]]
    first = rows[0].children[1].children
    assert first.href == f"/map?region={ranked[0].code[:9]}&indicator=online_rate&period=2026-10"
    assert 'class="profile-item profile-current" data-indicator="online_rate"' in _find_markdown(view.profile)

    best = values.ranking("kiosk_coverage", BAISHA, "2026-10", SCOPE)[0].code  # a village, selected
    village = mv.view_for(mv.query_from(region=best, indicator="kiosk_coverage"), SCOPE)
    marked = [r for r in village.ranking[1].children if "ranking-current" in r.className]
    assert [r.to_plotly_json()["props"]["data-code"] for r in marked] == [best]

    city = mv.view_for(mv.query_from(indicator="gdp"), SCOPE)
    assert "共 9 个" in _text(city.ranking[0]) and "前 " not in _text(city.ranking[0])
    assert len(city.ranking[1].children) == 9

    # Not collected below the county: the towns in code order, each 未采集, and no 排名 in the title.
    nothing = mv.view_for(mv.query_from(region="440882", indicator="gdp"), SCOPE)
    assert "排名" not in _text(nothing.ranking[0]) and "前 10 / 共 22 个" in _text(nothing.ranking[0])
    assert {r.children[3].children for r in nothing.ranking[1].children} == {"未采集"}


def _find_markdown(node) -> str:
    """The profile's HTML (the one ``dcc.Markdown`` inside ``node``)."""
    if hasattr(node, "to_plotly_json"):
        node = node.to_plotly_json()
    if isinstance(node, dict):
        if node.get("type") == "Markdown":
            return node["props"]["children"]
        children = node.get("props", {}).get("children")
        return _find_markdown(children) if children is not None else ""
    if isinstance(node, list | tuple):
        return "".join(_find_markdown(c) for c in node)
    return ""
