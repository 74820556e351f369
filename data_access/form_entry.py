"""The online form (``/report``): which rounds a filer must fill, one unit's form, draft, submit, 退回.

Who may do what (the README's role table): ``staff`` and ``admin`` accounts fill and submit the
forms of the units in their scope; ``admin`` and ``leader`` accounts return (退回) a submitted form
of a unit in their scope with a reason, which the filer sees. A submit checks the values with
:func:`data_access.forms.check_values`, then writes the observations and records the submission in
ONE transaction (``write_observations(conn=…)`` + ``record_submissions``); the data version bump
makes every worker's caches miss, so ``/reporting`` and the maps move at once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Connection, select, update

from . import store
from .cache import versioned
from .errors import InvalidInput, NotFound, OutOfScope, ValidationError
from .forms import (
    REPORT_SOURCE,
    Baseline,
    FieldIssue,
    TaskField,
    baselines,
    check_values,
    ensure_round,
    parse_number,
    record_submissions,
    refresh_report_counts,
    task_fields,
)
from .observations import write_observations
from .periods import parse_period
from .regions import region_index
from .reporting import Task, reference_date, tasks
from .schema import observation, region_closure, reporting_period, submission
from .scope import Scope

FILL_ROLES = ("staff", "admin")
RETURN_ROLES = ("admin", "leader")
STATUS_LABELS = {
    "pending": "未填",
    "draft": "已填未报",
    "submitted": "已报送",
    "overdue": "逾期",
    "returned": "退回",
}


@dataclass(frozen=True)
class UnitStatus:
    """One unit's state for a round, as the filer's list shows it."""

    code: str
    name: str
    parent_name: str
    status: str  # pending|draft|submitted|overdue|returned
    submitted_at: datetime | None
    filer: str
    on_time: bool | None
    return_reason: str

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class FormState:
    """Everything the form of one unit and round shows."""

    task: Task
    region: str
    region_name: str
    period: str
    due_date: date
    status: str
    fields: list[TaskField]
    values: dict[str, str]  # field name -> text to show (draft, else the store's figure)
    baseline: dict[str, Baseline]  # indicator code -> last period / last year
    texts: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    submitted_at: datetime | None = None
    filer: str = ""
    return_reason: str = ""
    returned_by: str = ""
    returned_at: datetime | None = None

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _as_datetime(value: object) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def page_status(status: str, due: date, today: date) -> str:
    """The page's status: pending or draft after the due date is 逾期 (overdue)."""
    if status in ("pending", "draft") and today > due:
        return "overdue"
    return status if status in STATUS_LABELS else "pending"


def get_task(code: str) -> Task:
    for task in tasks():
        if task.code == code:
            return task
    raise NotFound(f"未知报表任务：{str(code)[:40]}")


def fillable_tasks(scope: Scope) -> list[Task]:
    """Tasks with fields whose units lie in the scope (the scope's level or below)."""
    level = region_index().get(scope.root).level
    return [t for t in tasks() if t.level >= level and task_fields(t.code)]


@versioned
def task_periods(task: str) -> list[tuple[str, date]]:
    """The task's rounds (period, due date), newest first."""
    rp = reporting_period.c
    stmt = select(rp.period, rp.due_date).where(rp.task_code == task).order_by(rp.period.desc())
    with store.engine().connect() as conn:
        return [(p, _as_date(d)) for p, d in conn.execute(stmt)]


def default_period(task: str, today: str | None = None) -> str | None:
    """The round a filer works on now: the oldest whose due date is not yet past, else the newest."""
    day = date.fromisoformat(today or reference_date())
    rounds = task_periods(get_task(task).code)
    open_ = [p for p, due in rounds if due >= day]
    return open_[-1] if open_ else (rounds[0][0] if rounds else None)


@versioned
def unit_statuses(task: str, period: str, scope: Scope, today: str | None = None) -> list[UnitStatus]:
    """Every unit of the task in the scope with its status for the round, by code."""
    t = get_task(task)
    per = parse_period(period, t.frequency).text
    due = dict(task_periods(t.code)).get(per)
    if due is None:
        raise NotFound(f"{t.name} 没有 {per} 这一期")
    day = date.fromisoformat(today or reference_date())
    index = region_index()
    s, cl = submission.c, region_closure.c
    stmt = (
        select(s.region_code, s.status, s.submitted_at, s.filer, s.return_reason)
        .select_from(submission.join(region_closure, cl.descendant == s.region_code))
        .where(cl.ancestor == scope.root, s.task_code == t.code, s.period == per)
        .order_by(s.region_code)
    )
    with store.engine().connect() as conn:
        rows = conn.execute(stmt).all()
    out = []
    for code, status, at, filer, reason in rows:
        reg = index.get(code)
        parent = index.by_code.get(reg.parent or "")
        at = _as_datetime(at)
        out.append(
            UnitStatus(
                code, reg.name, parent.name if parent else "", page_status(status, due, day), at,
                filer or "", None if at is None else at.date() <= due, reason or "",
            )
        )  # fmt: skip
    return out


