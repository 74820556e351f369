"""SQL rollups behind ``values``: partial aggregates over lowest-level units via ``region_closure``.

A partial (:class:`Acc`) per (indicator, ancestor, period) holds the count of units that reported
and the sums a rule needs; partials of disjoint subtrees add up, so a parent is the sum of its
children. Only :mod:`data_access.values` uses this module.

Units are the regions at the indicator's lowest level; for county-level indicators a county-less
city (东莞, 中山: level 2 with its towns directly below) is its own unit (:func:`units_sql`), so
its stored figure is its value and the province's totals include it.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    TextClause,
    and_,
    bindparam,
    delete,
    exists,
    func,
    or_,
    select,
    text,
)

from . import store
from .indicators import Indicator, read_catalogue
from .schema import region, region_closure, rollup_partial, target
from .scope import level_of, prefix_of


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
    rolled: bool = False,
) -> dict:
    """Partials for every (indicator, ancestor, period).

    With ``rolled`` (the stored partials match the current data version), ancestors at county
    level or above the indicator's lowest level are read from ``rollup_partial``; the others are
    computed from observations by :func:`scan`.
    """
    if not rolled:
        return scan(conn, inds, ancestors, periods, expected)
    out: dict[Key, Acc] = {}
    stored: dict[tuple[str, ...], list[Indicator]] = {}
    rest: dict[tuple[str, ...], list[Indicator]] = {}
    for ind in inds:
        top = min(ROLLED_LEVEL, ind.lowest_level - 1)
        high = tuple(a for a in ancestors if level_of(a) <= top)
        low = tuple(a for a in ancestors if level_of(a) > top)
        if high:
            stored.setdefault(high, []).append(ind)
        if low:
            rest.setdefault(low, []).append(ind)
    for high, members in stored.items():
        out.update(read_partials(conn, members, list(high), periods))
    for low, members in rest.items():
        out.update(scan(conn, members, list(low), periods, expected))
    return out


def scan(
    conn: Connection,
    inds: list[Indicator],
    ancestors: list[str],
    periods: list[str],
    expected: dict | None = None,
) -> dict:
    """Partials for every (indicator, ancestor, period), computed from the observations.

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


def targets(
    conn: Connection, codes: list[str], region12: str, years: set[int]
) -> dict[tuple[str, int], float]:
    t = target.c
    stmt = select(t.indicator_code, t.year, t.value).where(
        t.region_code == region12, t.indicator_code.in_(codes), t.year.in_(years)
    )
    return {(code, int(year)): float(value) for code, year, value in conn.execute(stmt)}


# --- precomputed partials (``rollup_partial``) -----------------------------------------------
#
# A province-wide ratio sums two observations per village (26,842 of them): 80–90 ms on SQLite,
# every time the data version changes. The partials of every ancestor at county level or above
# are therefore kept in ``rollup_partial`` and refreshed inside each observation write for the
# (indicator, period) pairs it touched; reading 21 rows then replaces the scan. The fill uses the
# same closure join and unit rule as ``pairs``, so both paths give the same figures (tested).

ROLLED_LEVEL = 3  # partials are kept for ancestors at province, city and county level

# The ancestor ``c.ancestor`` is at level ``k`` or above (its code's trailing zeros).
_AT_MOST = {
    1: "substr(c.ancestor, 3, 10) = '0000000000'",
    2: "substr(c.ancestor, 5, 8) = '00000000'",
    3: "substr(c.ancestor, 7, 6) = '000000'",
}
_COLUMNS = "(indicator_code, period, ancestor, reported, total, base, lo, hi)"
_FILL_SINGLE = f"""
    INSERT INTO rollup_partial {_COLUMNS}
    SELECT o.indicator_code, o.period, c.ancestor,
           COUNT(*), SUM(o.value), 0.0, MIN(o.value), MAX(o.value)
    FROM observation o CROSS JOIN region_closure c
    WHERE o.indicator_code IN :codes {{periods}} {{within}} AND c.descendant = o.region_code
      AND {{units}} AND {{top}}
    GROUP BY o.indicator_code, o.period, c.ancestor
    """
