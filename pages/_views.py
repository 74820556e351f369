"""Building blocks shared by the overview and the map page: plain functions, no callbacks.

Each takes plain arguments (codes, a month, the scope from ``web.scope.current_scope()``), asks
``data_access`` and ``geo`` for figures, and returns components. Theme pages may reuse them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from components.attention import AttentionItem, target_item, worst_first
from components.choropleth import map_figure
from components.format import fmt_completeness, fmt_value
from components.trend import trend_figure
from data_access import store, values
from data_access.errors import CockpitError
from data_access.headlines import headline
from data_access.indicators import Indicator, get_indicator, list_indicators
from data_access.periods import month_range, parse_period, period_for
from data_access.regions import Region
from data_access.scope import Scope

TREND_MONTHS = 24


def map_href(region: str | None = None, indicator: str | None = None, period: str | None = None) -> str:
    """``/map?region=…&indicator=…&period=…`` with only the parts given."""
    query = {k: v for k, v in (("region", region), ("indicator", indicator), ("period", period)) if v}
    return "/map" + (f"?{urlencode(query)}" if query else "")


def headline_indicators(limit: int = 8) -> list[Indicator]:
    """The indicators flagged ``headline`` (the first few of the catalogue if none is)."""
    every = list_indicators()
    return [i for i in every if i.headline][:limit] or every[:limit]


def as_of_month(scope: Scope) -> str | None:
    """The month the cockpit shows by default: the store's ``as_of_period``, else the newest data."""
    meta = store.get_meta("as_of_period")
    if meta:
        try:
            return parse_period(meta, "month").text
        except CockpitError:
            pass
    for ind in headline_indicators():
        latest = values.latest_period(ind.code, scope)
        if latest:
            end = parse_period(latest)
            return f"{end.year:04d}-{end.end_month:02d}"
    return None


def recent_months(scope: Scope, n: int = TREND_MONTHS) -> list[str]:
    """The last ``n`` months up to the as-of month (oldest first); empty without data."""
    month = as_of_month(scope)
    return month_range(month, n) if month else []


def child_map(
    ind: Indicator,
    parent: Region,
    children: list[values.Value],
    period: str | None = None,
    *,
    height: int | None = None,
    size: tuple[int, int] = (900, 560),
    selected: str | None = None,
) -> dict:
    """The map of ``parent``'s children for one indicator: geometry by URL, codes and values inline.

    A plain figure dict (``components.choropleth.map_figure``), equivalent to geo's ``choropleth_figure``.
    ``period`` is accepted for callers that pass it; the values already belong to one period.
    """
    from geo.prepare import get_layer
    from geo.serve import geojson_url, overlay_url

    layer = get_layer(parent.code)
    by_code = {c.code: c for c in children}
    codes = [c for c in layer.codes if c in by_code] or [c.code for c in children]
    vals = [by_code[c].value for c in codes]
    return map_figure(
        geojson_url(parent.code),
        codes,
        [by_code[c].name for c in codes],
        vals,
        unit=ind.unit,
        bounds=layer.bounds,
        direction=ind.direction,
        overlay=overlay_url(parent.code),
        schematic=layer.schematic,
        decimals=ind.decimals,
        size=size,
        height=height,
        selected=selected,
        value_text=[fmt_value(v, ind.unit, ind.decimals) for v in vals],
    )


def trend_points(
    ind: Indicator, region: str, month: str, scope: Scope
) -> tuple[list[str], list[tuple[str, float | None]]]:
    """The periods a trend shows (24 months, 8 quarters or 2 years up to ``month``, oldest first)
    and the series covering them and the year before (for 上年同期)."""
    end = parse_period(period_for(ind.frequency, month))
    count = {"month": TREND_MONTHS, "quarter": TREND_MONTHS // 3, "year": TREND_MONTHS // 12}[ind.frequency]
    periods = [end]
    while len(periods) < count:
        periods.insert(0, periods[0].prev())
    start = periods[0]
    for _ in range({"month": 12, "quarter": 4, "year": 1}[ind.frequency]):
        start = start.prev()
    points = values.series(ind.code, region, scope, start=start.text, end=end.text)
    return [p.text for p in periods], points


def trend(ind: Indicator, region: str, month: str, scope: Scope) -> dict:
    """24 months (8 quarters, 2 years) up to ``month`` against the year before, as a figure dict."""
    periods, points = trend_points(ind, region, month, scope)
    return trend_figure(
        points,
        name=ind.name,
        unit=ind.unit,
        periods=periods,
        decimals=ind.decimals,
        bars=ind.value_type == "cumulative",  # year-to-date figures restart each January
    )


def indicator_or_default(code: str | None, level: int, *, deepest: bool = True) -> Indicator:
    """The indicator asked for; else a headline indicator collected below ``level``: the one
    collected deepest (so a drill can go all the way down), or with ``deepest=False`` the first.

    Raises:
        NotFound: an unknown code.
    """
    if code:
        return get_indicator(code)
    heads = headline_indicators()
    below = [i for i in heads if i.lowest_level > level]
    if below and not deepest:
        return below[0]
    if below:
        return max(below, key=lambda i: (i.lowest_level, -heads.index(i)))
    every = list_indicators()
    return next((i for i in every if i.lowest_level > level), (heads or every)[0])


COMPLETENESS_ALERT = 0.9  # flag a county whose units reported less than this share
ATTENTION_LIMIT = 8


def attention_items(region: str, month: str, scope: Scope) -> list[AttentionItem]:
    """Headline indicators behind their annual target (worst first), then children with low
    completeness. Amounts are judged against 时间进度, rates against the target level, as on the
    KPI cards (``components.attention.target_item``)."""
    behind = []
    for ind in headline_indicators():
        h = headline(ind.code, region, month, scope)  # memoized: the KPI cards' own figures
        item = target_item(
            name=h.name,
            unit=h.unit,
            decimals=h.decimals,
            direction=h.direction,
            progress=h.progress,
            href=map_href(region, ind.code),
        )
        if item is not None:
            behind.append(item)
    totals: dict[str, list[Any]] = {}
    for ind in headline_indicators():
        try:
            _, kids = values.children_values(ind.code, region, period_for(ind.frequency, month), scope)
        except CockpitError:  # not collected below this level
            continue
        for kid in kids:
            entry = totals.setdefault(kid.code, [kid.name, 0, 0, ind.code])
            entry[1] += kid.reported
            entry[2] += kid.expected
    low = sorted(
        (reported / expected, code, name, reported, expected, ind_code)
        for code, (name, reported, expected, ind_code) in totals.items()
        if expected and reported / expected < COMPLETENESS_ALERT
    )
    lagging = [
        AttentionItem("reporting", f"{name}：{fmt_completeness(r, e)}（{share:.0%}）", map_href(code, ind))
        for share, code, name, r, e, ind in low
    ]
    return (worst_first(behind) + lagging)[:ATTENTION_LIMIT]
