"""填表报数: completeness and timeliness of the reporting system.

A *round* is one reporting task for one period (``reporting_period``); every unit expected to fill
it has a ``submission`` row. A round belongs to the month in which its period ends (2026-Q3 and
2026-09 both belong to 2026-09), so one month picker covers monthly, quarterly and yearly tasks
without counting a round twice.

Per unit and round: *reported* when ``submitted_at`` is set; *on time* when it was submitted on
or before the due date (end of day); *overdue* when it is still missing after the due date;
*pending* when it is missing but not yet due. Units are counted below the asked region through
``region_closure`` (the region itself included), so a county's figures include its towns and
villages. Every function takes the caller's scope and refuses regions outside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select

from . import store
from .cache import versioned
from .directory import best_contact, mask_phone
from .errors import InvalidInput
from .periods import parse_period
from .regions import LEVEL_NAMES, count_by_level, get_region, region_index
from .schema import contact, filer, region_closure, reporting_period, reporting_task, submission
from .schema import region as region_table
from .scope import Scope


@dataclass(frozen=True)
class Task:
    """A form that units of one level fill each period."""

    code: str
    name: str
    department: str
    level: int
    frequency: str
    due_day: int


@dataclass(frozen=True)
class Tally:
    """Units expected to report, and how many did, for a task, level, region or month."""

    key: str
    name: str
    expected: int
    reported: int
    on_time: int
    overdue: int

    @property
    def late(self) -> int:
        """Reported, but after the due date."""
        return self.reported - self.on_time

    @property
    def pending(self) -> int:
        """Not reported and not yet due."""
        return self.expected - self.reported - self.overdue

    @property
    def completeness(self) -> float | None:
        """Share of expected units that reported (0–1), None when nothing was expected."""
        return self.reported / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        """Share of expected units that reported on time (0–1)."""
        return self.on_time / self.expected if self.expected else None


@dataclass(frozen=True)
class RoundTally:
    """One task's round (task and period) with its due date and counts."""

    task: Task
    period: str
    due_date: date
    tally: Tally


@dataclass(frozen=True)
class OverdueUnit:
    """A unit that has not reported a round after its due date, with whom to call."""

    task_code: str
    task_name: str
    period: str
    due_date: date
    days_overdue: int
    code: str
    name: str
    level: int
    contact_name: str
    contact_role: str
    phone: str  # masked unless the caller may see full numbers


@dataclass(frozen=True)
class Burden:
    """Forms that units of one grassroots level were asked to fill in a month."""

    month: str
    level: int
    forms: int
    units: int

    @property
    def per_unit(self) -> float | None:
        """Forms per unit of the level (份/个), None without units."""
        return self.forms / self.units if self.units else None


@dataclass(frozen=True)
class LevelStaff:
    """Units of one level below a region and the active filers and administrators among them."""

    level: int
    level_name: str
    units: int
    units_with_filer: int
    filers: int
    admins: int


# --- periods and months ------------------------------------------------------------------------


def end_month(period: str) -> str:
    """The month in which a period ends: 2026-Q3 → 2026-09, 2025 → 2025-12."""
    p = parse_period(period)
    return f"{p.year:04d}-{p.end_month:02d}"


def periods_ending_in(month: str) -> list[str]:
    """Period texts of every frequency that end in the month: 2026-09 → 2026-09, 2026-Q3."""
    m = parse_period(month, "month")
    out = [m.text]
    if m.index % 3 == 0:
        out.append(f"{m.year:04d}-Q{m.index // 3}")
    if m.index == 12:
        out.append(f"{m.year:04d}")
    return out


def reference_date() -> str:
    """The day against which "overdue" is judged: today, or the frozen as-of day of a demo store."""
    if store.get_meta("demo") == "1":
        generated = store.get_meta("generated_at")
        if generated:
            return generated[:10]
    return date.today().isoformat()


def _today(today: date | str | None) -> str:
    if today is None:
        return reference_date()
    return today.isoformat() if isinstance(today, date) else date.fromisoformat(today).isoformat()


def _check_task(task: str | None) -> str | None:
    if not task:
        return None
    if task not in {t.code for t in tasks()}:
        raise InvalidInput(f"未知报表任务：{str(task)[:40]!r}")
    return task


# --- catalogue of tasks and months ---------------------------------------------------------------


@versioned
def tasks() -> list[Task]:
    """Every reporting task, ordered by the level of its units, then code."""
    stmt = select(
        reporting_task.c.code,
        reporting_task.c.name,
        reporting_task.c.department,
        reporting_task.c.level,
        reporting_task.c.frequency,
        reporting_task.c.due_day,
    ).order_by(reporting_task.c.level, reporting_task.c.code)
    with store.engine().connect() as conn:
        return [Task(*row) for row in conn.execute(stmt).all()]


