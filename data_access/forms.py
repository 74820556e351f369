"""填表报数 forms: the fields of a reporting task and the submissions that complete it.

A task (``reporting_task``) lists its fields in ``task_field``: indicator fields (never a ratio,
of the task's frequency, collected at the task's level) and text fields (备注, 情况说明) kept
with the submission. ``record_submissions`` marks units' rounds as submitted inside the writer's
transaction and keeps the county-level ``reports_*`` indicators in step with the submission
table, so maps and rankings agree with ``/reporting`` the moment a form is in.

The checking rules of a form's values (``check_values``, shared with the file import) and the
online form's drafts, submits and returns are added here as they land.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Connection, and_, case, func, insert, select, update

from . import store
from .cache import versioned
from .errors import InvalidInput, NotFound
from .periods import parse_period
from .regions import region_index
from .schema import (
    indicator,
    observation,
    region_closure,
    reporting_period,
    reporting_task,
    submission,
    task_field,
)

REPORT_INDICATORS = ("reports_expected", "reports_submitted", "reports_on_time", "reports_overdue")
REPORT_SOURCE = "填表报数"


@dataclass(frozen=True)
class TaskField:
    """One field of a task's form: an indicator (with its unit, decimals and range) or a text."""

    task_code: str
    position: int
    kind: str  # indicator|text
    indicator_code: str | None
    name: str
    unit: str  # "" for text
    decimals: int | None
    min_value: float | None
    max_value: float | None
    required: bool


@versioned
def task_fields(task_code: str) -> list[TaskField]:
    """The fields of a task's form, ordered by position.

    Raises:
        NotFound: no such task.
    """
    f, i = task_field.c, indicator.c
    stmt = (
        select(
            f.task_code, f.position, f.kind, f.indicator_code, f.name, i.unit, i.decimals,
            i.min_value, i.max_value, f.required,
        )
        .select_from(task_field.outerjoin(indicator, i.code == f.indicator_code))
        .where(f.task_code == task_code)
        .order_by(f.position)
    )  # fmt: skip
    with store.engine().connect() as conn:
        if (
            conn.execute(select(reporting_task.c.code).where(reporting_task.c.code == task_code)).first()
            is None
        ):
            raise NotFound(f"未知报表任务：{str(task_code)[:40]}")
        rows = conn.execute(stmt).all()
    return [
        TaskField(
            r.task_code, r.position, r.kind, r.indicator_code, r.name, r.unit or "",
            None if r.kind == "text" else r.decimals, r.min_value, r.max_value, bool(r.required),
        )
        for r in rows
    ]  # fmt: skip


def due_date(period: str, due_day: int) -> date:
    """Due date of a round: ``due_day`` of the month after the period ends (at most the 28th)."""
    end = parse_period(period)
    y, m = end.year + (end.end_month == 12), end.end_month % 12 + 1
    return date(y, m, min(due_day, 28))


def _task_row(conn: Connection, task_code: str):
    t = reporting_task.c
    row = conn.execute(select(t.code, t.level, t.frequency, t.due_day).where(t.code == task_code)).first()
    if row is None:
        raise NotFound(f"未知报表任务：{str(task_code)[:40]}")
    return row


def ensure_round(conn: Connection, task_code: str, period: str) -> date:
    """The round's due date, creating its ``reporting_period`` row if missing (caller's transaction)."""
    task = _task_row(conn, task_code)
    per = parse_period(period, task.frequency).text
    rp = reporting_period.c
    due = conn.execute(select(rp.due_date).where(rp.task_code == task_code, rp.period == per)).scalar()
    if due is None:
        due = due_date(per, task.due_day)
        conn.execute(insert(reporting_period).values(task_code=task_code, period=per, due_date=due))
    return due if isinstance(due, date) else date.fromisoformat(str(due)[:10])


def _units(task, region_codes: Iterable[str]) -> list[str]:
    index = region_index()
    codes = []
    for raw in region_codes:
        reg = index.get(str(raw))
        if reg.level != task.level:
            raise InvalidInput(f"{reg.name}（{reg.code}）不是该报表的填报单位")
        codes.append(reg.code)
    return list(dict.fromkeys(codes))


