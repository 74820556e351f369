"""Rollups and derived figures: every number a page shows comes from here.

A region's value derives from the observations at the indicator's ``lowest_level`` under it
(through ``region_closure``): ``sum`` adds, ``ratio`` is Σnumerator/Σdenominator×factor over the
units that reported both, ``weighted_mean`` is Σ(v·w)/Σw with the weight indicator (same
frequency), ``min``/``max``. Values stored above the lowest level are kept but never rolled up,
except that a county-less city (东莞, 中山) is its own county-level unit (see :mod:`.rollup`).
``reported``/``expected`` count lowest-level units with a value / units that exist.

Asking for a region below the indicator's lowest level gives ``value=None, expected=0``;
``children_values`` refuses such a drill-down with ``InvalidInput`` ("该指标最低采集到县级，无法
下钻到镇级"). Every public function checks the scope first, then that the region and indicator
exist, then the period against the indicator's frequency; results are memoized per data version.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from . import store
from .cache import versioned
from .errors import InvalidInput
from .indicators import LEVEL_SHORT, Indicator, catalogue, lookup
from .periods import Period, parse_period, period_for
from .regions import Region, RegionIndex, region_index
from .rollup import Acc as _Acc
from .rollup import combine as _combine
from .rollup import finish as _finish
from .rollup import gather as _gather_partials
from .rollup import targets as _targets
from .rollup import unit_clause as _unit_clause
from .schema import observation, region_closure
from .scope import Scope


@dataclass(frozen=True)
class Value:
    """One region's figure for one indicator and period, with completeness n of m."""

    code: str
    name: str
    value: float | None
    reported: int
    expected: int


@dataclass(frozen=True)
class Change:
    """同比/环比: ``kind`` "pct" = growth in percent, "pp" = difference in percentage points."""

    value: float
    kind: str


@dataclass(frozen=True)
class Progress:
    """Progress against the annual target; shares are fractions (0.62), ``gap_pp`` in points.

    ``gap_pp`` > 0 is ahead of the schedule (时间进度), < 0 behind. For a lower-is-better amount
    (direction -1: the target is a cap, e.g. 事故起数) using less of the cap than the share of the
    year elapsed is ahead: ``gap_pp = (schedule − progress) × 100``.
    """

    target: float
    actual: float
    progress: float
    schedule: float
    gap_pp: float


@dataclass(frozen=True)
class Ranked:
    """One sibling in a ranking; ``rank`` None for a region without a value (listed last)."""

    rank: int | None
    code: str
    name: str
    value: float | None


# --- helpers shared by the public functions --------------------------------------------------


@dataclass(frozen=True)
class _Snapshot:
    regions: RegionIndex
    indicators: dict[str, Indicator]
    rolled: bool  # the stored rollup partials match this data version (see rollup.py)


_LOCAL: dict[str, _Snapshot] = {}


def _snapshot() -> _Snapshot:
    """The process's region index (:func:`regions.region_index`) and the indicators read with it.

    The catalogue is reread exactly when the index is (a new store or data version gives a new
    index object), so both stay in step with one version query per call.
    """
    index = region_index()
    snap = _LOCAL.get("snap")
    if snap is None or snap.regions is not index:
        rolled = store.get_meta(store.ROLLUP_VERSION) == str(index.version)
        snap = _Snapshot(index, catalogue(cached=False), rolled)
        _LOCAL["snap"] = snap
    return snap


def _current() -> _Snapshot:
    """The snapshot the running call's :func:`_context` (or :func:`_snapshot`) just checked.

    Saves the data-version query a second :func:`_snapshot` would make; any snapshot stored is
    a consistent (index, catalogue, freshness) triple, so a newer one is as good.
    """
    return _LOCAL.get("snap") or _snapshot()


def _gather(conn: Connection, inds: list[Indicator], ancestors: list[str], periods: list[str], expected=None):
    """:func:`rollup.gather`, reading stored partials when they match the current data version."""
    return _gather_partials(conn, inds, ancestors, periods, expected, rolled=_current().rolled)


def local_region_index() -> RegionIndex:
    """The region index of the current data version (the one :func:`regions.region_index` holds)."""
    return region_index()


def local_indicators() -> dict[str, Indicator]:
    """The indicator catalogue of the current data version (see :func:`_snapshot`)."""
    return _snapshot().indicators