@versioned
def report_months(scope: Scope) -> list[str]:
    """Months that have at least one round ending in them, oldest first."""
    del scope  # rounds are the same for every scope; the argument keeps the contract uniform
    with store.engine().connect() as conn:
        periods = conn.execute(select(reporting_period.c.period).distinct()).scalars().all()
    return sorted({end_month(p) for p in periods})


@versioned
def _month_due(month: str) -> str | None:
    with store.engine().connect() as conn:
        return conn.execute(
            select(func.max(reporting_period.c.due_date)).where(
                reporting_period.c.period.in_(periods_ending_in(month))
            )
        ).scalar()


def default_month(scope: Scope, today: date | str | None = None) -> str | None:
    """The latest month whose rounds are all past due (else the earliest month), None if none."""
    months = report_months(scope)
    limit = _today(today)
    for month in reversed(months):
        due = _month_due(month)
        if due is not None and str(due)[:10] < limit:
            return month
    return months[0] if months else None


# --- counting ------------------------------------------------------------------------------------
#
# Every count of a page comes from two grouped queries, each cached per data version: the *grid*
# of a region (units below it, by task, period and level, over a window of months: the page's 12)
# and the *child grid* of a region's children for one month. Everything else (a month's total, its
# rounds, its levels, the trend, the burden) is summed from those rows in Python, so /reporting at
# the province root reads the ~757k submission rows once per data version instead of once per
# panel. "Overdue" depends on the reference day, so the grids hold only what does not:
# expected, reported, on time; a round's overdue count is its missing count once it is past due.


def _grid_stmt(group_cols: list, where: list, by_parent: bool = False):
    """(*group_cols, expected, reported, on_time) of the submissions matching ``where``; with
    ``by_parent`` the closure's ancestor is joined to its region (to filter on its parent)."""
    s, rp = submission.c, reporting_period.c
    reported = case((s.submitted_at.is_not(None), 1), else_=0)
    on_time = case((func.date(s.submitted_at) <= rp.due_date, 1), else_=0)
    joined = submission.join(reporting_period, and_(rp.task_code == s.task_code, rp.period == s.period)).join(
        region_closure, region_closure.c.descendant == s.region_code
    )
    if by_parent:
        joined = joined.join(region_table, region_table.c.code == region_closure.c.ancestor)
    return (
        select(*group_cols, func.count(), func.sum(reported), func.sum(on_time))
        .select_from(joined)
        .where(*where)
        .group_by(*group_cols)
    )


def _periods(months: tuple[str, ...] | list[str]) -> list[str]:
    return [p for m in months for p in periods_ending_in(m)]


@versioned
def _grid(region12: str, months: tuple[str, ...]) -> list[tuple[str, str, date, int, int, int, int]]:
    """Units below the region (itself included) for the rounds ending in ``months``: rows of
    (task, period, due date, unit level, expected, reported, on time), one query."""
    s, rp, lvl = submission.c, reporting_period.c, region_closure.c.descendant_level
    stmt = _grid_stmt(
        [s.task_code, s.period, rp.due_date, lvl],
        [region_closure.c.ancestor == region12, s.period.in_(_periods(months))],
    )
    with store.engine().connect() as conn:
        rows = conn.execute(stmt).all()
    return [(t, p, _as_date(d), int(lv), int(n), int(r or 0), int(o or 0)) for t, p, d, lv, n, r, o in rows]


@versioned
def _child_grid(parent12: str, month: str) -> list[tuple[str, str, date, int, int, int]]:
    """Units below each child of the region for the rounds ending in the month: rows of
    (child, task, due date, expected, reported, on time), one query."""
    s, rp, anc = submission.c, reporting_period.c, region_closure.c.ancestor
    stmt = _grid_stmt(
        [anc, s.task_code, rp.due_date],
        [region_table.c.parent_code == parent12, s.period.in_(periods_ending_in(month))],
        by_parent=True,
    )
    with store.engine().connect() as conn:
        rows = conn.execute(stmt).all()
    return [(c, t, _as_date(d), int(n), int(r or 0), int(o or 0)) for c, t, d, n, r, o in rows]


def _add(acc: list[int], expected: int, reported: int, on_time: int, due: date, today: date) -> None:
    """Add one group of a grid to [expected, reported, on time, overdue] (overdue: missing, past due)."""
    acc[0] += expected
    acc[1] += reported
    acc[2] += on_time
    if due < today:
        acc[3] += expected - reported