def record_submissions(
    conn: Connection,
    task_code: str,
    period: str,
    region_codes: Iterable[str],
    *,
    filer: str,
    now: datetime,
    texts: Mapping[str, Mapping[str, str]] | None = None,
) -> int:
    """Mark those units' rounds submitted at ``now`` by ``filer``, inside the caller's transaction.

    Creates the ``reporting_period`` and ``submission`` rows when missing; a unit already submitted
    with the same texts is left alone (importing the same file twice changes nothing). ``texts``
    maps a 12-digit unit code to its text fields ``{field name: text}``. The county-level
    ``reports_*`` indicators of the touched units' counties are recomputed in the same transaction.
    Returns how many submission rows changed.
    """
    task = _task_row(conn, task_code)
    per = parse_period(period, task.frequency).text
    units = _units(task, region_codes)
    if not units:
        return 0
    ensure_round(conn, task_code, per)
    s = submission.c
    current = {
        r.region_code: r
        for start in range(0, len(units), 900)
        for r in conn.execute(
            select(s.region_code, s.status, s.texts).where(
                s.task_code == task_code, s.period == per, s.region_code.in_(units[start : start + 900])
            )
        )
    }
    texts = texts or {}
    changed = 0
    for code in units:
        given = texts.get(code)
        text_json = json.dumps(dict(given), ensure_ascii=False, sort_keys=True) if given else None
        old = current.get(code)
        values = {"status": "submitted", "submitted_at": now, "filer": filer, "draft_values": None}
        if old is None:
            conn.execute(
                insert(submission).values(
                    task_code=task_code, period=per, region_code=code, **values, texts=text_json
                )
            )
        elif old.status != "submitted":
            values["texts"] = text_json if given is not None else old.texts
            conn.execute(
                update(submission)
                .where(s.task_code == task_code, s.period == per, s.region_code == code)
                .values(**values)
            )
        elif given is not None and text_json != old.texts:
            conn.execute(
                update(submission)
                .where(s.task_code == task_code, s.period == per, s.region_code == code)
                .values(texts=text_json)
            )
        else:
            continue
        changed += 1
    if changed:
        refresh_report_counts(conn, units, per, by=filer, now=now)
    return changed


def county_unit(code12: str) -> str | None:
    """The county-level unit a region counts under (the countyless city for its towns), or None."""
    index = region_index()
    for reg in reversed(index.path(code12)):
        if reg.level == 3 or reg.code in index.countyless:
            return reg.code
    return None


def refresh_report_counts(
    conn: Connection, units: Iterable[str], period: str, *, by: str, now: datetime
) -> None:
    """Recompute the ``reports_*`` indicators of the units' county-level units for the month the
    period ends in, from the submission table (the rule of ``data_access.reporting``), in the
    caller's transaction. Always bumps the data version so every cache misses."""
    from .observations import write_observations  # local: observations imports values, values reporting-free
    from .reporting import end_month, periods_ending_in

    counties = sorted({c for u in units if (c := county_unit(u)) is not None})
    month = end_month(period)
    rows = []
    for county in counties:
        expected, reported, on_time = _count(conn, county, periods_ending_in(month))
        counts = (expected, reported, on_time, expected - on_time)
        rows += [
            {"indicator": code, "region": county, "period": month, "value": value}
            for code, value in zip(REPORT_INDICATORS, counts, strict=True)
        ]
    report = write_observations(rows, source=REPORT_SOURCE, reported_by=by, conn=conn) if rows else None
    if report is None or report.inserted + report.revised == 0:
        store.bump_version(conn, now, observations_changed=False)


def _count(conn: Connection, county: str, periods: list[str]) -> tuple[int, int, int]:
    """Expected, reported and on-time rounds of units under ``county`` (itself included)."""
    s, rp, cl = submission.c, reporting_period.c, region_closure.c
    stmt = (
        select(
            func.count(),
            func.coalesce(func.sum(case((s.submitted_at.is_not(None), 1), else_=0)), 0),
            func.coalesce(func.sum(case((func.date(s.submitted_at) <= rp.due_date, 1), else_=0)), 0),
        )
        .select_from(
            submission.join(reporting_period, and_(rp.task_code == s.task_code, rp.period == s.period)).join(
                region_closure, cl.descendant == s.region_code
            )
        )
        .where(cl.ancestor == county, s.period.in_(periods))
    )
    expected, reported, on_time = conn.execute(stmt).one()
    return int(expected), int(reported), int(on_time)


# --- checking a form's values ------------------------------------------------------------------

SWING = 0.5  # a value moving more than 50 % against last period or last year needs a 情况说明
EMPTY_MARKS = {"", "空", "—", "-", "/", "无"}


@dataclass(frozen=True)
class FieldIssue:
    """A problem with one field: ``error`` blocks submitting, ``warning`` needs a 情况说明."""

    field: str  # the field's name
    severity: str  # error|warning
    message: str


@dataclass(frozen=True)
class Baseline:
    """What a field's value is compared with: last period's and the same period last year's."""

    previous: float | None = None
    previous_period: str = ""
    last_year: float | None = None
    last_year_period: str = ""


