"""填表报数 counts summed from the grouped grids equal a count by hand over the raw rows.

A year of random rounds on the tiny hierarchy (tests/conftest.py): a village task every month, a
town task every quarter, a county task for 2025, each unit submitting early, on the due day (late
in the evening), late, or not at all. Every tally of ``data_access.reporting`` (month total, levels,
rounds, children, trend, burden, overdue list) is compared, for several regions, months, tasks and
reference days, with the same figure counted in Python from the submission, round and closure
rows (one row at a time, the rule of the module docstring). Runs on SQLite and, with
``COCKPIT_TEST_DATABASE_URL``, on PostgreSQL.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from data_access import reporting, store
from data_access.schema import region_closure, reporting_period, reporting_task, submission
from data_access.scope import Scope

SCOPE = Scope.of("990100")
CITY, JIA, YI = "990100000000", "990101000000", "990102000000"
REGIONS = [CITY, JIA, YI, "990101002000", "990102001000", "990101002001"]
MONTHS = ["2025-12", "2026-03", "2026-08", "2026-09", "2024-01"]  # the last has no rounds
TODAYS = ["2026-01-05", "2026-10-12", "2026-11-01"]
TASKS = [None, "VIL", "TOWN", "CTY"]


def _due(period: str, due_day: int) -> date:
    end = reporting.end_month(period)
    year, month = int(end[:4]), int(end[5:])
    return date(year + (month == 12), month % 12 + 1, due_day)


def seed(rng: random.Random) -> None:
    """Tasks, a year of rounds and one submission per expected unit, submitted at random."""
    tasks = [
        ("VIL", "村级月报", 5, "month", 10, [f"2025-{m:02d}" for m in (10, 11, 12)]),
        ("TOWN", "镇级季报", 4, "quarter", 15, ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]),
        ("CTY", "县级年报", 3, "year", 20, ["2025"]),
    ]
    tasks[0][5].extend(f"2026-{m:02d}" for m in range(1, 10))
    with store.engine().begin() as conn:
        levels = dict(
            conn.execute(
                select(region_closure.c.descendant, region_closure.c.descendant_level).where(
                    region_closure.c.ancestor == CITY
                )
            ).all()
        )
        conn.execute(
            insert(reporting_task),
            [
                {"code": c, "name": n, "department": "测试局", "level": lv, "frequency": f, "due_day": d}
                for c, n, lv, f, d, _ in tasks
            ],
        )
        periods, subs = [], []
        for code, _n, level, _f, due_day, pers in tasks:
            units = sorted(u for u, lv in levels.items() if lv == level)
            for per in pers:
                due = _due(per, due_day)
                periods.append({"task_code": code, "period": per, "due_date": due})
                for unit in units:
                    kind = rng.choice(["early", "due-evening", "late", "missing", "missing"])
                    at = {
                        "early": datetime.combine(
                            due - timedelta(days=rng.randint(1, 20)), datetime.min.time()
                        )
                        + timedelta(hours=rng.randint(8, 18)),
                        "due-evening": datetime.combine(due, datetime.min.time())
                        + timedelta(hours=23, minutes=30),
                        "late": datetime.combine(due + timedelta(days=rng.randint(1, 5)), datetime.min.time())
                        + timedelta(hours=9),
                        "missing": None,
                    }[kind]
                    subs.append(
                        {
                            "task_code": code,
                            "period": per,
                            "region_code": unit,
                            "submitted_at": at,
                            "status": "submitted" if at else "pending",
                            "filer": "",
                        }
                    )
        conn.execute(insert(reporting_period), periods)
        conn.execute(insert(submission), subs)
        store.bump_version(conn)


@pytest.fixture
def grid_store(tiny_store):
    seed(random.Random(16))
    return tiny_store


class Hand:
    """The raw rows, and every figure counted from them one row at a time."""

    def __init__(self) -> None:
        with store.engine().connect() as conn:
            self.closure = conn.execute(
                select(
                    region_closure.c.ancestor, region_closure.c.descendant, region_closure.c.descendant_level
                )
            ).all()
            self.due = {
                (t, p): reporting._as_date(d)
                for t, p, d in conn.execute(
                    select(
                        reporting_period.c.task_code, reporting_period.c.period, reporting_period.c.due_date
                    )
                ).all()
            }
            self.subs = conn.execute(
                select(
                    submission.c.task_code,
                    submission.c.period,
                    submission.c.region_code,
                    submission.c.submitted_at,
                )
            ).all()
        self.level = {d: lv for _a, d, lv in self.closure}

    def below(self, region: str) -> set[str]:
        return {d for a, d, _lv in self.closure if a == region}

    def rows(self, region: str, month: str, task: str | None) -> list:
        units, periods = self.below(region), set(reporting.periods_ending_in(month))
        return [
            s
            for s in self.subs
            if s[2] in units
            and s[1] in periods
            and (task is None or s[0] == task)
            and (s[0], s[1]) in self.due
        ]

    def count(self, rows: list, today: str) -> tuple[int, int, int, int]:
        ref = date.fromisoformat(today)
        expected = len(rows)
        reported = sum(1 for s in rows if s[3] is not None)
        on_time = sum(1 for s in rows if s[3] is not None and s[3].date() <= self.due[(s[0], s[1])])
        overdue = sum(1 for s in rows if s[3] is None and self.due[(s[0], s[1])] < ref)
        return expected, reported, on_time, overdue


def _c(t: reporting.Tally) -> tuple[int, int, int, int]:
    return t.expected, t.reported, t.on_time, t.overdue


def test_rpg001_month_tallies_equal_hand_count(grid_store):
    hand = Hand()
    checked = 0
    for region in REGIONS:
        for month in MONTHS:
            for task in TASKS:
                for today in TODAYS:
                    rows = hand.rows(region, month, task)
                    total = reporting.region_tally(region, month, SCOPE, task, today)
                    assert _c(total) == hand.count(rows, today), (region, month, task, today)
                    levels = reporting.level_tallies(region, month, SCOPE, task, today)
                    by_level: dict[int, list] = {}
                    for s in rows:
                        by_level.setdefault(hand.level[s[2]], []).append(s)
                    assert [(t.key, _c(t)) for t in levels] == [
                        (str(lv), hand.count(by_level[lv], today)) for lv in sorted(by_level)
                    ]
                    checked += bool(rows)
                rounds = reporting.round_tallies(region, month, SCOPE, today)
                by_round: dict[tuple, list] = {}
                for s in hand.rows(region, month, None):
                    by_round.setdefault((s[0], s[1]), []).append(s)
                assert {(r.task.code, r.period): _c(r.tally) for r in rounds} == {
                    k: hand.count(v, today) for k, v in by_round.items()
                }
                assert all(r.due_date == hand.due[(r.task.code, r.period)] for r in rounds)
    assert checked > 50  # most combinations have units to count


def test_rpg002_children_equal_hand_count(grid_store):
    hand = Hand()
    for parent, kids in [(CITY, [JIA, YI]), (JIA, ["990101001000", "990101002000"])]:
        for month in MONTHS:
            for task in TASKS:
                got = reporting.children_tallies(parent, month, SCOPE, task, "2026-11-01")
                assert [t.key for t in got] == kids
                assert [_c(t) for t in got] == [
                    hand.count(hand.rows(k, month, task), "2026-11-01") for k in kids
                ]


def test_rpg003_trend_and_burden_equal_hand_count(grid_store):
    hand = Hand()
    months = reporting.report_months(SCOPE)
    assert months[0] == "2025-10" and months[-1] == "2026-09"
    for region in (CITY, JIA, "990101002000"):
        for task in TASKS:
            for end, last in (("2026-09", 12), ("2026-03", 12), ("2026-06", 4), (None, 12)):
                want_months = [m for m in months if end is None or m <= end][-last:]
                got = reporting.trend(region, SCOPE, task, "2026-10-12", last=last, end=end)
                want = [
                    (m, hand.count(hand.rows(region, m, task), "2026-10-12"))
                    for m in want_months
                    if hand.rows(region, m, task)
                ]
                assert [(t.key, _c(t)) for t in got] == want
        burden = reporting.burden_trend(region, SCOPE, end="2026-09")
        assert burden, region
        for b in burden:
            rows = [s for s in hand.rows(region, b.month, None) if hand.level[s[2]] == b.level]
            assert b.forms == len(rows), (region, b)


def test_rpg004_overdue_list_limited_in_the_query(grid_store):
    for region, month, task in [(CITY, "2026-09", None), (JIA, "2025-12", None), (CITY, "2026-09", "VIL")]:
        full = reporting.overdue_units(region, month, SCOPE, task, "2026-11-01")
        total = reporting.region_tally(region, month, SCOPE, task, "2026-11-01").overdue
        assert len(full) == total >= 2
        half = total // 2
        assert reporting.overdue_units(region, month, SCOPE, task, "2026-11-01", limit=half) == full[:half]
        assert reporting.overdue_units(region, month, SCOPE, task, "2026-11-01", limit=total + 5) == full
