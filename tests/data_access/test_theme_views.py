"""Theme page figures on the tiny store: headlines, comparisons, village values (hand-computed)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import insert

from data_access import store
from data_access.errors import InvalidInput, OutOfScope
from data_access.schema import indicator, observation, target
from data_access.scope import Scope
from data_access.theme_views import comparison_values, headline, village_values

CITY, A, B = "990100000000", "990101000000", "990102000000"
SCOPE = Scope(CITY)
VILLAGES = ["990101001001", "990101002001", "990101002002", "990102001001", "990102001002"]


def _ind(code, name, unit, frequency, value_type, level):
    return {
        "code": code,
        "name": name,
        "unit": unit,
        "theme": "economy",
        "definition": "",
        "source_dept": "统计局",
        "frequency": frequency,
        "value_type": value_type,
        "aggregation": "sum",
        "factor": 1.0,
        "direction": 1,
        "decimals": 1,
        "lowest_level": level,
        "sort_order": 0,
        "headline": False,
    }


def _obs(code, region, period, value):
    return {
        "indicator_code": code,
        "region_code": region,
        "period": period,
        "value": value,
        "status": "reported",
        "source": "t",
        "reported_at": datetime(2026, 3, 1),
        "reported_by": "t",
    }


@pytest.fixture
def theme_store(tiny_store):
    gdp = {
        A: {"2025-01": 10, "2025-02": 10, "2026-01": 11, "2026-02": 12},
        B: {"2025-01": 5, "2025-02": 5, "2026-01": 5, "2026-02": 4},
    }
    rows = [_obs("t_flow", r, p, v) for r, by in gdp.items() for p, v in by.items()]
    rows += [_obs("t_q", A, "2025-Q1", 25), _obs("t_q", A, "2026-Q1", 30)]
    rows += [_obs("t_kiosk", v, "2026-02", x) for v, x in zip(VILLAGES[:4], (1, 0, 1, 1), strict=True)]
    with store.engine().begin() as conn:
        conn.execute(
            insert(indicator),
            [
                _ind("t_flow", "测试产值", "亿元", "month", "flow", 3),
                _ind("t_q", "测试季度累计", "亿元", "quarter", "cumulative", 3),
                _ind("t_kiosk", "测试布设", "个", "month", "stock", 5),
            ],
        )
        conn.execute(insert(observation), rows)
        conn.execute(
            insert(target), [{"indicator_code": "t_flow", "region_code": A, "year": 2026, "value": 115}]
        )
        store.bump_version(conn)
    return tiny_store


def test_theme001_county_headline_year_to_date_with_parent_and_target(theme_store):
    h = headline("t_flow", "990101", "2026-02", SCOPE)
    # 甲区 1—2月 11+12 = 23 against 20 → +15%; 测试市 23+9 = 32 against 30 → +6.67%.
    assert (h.period, h.cumulative, h.value) == ("2026-02", True, 23)
    assert (h.change.kind, h.change.value) == ("pct", pytest.approx(15.0))
    assert h.parent.code == CITY
    assert h.parent_value == 32
    assert h.parent_change.value == pytest.approx(100 * 2 / 30)
    # Target 115: 23/115 = 20% done at 2/12 of the year → ahead by 3.33 points.
    assert h.progress.progress == pytest.approx(0.2)
    assert h.progress.gap_pp == pytest.approx((0.2 - 2 / 12) * 100)
    assert (h.reported, h.expected) == (1, 1)


def test_theme002_root_headline_has_no_parent_and_month_figure(theme_store):
    h = headline("t_flow", "990100", "2026-02", SCOPE, ytd=False)
    # February alone: 12 + 4 = 16 against 10 + 5 = 15 → +6.67%; the province is outside the scope.
    assert (h.value, h.cumulative, h.parent, h.parent_value, h.progress) == (16, False, None, None, None)
    assert h.change.value == pytest.approx(100 / 15)
    assert (h.reported, h.expected) == (2, 2)


def test_theme003_quarterly_indicator_converts_the_month(theme_store):
    h = headline("t_q", "990101", "2026-04", SCOPE)
    assert (h.period, h.cumulative, h.value) == ("2026-Q1", True, 30)
    assert h.change.value == pytest.approx(20.0)


def test_theme004_comparison_children_or_siblings(theme_store):
    parent, values = comparison_values("t_flow", "990100", "2026-02", SCOPE)
    assert parent.code == CITY
    assert [(v.name, v.value) for v in values] == [("甲区", 12), ("乙县", 4)]
    # 甲区's towns do not collect a county-level indicator: compare 甲区 with its siblings instead.
    parent, values = comparison_values("t_flow", "990101", "2026-02", SCOPE)
    assert parent.code == CITY
    assert [v.code for v in values] == [A, B]
    with pytest.raises(InvalidInput):
        comparison_values("t_flow", "990101", "2026-02", Scope(A))  # the city is outside that scope


def test_theme005_village_values_under_city_town_and_village(theme_store):
    values = village_values("t_kiosk", "990100", "2026-02", SCOPE)
    assert [v.code for v in values] == VILLAGES
    assert [v.value for v in values] == [1, 0, 1, 1, None]
    assert [v.value for v in village_values("t_kiosk", "990101002", "2026-02", SCOPE)] == [0, 1]
    assert [v.value for v in village_values("t_kiosk", "990102001002", "2026-02", SCOPE)] == [None]
    with pytest.raises(InvalidInput):
        village_values("t_flow", "990100", "2026-02", SCOPE)


def test_theme006_out_of_scope_is_refused(theme_store):
    with pytest.raises(OutOfScope):
        headline("t_flow", "990102", "2026-02", Scope(A))
    with pytest.raises(OutOfScope):
        village_values("t_kiosk", "990100", "2026-02", Scope(A))
