"""Headlines on the tiny store (``theme_store`` in conftest): hand-computed figures."""

from __future__ import annotations

import pytest

from data_access.errors import OutOfScope
from data_access.headlines import headline
from data_access.scope import Scope

CITY, A = "990100000000", "990101000000"
SCOPE = Scope(CITY)


def test_head001_county_headline_year_to_date_with_parent_and_target(theme_store):
    h = headline("t_flow", "990101", "2026-02", SCOPE)
    # 甲区 1—2月 11+12 = 23 against 20 → +15%; 测试市 23+9 = 32 against 30 → +6.67%.
    assert (h.code, h.name, h.unit, h.source_dept) == ("t_flow", "测试产值", "亿元", "统计局")
    assert (h.period, h.cumulative, h.value) == ("2026-02", True, 23)
    assert (h.change.kind, h.change.value) == ("pct", pytest.approx(15.0))
    assert h.parent.code == CITY
    assert h.parent_value == 32
    assert h.parent_change.value == pytest.approx(100 * 2 / 30)
    # Target 115: 23/115 = 20% done at 2/12 of the year → ahead by 3.33 points.
    assert h.progress.progress == pytest.approx(0.2)
    assert h.progress.gap_pp == pytest.approx((0.2 - 2 / 12) * 100)
    assert (h.reported, h.expected) == (1, 1)


def test_head002_root_headline_has_no_parent_and_month_figure(theme_store):
    h = headline("t_flow", "990100", "2026-02", SCOPE, ytd=False)
    # February alone: 12 + 4 = 16 against 10 + 5 = 15 → +6.67%; the province is outside the scope.
    assert (h.value, h.cumulative, h.parent, h.parent_value, h.progress) == (16, False, None, None, None)
    assert h.change.value == pytest.approx(100 / 15)
    assert (h.reported, h.expected) == (2, 2)


def test_head003_quarterly_indicator_converts_the_month(theme_store):
    h = headline("t_q", "990101", "2026-04", SCOPE)
    assert (h.period, h.cumulative, h.value) == ("2026-Q1", True, 30)
    assert h.change.value == pytest.approx(20.0)


def test_head004_out_of_scope_is_refused(theme_store):
    with pytest.raises(OutOfScope):
        headline("t_flow", "990102", "2026-02", Scope(A))
