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


def test_ovw003_attention_lists_behind_target_worst_first_then_low_reporting(demo_client, overview):
    """Amounts behind 时间进度, rates below their target level (as on the cards), worst first."""
    items = overview.attention_items(CITY, "2026-10", SCOPE)
    behind = []
    for ind in views.headline_indicators():
        progress = values.target_progress(ind.code, CITY, period_for(ind.frequency, "2026-10"), SCOPE)
        if progress is None:
            continue
        if ind.unit == "%":  # a level to reach: the value against the target, in points of the rate
            gap = (progress.target - progress.actual) * ind.direction
            word = "低于" if ind.direction > 0 else "高于"
            text = f"{ind.name}：{word}年度目标（{progress.target:.{ind.decimals}f}%）{gap:.{ind.decimals}f} 个百分点"
        else:  # an amount: the share of the target done against the share of the year elapsed
            gap = -progress.gap_pp
            text = (
                f"{ind.name}：完成年度目标 {progress.progress:.0%}，时间进度 {progress.schedule:.0%}，"
                f"落后 {gap:.1f} 个百分点"
            )
        if round(gap, 1) > 0:
            behind.append((-gap, text))
    expected = [text for _, text in sorted(behind)][: overview.ATTENTION_LIMIT]
    flagged = [i.text for i in items if i.kind in ("schedule", "target")]
    assert flagged == expected
    # The demo has rates below their target level (集体经济收入超10万元村占比, 网上办理率 for 湛江):
    # they are judged against the level, never against 时间进度.
    rates = [i for i in items if i.kind == "target"]
    assert rates and all("低于年度目标" in i.text and "时间进度" not in i.text for i in rates)
    assert all("时间进度" in i.text and "落后" in i.text for i in items if i.kind == "schedule")
    kinds = [i.kind for i in items]
    assert kinds == sorted(kinds, key=lambda kind: kind == "reporting")  # low reporting comes last
    assert all(i.href.startswith("/map?") for i in items)


def test_ovw003b_attention_figures_on_the_tiny_store(tiny_values_client):
    """Hand-computed on the tiny store (测试市, 2026-10; all five indicators are "headlines")."""
    from sqlalchemy import insert, update

    from data_access import store
    from data_access.schema import indicator, target

    overview = importlib.import_module("pages.overview")
    scope, city = Scope.of("990100"), "990100000000"
    goals = {"T_POP": 150.0, "T_RATE": 50.0, "T_Q": 46.0}
    with store.engine().begin() as conn:
        rows = [
            {"indicator_code": c, "region_code": city, "year": 2026, "value": v} for c, v in goals.items()
        ]
        conn.execute(insert(target), rows)
        store.bump_version(conn)
    # T_RATE = (1+2+3+4+5) / (5×10) × 100 = 30.0%: 20.0 points below a 50% level (no schedule).
    # T_Q (quarterly): 5+7+11 = 23 of 46 = 50% after three quarters (75%): 25.0 points behind.
    # T_POP (monthly flow, 1—10月): 10+20+30+40 = 100 of 150 = 66.7% against 10/12 = 83.3%: 16.7 behind.
    lines = [
        (i.kind, i.text) for i in overview.attention_items(city, "2026-10", scope) if i.kind != "reporting"
    ]
    assert lines == [
        ("schedule", "季度项目数：完成年度目标 50%，时间进度 75%，落后 25.0 个百分点"),
        ("target", "达标率：低于年度目标（50.0%）20.0 个百分点"),
        ("schedule", "常住人口：完成年度目标 67%，时间进度 83%，落后 16.7 个百分点"),
    ]
    # Lower is better: 30.0% under a 35% ceiling is fine; under a 25% ceiling it is 5.0 points above.
    with store.engine().begin() as conn:
        conn.execute(update(indicator).where(indicator.c.code == "T_RATE").values(direction=-1))
        conn.execute(update(target).where(target.c.indicator_code == "T_RATE").values(value=35.0))
        store.bump_version(conn)
    texts = [i.text for i in overview.attention_items(city, "2026-10", scope)]
    assert not any(text.startswith("达标率") for text in texts)
    with store.engine().begin() as conn:
        conn.execute(update(target).where(target.c.indicator_code == "T_RATE").values(value=25.0))
        store.bump_version(conn)
    lines = [i.text for i in overview.attention_items(city, "2026-10", scope) if i.kind == "target"]
    assert lines == ["达标率：高于年度目标（25.0%）5.0 个百分点"]


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
