"""Summary sentences against hand-computed figures (components/summary.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from components.summary import (
    Figures,
    change_clause,
    comparison_clause,
    period_phrase,
    progress_clause,
    quantity,
    region_phrase,
    summary_sentence,
    target_clause,
)


def change(value, kind="pct"):
    return SimpleNamespace(value=value, kind=kind)


def progress(share, schedule, target=100.0):
    return SimpleNamespace(
        target=target,
        actual=share * target,
        progress=share,
        schedule=schedule,
        gap_pp=(share - schedule) * 100,
    )


def test_sum001_gdp_sentence_with_growth_and_comparison():
    # 3312.46 → 3,312.5; growth 4.84 → 4.8; 4.84 − 4.24 = 0.60 → 高于全省 0.6 个百分点.
    f = Figures(
        "地区生产总值",
        "亿元",
        1,
        "1—10月",
        "全市",
        3312.46,
        change(4.84),
        parent_label="全省",
        parent_change=change(4.24),
    )
    assert (
        summary_sentence(f) == "1—10月全市地区生产总值 3,312.5 亿元，同比增长 4.8%，高于全省 0.6 个百分点。"
    )


def test_sum002_negative_growth_says_decrease_and_lower_than_parent():
    # −1.23 → 同比下降 1.2%; −1.23 − 0.5 = −1.73 → 低于全市 1.7 个百分点.
    f = Figures(
        "社会消费品零售总额",
        "亿元",
        2,
        "1—10月",
        "雷州市",
        45.3,
        change(-1.23),
        parent_label="全市",
        parent_change=change(0.5),
    )
    assert (
        summary_sentence(f)
        == "1—10月雷州市社会消费品零售总额 45.30 亿元，同比下降 1.2%，低于全市 1.7 个百分点。"
    )


def test_sum003_missing_comparison_has_no_comparison_clause():
    f = Figures("一般公共预算收入", "亿元", 2, "10月", "全市", 12.0, change(3.0))
    assert summary_sentence(f) == "10月全市一般公共预算收入 12.00 亿元，同比增长 3.0%。"
    # A parent label without the parent's growth is no comparison either.
    g = Figures("一般公共预算收入", "亿元", 2, "10月", "雷州市", 1.5, change(3.0), parent_label="全市")
    assert summary_sentence(g) == "10月雷州市一般公共预算收入 1.50 亿元，同比增长 3.0%。"


def test_sum004_missing_last_year_drops_growth_and_comparison():
    f = Figures(
        "出口总额", "亿元", 1, "10月", "全市", 20.04, None, parent_label="全省", parent_change=change(2.0)
    )
    assert summary_sentence(f) == "10月全市出口总额 20.0 亿元。"


def test_sum005_percent_indicator_changes_in_points_and_compares_levels():
    # 85.24% ; +1.26 pp → 提高 1.3 个百分点; 85.24 − 82.2 = 3.04 → 高于全市 3.0 个百分点.
    f = Figures(
        "网上办理率",
        "%",
        1,
        "10月",
        "雷州市",
        85.24,
        change(1.26, "pp"),
        parent_label="全市",
        parent_value=82.2,
    )
    assert summary_sentence(f) == "10月雷州市网上办理率 85.2%，同比提高 1.3 个百分点，高于全市 3.0 个百分点。"
    assert change_clause(change(-0.44, "pp")) == "同比降低 0.4 个百分点"


def test_sum006_target_progress_behind_and_ahead_of_schedule():
    # 62% of the target at 10/12 = 83.3% of the year: 62.0 − 83.33 = −21.3 pp.
    assert (
        progress_clause(progress(0.62, 10 / 12)) == "完成年度目标 62.0%，时间进度 83.3%，落后 21.3 个百分点"
    )
    assert progress_clause(progress(0.62, 0.75)) == "完成年度目标 62.0%，时间进度 75.0%，落后 13.0 个百分点"
    assert progress_clause(progress(0.80, 0.75)) == "完成年度目标 80.0%，时间进度 75.0%，领先 5.0 个百分点"
    assert progress_clause(progress(0.7501, 0.75)) == "完成年度目标 75.0%，时间进度 75.0%，与时间进度持平"
    assert progress_clause(None) is None


def test_sum007_sentence_with_progress_joins_with_semicolon():
    f = Figures(
        "固定资产投资", "亿元", 1, "1—9月", "全市", 900.0, change(-2.0), progress=progress(0.62, 0.75)
    )
    assert summary_sentence(f) == (
        "1—9月全市固定资产投资 900.0 亿元，同比下降 2.0%；完成年度目标 62.0%，时间进度 75.0%，落后 13.0 个百分点。"
    )


@pytest.mark.parametrize(
    ("period", "cumulative", "expected"),
    [
        ("2026-10", True, "1—10月"),
        ("2026-01", True, "1月"),
        ("2026-10", False, "10月"),
        ("2026-Q1", True, "一季度"),
        ("2026-Q2", True, "上半年"),
        ("2026-Q3", True, "前三季度"),
        ("2025-Q4", True, "全年"),
        ("2026-Q3", False, "三季度"),
        ("2025", False, "2025年"),
    ],
)
def test_sum008_period_phrases(period, cumulative, expected):
    assert period_phrase(period, cumulative) == expected


def test_sum009_subjects_comparisons_and_flat_changes():
    assert region_phrase("湛江市", 2, "地级市", is_root=True) == "全市"
    assert region_phrase("遂溪县", 3, "县", is_root=True) == "全县"
    assert region_phrase("赤坎区", 3, "区", is_root=True) == "全区"
    assert region_phrase("雷州市", 3, "县级市", is_root=False) == "雷州市"
    assert change_clause(change(0.04)) == "同比持平"
    assert change_clause(None) is None
    assert comparison_clause(5.02, 5.0, "全市") == "与全市持平"
    assert comparison_clause(5.0, None, "全市") is None


def test_sum010_no_value_says_no_data_and_quantities_format():
    assert (
        summary_sentence(Figures("进口总额", "亿元", 1, "10月", "全市", None)) == "10月全市进口总额暂无数据。"
    )
    assert quantity(1234567, "件", 0) == "123.5 万件"  # large counts in 万, as on the cards
    assert quantity(226305, "件", 0) == "22.63 万件"
    assert quantity(31602, "元", 0) == "31,602 元"
    assert quantity(99.5, "%", 1) == "99.5%"


def test_sum011_rate_targets_compare_levels_not_the_schedule():
    # 92.3% against a target of 95%: 2.7 points below; the schedule does not apply to a rate.
    goal = progress(92.3 / 95.0, 10 / 12, target=95.0)
    assert target_clause(goal) == "低于年度目标（95.0%）2.7 个百分点"
    assert target_clause(progress(96.0 / 95.0, 0.5, target=95.0)) == "高于年度目标（95.0%）1.0 个百分点"
    assert target_clause(progress(1.0, 0.5, target=95.0)) == "达到年度目标（95.0%）"
    f = Figures("政务外网村级接入率", "%", 1, "10月", "全市", 92.3, change(11.7, "pp"), progress=goal)
    assert (
        summary_sentence(f)
        == "10月全市政务外网村级接入率 92.3%，同比提高 11.7 个百分点；低于年度目标（95.0%）2.7 个百分点。"
    )
