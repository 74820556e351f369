"""Figures the theme pages (经济运行, 政务服务, 数字底座) compare per indicator, composed from ``values``.

A page picks a month; quarterly and yearly indicators are converted with ``period_for``. The
headline of each indicator (KPI card, summary sentence) comes from :mod:`data_access.headlines`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .cache import versioned
from .errors import InvalidInput
from .indicators import get_indicator
from .periods import parse_period, period_for
from .regions import Region, get_region, region_index
from .scope import Scope
from .values import Value, children_values, descendant_values, region_value


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


# What a 粤智助 map of a region at a level draws: the level that reads on one screen. The province
# maps its cities, a city its towns; counties and towns their villages (village detail is one
# drill away from any of them). Drawing every village of the province (≈26,800 cells) took 12 s
# per process and 771 KB of JSON.
KIOSK_MAP_LEVEL = {1: 2, 2: 4, 3: 5, 4: 5, 5: 5}


@dataclass(frozen=True)
class KioskMap:
    """The 粤智助 map of a region: the units drawn and the region's village counts.

    ``place`` is the region whose units at ``level`` are drawn (for a village: its town);
    ``indicator`` is ``kiosks`` (台) for villages and ``kiosk_coverage`` (%) above them.
    ``covered``/``total``: villages with a kiosk / villages in the region itself (Σ of the
    ``kiosk_villages`` and ``villages_total`` indicators, the coverage rate's two terms).
    """

    place: Region
    level: int
    indicator: str
    values: list[Value]
    covered: float | None
    total: float | None


@versioned
def kiosk_map(region: str, month: str, scope: Scope) -> KioskMap:
    """The 粤智助 map of ``region`` for a month (see :data:`KIOSK_MAP_LEVEL`)."""
    reg = get_region(region, scope)
    in_town = reg.level == 5 and reg.parent and scope.contains(reg.parent)
    place = get_region(reg.parent, scope) if in_town else reg
    level = KIOSK_MAP_LEVEL[reg.level]
    indicator = "kiosks" if level == 5 else "kiosk_coverage"
    period = period_for(get_indicator(indicator).frequency, parse_period(month, "month").text)
    values = descendant_values(indicator, place.code, level, period, scope)
    covered = region_value("kiosk_villages", reg.code, period, scope).value
    total = region_value("villages_total", reg.code, period, scope).value
    return KioskMap(place, level, indicator, values, covered, total)
