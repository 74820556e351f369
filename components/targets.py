"""How an indicator is judged against its annual target: one rule for KPI cards, summaries and 需关注.

An amount (亿元, 件, 元 …, summed or accumulated over the year) is judged against the schedule
(时间进度): by the end of October 10/12 of the annual target should be done, and the gap is
``progress − schedule`` in percentage points of the target (``完成年度目标 72%，落后 3.3 个百分点``).
For a lower-is-better amount the target is a cap and the sign turns: using less of it than the
share of the year elapsed is ahead.

A rate (unit "%", e.g. 网上办理率) does not accumulate: its annual target is a level to reach, so
the current value is compared with the target level itself and the difference is in percentage
points of the rate (``低于年度目标（90.0%）3.4 个百分点``). Comparing a rate's "share of its target"
with the share of the year elapsed would be meaningless.

The unit test is the same as ``data_access.indicators.Indicator.is_percent`` (components take plain
figures, not ``Indicator`` rows, so they ask this module instead).
"""

from __future__ import annotations

from typing import Protocol

from components.format import number


class TargetLike(Protocol):
    """``values.Progress``: target and actual in the indicator's unit, progress and schedule as
    shares of 1, ``gap_pp`` = (progress − schedule) × 100 (the other way round for a cap)."""

    target: float
    actual: float
    progress: float
    schedule: float
    gap_pp: float


def target_is_level(unit: str) -> bool:
    """True for a rate (unit "%"): its annual target is a level to reach, not judged by 时间进度."""
    return unit.strip() == "%"


def shortfall_pp(progress: TargetLike | None, unit: str, direction: int = 1) -> float | None:
    """How far an indicator is behind its annual target, in percentage points (> 0: behind).

    Amounts: ``-gap_pp``, the points behind 时间进度 (as on the KPI card's progress bar); ``gap_pp``
    already counts a lower-is-better amount's target as a cap (``data_access.values.Progress``).
    Rates: the target level minus the value, or the value minus the target for a lower-is-better
    rate (``direction`` -1). None without a target.
    """
    if progress is None:
        return None
    if target_is_level(unit):
        if progress.actual is None or progress.target is None:
            return None
        return (progress.target - progress.actual) * (1 if direction >= 0 else -1)
    if progress.gap_pp is None:
        return None
    return -progress.gap_pp


def level_met(progress: TargetLike | None, direction: int, decimals: int) -> bool | None:
    """For a rate: True when its value reaches its target level, as shown (rounded to
    ``decimals``: 89.96% against 90.0% counts as reached); None without a target or a value."""
    gap = shortfall_pp(progress, "%", direction)
    if gap is None:
        return None
    return float(number(gap, decimals).replace(",", "")) <= 0