_FILL_PAIR = f"""
    INSERT INTO rollup_partial {_COLUMNS}
    SELECT CAST(:code AS VARCHAR(32)), a.period, c.ancestor,
           COUNT(*), SUM({{total}}), SUM(b.value), NULL, NULL
    FROM observation a CROSS JOIN observation b CROSS JOIN region_closure c
    WHERE a.indicator_code = :first {{periods}} {{within}}
      AND b.indicator_code = :second AND b.period = a.period AND b.region_code = a.region_code
      AND c.descendant = a.region_code AND {{units}} AND {{top}}
    GROUP BY a.period, c.ancestor
    """
# A province's partial is the sum of its cities' (every unit lies under exactly one city, a
# county-less city being its own county-level unit), so a write need not rescan the province.
_FILL_FROM_CITIES = f"""
    INSERT INTO rollup_partial {_COLUMNS}
    SELECT p.indicator_code, p.period, CAST(:province AS VARCHAR(12)),
           SUM(p.reported), SUM(p.total), SUM(p.base), MIN(p.lo), MAX(p.hi)
    FROM rollup_partial p JOIN region r ON r.code = p.ancestor
    WHERE r.parent_code = :province AND p.indicator_code IN :codes AND p.period IN :periods
    GROUP BY p.indicator_code, p.period
    """


@functools.cache
def _fill_statement(template: str, level: int, weighted: bool, by_period: bool, within: bool) -> TextClause:
    alias = "o" if template is _FILL_SINGLE else "a"
    sql = template.format(
        units=units_sql(level),
        top=_AT_MOST[min(ROLLED_LEVEL, level - 1)],
        total="a.value * b.value" if weighted else "a.value",
        periods=f"AND {alias}.period IN :periods" if by_period else "",
        within=(
            f"AND c.ancestor IN :ancestors AND {alias}.region_code >= :lo AND {alias}.region_code < :hi"
            if within
            else ""
        ),
    )
    names = [n for n in ("codes", "periods", "ancestors") if f":{n}" in sql]
    return text(sql).bindparams(*(bindparam(n, expanding=True) for n in names))


def fill_partials(
    conn: Connection,
    inds: Iterable[Indicator],
    periods: Iterable[str] | None = None,
    within: list[str] | None = None,
) -> None:
    """Recompute the stored partials of ``inds``: all of them, or for ``periods`` only, and for
    the ancestors ``within`` only (scanning just their subtrees' observations) when given."""
    inds = [i for i in inds if i.lowest_level > 1]  # a province-level figure needs no rollup
    if not inds or within == []:
        return
    chosen = sorted(set(periods)) if periods is not None else None
    p = rollup_partial.c
    doomed = delete(rollup_partial).where(p.indicator_code.in_([i.code for i in inds]))
    if chosen is not None:
        doomed = doomed.where(p.period.in_(chosen))
    if within is not None:
        doomed = doomed.where(p.ancestor.in_(within))
    conn.execute(doomed)
    extra: dict = {} if chosen is None else {"periods": chosen}
    if within is not None:
        extra.update(ancestors=within, **code_range(within))
    by_level: dict[int, list[str]] = {}
    for ind in inds:
        if ind.aggregation in ("ratio", "weighted_mean"):
            weighted = ind.aggregation == "weighted_mean"
            first, second = (ind.code, ind.weight) if weighted else (ind.numerator, ind.denominator)
            stmt = _fill_statement(
                _FILL_PAIR, ind.lowest_level, weighted, chosen is not None, within is not None
            )
            conn.execute(stmt, {"code": ind.code, "first": first, "second": second, **extra})
        else:
            by_level.setdefault(ind.lowest_level, []).append(ind.code)
    for level, codes in by_level.items():
        stmt = _fill_statement(_FILL_SINGLE, level, False, chosen is not None, within is not None)
        conn.execute(stmt, {"codes": codes, **extra})


def _fill_provinces(
    conn: Connection, inds: list[Indicator], periods: list[str], provinces: list[str]
) -> None:
    """Recompute the provinces' partials, from their cities' where every child is a city."""
    for province in provinces:
        levels = {
            lv for (lv,) in conn.execute(select(region.c.level).where(region.c.parent_code == province))
        }
        summed = [i for i in inds if i.lowest_level >= 3] if levels == {2} else []
        scanned = [i for i in inds if i not in summed]
        fill_partials(conn, scanned, periods, within=[province])
        if summed:
            p = rollup_partial.c
            conn.execute(
                delete(rollup_partial).where(
                    p.indicator_code.in_([i.code for i in summed]),
                    p.period.in_(periods),
                    p.ancestor == province,
                )
            )
            stmt = text(_FILL_FROM_CITIES).bindparams(
                bindparam("codes", expanding=True), bindparam("periods", expanding=True)
            )
            conn.execute(stmt, {"province": province, "codes": [i.code for i in summed], "periods": periods})


