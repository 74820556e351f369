"""The overview's logic, called directly on the 湛江 demo store."""

from __future__ import annotations

import importlib
import json

import pytest
from plotly.utils import PlotlyJSONEncoder

from components.format import fmt_covered
from data_access import values
from data_access.headlines import headline
from data_access.periods import period_for
from data_access.scope import Scope
from pages import _views as views

SCOPE = Scope.of("440800")
CITY = "440800000000"


@pytest.fixture
def overview(demo_client):
    """The overview page module (importable once the app has registered its pages)."""
    return importlib.import_module("pages.overview")


def _text(component) -> str:
    return json.dumps(component, cls=PlotlyJSONEncoder, ensure_ascii=False)


def test_ovw001_headline_kpis_use_year_to_date_for_flows(demo_client):
    month = views.as_of_month(SCOPE)
    assert month == "2026-10"
    heads = {i.code: headline(i.code, CITY, month, SCOPE) for i in views.headline_indicators()}
    retail = heads["retail_sales"]  # a monthly flow: 1—10月 累计 and its 同比
    assert retail.value == values.ytd_value("retail_sales", CITY, "2026-10", SCOPE)
    assert retail.change == values.yoy("retail_sales", CITY, "2026-10", SCOPE, basis="ytd")
    assert fmt_covered(retail.period, retail.cumulative) == "2026年1—10月"
    gdp = heads["gdp"]  # quarterly cumulative: the quarter ended by October, 前三季度
    assert gdp.period == "2026-Q3" and gdp.value == values.region_value("gdp", CITY, "2026-Q3", SCOPE).value
    assert fmt_covered(gdp.period, gdp.cumulative) == "2026年前三季度"
    assert gdp.progress == values.target_progress("gdp", CITY, "2026-Q3", SCOPE)


def test_ovw002_layout_shows_every_headline_with_unit_and_period(demo_client, overview):
    with demo_client.application.test_request_context("/"):
        page = _text(overview.layout())
    for ind in views.headline_indicators():
        assert ind.name in page
    for part in ("亿元", "2026年1—10月", "2026年前三季度", "同比", "时间进度", "演示数据", "需关注"):
        assert part in page, part


def test_ovw003_attention_lists_behind_schedule_worst_first_then_low_reporting(demo_client, overview):
    items = overview.attention_items(CITY, "2026-10", SCOPE)
    behind = []
    for ind in views.headline_indicators():
        progress = values.target_progress(ind.code, CITY, period_for(ind.frequency, "2026-10"), SCOPE)
        if progress is not None and progress.gap_pp < 0:
            behind.append((progress.gap_pp, ind.name))
    expected = [name for _, name in sorted(behind)][: overview.ATTENTION_LIMIT]
    flagged = [i.text.split("：")[0] for i in items if i.kind == "schedule"]
    assert flagged == expected and all("落后" in i.text for i in items if i.kind == "schedule")
    assert all(i.href.startswith("/map?") for i in items)


def test_ovw004_indicator_panels_map_ranking_and_trend(demo_client, overview):
    panels = overview.indicator_panels("retail_sales", CITY, "2026-10", SCOPE)
    ranked = values.ranking("retail_sales", CITY, "2026-10", SCOPE)
    ranking = _text(panels["ranking"])
    assert ranking.index(ranked[0].name) < ranking.index(ranked[-1].name)
    assert panels["figure"]["data"][-1]["geojson"] == f"/geo/{CITY}.geojson"
    assert len(panels["trend"]["data"][1]["x"]) == 24 and panels["map_style"] == {}
    city_only = overview.indicator_panels(
        "govnet_city_rate", CITY, "2026-10", SCOPE
    )  # collected at city level
    assert city_only["map_style"] == {"display": "none"} and "没有下级数据" in _text(city_only["ranking"])
