"""SQL rollups behind ``values``: partial aggregates over lowest-level units via ``region_closure``.

A partial (:class:`Acc`) per (indicator, ancestor, period) holds the count of units that reported
and the sums a rule needs; partials of disjoint subtrees add up, so a parent is the sum of its
children. Only :mod:`data_access.values` uses this module.

Units are the regions at the indicator's lowest level; for county-level indicators a county-less
city (东莞, 中山: level 2 with its towns directly below) is its own unit (:func:`units_sql`), so
its stored figure is its value and the province's totals include it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Connection,
    TextClause,
    and_,
    bindparam,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    union_all,
)

from .indicators import Indicator
from .schema import region, region_closure, target
from .scope import prefix_of


@dataclass
class Acc:
    """Partial aggregate over lowest-level units; partials of disjoint subtrees add up."""

    reported: int = 0
    total: float = 0.0  # Σv (sum), Σnumerator (ratio), Σv·w (weighted_mean)
    base: float = 0.0  # Σdenominator (ratio), Σw (weighted_mean)
    lo: float | None = None
    hi: float | None = None

    def add(self, other: Acc | None) -> Acc:
        if other is None or not other.reported:
            return self
        return Acc(
            self.reported + other.reported,
            self.total + other.total,
            self.base + other.base,
            other.lo if self.lo is None else min(self.lo, other.lo),
            other.hi if self.hi is None else max(self.hi, other.hi),
        )


def combine(parts: Iterable[Acc | None]) -> Acc:
    acc = Acc()
    for part in parts:
        acc = acc.add(part)
    return acc


def finish(ind: Indicator, acc: Acc | None) -> float | None:
    """The figure of an aggregate; None when nobody reported or a denominator is zero."""
    if acc is None or not acc.reported:
        return None
    rule = ind.aggregation
    if rule == "sum":
        return acc.total
    if rule in ("min", "max"):
        return acc.lo if rule == "min" else acc.hi
    if not acc.base:
        return None
    return acc.total / acc.base * (ind.factor if rule == "ratio" else 1.0)


# --- SQL -------------------------------------------------------------------------------------

Key = tuple[str, str, str]  # (indicator code, ancestor, period)

# A unit of the indicator's lowest level is a region of that level; at the county level (3) also
# a county-less city (东莞, 中山: level 2, towns directly below), which the demo and the statistics
# offices report as its own county-level unit. ``units_sql`` says it for closure rows (``c``);
# the hot queries say it for an observation's region code (``_CODE_UNITS``).
COUNTY = 3
_COUNTYLESS = "EXISTS (SELECT 1 FROM region r WHERE r.parent_code = {code} AND r.level = 4)"


def units_sql(level: int) -> str:
    """SQL condition on closure alias ``c`` selecting the units at ``level`` (constant text)."""
    if level == COUNTY:
        countyless = _COUNTYLESS.format(code="c.descendant")
        return f"c.descendant_level IN (2, 3) AND (c.descendant_level = 3 OR {countyless})"
    return f"c.descendant_level = {int(level)}"


# A code carries its level in its trailing zeros (``scope.level_of``; scopes rely on it too):
# this is that test in SQL, on the code column ``{code}``.
_CODE_LEVEL = {
    1: "substr({code}, 3, 10) = '0000000000'",
    2: "substr({code}, 5, 8) = '00000000' AND substr({code}, 3, 2) <> '00'",
    3: "substr({code}, 7, 6) = '000000' AND substr({code}, 5, 2) <> '00'",
    4: "substr({code}, 10, 3) = '000' AND substr({code}, 7, 3) <> '000'",
    5: "substr({code}, 10, 3) <> '000'",
}


def _code_units(level: int, code: str) -> str:
    own = _CODE_LEVEL[level].format(code=code)
    if level != COUNTY:
        return own
    city = _CODE_LEVEL[2].format(code=code)
    return f"(({own}) OR ({city} AND {_COUNTYLESS.format(code=code)}))"


# ``single`` scans the observation key (indicator, period, region) over the ancestors' code range
# and groups by the ancestor's code prefix (a subtree is a code prefix), keeping the rows whose
# region is a unit: no join with ``region_closure``, whose per-unit probes cost 2–2.5× as much on
# SQLite at province scale. ``pairs`` must probe the second member per unit anyway, so walking the
# closure rows of the ancestors first and probing both members (``CROSS JOIN`` fixes that order in
# SQLite; PostgreSQL plans it like any inner join) is as cheap and avoids sorting on a prefix.
# Only constant text is spliced in.
_SINGLE = """
    SELECT substr(o.region_code, 1, {plen}), o.indicator_code, o.period,
           COUNT(*), SUM(o.value), MIN(o.value), MAX(o.value)
    FROM observation o
    WHERE o.indicator_code IN :codes AND o.period IN :periods
      AND o.region_code >= :lo AND o.region_code < :hi AND {units}
      AND substr(o.region_code, 1, {plen}) IN :prefixes
    GROUP BY substr(o.region_code, 1, {plen}), o.indicator_code, o.period
    """

_PAIRS = """
    SELECT c.ancestor, a.indicator_code, b.indicator_code, a.period,
           COUNT(*), SUM(a.value), SUM(b.value), SUM(a.value * b.value)
    FROM region_closure c CROSS JOIN observation a CROSS JOIN observation b
    WHERE c.ancestor IN :ancestors AND {units}
      AND a.indicator_code IN :firsts AND a.period IN :periods AND a.region_code = c.descendant
      AND a.region_code >= :lo AND a.region_code < :hi
      AND b.indicator_code IN :seconds AND b.period = a.period AND b.region_code = a.region_code
    GROUP BY c.ancestor, a.indicator_code, b.indicator_code, a.period
    """


@functools.cache
def _statement(template: str, level: int, plen: int = 0) -> TextClause:
    units = _code_units(level, "o.region_code") if template is _SINGLE else units_sql(level)
    names = [
        n for n in ("ancestors", "prefixes", "codes", "firsts", "seconds", "periods") if f":{n}" in template
    ]
    sql = template.format(units=units, plen=int(plen))
    return text(sql).bindparams(*(bindparam(n, expanding=True) for n in names))


def _by_prefix(ancestors: list[str]) -> dict[int, dict[str, str]]:
    """Ancestors grouped by the length of their code prefix: {length: {prefix: ancestor}}."""
    out: dict[int, dict[str, str]] = {}
    for anc in ancestors:
        prefix = prefix_of(anc)
        out.setdefault(len(prefix), {})[prefix] = anc
    return out


def _level_of(inds: list[Indicator]) -> int:
    levels = {i.lowest_level for i in inds}
    if len(levels) != 1:
        raise ValueError(f"one lowest level per query, got {sorted(levels)}")
    return levels.pop()


def code_range(ancestors: list[str]) -> dict[str, str]:
    """Bounds of the codes under all ``ancestors`` (a subtree is a code prefix): the index range."""
    prefixes = [prefix_of(a) for a in ancestors]
    common = prefixes[0] if prefixes else ""
    for p in prefixes[1:]:
        while not p.startswith(common):
            common = common[:-1]
    if not common:
        return {"lo": "", "hi": "~"}  # every digit code sorts between
    return {"lo": common, "hi": common[:-1] + chr(ord(common[-1]) + 1)}


def single(conn: Connection, inds: list[Indicator], ancestors: list[str], periods: list[str]) -> dict:
    """Count/sum/min/max of stored values per (indicator, ancestor, period) over the units."""
    level, out = _level_of(inds), {}
    for plen, anc_of in _by_prefix(ancestors).items():
        params = {
            "prefixes": sorted(anc_of),
            "codes": [i.code for i in inds],
            "periods": periods,
            **code_range(list(anc_of.values())),
        }
        for prefix, code, period, n, total, lo, hi in conn.execute(_statement(_SINGLE, level, plen), params):
            out[(code, anc_of[prefix], period)] = Acc(int(n), float(total), 0.0, float(lo), float(hi))
    return out


def pairs(conn: Connection, inds: list[Indicator], ancestors: list[str], periods: list[str]) -> dict:
    """Ratio and weighted-mean partials over the units that reported both members of the pair."""
    pair_of = {
        i.code: (i.numerator, i.denominator) if i.aggregation == "ratio" else (i.code, i.weight) for i in inds
    }
    params = {
        "ancestors": ancestors,
        "periods": periods,
        "firsts": sorted({x for x, _ in pair_of.values()}),
        "seconds": sorted({y for _, y in pair_of.values()}),
        **code_range(ancestors),
    }
    rows: dict[tuple, list] = {}
    for anc, x, y, period, n, sa, sb, sab in conn.execute(_statement(_PAIRS, _level_of(inds)), params):
        rows.setdefault((x, y), []).append((anc, period, int(n), float(sa), float(sb), float(sab)))
    out: dict[Key, Acc] = {}
    for ind in inds:
        for anc, period, n, sa, sb, sab in rows.get(pair_of[ind.code], []):
            out[(ind.code, anc, period)] = Acc(n, sa if ind.aggregation == "ratio" else sab, sb)
    return out


def frequency_of(period: str) -> str:
    return "quarter" if "Q" in period else "year" if len(period) == 4 else "month"


def gather(
    conn: Connection,
    inds: list[Indicator],
    ancestors: list[str],
    periods: list[str],
    expected: dict | None = None,
) -> dict:
    """Partials for every (indicator, ancestor, period).

    One query per rule kind, lowest level and frequency, each with only that frequency's periods:
    every (indicator, period) pair of a query is a probe per unit, so mixing them multiplies work.
    With ``expected``, a ratio whose numerator and denominator are asked for too and were reported
    by every unit is taken from their sums without the pairing query (the same figure, cheaper).
    """
    groups: dict[tuple[bool, int, str], list[Indicator]] = {}
    for ind in inds:
        paired = ind.aggregation in ("ratio", "weighted_mean")
        groups.setdefault((paired, ind.lowest_level, ind.frequency), []).append(ind)
    out: dict[Key, Acc] = {}
    for paired in (False, True):  # sums first: complete ratios reuse them
        for (kind, _, frequency), members in groups.items():
            wanted = sorted({p for p in periods if frequency_of(p) == frequency})
            if kind != paired or not wanted or not ancestors:
                continue
            if paired and expected is not None:
                members = [i for i in members if not from_sums(i, out, ancestors, wanted, expected)]
            if members:
                out.update((pairs if paired else single)(conn, members, ancestors, wanted))
    return out


def from_sums(ind: Indicator, out: dict, ancestors: list[str], periods: list[str], expected: dict) -> bool:
    """Fill a ratio from its members' sums when every unit reported both; False if it cannot."""
    if ind.aggregation != "ratio":
        return False
    filled = {}
    for anc in ancestors:
        units = expected.get((anc, ind.lowest_level), 0)
        for period in periods:
            num, den = out.get((ind.numerator, anc, period)), out.get((ind.denominator, anc, period))
            if num is None and den is None:
                continue  # nobody reported either: no value, nothing to pair
            if num is None or den is None or not num.reported == den.reported == units:
                return False
            filled[(ind.code, anc, period)] = Acc(units, num.total, den.total)
    out.update(filled)
    return True