def _context(
    indicator: str, region: str, period: str | None, scope: Scope
) -> tuple[Indicator, Region, Period | None]:
    """Check scope, region, indicator and period (in that order) and return them parsed."""
    code12 = scope.check(region)
    snap = _snapshot()
    reg = snap.regions.get(code12)
    ind = lookup(snap.indicators, indicator)
    per = parse_period(period, ind.frequency) if period is not None else None
    return ind, reg, per


def _value(ind: Indicator, reg: Region, acc: _Acc | None, expected: dict) -> Value:
    reported = acc.reported if acc else 0
    return Value(
        reg.code, reg.name, _finish(ind, acc), reported, expected.get((reg.code, ind.lowest_level), 0)
    )


def _figure(ind: Indicator, accs: dict, code12: str, per: Period, ytd: bool = False) -> float | None:
    """The period's value, or its year-to-date figure (累计) for flow indicators when ``ytd``."""
    if ytd and ind.value_type == "flow":
        return _finish(ind, _combine(accs.get((ind.code, code12, p.text)) for p in per.ytd_periods()))
    return _finish(ind, accs.get((ind.code, code12, per.text)))


def _own(ind: Indicator, accs: dict, code12: str, per: Period) -> float | None:
    """The period's own amount: for cumulative sums, the increment over the previous period."""
    cur = _figure(ind, accs, code12, per)
    if ind.value_type != "cumulative" or ind.aggregation != "sum" or per.index == 1 or cur is None:
        return cur
    before = _figure(ind, accs, code12, per.prev())
    return None if before is None else cur - before


def _change(ind: Indicator, cur: float | None, prev: float | None) -> Change | None:
    if cur is None or prev is None:
        return None
    if ind.is_percent:
        return Change(cur - prev, "pp")
    if prev == 0:
        return None
    return Change((cur - prev) / abs(prev) * 100, "pct")


def _progress(ind: Indicator, goal: float | None, accs: dict, code12: str, per: Period) -> Progress | None:
    actual = _figure(ind, accs, code12, per, ytd=True)
    if goal is None or actual is None or goal == 0:
        return None
    share, schedule = actual / goal, per.schedule()
    return Progress(
        goal, actual, share, schedule, (share - schedule) * 100 * (1 if ind.direction >= 0 else -1)
    )


def _rank(ind: Indicator, values: list[Value]) -> list[Ranked]:
    """Best first by ``direction``; equal displayed values share a rank (1, 2, 2, 4)."""
    have = [v for v in values if v.value is not None]
    have.sort(key=lambda v: (-round(v.value, ind.decimals) * ind.direction, v.code))
    out: list[Ranked] = []
    for position, v in enumerate(have, 1):
        tied = out and round(out[-1].value, ind.decimals) == round(v.value, ind.decimals)
        out.append(Ranked(out[-1].rank if tied else position, v.code, v.name, v.value))
    return out + [Ranked(None, v.code, v.name, None) for v in values if v.value is None]


def _drill_children(ind: Indicator, reg: Region, regions: RegionIndex) -> list[Region]:
    kids = regions.children.get(reg.code, [])
    if not kids:
        raise InvalidInput(f"{reg.name}没有下级地区，无法下钻")
    deepest = max(k.level for k in kids)
    if deepest > ind.lowest_level and reg.code in regions.countyless and ind.lowest_level == 3:
        raise InvalidInput(f"{reg.name}不设县级，该指标在市级采集，无法下钻到镇级")
    if deepest > ind.lowest_level:
        raise InvalidInput(
            f"该指标最低采集到{LEVEL_SHORT[ind.lowest_level]}级，无法下钻到{LEVEL_SHORT[deepest]}级"
        )
    return kids


# --- public API (docs/ARCHITECTURE.md) -------------------------------------------------------


@versioned
def region_value(indicator: str, region: str, period: str, scope: Scope) -> Value:
    """One region's value with completeness; below the lowest level: value None, expected 0."""
    ind, reg, per = _context(indicator, region, period, scope)
    if reg.level > ind.lowest_level:
        return Value(reg.code, reg.name, None, 0, 0)
    with store.engine().connect() as conn:
        accs = _gather(conn, [ind], [reg.code], [per.text])
        expected = _current().regions.expected_units([reg.code], {ind.lowest_level})
    return _value(ind, reg, accs.get((ind.code, reg.code, per.text)), expected)


