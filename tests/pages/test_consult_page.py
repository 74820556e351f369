"""一键联系 on /map and the 一键会商 form on /command, on the 湛江 demo store (login disabled)."""

from __future__ import annotations

import pytest

from data_access import directory
from data_access.scope import Scope
from pages import _map_view as mv
from tests.pages.theme_util import by_id, links, render, text, walk

SCOPE = Scope.of("440800")


@pytest.fixture
def app(demo_client):
    return demo_client.application


def test_cpg001_map_profile_shows_the_county_leaders_with_call_links(app):
    with app.test_request_context("/map"):
        view = mv.view_for(mv.query_from(region="440882", indicator="dispute_resolution_rate"), SCOPE)
    leaders = by_id(view.profile, "map-leaders")
    people = [
        p
        for p in directory.contacts("440882", SCOPE, reveal_phones=True)
        if p.role in ("总指挥", "指挥办负责人")
    ]
    assert [p.role for p in people] == ["总指挥", "指挥办负责人"]
    for p in people:
        assert f"{p.role} {p.name}" in text(leaders)
    assert links(leaders) == [f"tel:{p.phone}" for p in people]


def test_cpg002_command_form_offers_the_view_s_contacts_and_level_groups(app):
    root = render(app, "command", "/command", region="440882", sub="1")
    people = by_id(root, "consult-people")
    listed = directory.contacts("440882", SCOPE, subtree=True)
    assert [o["value"] for o in people.options] == [p.id for p in listed]
    groups = [o["label"] for o in by_id(root, "consult-group").options]
    assert "雷州市本级指挥办负责人（1 人）" in groups
    assert any(g.startswith("雷州市各镇（街道）书记") for g in groups)
    assert any(getattr(n, "id", None) == "consult-list" for n in walk(root))


# --- 视频调度 on /infrastructure --------------------------------------------------------------


def test_cpg003_camera_click_shows_its_panel_and_refuses_other_ids(app):
    from data_access import cameras
    from pages._cameras import camera_clicked

    point = cameras.camera_points("440882", SCOPE)[0]
    click = {
        "points": [
            {"lon": point.lon, "lat": point.lat, "customdata": [point.location, point.camera_id, "已接入"]}
        ]
    }
    with app.test_request_context("/infrastructure"):
        card = camera_clicked(click)
        assert getattr(card, "data-camera") == point.camera_id
        assert point.location in text(card) and ("在线" if point.online else "离线") in text(card)
        assert "未配置视频平台地址" in text(card)  # no COCKPIT_VIDEO_URL_TEMPLATE in the tests
        forged = camera_clicked({"points": [{"customdata": ["x", "44010000001320000001", "已接入"]}]})
        assert "没有编号为" in text(forged)
        region = camera_clicked({"points": [{"location": "440882000000", "customdata": ["雷州市"]}]})
        assert region is dash_no_update()


def dash_no_update():
    import dash

    return dash.no_update


def test_cpg004_cameras_near_a_town_nearest_first(app):
    from data_access import cameras

    root = render(app, "infrastructure", "/infrastructure", region="440882100", radius="5")
    panel = by_id(root, "infrastructure-nearby")
    near = cameras.cameras_near("440882100", 5, SCOPE)
    assert near and [n.km for n in near] == sorted(n.km for n in near)
    assert f"周边 5 公里内共有视频点位 {len(near):,} 个" in text(panel)
    shown = [getattr(n, "data-camera") for n in walk(panel) if getattr(n, "data-camera", None)]
    assert shown == [n.camera.camera_id for n in near]
    county = render(app, "infrastructure", "/infrastructure", region="440882")
    assert not any(getattr(n, "id", None) == "infrastructure-nearby" for n in walk(county))