def parse_number(raw: object) -> float | None:
    """A typed figure as a number (thousands separators allowed); None when empty; ValueError if not a number."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    text = str(raw).strip().replace(",", "").replace("，", "")
    if text in EMPTY_MARKS:
        return None
    value = float(Decimal(text)) if _NUMBER.fullmatch(text) else None
    if value is None or not math.isfinite(value):
        raise ValueError(text)
    return value


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def _decimals(raw: object) -> int:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        text = repr(float(raw))
    else:
        text = str(raw).strip().replace(",", "")
    if "." not in text or "e" in text.lower():
        return 0
    return len(text.split(".", 1)[1].rstrip("0"))


def _fmt(value: float, decimals: int | None) -> str:
    return f"{value:,.{decimals or 0}f}" if decimals is not None else f"{value:g}"


def check_field(field: TaskField, raw: object, baseline: Baseline | None = None) -> list[FieldIssue]:
    """The problems of one field's raw value, in plain Chinese (errors first, then warnings)."""
    if field.kind == "text":
        empty = raw is None or not str(raw).strip()
        return [FieldIssue(field.name, "error", "必填项，不能为空")] if field.required and empty else []
    try:
        value = parse_number(raw)
    except ValueError:
        return [FieldIssue(field.name, "error", f"不是数字：{str(raw).strip()[:20]}")]
    if value is None:
        return [FieldIssue(field.name, "error", "必填项，不能为空")] if field.required else []
    low, high = field.min_value, field.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        span = f"{'-∞' if low is None else _fmt(low, field.decimals)} ～ {'+∞' if high is None else _fmt(high, field.decimals)}"
        return [FieldIssue(field.name, "error", f"超出有效范围（{span} {field.unit}）")]
    if field.decimals is not None and _decimals(raw) > field.decimals:
        allowed = "应为整数" if field.decimals == 0 else f"最多保留 {field.decimals} 位小数"
        return [FieldIssue(field.name, "error", f"小数位数不对：{allowed}")]
    return swing_warnings(field, value, baseline)


def swing_warnings(field: TaskField, value: float, baseline: Baseline | None) -> list[FieldIssue]:
    """Soft warnings: the value moves more than 50 % against last period or the same period last year."""
    if baseline is None:
        return []
    out = []
    for label, old, period in (
        ("上期", baseline.previous, baseline.previous_period),
        ("上年同期", baseline.last_year, baseline.last_year_period),
    ):
        if old is None or old == 0 and value == 0:
            continue
        change = (value - old) / abs(old) if old else math.inf
        if abs(change) > SWING:
            moved = "增长" if change > 0 else "下降"
            pct = "" if math.isinf(change) else f" {abs(change) * 100:.1f}%"
            out.append(
                FieldIssue(
                    field.name, "warning",
                    f"比{label}（{period}：{_fmt(old, field.decimals)}）{moved}{pct}，请填写情况说明",
                )
            )  # fmt: skip
            break
    return out


def check_values(
    task: str,
    region: str,
    period: str,
    values: Mapping[str, object],
    baseline: Mapping[str, Baseline] | None = None,
) -> list[FieldIssue]:
    """Check one unit's form: every field of the task by name, in field order.

    ``values`` maps a field's name (or an indicator field's indicator code) to its raw value.
    ``baseline`` (indicator code → :class:`Baseline`) is read from the store when omitted; a file
    import checking many units passes :func:`baselines` for all of them at once.
    Errors: 不是数字, 超出有效范围, 小数位数不对, 必填项为空; warnings: a move of more than 50 %.
    """
    fields = task_fields(task)
    if baseline is None:
        baseline = baselines(task, [region], period).get(region, {})
    issues: list[FieldIssue] = []
    for field in fields:
        raw = values.get(field.name, values.get(field.indicator_code) if field.indicator_code else None)
        issues += check_field(field, raw, baseline.get(field.indicator_code or ""))
    return issues


def baselines(task: str, regions: Iterable[str], period: str) -> dict[str, dict[str, Baseline]]:
    """Last period's and last year's values of the task's indicator fields: region → indicator → Baseline."""
    fields = [f for f in task_fields(task) if f.indicator_code]
    codes = list(dict.fromkeys(regions))
    if not fields or not codes:
        return {}
    per = parse_period(period)
    prev, last = per.prev().text, per.same_last_year().text
    o = observation.c
    found: dict[tuple[str, str, str], float] = {}
    with store.engine().connect() as conn:
        for start in range(0, len(codes), 900):
            stmt = select(o.region_code, o.indicator_code, o.period, o.value).where(
                o.indicator_code.in_([f.indicator_code for f in fields]),
                o.period.in_([prev, last]),
                o.region_code.in_(codes[start : start + 900]),
            )
            found.update({(r, i, p): v for r, i, p, v in conn.execute(stmt)})
    return {
        code: {
            f.indicator_code: Baseline(found.get((code, f.indicator_code, prev)), prev, found.get((code, f.indicator_code, last)), last)
            for f in fields
        }
        for code in codes
    }  # fmt: skip
