"""Validated, atomic writes of observations, keeping every replaced value in the history.

``write_observations`` checks every row first and writes nothing when one is bad; then it
upserts in one transaction, copies each replaced value to ``observation_history`` and bumps the
data version (so every worker's cache misses). Writes above an indicator's lowest level are
accepted (kept as reported figures) but rollups read the lowest level only; ratio indicators are
never written (they derive from numerator and denominator), weighted means only at the lowest level.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select, update

from . import store
from .codes import normalize_code
from .errors import CockpitError, InvalidInput, ValidationError
from .indicators import LEVEL_SHORT, Indicator, get_indicator, lookup
from .periods import parse_period
from .regions import RegionIndex
from .rollup import update_partials
from .schema import observation, observation_history
from .scope import Scope
from .values import local_indicators, local_region_index

STATUSES = ("reported", "revised", "estimated")
MAX_LISTED = 20  # errors spelled out in one message; all are kept in ``.errors``
ANALYZE_AFTER = 5000  # new rows in one write that make PostgreSQL statistics worth refreshing


@dataclass(frozen=True)
class WriteReport:
    """What a write did: new rows, changed values (history kept), identical values skipped."""

    inserted: int
    revised: int
    unchanged: int


@dataclass(frozen=True)
class HistoryEntry:
    """One earlier value of an observation and who replaced it when."""

    value: float
    status: str
    source: str
    reported_at: datetime
    reported_by: str
    replaced_at: datetime
    replaced_by: str


@dataclass(frozen=True)
class _Row:
    indicator: str
    region: str
    period: str
    value: float


class _Bad(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _pick(row: Mapping, *names: str) -> object:
    for name in names:
        if name in row and row[name] is not None:
            return row[name]
    return None


def _indicator(row: Mapping, indicators: dict[str, Indicator]) -> Indicator:
    code = _pick(row, "indicator", "indicator_code")
    if code is None or not str(code).strip():
        raise _Bad("indicator", "缺少指标代码")
    try:
        ind = lookup(indicators, code)
    except CockpitError as err:
        raise _Bad("indicator", str(err)) from None
    if ind.aggregation == "ratio":
        raise _Bad("indicator", f"比率指标 {ind.code}（{ind.name}）由分子、分母计算得出，不能直接填报")
    return ind


def _region(row: Mapping, ind: Indicator, index: RegionIndex) -> str:
    raw = _pick(row, "region", "region_code")
    try:
        reg = index.get(normalize_code(raw))
    except CockpitError as err:
        raise _Bad("region", str(err)) from None
    if reg.level > ind.lowest_level:
        raise _Bad(
            "region",
            f"指标 {ind.code} 最低采集到{LEVEL_SHORT[ind.lowest_level]}级，"
            f"不能填报到{LEVEL_SHORT[reg.level]}级地区 {reg.code}（{reg.name}）",
        )
    if ind.aggregation == "weighted_mean" and reg.level < ind.lowest_level:
        raise _Bad(
            "region",
            f"加权平均指标 {ind.code} 只能在{LEVEL_SHORT[ind.lowest_level]}级填报，上级数值由系统计算",
        )
    return reg.code


def _number(row: Mapping, ind: Indicator) -> float:
    raw = _pick(row, "value")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise _Bad("value", "缺少数值")
    try:
        value = float(str(raw).strip().replace(",", "")) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        raise _Bad("value", f"数值不是数字：{str(raw)[:20]!r}") from None
    if isinstance(raw, bool) or not math.isfinite(value):
        raise _Bad("value", f"数值不是有效数字：{str(raw)[:20]!r}")
    low, high = ind.min_value, ind.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        span = f"[{'-∞' if low is None else f'{low:g}'}, {'+∞' if high is None else f'{high:g}'}]"
        raise _Bad("value", f"数值 {value:g} 超出指标 {ind.code}（{ind.name}）的有效范围 {span}")
    return value


def _check(row: Mapping, index: RegionIndex, indicators: dict[str, Indicator]) -> _Row:
    if not isinstance(row, Mapping):
        raise _Bad("", "数据行格式错误")
    ind = _indicator(row, indicators)
    region12 = _region(row, ind, index)
    try:
        period = parse_period(_pick(row, "period"), ind.frequency).text
    except InvalidInput as err:
        raise _Bad("period", str(err)) from None
    return _Row(ind.code, region12, period, _number(row, ind))


def validate(rows: Iterable[Mapping], file: str | None = None) -> list[_Row]:
    """Check every row; raise one ``ValidationError`` listing all problems (first one's place kept)."""
    good: list[_Row] = []
    errors: list[tuple[int, str, str]] = []
    seen: dict[tuple[str, str, str], int] = {}
    index, indicators = local_region_index(), local_indicators()
    for number, row in enumerate(rows, 1):
        try:
            checked = _check(row, index, indicators)
        except _Bad as bad:
            errors.append((number, bad.field, bad.message))
            continue
        key = (checked.indicator, checked.region, checked.period)
        if key in seen:
            errors.append((number, "region", f"与第 {seen[key]} 行重复（同一指标、地区、期间）"))
        seen.setdefault(key, number)
        good.append(checked)
    if errors:
        raise _validation_error(errors, file)
    return good


def _validation_error(errors: list[tuple[int, str, str]], file: str | None) -> ValidationError:
    row, field, message = errors[0]
    if len(errors) > 1:
        listed = "；".join(f"第 {r} 行 {f}：{m}" for r, f, m in errors[1:MAX_LISTED])
        more = f"……等共 {len(errors)} 处" if len(errors) > MAX_LISTED else ""
        message = f"{message}（另有 {len(errors) - 1} 处错误：{listed}{more}）"
    exc = ValidationError(message, file=file, row=row, field=field or None)
    exc.errors = errors  # type: ignore[attr-defined]
    return exc


def _existing(conn: Connection, rows: list[_Row]) -> dict[tuple[str, str, str], dict]:
    """Current observations for the rows' keys, fetched per (indicator, period) in chunks."""
    groups: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        groups.setdefault((r.indicator, r.period), []).append(r.region)
    o = observation.c
    cols = (
        o.id,
        o.indicator_code,
        o.region_code,
        o.period,
        o.value,
        o.status,
        o.source,
        o.reported_at,
        o.reported_by,
    )
    found: dict[tuple[str, str, str], dict] = {}
    for (code, period), regions in groups.items():
        for start in range(0, len(regions), 900):
            stmt = select(*cols).where(
                o.indicator_code == code, o.period == period, o.region_code.in_(regions[start : start + 900])
            )
            for row in conn.execute(stmt).mappings():
                found[(row["indicator_code"], row["region_code"], row["period"])] = dict(row)
    return found


def _is_same(old: dict, value: float, status: str) -> bool:
    """Same value and no estimate being confirmed: nothing to write."""
    return old["value"] == value and not (old["status"] == "estimated" and status != "estimated")


def write_observations(
    rows: Iterable[Mapping],
    *,
    source: str,
    reported_by: str,
    file: str | None = None,
    status: str = "reported",
    conn: Connection | None = None,
) -> WriteReport:
    """Validate every row, then upsert all of them in one transaction.

    Rows are mappings with ``indicator``, ``region`` (any accepted code form), ``period`` and
    ``value`` (``indicator_code``/``region_code`` work too). With ``conn`` the write joins the
    caller's transaction (the caller commits, together with whatever else it wrote: a submission,
    say); without, it opens and commits its own.

    Raises:
        ValidationError: a bad row (unknown region or indicator, malformed period or wrong
            frequency, non-numeric or out-of-range value, region below the lowest level, a
            derived indicator, a duplicate key); ``.row`` is 1-based, ``.errors`` lists them all.
            Nothing is written.
    """
    if status not in STATUSES:
        raise InvalidInput(f"状态错误：{status}（应为 reported、revised 或 estimated）")
    checked = validate(list(rows), file)
    if conn is not None:
        return _write(conn, checked, status, source, reported_by)
    with store.engine().begin() as own:
        report = _write(own, checked, status, source, reported_by)
    if report.inserted >= ANALYZE_AFTER:
        refresh_statistics()
    return report


def _write(conn: Connection, checked: list[_Row], status: str, source: str, reported_by: str) -> WriteReport:
    """Upsert validated rows on ``conn``; history, data version and rollup partials in step."""
    now = datetime.now()
    current = _existing(conn, checked)
    fresh = [r for r in checked if (r.indicator, r.region, r.period) not in current]
    changed = [
        (current[key], r)
        for r in checked
        if (key := (r.indicator, r.region, r.period)) in current
        and not _is_same(current[key], r.value, status)
    ]
    if changed:
        _revise(conn, changed, status, source, reported_by, now)
    if fresh:
        conn.execute(
            insert(observation),
            [
                {
                    "indicator_code": r.indicator,
                    "region_code": r.region,
                    "period": r.period,
                    "value": r.value,
                    "status": status,
                    "source": source,
                    "reported_at": now,
                    "reported_by": reported_by,
                }
                for r in fresh
            ],
        )
    if fresh or changed:
        version = store.bump_version(conn, now)
        touched = {(r.indicator, r.period, r.region) for r in [*fresh, *(r for _, r in changed)]}
        update_partials(conn, touched, version - 1)
    return WriteReport(len(fresh), len(changed), len(checked) - len(fresh) - len(changed))


def refresh_statistics() -> None:
    """Refresh PostgreSQL's statistics after a bulk load.

    Without them (a fresh store, autovacuum off or not yet run) the planner guesses one row per
    table and a province-wide rollup takes minutes instead of milliseconds. SQLite needs nothing:
    the rollup queries fix their join order. Loaders that insert directly (``cockpit demo``)
    should call this once at the end.
    """
    engine = store.engine()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE region_closure")
            conn.exec_driver_sql("ANALYZE observation")


def _revise(conn: Connection, changed: list, status: str, source: str, by: str, now: datetime) -> None:
    """Copy the replaced values into the history, then overwrite them."""
    keep = (
        "indicator_code",
        "region_code",
        "period",
        "value",
        "status",
        "source",
        "reported_at",
        "reported_by",
    )
    conn.execute(
        insert(observation_history),
        [{**{k: old[k] for k in keep}, "replaced_at": now, "replaced_by": by} for old, _ in changed],
    )
    stmt = (
        update(observation)
        .where(observation.c.id == bindparam("oid"))
        .values(
            value=bindparam("v"),
            status=bindparam("st"),
            source=bindparam("src"),
            reported_at=bindparam("at"),
            reported_by=bindparam("by"),
        )
    )
    conn.execute(
        stmt,
        [
            {
                "oid": old["id"],
                "v": r.value,
                "src": source,
                "at": now,
                "by": by,
                "st": ("revised" if old["value"] != r.value else "reported")
                if status == "reported"
                else status,
            }
            for old, r in changed
        ],
    )


def history(indicator: str, region: str, period: str, scope: Scope) -> list[HistoryEntry]:
    """Earlier values of one observation, newest first (empty if it was never revised)."""
    code12 = scope.check(region)
    reg = local_region_index().get(code12)
    ind = get_indicator(indicator)
    per = parse_period(period, ind.frequency)
    h = observation_history.c
    stmt = (
        select(h.value, h.status, h.source, h.reported_at, h.reported_by, h.replaced_at, h.replaced_by)
        .where(h.indicator_code == ind.code, h.region_code == reg.code, h.period == per.text)
        .order_by(h.replaced_at.desc(), h.id.desc())
    )
    with store.engine().connect() as conn:
        return [HistoryEntry(*row) for row in conn.execute(stmt)]