@versioned
def children_values(indicator: str, parent: str, period: str, scope: Scope) -> tuple[Value, list[Value]]:
    """The parent and its direct children (by code); the parent's figure adds up the children's.

    Raises:
        InvalidInput: the children lie below the indicator's lowest level (or there are none).
    """
    ind, reg, per = _context(indicator, parent, period, scope)
    kids = _drill_children(ind, reg, _current().regions)
    codes = [k.code for k in kids]
    with store.engine().connect() as conn:
        accs = _gather(conn, [ind], codes, [per.text])
        expected = _current().regions.expected_units(codes, {ind.lowest_level})
    parts = [accs.get((ind.code, k.code, per.text)) for k in kids]
    values = [_value(ind, k, part, expected) for k, part in zip(kids, parts, strict=True)]
    total = _combine(parts)
    head = Value(reg.code, reg.name, _finish(ind, total), total.reported, sum(v.expected for v in values))
    return head, values


@versioned
def descendant_values(indicator: str, region: str, level: int, period: str, scope: Scope) -> list[Value]:
    """Every unit at ``level`` under the region (the region itself at its own level), by code.

    One query for all of them, e.g. the 1,992 villages of a city for a village-level map.

    Raises:
        InvalidInput: ``level`` is above the region or below the indicator's lowest level.
    """
    ind, reg, per = _context(indicator, region, period, scope)
    if not reg.level <= level <= ind.lowest_level:
        raise InvalidInput(f"{ind.name}无法按{LEVEL_SHORT.get(level, level)}级列出{reg.name}的下级地区")
    units = _units_at(_current().regions, reg, level)
    codes = [u.code for u in units]
    with store.engine().connect() as conn:
        accs = _gather(conn, [ind], codes, [per.text]) if codes else {}
        expected = _current().regions.expected_units(codes, {ind.lowest_level}) if codes else {}
    return [_value(ind, u, accs.get((ind.code, u.code, per.text)), expected) for u in units]


def _units_at(index: RegionIndex, reg: Region, level: int) -> list[Region]:
    if reg.level >= level:
        return [reg]
    return [u for kid in index.children.get(reg.code, []) for u in _units_at(index, kid, level)]


@versioned
def series(
    indicator: str, region: str, scope: Scope, start: str | None = None, end: str | None = None
) -> list[tuple[str, float | None]]:
    """(period, value) from the region's first to last period with data (or ``start``..``end``).

    Periods in between without data give None, so a chart shows the gap.
    """
    ind, reg, _ = _context(indicator, region, None, scope)
    first = parse_period(start, ind.frequency) if start else None
    last = parse_period(end, ind.frequency) if end else None
    if reg.level > ind.lowest_level:
        return []
    with store.engine().connect() as conn:
        if first is None or last is None:
            lo, hi = _stored_span(conn, ind)
            if lo is None:
                return []
            first, last = first or lo, last or hi
        periods = _periods_between(first, last)
        accs = _gather(conn, [ind], [reg.code], [p.text for p in periods])
    out = [(p.text, _finish(ind, accs.get((ind.code, reg.code, p.text)))) for p in periods]
    head = 0 if start else next((n for n, (_, v) in enumerate(out) if v is not None), len(out))
    tail = len(out) if end else max((n + 1 for n, (_, v) in enumerate(out) if v is not None), default=0)
    return out[head:tail]


def _data_code(ind: Indicator) -> str:
    """The indicator whose observations carry the data (a ratio stores none of its own)."""
    return ind.numerator if ind.aggregation == "ratio" and ind.numerator else ind.code


def _stored_span(conn: Connection, ind: Indicator) -> tuple[Period | None, Period | None]:
    """First and last stored period of the indicator anywhere (two index lookups)."""
    o = observation.c
    where = o.indicator_code == _data_code(ind)
    lo, hi = conn.execute(
        select(
            select(func.min(o.period)).where(where).scalar_subquery(),
            select(func.max(o.period)).where(where).scalar_subquery(),
        )
    ).one()
    if lo is None:
        return None, None
    return parse_period(lo, ind.frequency), parse_period(hi, ind.frequency)