def _window(scope: Scope, month: str) -> tuple[str, ...]:
    """The months a page about ``month`` counts: the 12 with rounds up to it (its trend's), or just
    the month when it has no rounds (then nothing is counted for it)."""
    months = _months_until(scope, month, 12)
    return tuple(months) if month in months else (month,)


def _month_rows(region12: str, month: str, scope: Scope, task: str | None) -> list[tuple]:
    """The grid rows of the rounds ending in the month (of one task when given)."""
    periods = set(periods_ending_in(month))
    return [
        r
        for r in _grid(region12, _window(scope, month))
        if r[1] in periods and (task is None or r[0] == task)
    ]


@versioned
def round_tallies(region: str, month: str, scope: Scope, today: str | None = None) -> list[RoundTally]:
    """Every round ending in the month, with the counts of units below the region.

    Rounds in which no unit below the region takes part are left out.
    """
    region12, ref = scope.check(region), date.fromisoformat(_today(today))
    by_code = {t.code: t for t in tasks()}
    sums: dict[tuple[str, str, date], list[int]] = {}
    for t, p, due, _lv, n, r, o in _month_rows(region12, month, scope, None):
        _add(sums.setdefault((t, p, due), [0, 0, 0, 0]), n, r, o, due, ref)
    out = [
        RoundTally(by_code[t], p, due, Tally(t, by_code[t].name, *acc)) for (t, p, due), acc in sums.items()
    ]
    return sorted(out, key=lambda rt: (rt.task.level, rt.task.code))


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


@versioned
def region_tally(
    region: str, month: str, scope: Scope, task: str | None = None, today: str | None = None
) -> Tally:
    """All rounds ending in the month (or one task's), summed over the units below the region."""
    target = get_region(region, scope)
    ref, acc = date.fromisoformat(_today(today)), [0, 0, 0, 0]
    for _t, _p, due, _lv, n, r, o in _month_rows(target.code, month, scope, _check_task(task)):
        _add(acc, n, r, o, due, ref)
    return Tally(target.code, target.name, *acc)


@versioned
def level_tallies(
    region: str, month: str, scope: Scope, task: str | None = None, today: str | None = None
) -> list[Tally]:
    """Counts by the level of the reporting units (市, 县, 镇, 村), only levels that report."""
    region12, ref = scope.check(region), date.fromisoformat(_today(today))
    sums: dict[int, list[int]] = {}
    for _t, _p, due, lv, n, r, o in _month_rows(region12, month, scope, _check_task(task)):
        _add(sums.setdefault(lv, [0, 0, 0, 0]), n, r, o, due, ref)
    return [Tally(str(lv), LEVEL_NAMES.get(lv, str(lv)), *sums[lv]) for lv in sorted(sums)]


@versioned
def children_tallies(
    region: str, month: str, scope: Scope, task: str | None = None, today: str | None = None
) -> list[Tally]:
    """One tally per direct child of the region (by code), zeros where nothing was expected."""
    parent = get_region(region, scope)
    task, ref = _check_task(task), date.fromisoformat(_today(today))
    sums: dict[str, list[int]] = {}
    for child, t, due, n, r, o in _child_grid(parent.code, month):
        if task is None or t == task:
            _add(sums.setdefault(child, [0, 0, 0, 0]), n, r, o, due, ref)
    kids = region_index().children.get(parent.code, [])
    return [Tally(k.code, k.name, *sums.get(k.code, (0, 0, 0, 0))) for k in kids]


GRASSROOTS = (4, 5)


def _months_until(scope: Scope, end: str | None, last: int) -> list[str]:
    if end is not None:
        parse_period(end, "month")
    return [m for m in report_months(scope) if end is None or m <= end][-last:]


@versioned
def trend(
    region: str,
    scope: Scope,
    task: str | None = None,
    today: str | None = None,
    last: int = 12,
    end: str | None = None,
) -> list[Tally]:
    """Completeness and timeliness per month for the last ``last`` months with rounds, oldest first.

    ``end`` (a month) stops the series there, e.g. at the month the page shows.
    """
    region12, ref = scope.check(region), date.fromisoformat(_today(today))
    task = _check_task(task)
    months = _months_until(scope, end, last)
    sums: dict[str, list[int]] = {m: [0, 0, 0, 0] for m in months}
    for t, p, due, _lv, n, r, o in _grid(region12, tuple(months)):
        if task is None or t == task:
            _add(sums[end_month(p)], n, r, o, due, ref)
    return [Tally(m, m, *sums[m]) for m in months if sums[m][0]]


