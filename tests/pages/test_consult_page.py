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