def _periods_between(first: Period, last: Period) -> list[Period]:
    out, period = [], first
    while period <= last and len(out) < 1200:  # a century of months at most
        out.append(period)
        period = period.next()
    return out


@versioned
def ytd_value(indicator: str, region: str, period: str, scope: Scope) -> float | None:
    """累计: flow indicators add the periods of the year so far; others give the period's value."""
    ind, reg, per = _context(indicator, region, period, scope)
    if reg.level > ind.lowest_level:
        return None
    periods = per.ytd_periods() if ind.value_type == "flow" else [per]
    with store.engine().connect() as conn:
        accs = _gather(conn, [ind], [reg.code], [p.text for p in periods])
    return _figure(ind, accs, reg.code, per, ytd=True)


@versioned
def yoy(indicator: str, region: str, period: str, scope: Scope, basis: str = "period") -> Change | None:
    """同比 against the same period last year; ``basis="ytd"`` compares year-to-date figures."""
    if basis not in ("period", "ytd"):
        raise InvalidInput(f"同比口径错误：{basis}（应为 period 或 ytd）")
    ind, reg, per = _context(indicator, region, period, scope)
    if reg.level > ind.lowest_level:
        return None
    ytd = basis == "ytd" and ind.value_type == "flow"
    last = per.same_last_year()
    periods = [*per.ytd_periods(), *last.ytd_periods()] if ytd else [per, last]
    with store.engine().connect() as conn:
        accs = _gather(conn, [ind], [reg.code], [p.text for p in periods])
    return _change(ind, _figure(ind, accs, reg.code, per, ytd), _figure(ind, accs, reg.code, last, ytd))


@versioned
def mom(indicator: str, region: str, period: str, scope: Scope) -> Change | None:
    """环比 against the previous period; cumulative sums compare their monthly increments."""
    ind, reg, per = _context(indicator, region, period, scope)
    if reg.level > ind.lowest_level:
        return None
    before = per.prev()
    with store.engine().connect() as conn:
        accs = _gather(conn, [ind], [reg.code], [per.text, before.text, before.prev().text])
    return _change(ind, _own(ind, accs, reg.code, per), _own(ind, accs, reg.code, before))


@versioned
def target_progress(indicator: str, region: str, period: str, scope: Scope) -> Progress | None:
    """Actual (累计 for flow, stored for cumulative, the period's stock) against the annual target."""
    ind, reg, per = _context(indicator, region, period, scope)
    if reg.level > ind.lowest_level:
        return None
    with store.engine().connect() as conn:
        goal = _targets(conn, [ind.code], reg.code, {per.year}).get((ind.code, per.year))
        if goal is None:
            return None
        periods = per.ytd_periods() if ind.value_type == "flow" else [per]
        accs = _gather(conn, [ind], [reg.code], [p.text for p in periods])
    return _progress(ind, goal, accs, reg.code, per)


@versioned
def ranking(indicator: str, parent: str, period: str, scope: Scope) -> list[Ranked]:
    """The parent's children best first (``direction`` -1: lowest first); ties share a rank."""
    ind = lookup(_snapshot().indicators, indicator)
    _, kids = children_values(indicator, parent, period, scope)
    return _rank(ind, kids)


@versioned
def rank_among_siblings(indicator: str, region: str, period: str, scope: Scope) -> tuple[int, int] | None:
    """(n, m): the region is n-th of the m siblings with a value (全市第 n 位).

    None without a value, below the lowest level, or when the parent is outside the scope.
    """
    ind, reg, _ = _context(indicator, region, period, scope)
    if reg.parent is None or not scope.contains(reg.parent) or reg.level > ind.lowest_level:
        return None
    ranked = ranking(indicator, reg.parent, period, scope)
    m = sum(1 for r in ranked if r.rank is not None)
    return next(((r.rank, m) for r in ranked if r.code == reg.code and r.rank is not None), None)