@versioned
def burden_trend(region: str, scope: Scope, last: int = 12, end: str | None = None) -> list[Burden]:
    """Forms asked of each town and village below the region per month (is the burden falling?).

    One entry per month with rounds and per grassroots level that exists below the region.
    """
    target = get_region(region, scope)
    units = {target.level: 1, **count_by_level(target.code, scope)}
    levels = [lv for lv in GRASSROOTS if units.get(lv)]
    months = _months_until(scope, end, last)
    forms: dict[tuple[str, int], int] = {}
    for _t, p, _due, lv, n, _r, _o in _grid(target.code, tuple(months)):
        if lv in levels:
            key = (end_month(p), lv)
            forms[key] = forms.get(key, 0) + n
    return [Burden(m, lv, forms.get((m, lv), 0), units[lv]) for m in months for lv in levels]


# --- who has not reported, and who reports -----------------------------------------------------


@versioned
def overdue_units(
    region: str,
    month: str,
    scope: Scope,
    task: str | None = None,
    today: str | None = None,
    reveal_phones: bool = False,
    limit: int | None = None,
) -> list[OverdueUnit]:
    """Units below the region still missing a round of the month after its due date.

    Each comes with its contact (the first of its region in command order); phones are masked
    unless ``reveal_phones``. Longest overdue first, then by region code, then task. ``limit``
    keeps the first so many (sorted and cut in the query: at the province root a month can have
    tens of thousands); how many there are in all is ``region_tally(...).overdue``.
    """
    region12, today = scope.check(region), _today(today)
    s, rp, t = submission.c, reporting_period.c, reporting_task.c
    where = [region_closure.c.ancestor == region12, s.period.in_(periods_ending_in(month))]
    if _check_task(task):
        where.append(s.task_code == task)
    where += [s.submitted_at.is_(None), rp.due_date < date.fromisoformat(today)]
    stmt = (
        select(s.task_code, t.name, s.period, rp.due_date, s.region_code)
        .select_from(
            submission.join(reporting_period, and_(rp.task_code == s.task_code, rp.period == s.period))
            .join(reporting_task, t.code == s.task_code)
            .join(region_closure, region_closure.c.descendant == s.region_code)
        )
        .where(*where)
    )
    if limit is not None:
        stmt = stmt.order_by(rp.due_date, s.region_code, s.task_code).limit(limit)
    with store.engine().connect() as conn:
        rows = conn.execute(stmt).all()
        codes = sorted({r[4] for r in rows})
        people = (
            conn.execute(
                select(
                    contact.c.region_code,
                    contact.c.role,
                    contact.c.name,
                    contact.c.phone,
                    contact.c.sort_order,
                ).where(contact.c.region_code.in_(codes))
            ).all()
            if codes
            else []
        )
    by_region: dict[str, list] = {}
    for p in people:
        by_region.setdefault(p[0], []).append(p)
    index, ref = region_index(), date.fromisoformat(today)
    out = []
    for code, name, period, due, unit in rows:
        due_d = _as_date(due)
        person = best_contact(by_region.get(unit, []))
        phone = (person[3] if reveal_phones else mask_phone(person[3])) if person else ""
        r = index.get(unit)
        out.append(
            OverdueUnit(
                code,
                name,
                period,
                due_d,
                (ref - due_d).days,
                unit,
                r.name,
                r.level,
                person[2] if person else "",
                person[1] if person else "",
                phone,
            )
        )
    return sorted(out, key=lambda u: (-u.days_overdue, u.code, u.task_code))


@versioned
def staff_by_level(region: str, scope: Scope) -> list[LevelStaff]:
    """Active filers and administrators at each level from the region down (the region's own first)."""
    target = get_region(region, scope)
    units = {target.level: 1, **count_by_level(target.code, scope)}
    f, lvl = filer.c, region_closure.c.descendant_level
    stmt = (
        select(lvl, f.role, func.count(), func.count(func.distinct(f.region_code)))
        .select_from(filer.join(region_closure, region_closure.c.descendant == f.region_code))
        .where(region_closure.c.ancestor == target.code, f.active.is_(True))
        .group_by(lvl, f.role)
    )
    with store.engine().connect() as conn:
        rows = conn.execute(stmt).all()
    people: dict[tuple[int, str], tuple[int, int]] = {(int(r[0]), r[1]): (int(r[2]), int(r[3])) for r in rows}
    out = []
    for level in sorted(units):
        filers, covered = people.get((level, "filer"), (0, 0))
        admins, _ = people.get((level, "admin"), (0, 0))
        out.append(
            LevelStaff(level, LEVEL_NAMES.get(level, str(level)), units[level], covered, filers, admins)
        )
    return out
