"""Headline figures: one indicator for one region and month, as a KPI card and a summary show it.

The overview and the theme pages (经济运行, 政务服务, 数字底座) pick a month; quarterly and yearly
indicators are converted with ``period_for``. A headline is the region's figure (year to date for
flow indicators unless asked otherwise), its 同比 on the same basis, the parent's figures for
comparison (when the parent is inside the scope), target progress and reporting completeness.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cache import versioned
from .indicators import get_indicator
from .periods import parse_period, period_for
from .regions import Region, get_region, region_index
from .scope import Scope
from .values import Change, Progress, region_value, target_progress, yoy, ytd_value


@dataclass(frozen=True)
class Headline:
    """One indicator for one region and month, ready for a KPI card and a summary sentence."""

    code: str
    name: str
    unit: str
    decimals: int
    direction: int
    source_dept: str
    period: str  # the indicator's own period for the month (2026-Q3 for GDP in 2026-10)
    cumulative: bool  # the value covers the year up to the period (累计)
    value: float | None
    change: Change | None
    region: Region
    parent: Region | None  # the parent when it is inside the scope
    parent_value: float | None
    parent_change: Change | None
    progress: Progress | None
    reported: int
    expected: int


def _figure(
    code: str, region: str, period: str, scope: Scope, ytd: bool
) -> tuple[float | None, Change | None]:
    if ytd:
        return ytd_value(code, region, period, scope), yoy(code, region, period, scope, basis="ytd")
    return region_value(code, region, period, scope).value, yoy(code, region, period, scope)


@versioned
def headline(indicator: str, region: str, month: str, scope: Scope, ytd: bool = True) -> Headline:
    """The region's figure for the month (``ytd``: 累计 for flow indicators) with its context.

    Raises:
        OutOfScope, NotFound, InvalidInput: as the ``values`` functions do.
    """
    reg = get_region(region, scope)
    ind = get_indicator(indicator)
    period = period_for(ind.frequency, parse_period(month, "month").text)
    cumulative = ind.value_type == "cumulative" or (ytd and ind.value_type == "flow")
    value, change = _figure(ind.code, reg.code, period, scope, ytd)
    parent = region_index().by_code.get(reg.parent) if reg.parent and scope.contains(reg.parent) else None
    parent_value, parent_change = (
        _figure(ind.code, parent.code, period, scope, ytd) if parent else (None, None)
    )
    completeness = region_value(ind.code, reg.code, period, scope)
    return Headline(
        code=ind.code,
        name=ind.name,
        unit=ind.unit,
        decimals=ind.decimals,
        direction=ind.direction,
        source_dept=ind.source_dept,
        period=period,
        cumulative=cumulative,
        value=value,
        change=change,
        region=reg,
        parent=parent,
        parent_value=parent_value,
        parent_change=parent_change,
        progress=target_progress(ind.code, reg.code, period, scope),
        reported=completeness.reported,
        expected=completeness.expected,
    )