def _check_unit(task: Task, region: object, scope: Scope) -> str:
    code = scope.check(region)
    reg = region_index().get(code)
    if reg.level != task.level:
        raise InvalidInput(f"{reg.name}（{reg.code}）不是「{task.name}」的填报单位")
    return code


def _load_json(text: str | None) -> dict[str, str]:
    return dict(json.loads(text)) if text else {}


def form_state(task: str, region: str, period: str, scope: Scope, today: str | None = None) -> FormState:
    """One unit's form: the draft if there is one, else the figures the store already has."""
    t = get_task(task)
    code = _check_unit(t, region, scope)
    per = parse_period(period, t.frequency).text
    fields = task_fields(t.code)
    s = submission.c
    with store.engine().connect() as conn:
        row = conn.execute(
            select(submission).where(s.task_code == t.code, s.period == per, s.region_code == code)
        ).mappings().first()  # fmt: skip
        due = dict(task_periods(t.code)).get(per)
        stored = _stored_values(conn, fields, code, per)
    if due is None:
        raise NotFound(f"{t.name} 没有 {per} 这一期")
    draft = _load_json(row["draft_values"]) if row else {}
    values = {f.name: draft.get(f.name, stored.get(f.name, "")) for f in fields if f.kind == "indicator"}
    status = row["status"] if row else "pending"
    day = date.fromisoformat(today or reference_date())
    return FormState(
        t, code, region_index().get(code).name, per, due, page_status(status, due, day), fields, values,
        baselines(t.code, [code], per).get(code, {}),
        texts=_load_json(row["texts"]) if row else {}, notes=_load_json(row["notes"]) if row else {},
        submitted_at=_as_datetime(row["submitted_at"]) if row else None, filer=(row["filer"] or "") if row else "",
        return_reason=(row["return_reason"] or "") if row else "", returned_by=(row["returned_by"] or "") if row else "",
        returned_at=_as_datetime(row["returned_at"]) if row else None,
    )  # fmt: skip


def _stored_values(conn: Connection, fields: list[TaskField], region: str, period: str) -> dict[str, str]:
    """The store's figures for the unit and period, by field name, as the form shows them."""
    by_code = {f.indicator_code: f for f in fields if f.indicator_code}
    if not by_code:
        return {}
    o = observation.c
    stmt = select(o.indicator_code, o.value).where(
        o.region_code == region, o.period == period, o.indicator_code.in_(list(by_code))
    )
    return {by_code[c].name: format_value(v, by_code[c].decimals) for c, v in conn.execute(stmt)}


def format_value(value: float | None, decimals: int | None) -> str:
    """A stored figure as typed into the form (no thousands separators)."""
    if value is None:
        return ""
    return f"{value:.{decimals or 0}f}" if decimals is not None else f"{value:g}"


def _require(role: str, allowed: tuple[str, ...], what: str) -> None:
    if role not in allowed:
        raise OutOfScope(f"当前账号无权{what}")


def _split(fields: list[TaskField], values: Mapping[str, object], texts: Mapping[str, str]):
    """Clean texts of the text fields and the raw values of the indicator fields."""
    names = {f.name for f in fields if f.kind == "text"}
    clean = {k: str(v).strip() for k, v in texts.items() if k in names and v is not None and str(v).strip()}
    raw = {f.name: values.get(f.name) for f in fields if f.kind == "indicator"}
    return raw, clean


def save_draft(
    task: str,
    region: str,
    period: str,
    values: Mapping[str, object],
    texts: Mapping[str, str],
    notes: Mapping[str, str],
    *,
    scope: Scope,
    user: str,
    role: str,
    now: datetime | None = None,
) -> None:
    """Keep the typed values as a draft (已填未报); a submitted form stays submitted until resubmitted."""
    _require(role, FILL_ROLES, "填报")
    t = get_task(task)
    code = _check_unit(t, region, scope)
    per = parse_period(period, t.frequency).text
    raw, clean = _split(task_fields(t.code), values, texts)
    now = now or datetime.now()
    draft = {k: str(v).strip() for k, v in raw.items() if v is not None and str(v).strip()}
    with store.engine().begin() as conn:
        ensure_round(conn, t.code, per)
        status = _ensure_row(conn, t.code, per, code)
        conn.execute(
            update(submission)
            .where(_key(t.code, per, code))
            .values(
                status="draft" if status != "submitted" else status,
                draft_values=json.dumps(draft, ensure_ascii=False, sort_keys=True),
                texts=json.dumps(clean, ensure_ascii=False, sort_keys=True) if clean else None,
                notes=_notes_json(notes),
                saved_at=now,
                saved_by=user,
            )
        )
        store.bump_version(conn, now, observations_changed=False)


