"""基层治理: the 矛盾纠纷·码上办 cases, the monthly village figures derived from them, overdue cases.

A case is one dispute reported at a village (``dispute_case``; no names of the parties). The
governance indicators of the catalogue (theme ``governance``) are *derived* from the cases by
:func:`derive` and stored as ordinary village-level observations, so they roll up, map, rank and
export like every other indicator. How a month is counted (also said in each definition):

* flow figures count the cases **received** in the month, with their status as of the data time:
  a case received in March and resolved in May counts as received and resolved in March;
* ``disputes_open`` counts, at each month's end, the cases received by then and not yet closed
  (``resolved_at`` empty or later than the month's end).

Every query function takes the scope and refuses regions outside it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from sqlalchemy import Connection, func, select
from sqlalchemy import case as sql_case

from . import store
from .cache import versioned
from .directory import best_contact, mask_phone
from .periods import parse_period
from .regions import region_index
from .schema import case_type, contact, dispute_case, region_closure
from .scope import Scope

STATUSES = ("受理", "调处中", "已化解", "未化解", "已上报")
OPEN_STATUSES = ("受理", "调处中", "已上报")
RESOLVED = "已化解"
ESCALATED = "已上报"
LEVELS = ("村", "镇", "县", "市")
CHANNELS = ("码上办扫码", "来访", "电话", "网格员")
# The types the 码上办 system ships with; more can be added to the ``case_type`` table.
DEFAULT_TYPES = (
    ("land", "土地山林"),
    ("family", "婚姻家庭"),
    ("neighbour", "邻里纠纷"),
    ("labour", "劳资纠纷"),
    ("expropriation", "征地拆迁"),
    ("other", "其他"),
)
SATISFIED = 4  # a rating of 4 (满意) or 5 (非常满意)
# The stored village-level indicators, in the order :func:`derive` returns them.
STORED = (
    "disputes_received",
    "disputes_resolved",
    "disputes_resolved_on_time",
    "disputes_resolved_village",
    "disputes_resolved_town",
    "dispute_days",
    "dispute_ratings",
    "dispute_ratings_satisfied",
    "disputes_escalated",
    "disputes_open",
)


@dataclass(frozen=True)
class Case:
    """One dispute case as the 码上办 system exports it (no party names)."""

    case_id: str
    village_code: str
    type_code: str
    received_at: datetime
    channel: str
    due_date: date
    status: str
    resolved_level: str | None = None
    resolved_at: datetime | None = None
    satisfaction: int | None = None

    @property
    def resolved(self) -> bool:
        return self.status == RESOLVED and self.resolved_at is not None

    @property
    def escalated(self) -> bool:
        """Reported to the county or the city: still there (已上报) or resolved there."""
        return self.status == ESCALATED or (self.resolved and self.resolved_level in ("县", "市"))


def month_index(months: Sequence[str]) -> dict[str, int]:
    return {m: i for i, m in enumerate(months)}


def month_ends(months: Sequence[str]) -> list[datetime]:
    """The first instant after each month (a case closed before it was closed in that month)."""
    out = []
    for m in months:
        y, mo = int(m[:4]), int(m[5:7])
        out.append(datetime(y + (mo == 12), mo % 12 + 1, 1))
    return out


def derive(cases: Iterable[Case], villages: Sequence[str], months: Sequence[str]) -> dict[str, np.ndarray]:
    """The stored governance indicators, one (villages × months) array each (see the module doc).

    Every village gets a figure for every month (0 without cases), so completeness stays n/n.
    Cases of villages not listed are ignored.
    """
    # Plain lists while counting: element updates on them are several times faster than on arrays.
    acc = {code: [[0.0] * len(months) for _ in villages] for code in STORED}
    vix, mix, ends = month_index(villages), month_index(months), month_ends(months)
    for case in cases:
        v = vix.get(case.village_code)
        if v is None:
            continue
        m = mix.get(case.received_at.strftime("%Y-%m"))
        if m is not None:
            _count_received(acc, v, m, case)
        _count_open(acc["disputes_open"][v], case, ends)
    out = {
        code: np.array(rows, dtype=float).reshape(len(villages), len(months)) for code, rows in acc.items()
    }
    out["dispute_days"] = np.round(out["dispute_days"], 1)
    return out


def _count_received(acc: dict[str, list[list[float]]], v: int, m: int, case: Case) -> None:
    acc["disputes_received"][v][m] += 1
    if case.resolved:
        acc["disputes_resolved"][v][m] += 1
        acc["dispute_days"][v][m] += (case.resolved_at - case.received_at).total_seconds() / 86400
        acc["disputes_resolved_on_time"][v][m] += case.resolved_at.date() <= case.due_date
        acc["disputes_resolved_village"][v][m] += case.resolved_level == "村"
        acc["disputes_resolved_town"][v][m] += case.resolved_level in ("村", "镇")
    if case.satisfaction is not None:
        acc["dispute_ratings"][v][m] += 1
        acc["dispute_ratings_satisfied"][v][m] += case.satisfaction >= SATISFIED
    acc["disputes_escalated"][v][m] += case.escalated


def _count_open(row: list[float], case: Case, ends: Sequence[datetime]) -> None:
    # Open at the end of month k: received before ``ends[k]`` and not closed before it.
    first = bisect_right(ends, case.received_at)
    last = len(ends) if case.resolved_at is None else bisect_right(ends, case.resolved_at)
    for k in range(first, last):
        row[k] += 1


def observation_rows(figures: dict[str, np.ndarray], villages: Sequence[str], months: Sequence[str]):
    """Rows (``indicator``, ``region``, ``period``, ``value``) for ``observations.write_observations``."""
    for code in STORED:
        values = figures[code]
        for i, village in enumerate(villages):
            for j, month in enumerate(months):
                yield {"indicator": code, "region": village, "period": month, "value": float(values[i, j])}


def load_types(conn: Connection) -> None:
    """Insert the default case types that are missing (inside the caller's transaction)."""
    have = set(conn.execute(select(case_type.c.code)).scalars())
    rows = [
        {"code": code, "name": name, "sort_order": 10 * (i + 1)}
        for i, (code, name) in enumerate(DEFAULT_TYPES)
        if code not in have
    ]
    if rows:
        conn.execute(case_type.insert(), rows)


# --- reads for the page ------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeCount:
    """Cases of one type received in a period under a region, and how many are resolved."""

    code: str
    name: str
    received: int
    resolved: int


@dataclass(frozen=True)
class OverdueCase:
    """An open case past its due date, with the contact responsible for it (phone masked unless allowed)."""

    case_id: str
    village_code: str
    village_name: str
    town_code: str
    town_name: str
    type_name: str
    status: str
    received: date
    due_date: date
    days_overdue: int
    contact_name: str
    contact_role: str
    phone: str


def _month_bounds(month: str, ytd: bool) -> tuple[datetime, datetime]:
    p = parse_period(month, "month")
    start = datetime(p.year, 1 if ytd else p.index, 1)
    return start, month_ends([p.text])[0]


@versioned
def type_breakdown(region: str, month: str, scope: Scope, ytd: bool = False) -> list[TypeCount]:
    """Cases received under ``region`` in the month (``ytd``: January to the month) by type."""
    region12 = scope.check(region)
    start, end = _month_bounds(month, ytd)
    d = dispute_case.c
    stmt = (
        select(d.type_code, func.count(), func.sum(sql_case((d.status == RESOLVED, 1), else_=0)))
        .select_from(dispute_case.join(region_closure, region_closure.c.descendant == d.village_code))
        .where(region_closure.c.ancestor == region12, d.received_at >= start, d.received_at < end)
        .group_by(d.type_code)
    )
    with store.engine().connect() as conn:
        counts = {code: (n, r) for code, n, r in conn.execute(stmt)}
        types = conn.execute(
            select(case_type.c.code, case_type.c.name).order_by(case_type.c.sort_order)
        ).all()
    rows = [(code, name, *counts.get(code, (0, 0))) for code, name in types]
    return [TypeCount(code, name, int(n or 0), int(r or 0)) for code, name, n, r in rows]


@dataclass(frozen=True)
class OutcomeCount:
    """Cases received in a period under a region with one outcome (化解 by level, 未化解, 在办)."""

    key: str
    name: str
    count: int


OUTCOMES = (
    ("村", "村级化解"),
    ("镇", "镇级化解"),
    ("县", "县级化解"),
    ("市", "市级化解"),
    ("未化解", "未化解结案"),
    ("在办", "在办（含已上报）"),
)


@versioned
def outcome_breakdown(region: str, month: str, scope: Scope) -> list[OutcomeCount]:
    """Cases received under ``region`` in the month by where they stand now; the counts add up to 受理数."""
    region12 = scope.check(region)
    start, end = _month_bounds(month, False)
    d = dispute_case.c
    stmt = (
        select(d.status, d.resolved_level, func.count())
        .select_from(dispute_case.join(region_closure, region_closure.c.descendant == d.village_code))
        .where(region_closure.c.ancestor == region12, d.received_at >= start, d.received_at < end)
        .group_by(d.status, d.resolved_level)
    )
    counts: dict[str, int] = {}
    with store.engine().connect() as conn:
        for status, level, n in conn.execute(stmt):
            key = level if status == RESOLVED else ("未化解" if status == "未化解" else "在办")
            counts[key] = counts.get(key, 0) + int(n)
    return [OutcomeCount(key, name, counts.get(key, 0)) for key, name in OUTCOMES]


@versioned
def overdue_cases(
    region: str, scope: Scope, today: str | None = None, reveal_phones: bool = False
) -> list[OverdueCase]:
    """Open cases under ``region`` whose due date is before ``today``, longest overdue first.

    ``today`` defaults to the reference day (the frozen as-of day of a demo store). The
    responsible contact is the village's first contact in command order (村书记), else its
    town's; phones are masked unless ``reveal_phones``.
    """
    from .reporting import reference_date

    region12 = scope.check(region)
    ref = date.fromisoformat(today or reference_date())
    d = dispute_case.c
    stmt = (
        select(d.case_id, d.village_code, case_type.c.name, d.status, d.received_at, d.due_date)
        .select_from(
            dispute_case.join(region_closure, region_closure.c.descendant == d.village_code).join(
                case_type, case_type.c.code == d.type_code
            )
        )
        .where(region_closure.c.ancestor == region12, d.status.in_(OPEN_STATUSES), d.due_date < ref)
    )
    index = region_index()
    with store.engine().connect() as conn:
        rows = conn.execute(stmt).all()
        people = _people(conn, {r.village_code for r in rows}, index)
    out = []
    for r in rows:
        village = index.get(r.village_code)
        town = index.get(village.parent) if village.parent else village
        person = best_contact(people.get(village.code, [])) or best_contact(people.get(town.code, []))
        phone = (person[3] if reveal_phones else mask_phone(person[3])) if person else ""
        due = r.due_date if isinstance(r.due_date, date) else date.fromisoformat(str(r.due_date)[:10])
        received = (
            r.received_at if isinstance(r.received_at, datetime) else datetime.fromisoformat(r.received_at)
        )
        out.append(
            OverdueCase(
                r.case_id, village.code, village.name, town.code, town.name, r.name, r.status,
                received.date(), due, (ref - due).days,
                person[2] if person else "", person[1] if person else "", phone,
            )
        )  # fmt: skip
    return sorted(out, key=lambda c: (-c.days_overdue, c.village_code, c.case_id))


def _people(conn: Connection, villages: set[str], index) -> dict[str, list]:
    """Contacts of the villages and their towns, by region code."""
    codes = sorted(villages | {index.get(v).parent for v in villages if index.get(v).parent})
    by_region: dict[str, list] = {}
    for i in range(0, len(codes), 500):
        c = contact.c
        stmt = select(c.region_code, c.role, c.name, c.phone, c.sort_order).where(
            c.region_code.in_(codes[i : i + 500])
        )
        for p in conn.execute(stmt):
            by_region.setdefault(p[0], []).append(p)
    return by_region


def case_row(c: Case, updated_at: datetime) -> dict:
    """A case as a ``dispute_case`` row."""
    return {
        "case_id": c.case_id,
        "village_code": c.village_code,
        "type_code": c.type_code,
        "received_at": c.received_at,
        "channel": c.channel,
        "due_date": c.due_date,
        "resolved_level": c.resolved_level,
        "resolved_at": c.resolved_at,
        "status": c.status,
        "satisfaction": c.satisfaction,
        "updated_at": updated_at,
    }
