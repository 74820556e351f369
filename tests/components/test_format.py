"""Chinese number formatting: 万/亿 scaling, units, changes, schedule gaps, periods."""

from __future__ import annotations

import pytest

from components import format as f


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "expected"),
    [
        (4012.345, "亿元", 1, "4,012.3 亿元"),
        (23456, "万元", 1, "2.35 亿元"),  # 23,456 万元 = 2.35 亿元
        (9999, "万元", 1, "9,999.0 万元"),
        (123456789, "元", 0, "1.23 亿元"),
        (250000, "人", 0, "25.00 万人"),
        (86.53, "%", 1, "86.5%"),
        (-0.01, "%", 1, "0.0%"),  # no "-0.0"
        (12, "个", 0, "12 个"),
        (None, "个", 0, "—"),
        (float("nan"), "元", 0, "—"),
    ],
)
def test_fmt001_values_carry_units_and_scale(value, unit, decimals, expected):
    assert f.fmt_value(value, unit, decimals) == expected


def test_fmt002_changes_in_percent_and_points():
    assert f.fmt_change(4.84, "pct") == "同比 +4.8%"
    assert f.fmt_change(-1.23, "pp") == "同比 -1.2 个百分点"
    assert f.fmt_change(0.0, "pct") == "同比持平"
    assert f.fmt_change(-0.04, "pp") == "同比持平"  # never "-0.0 个百分点"
    assert f.fmt_change(0.05, "pct", label="环比") == "环比 +0.1%"
    assert f.fmt_change(None, "pct") == "同比 —"
    assert f.change_tone(-2.0, -1) == "good"  # lower is better: a fall is good
    assert f.change_tone(-2.0, 1) == "bad"
    assert f.change_tone(0, 1) == "flat"


def test_fmt003_progress_against_schedule():
    assert f.fmt_gap(-13.0) == "落后 13.0 个百分点"
    assert f.fmt_gap(2.46) == "领先 2.5 个百分点"
    assert f.fmt_gap(0.01) == "与时间进度持平"
    assert f.fmt_progress(0.62, 0.75, -13.0) == "完成年度目标 62%，时间进度 75%，落后 13.0 个百分点"
    assert f.fmt_progress(None, 0.75, None) == "无年度目标"


def test_fmt004_periods_completeness_ranks_and_times():
    assert f.fmt_period("2026-10") == "2026年10月"
    assert f.fmt_period("2026-Q3") == "2026年第三季度"
    assert f.fmt_period("2025") == "2025年"
    assert f.fmt_ytd_period("2026-10") == "2026年1—10月"
    assert f.fmt_ytd_period("2026-01") == "2026年1月"
    assert f.fmt_covered("2026-10", True) == "2026年1—10月"
    assert f.fmt_covered("2026-10", False) == "2026年10月"
    assert f.fmt_covered("2026-Q3", True) == "2026年前三季度"
    assert f.fmt_covered("2026-Q2", True) == "2026年上半年"
    assert f.fmt_covered("2026-Q3", False) == "2026年第三季度"
    assert f.fmt_covered("2025", True) == "2025年"
    assert f.fmt_completeness(118, 125) == "报送 118/125"
    assert f.fmt_completeness(0, 0) == "报送 —"
    assert f.fmt_rank(3, 9, where="全市") == "全市第 3/9 位"
    assert f.fmt_as_of("2026-11-05T09:00:00") == "2026-11-05 09:00"
    assert f.fmt_as_of("not a time") == "not a time"