def _key(task: str, period: str, code: str):
    s = submission.c
    return (s.task_code == task) & (s.period == period) & (s.region_code == code)


def _ensure_row(conn: Connection, task: str, period: str, code: str) -> str:
    status = conn.execute(select(submission.c.status).where(_key(task, period, code))).scalar()
    if status is None:
        conn.execute(
            submission.insert().values(task_code=task, period=period, region_code=code, status="pending")
        )
        return "pending"
    return status


def _notes_json(notes: Mapping[str, str]) -> str | None:
    clean = {k: str(v).strip() for k, v in notes.items() if v is not None and str(v).strip()}
    return json.dumps(clean, ensure_ascii=False, sort_keys=True) if clean else None


@dataclass(frozen=True)
class SubmitResult:
    """What a submit did: on time or late against the due date, and the figures written."""

    submitted_at: datetime
    on_time: bool
    written: int
    warnings: list[FieldIssue]


def submit_form(
    task: str,
    region: str,
    period: str,
    values: Mapping[str, object],
    texts: Mapping[str, str],
    notes: Mapping[str, str],
    *,
    scope: Scope,
    user: str,
    role: str,
    now: datetime | None = None,
) -> SubmitResult:
    """Check, then write the figures and record the submission in one transaction.

    Raises:
        ValidationError: a blocking error, or a warning without its 情况说明 (``.errors`` lists
            (0, field name, message) for each); nothing is written.
    """
    _require(role, FILL_ROLES, "填报")
    t = get_task(task)
    code = _check_unit(t, region, scope)
    per = parse_period(period, t.frequency).text
    fields = task_fields(t.code)
    raw, clean = _split(fields, values, texts)
    issues = check_values(t.code, code, per, {**raw, **clean})
    notes = {k: str(v).strip() for k, v in notes.items() if v is not None and str(v).strip()}
    blocking = [i for i in issues if i.severity == "error"]
    blocking += [
        FieldIssue(i.field, "error", "变动较大，请填写情况说明") for i in issues if i.severity == "warning" and i.field not in notes
    ]  # fmt: skip
    if blocking:
        exc = ValidationError(f"{blocking[0].field}：{blocking[0].message}", field=blocking[0].field)
        exc.errors = [(0, i.field, i.message) for i in blocking]  # type: ignore[attr-defined]
        raise exc
    rows = [
        {"indicator": f.indicator_code, "region": code, "period": per, "value": parse_number(raw[f.name])}
        for f in fields
        if f.kind == "indicator" and parse_number(raw.get(f.name)) is not None
    ]
    now = now or datetime.now()
    warned = {i.field for i in issues if i.severity == "warning"}
    with store.engine().begin() as conn:
        report = write_observations(rows, source=f"{REPORT_SOURCE}:{t.code}", reported_by=user, conn=conn)
        due = ensure_round(conn, t.code, per)
        # A correction of a form already in keeps its submission time (and on-time flag).
        before = conn.execute(select(submission.c.submitted_at).where(_key(t.code, per, code))).scalar()
        record_submissions(conn, t.code, per, [code], filer=user, now=now, texts={code: clean})
        conn.execute(
            update(submission)
            .where(_key(t.code, per, code))
            .values(
                notes=_notes_json({k: v for k, v in notes.items() if k in warned}),
                saved_at=now,
                saved_by=user,
            )
        )
    at = _as_datetime(before) or now
    return SubmitResult(
        at, at.date() <= due, report.inserted + report.revised, [i for i in issues if i.severity == "warning"]
    )


def return_submission(
    task: str,
    region: str,
    period: str,
    reason: str,
    *,
    scope: Scope,
    user: str,
    role: str,
    now: datetime | None = None,
) -> None:
    """退回: send a submitted form back with a reason; it counts as not reported until resubmitted."""
    _require(role, RETURN_ROLES, "退回报表")
    t = get_task(task)
    code = _check_unit(t, region, scope)
    per = parse_period(period, t.frequency).text
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写退回原因")
    now = now or datetime.now()
    with store.engine().begin() as conn:
        status = conn.execute(select(submission.c.status).where(_key(t.code, per, code))).scalar()
        if status != "submitted":
            raise InvalidInput("只有已报送的报表可以退回")
        conn.execute(
            update(submission)
            .where(_key(t.code, per, code))
            .values(
                status="returned",
                submitted_at=None,
                returned_at=now,
                returned_by=user,
                return_reason=reason[:500],
            )
        )
        refresh_report_counts(conn, [code], per, by=user, now=now)
