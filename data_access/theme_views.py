"""Figures the theme pages (经济运行, 政务服务, 数字底座) compare per indicator, composed from ``values``.

A page picks a month; quarterly and yearly indicators are converted with ``period_for``. The
headline of each indicator (KPI card, summary sentence) comes from :mod:`data_access.headlines`.
"""

from __future__ import annotations

from .cache import versioned
from .errors import InvalidInput
from .indicators import get_indicator
from .periods import parse_period, period_for
from .regions import Region, get_region, region_index
from .scope import Scope
from .values import Value, children_values, descendant_values


@versioned
def comparison_values(indicator: str, region: str, month: str, scope: Scope) -> tuple[Region, list[Value]]:
    """The regions to compare for the page of ``region``: its children where the indicator is
    collected at their level, otherwise its siblings (the parent's children) when the parent is in
    the scope. Returns (the region whose children are listed, their values).

    Raises:
        InvalidInput: neither the children nor the siblings can be compared.
    """
    reg = get_region(region, scope)
    ind = get_indicator(indicator)
    period = period_for(ind.frequency, parse_period(month, "month").text)
    kids = region_index().children.get(reg.code, [])
    if kids and max(k.level for k in kids) <= ind.lowest_level:
        return reg, children_values(ind.code, reg.code, period, scope)[1]
    if reg.parent and scope.contains(reg.parent):
        parent = region_index().get(reg.parent)
        return parent, children_values(ind.code, parent.code, period, scope)[1]
    raise InvalidInput(f"{ind.name}在{reg.name}下级没有可比较的地区")


@versioned
def village_values(indicator: str, region: str, month: str, scope: Scope) -> list[Value]:
    """Every village under the region (itself if a village) for a village-level indicator."""
    ind = get_indicator(indicator)
    if ind.lowest_level != 5:
        raise InvalidInput(f"{ind.name}不在村级采集")
    period = period_for(ind.frequency, parse_period(month, "month").text)
    return descendant_values(ind.code, region, 5, period, scope)