def unit_clause(level: int) -> ColumnElement[bool]:
    """:func:`units_sql` as a Core condition on ``region_closure`` (for non-textual queries)."""
    c = region_closure.c
    if level != COUNTY:
        return c.descendant_level == level
    r = region.alias("r")
    countyless = exists().where(r.c.parent_code == c.descendant, r.c.level == 4)
    return and_(c.descendant_level.in_((2, 3)), or_(c.descendant_level == 3, countyless))


def expected_units(conn: Connection, ancestors: list[str], levels: set[int]) -> dict[tuple[str, int], int]:
    """Number of units at each of ``levels`` under each ancestor (the region itself included).

    A county-less city counts as one county-level unit (and, for level-2 indicators, as a city).
    """
    c = region_closure.c
    stmt = (
        select(c.ancestor, c.descendant_level, func.count())
        .where(c.ancestor.in_(ancestors), c.descendant_level.in_(levels))
        .group_by(c.ancestor, c.descendant_level)
    )
    if COUNTY in levels:
        extra = (
            select(c.ancestor, literal(COUNTY), func.count())
            .where(c.ancestor.in_(ancestors), c.descendant_level == 2, unit_clause(COUNTY))
            .group_by(c.ancestor)
        )
        stmt = union_all(stmt, extra)
    out: dict[tuple[str, int], int] = {}
    for anc, level, n in conn.execute(stmt):
        out[(anc, int(level))] = out.get((anc, int(level)), 0) + int(n)
    return out


def targets(
    conn: Connection, codes: list[str], region12: str, years: set[int]
) -> dict[tuple[str, int], float]:
    t = target.c
    stmt = select(t.indicator_code, t.year, t.value).where(
        t.region_code == region12, t.indicator_code.in_(codes), t.year.in_(years)
    )
    return {(code, int(year)): float(value) for code, year, value in conn.execute(stmt)}