@versioned
def latest_period(indicator: str, scope: Scope) -> str | None:
    """The newest period with lowest-level data somewhere in the scope."""
    ind = lookup(_snapshot().indicators, indicator)
    code = _data_code(ind)
    o, c = observation.c, region_closure.c
    newest = select(func.max(o.period)).where(o.indicator_code == code)
    with store.engine().connect() as conn:
        period = conn.execute(newest).scalar()
        while period is not None:
            probe = (
                select(o.id)
                .select_from(observation.join(region_closure, c.descendant == o.region_code))
                .where(
                    c.ancestor == scope.root,
                    _unit_clause(ind.lowest_level),
                    o.indicator_code == code,
                    o.period == period,
                )
                .limit(1)
            )
            if conn.execute(probe).first() is not None:
                return period
            period = conn.execute(newest.where(o.period < period)).scalar()
    return None


def _profile_figures(
    conn: Connection, inds: list[Indicator], code12: str, pers: dict, goals: dict, expected: dict
) -> dict:
    """This period and a year earlier for every indicator; the whole year so far only where a
    flow indicator has a target (two batches, so no indicator is probed for periods it lacks)."""
    points = {t for i in inds for t in (pers[i.code].text, pers[i.code].same_last_year().text)}
    accs = _gather(conn, inds, [code12], sorted(points), expected)
    ytd = [i for i in inds if i.value_type == "flow" and (i.code, pers[i.code].year) in goals]
    months = {p.text for i in ytd for p in pers[i.code].ytd_periods()} - points
    accs.update(_gather(conn, ytd, [code12], sorted(months)))
    return accs


def _sibling_ranks(
    conn: Connection, inds: list[Indicator], reg: Region, pers: dict, scope: Scope, regions
) -> dict:
    """(n, m) per indicator among the region's siblings, from one batch query."""
    if reg.parent is None or not scope.contains(reg.parent):
        return {}
    codes = [s.code for s in regions.children.get(reg.parent, []) if s.level == reg.level]
    sibs = [regions.get(code) for code in codes]
    expected = regions.expected_units(codes, {i.lowest_level for i in inds})
    accs = _gather(conn, inds, codes, sorted({p.text for p in pers.values()}), expected)
    ranks = {}
    for ind in inds:
        per = pers[ind.code].text
        values = [Value(s.code, s.name, _finish(ind, accs.get((ind.code, s.code, per))), 0, 0) for s in sibs]
        ranked = _rank(ind, values)
        m = sum(1 for r in ranked if r.rank is not None)
        ranks[ind.code] = next(((r.rank, m) for r in ranked if r.code == reg.code and r.rank), None)
    return ranks


@versioned
def region_profile(region: str, period: str, scope: Scope) -> list[dict]:
    """One row per indicator collected at or below the region's level, for the month ``period``.

    Keys: code, name, unit, theme, period (converted with ``period_for``), value, yoy, progress,
    rank ((n, m) or None), reported, expected, decimals, direction. Four queries in all.
    """
    snap = _snapshot()
    reg = snap.regions.get(scope.check(region))
    month = parse_period(period, "month")
    inds = [i for i in snap.indicators.values() if reg.level <= i.lowest_level]
    pers = {i.code: parse_period(period_for(i.frequency, month.text)) for i in inds}
    if not inds:
        return []
    with store.engine().connect() as conn:
        goals = _targets(conn, [i.code for i in inds], reg.code, {p.year for p in pers.values()})
        expected = snap.regions.expected_units([reg.code], {i.lowest_level for i in inds})
        accs = _profile_figures(conn, inds, reg.code, pers, goals, expected)
        ranks = _sibling_ranks(conn, inds, reg, pers, scope, snap.regions)
    return [_profile_row(ind, reg, pers[ind.code], accs, expected, goals, ranks) for ind in inds]


def _profile_row(ind: Indicator, reg: Region, per: Period, accs, expected, goals, ranks) -> dict:
    value = _value(ind, reg, accs.get((ind.code, reg.code, per.text)), expected)
    last = per.same_last_year()
    return {
        "code": ind.code,
        "name": ind.name,
        "unit": ind.unit,
        "theme": ind.theme,
        "period": per.text,
        "value": value.value,
        "yoy": _change(ind, value.value, _figure(ind, accs, reg.code, last)),
        "progress": _progress(ind, goals.get((ind.code, per.year)), accs, reg.code, per),
        "rank": ranks.get(ind.code),
        "reported": value.reported,
        "expected": value.expected,
        "decimals": ind.decimals,
        "direction": ind.direction,
    }