def _ancestors(conn: Connection, codes: set[str]) -> set[str]:
    """Every ancestor at county level or above of the regions ``codes`` (themselves included)."""
    c = region_closure.c
    found: set[str] = set()
    ordered = sorted(codes)
    for start in range(0, len(ordered), 900):
        stmt = select(c.ancestor).distinct().where(c.descendant.in_(ordered[start : start + 900]))
        found.update(a for (a,) in conn.execute(stmt) if level_of(a) <= ROLLED_LEVEL)
    return found


def rebuild_partials(conn: Connection) -> int:
    """Recompute every stored partial and mark them current; returns the new data version.

    Bumps the data version, so every process (each keeps the freshness with its region index)
    starts reading them with its next call.
    """
    conn.execute(delete(rollup_partial))
    fill_partials(conn, read_catalogue(conn).values())
    as_of = store.get_meta("updated_at", None, conn=conn)  # the data's as-of time is unchanged
    version = store.bump_version(conn, datetime.fromisoformat(as_of) if as_of else None)
    store.set_meta(conn, store.ROLLUP_VERSION, str(version))
    return version


def update_partials(conn: Connection, touched: Iterable[tuple[str, str, str]], before: int) -> bool:
    """Refresh the partials a write changed, inside its transaction.

    ``touched`` holds the written (indicator, period, region) keys; ``before`` is the data version
    the write started from (call after :func:`store.bump_version`). Recomputed: the touched
    indicators and the ratio/weighted-mean indicators built on them, for the touched periods, at
    the cities and counties above the touched regions (from their subtrees' observations) and the
    province (from its cities). Partials that were already stale stay stale (figures are then
    computed from observations: correct, only slower); returns whether they are current now.
    """
    if store.get_meta(store.ROLLUP_VERSION, None, conn=conn) != str(before):
        return False
    touched = set(touched)
    codes = {code for code, _, _ in touched}
    periods = sorted({period for _, period, _ in touched})
    affected = [
        ind
        for ind in read_catalogue(conn).values()
        if ind.code in codes or ind.numerator in codes or ind.denominator in codes or ind.weight in codes
    ]
    above = _ancestors(conn, {region for _, _, region in touched})
    fill_partials(conn, affected, periods, within=sorted(a for a in above if level_of(a) > 1))
    _fill_provinces(
        conn,
        [i for i in affected if i.lowest_level > 1],
        periods,
        sorted(a for a in above if level_of(a) == 1),
    )
    store.set_meta(conn, store.ROLLUP_VERSION, store.get_meta("data_version", "0", conn=conn) or "0")
    return True


def read_partials(conn: Connection, inds: list[Indicator], ancestors: list[str], periods: list[str]) -> dict:
    """Stored partials per (indicator, ancestor, period); absent where no unit reported."""
    p = rollup_partial.c
    stmt = select(p.indicator_code, p.ancestor, p.period, p.reported, p.total, p.base, p.lo, p.hi).where(
        p.indicator_code.in_([i.code for i in inds]), p.ancestor.in_(ancestors), p.period.in_(periods)
    )
    return {
        (code, anc, period): Acc(int(n), float(total), float(base), lo, hi)
        for code, anc, period, n, total, base, lo, hi in conn.execute(stmt)
    }


def _run_rebuild(args: argparse.Namespace) -> int:
    """``cockpit rollups``: recompute every stored partial (after loading observations by hand)."""
    started = time.perf_counter()
    store.configure()
    with store.engine().begin() as conn:
        version = rebuild_partials(conn)
        rows = conn.execute(select(func.count()).select_from(rollup_partial)).scalar()
    print(f"汇总已重算：{rows} 行，数据版本 {version}，用时 {time.perf_counter() - started:.1f} 秒")
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``cockpit rollups``."""
    parser = subparsers.add_parser(
        "rollups",
        help="重算省、市、县级汇总（直接写库后使用）",
        description="按观测值重算省、市、县级的预汇总数据；观测值写入接口会自动维护，无需手动运行。",
    )
    parser.set_defaults(func=_run_rebuild)
