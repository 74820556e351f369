"""需关注 lines from targets (components/attention.py, components/targets.py), hand-computed figures.

An amount is judged against 时间进度; a rate (unit "%") against its target level, in the indicator's
direction — the same rule as the KPI cards (no schedule for rates) and the summaries' target clause.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

from plotly.utils import PlotlyJSONEncoder

from components.attention import AttentionItem, attention_list, target_item, worst_first
from components.targets import shortfall_pp, target_is_level


def progress(target, actual, schedule):
    """A ``values.Progress``: share of the target done and the gap to the schedule in points."""
    share = actual / target
    return SimpleNamespace(
        target=target, actual=actual, progress=share, schedule=schedule, gap_pp=(share - schedule) * 100
    )


def item(name, unit, decimals, p, direction=1):
    return target_item(name=name, unit=unit, decimals=decimals, direction=direction, progress=p, href="/map")


def test_att001_only_rates_are_judged_against_the_target_level():
    assert target_is_level("%") and target_is_level(" % ")
    assert not target_is_level("亿元") and not target_is_level("元") and not target_is_level("台/村")


def test_att002_rate_below_its_target_level_not_against_the_schedule():
    # 网上办理率 86.6% against a target of 90%, in October: 90 − 86.6 = 3.4 points below the level.
    # Measured the old way it was 96.2% "of the target" against 83.3% of the year: 领先, not flagged.
    p = progress(90.0, 86.6, 10 / 12)
    line = item("网上办理率", "%", 1, p)
    assert line.kind == "target" and line.href == "/map"
    assert line.text == "网上办理率：低于年度目标（90.0%）3.4 个百分点"
    assert abs(line.gap - 3.4) < 1e-9 and abs(shortfall_pp(p, "%") - 3.4) < 1e-9
    assert "完成年度目标" not in line.text and "时间进度" not in line.text
    # A yearly rate (schedule 1.0): 76.7% against 85%: 8.3 points below (not "完成 90%，落后 9.8").
    share = item("集体经济收入超10万元村占比", "%", 1, progress(85.0, 76.7, 1.0))
    assert share.text == "集体经济收入超10万元村占比：低于年度目标（85.0%）8.3 个百分点"


def test_att003_rate_at_or_above_its_target_is_not_flagged():
    assert item("网上办理率", "%", 1, progress(90.0, 91.2, 10 / 12)) is None
    assert item("网上办理率", "%", 1, progress(90.0, 90.0, 10 / 12)) is None
    # 89.96% shows as 90.0%: 达到年度目标 once rounded, so nothing to flag.
    assert item("网上办理率", "%", 1, progress(90.0, 89.96, 10 / 12)) is None
    # ...but with two decimals 0.04 points short is shown and flagged.
    assert (
        item("好评率", "%", 2, progress(90.0, 89.96, 10 / 12)).text
        == "好评率：低于年度目标（90.00%）0.04 个百分点"
    )


def test_att004_lower_is_better_rate_is_flagged_above_its_target():
    # An overdue rate (lower is better) at 6.5% against a ceiling of 5%: 1.5 points above it.
    over = progress(5.0, 6.5, 10 / 12)
    line = item("逾期报送率", "%", 1, over, direction=-1)
    assert line.kind == "target" and line.text == "逾期报送率：高于年度目标（5.0%）1.5 个百分点"
    assert abs(line.gap - 1.5) < 1e-9 and abs(shortfall_pp(over, "%", -1) - 1.5) < 1e-9
    # 4.2% is below the ceiling: fine for a lower-is-better rate (and would be flagged if higher were better).
    assert item("逾期报送率", "%", 1, progress(5.0, 4.2, 10 / 12), direction=-1) is None
    assert (
        item("达标率", "%", 1, progress(5.0, 4.2, 10 / 12)).text == "达标率：低于年度目标（5.0%）0.8 个百分点"
    )


def test_att005_amount_behind_the_schedule_keeps_the_time_comparison():
    # GDP 2,880 of 4,000 亿元 after three quarters: 72% done against 75% of the year, 3.0 points behind.
    p = progress(4000.0, 2880.0, 0.75)
    line = item("地区生产总值", "亿元", 2, p)
    assert line.kind == "schedule"
    assert line.text == "地区生产总值：完成年度目标 72%，时间进度 75%，落后 3.0 个百分点"
    assert abs(line.gap - 3.0) < 1e-9
    # Ahead of the schedule (3,100 / 4,000 = 77.5% > 75%), or within the card's 与时间进度持平: not flagged.
    assert item("地区生产总值", "亿元", 2, progress(4000.0, 3100.0, 0.75)) is None
    assert item("地区生产总值", "亿元", 2, progress(4000.0, 2998.5, 0.75)) is None  # 0.04 points behind
    # An amount's direction does not turn the schedule around (as on the KPI card's progress bar).
    assert shortfall_pp(p, "亿元", -1) == shortfall_pp(p, "亿元", 1)


def test_att006_no_target_no_line():
    assert item("地区生产总值", "亿元", 2, None) is None and item("网上办理率", "%", 1, None) is None
    assert shortfall_pp(None, "%") is None


def test_att007_worst_first_across_rates_and_amounts():
    # Shortfalls in points: GDP 3.0 (schedule), 网上办理率 3.4 (level), 逾期报送率 1.5 (level, lower is better).
    lines = [
        item("地区生产总值", "亿元", 2, progress(4000.0, 2880.0, 0.75)),
        item("逾期报送率", "%", 1, progress(5.0, 6.5, 10 / 12), direction=-1),
        item("网上办理率", "%", 1, progress(90.0, 86.6, 10 / 12)),
    ]
    assert [i.text.split("：")[0] for i in worst_first(lines)] == ["网上办理率", "地区生产总值", "逾期报送率"]


def test_att008_rate_lines_carry_their_own_tag():
    text = json.dumps(
        attention_list(
            [AttentionItem("target", "网上办理率：低于年度目标（90.0%）3.4 个百分点", "/map")]
        ).to_plotly_json(),
        cls=PlotlyJSONEncoder,
        ensure_ascii=False,
    )
    assert "未达目标" in text and "tag-target" in text and "落后进度" not in text
