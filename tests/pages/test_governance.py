"""基层治理 page (/governance) on the demo store: figures equal the rollups, types add up, links."""

from __future__ import annotations

import pytest

from components.format import value_parts
from data_access import values
from data_access.governance import outcome_breakdown, overdue_cases, type_breakdown
from data_access.scope import Scope
from tests.pages.theme_util import by_class, by_id, kpi_number, links, render, text

ROOT = Scope("440800000000")
MONTH = "2026-10"


@pytest.fixture
def app(demo_client):
    return demo_client.application


@pytest.mark.parametrize("region", ["440800", "440882"])
def test_gpg001_cards_equal_the_rollups_and_types_add_up(app, region):
    root = render(app, "governance", "/governance", region=region)
    received = values.region_value("disputes_received", region, MONTH, ROOT).value
    assert received > 100  # a realistic monthly volume
    assert kpi_number(root, "disputes_received") == value_parts(received, "件", 0)[0]
    for code in (
        "dispute_resolution_rate",
        "dispute_village_share",
        "dispute_town_share",
        "dispute_satisfaction",
    ):
        rate = values.region_value(code, region, MONTH, ROOT).value
        assert 0 < rate < 100
        assert kpi_number(root, code) == f"{rate:.1f}", code
    days = values.region_value("dispute_avg_days", region, MONTH, ROOT).value
    summary = text(by_id(root, "governance-summary"))
    assert f"平均化解天数 {days:.1f} 天" in summary  # not a card: in the summary
    # cases by type add up to the month's 受理数
    types = type_breakdown(region, MONTH, ROOT)
    assert sum(t.received for t in types) == received
    outcomes = {o.key: o.count for o in outcome_breakdown(region, MONTH, ROOT)}
    assert sum(outcomes.values()) == received  # 化解 by level + 未化解 + 在办
    resolved = values.region_value("disputes_resolved", region, MONTH, ROOT).value
    assert sum(outcomes[k] for k in ("村", "镇", "县", "市")) == resolved
    assert outcomes["村"] == values.region_value("disputes_resolved_village", region, MONTH, ROOT).value
    assert f"当月受理 {int(received):,} 件" in text(by_id(root, "governance-types-total"))
    overdue = overdue_cases(region, ROOT)
    assert overdue and f"共 {len(overdue):,} 件" in text(by_id(root, "governance-overdue-count"))


def test_gpg002_ranking_and_overdue_towns_link_to_the_map(app):
    root = render(app, "governance", "/governance", region="440882")
    ranking = by_id(root, "governance-ranking")
    towns = [r.code for r in values.ranking("dispute_resolution_rate", "440882", MONTH, ROOT)]
    assert [getattr(r, "data-code") for r in by_class(ranking, "ranking-row")] == towns
    assert all(h.startswith("/map?region=440882") for h in links(ranking))
    table = by_id(root, "governance-overdue")
    maps = [h for h in links(table) if not h.startswith(("tel:", "/export/"))]
    assert maps and all(h.startswith("/map?region=440882") for h in maps)
    exports = [h for h in links(table) if h.startswith("/export/panel?kind=governance-overdue")]
    assert [h.rsplit("format=", 1)[1] for h in exports] == ["xlsx", "csv"]  # a list: data only
    for panel in ("governance-types", "governance-outcomes"):
        formats = [h.rsplit("format=", 1)[1] for h in links(by_id(root, panel)) if h.startswith("/export/")]
        assert formats[-2:] == ["xlsx", "csv"] and f"kind={panel}" in links(by_id(root, panel))[0]


def test_gpg003_a_village_page_and_a_region_outside_the_scope(app):
    village = next(iter(values.children_values("disputes_received", "440882101", MONTH, ROOT)[1])).code
    root = render(app, "governance", "/governance", region=village[:9] + village[9:])
    assert by_id(root, "governance-kpis")
    refused = render(app, "governance", "/governance", region="440100")
    assert "无法显示该页面" in text(refused)
