"""填表报数 completeness and timeliness on the tiny hierarchy, with hand-counted expectations.

Hierarchy (tests/conftest.py): 测试市 990100 → 甲区 990101 (甲一街道 → 甲一社区; 甲二镇 → 甲二一村,
甲二二村) and 乙县 990102 (乙一镇 → 乙一一村, 乙一二村).

Rounds seeded by :func:`seed_reporting`:
- VIL 村级月报 2026-08 (due 09-10): five villages; 甲二一村 late, the others on time.
- VIL 村级月报 2026-09 (due 10-10): 甲一社区 on time (23:30 on the due day), 甲二一村 late,
  乙一一村 on time, 甲二二村 and 乙一二村 missing.
- TOWN 镇级季报 2026-Q3 (due 10-15): 甲一街道 on time, 乙一镇 late, 甲二镇 missing.
- CTY 县级年报 2025 (due 2026-01-20): 甲区 on time, 乙县 missing.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import insert

from data_access import reporting, store
from data_access.errors import InvalidInput, NotFound, OutOfScope
from data_access.schema import contact, filer, reporting_period, reporting_task, submission
from data_access.scope import Scope

CITY, JIA, YI = "990100000000", "990101000000", "990102000000"
SCOPE = Scope.of("990100")
AFTER = "2026-11-01"  # every round of 2026-09 is past due
BETWEEN = "2026-10-12"  # the village round is past due, the town round is not

VILLAGES = ["990101001001", "990101002001", "990101002002", "990102001001", "990102001002"]
TOWNS = ["990101001000", "990101002000", "990102001000"]


def _at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def seed_reporting() -> None:
    """Tasks, rounds, submissions, filers and contacts on the tiny hierarchy (store already loaded)."""
    tasks = [
        {
            "code": "VIL",
            "name": "村级月报",
            "department": "农业农村局",
            "level": 5,
            "frequency": "month",
            "due_day": 10,
        },
        {
            "code": "TOWN",
            "name": "镇级季报",
            "department": "统计局",
            "level": 4,
            "frequency": "quarter",
            "due_day": 15,
        },
        {
            "code": "CTY",
            "name": "县级年报",
            "department": "发改局",
            "level": 3,
            "frequency": "year",
            "due_day": 20,
        },
    ]
    periods = [
        {"task_code": "VIL", "period": "2026-08", "due_date": date(2026, 9, 10)},
        {"task_code": "VIL", "period": "2026-09", "due_date": date(2026, 10, 10)},
        {"task_code": "TOWN", "period": "2026-Q3", "due_date": date(2026, 10, 15)},
        {"task_code": "CTY", "period": "2025", "due_date": date(2026, 1, 20)},
    ]
    aug = dict(
        zip(
            VILLAGES,
            [
                "2026-09-01 09:00",
                "2026-09-12 10:00",
                "2026-09-10 17:00",
                "2026-09-09 08:00",
                "2026-09-02 11:00",
            ],
            strict=True,
        )
    )
    sep = dict(
        zip(VILLAGES, ["2026-10-10 23:30", "2026-10-11 08:00", None, "2026-10-05 15:00", None], strict=True)
    )
    q3 = dict(zip(TOWNS, ["2026-10-15 09:00", None, "2026-10-16 10:00"], strict=True))
    subs = (
        [("VIL", "2026-08", c, t) for c, t in aug.items()]
        + [("VIL", "2026-09", c, t) for c, t in sep.items()]
        + [("TOWN", "2026-Q3", c, t) for c, t in q3.items()]
        + [("CTY", "2025", JIA, "2026-01-20 16:00"), ("CTY", "2025", YI, None)]
    )
    filers = [
        (CITY, "市管理员", "admin", True),
        (JIA, "甲区填报员", "filer", True),
        (JIA, "甲区管理员", "admin", True),
        ("990101001001", "社区填报员一", "filer", True),
        ("990101001001", "社区填报员二", "filer", True),
        ("990101002001", "甲二一村填报员", "filer", True),
        ("990102001001", "乙一一村填报员", "filer", False),  # inactive: not counted
    ]
    contacts = [
        (CITY, "常务副总指挥", "李四", "市委副书记", "市委", "13800000002", 0),
        (CITY, "工作专班组长", "周八", "农业农村局局长", "市农业农村局", "13800000005", 0),
        (CITY, "总指挥", "张三", "市委书记", "市委", "13800000001", 5),
        (CITY, "宣传专班组长", "郑十", "宣传部部长", "市委宣传部", "13800000006", 1),
        (CITY, "指挥办负责人", "吴九", "指挥办主任", "市百千万指挥办", "13800000004", 0),
        (CITY, "第一副总指挥", "王五", "市长", "市政府", "13800000003", 0),
        (JIA, "总指挥", "陈一", "区委书记", "甲区区委", "13900000001", 0),
        ("990101002002", "工作专班组长", "王村长", "村委会主任", "甲二二村", "13812341234", 0),
        ("990101002002", "总指挥", "赵六", "村党组织书记", "甲二二村", "13900001111", 1),
        ("990101002000", "指挥办负责人", "钱七", "镇指挥办主任", "甲二镇", "0759-1234567", 0),
    ]
    with store.engine().begin() as conn:
        conn.execute(insert(reporting_task), tasks)
        conn.execute(insert(reporting_period), periods)
        conn.execute(
            insert(submission),
            [
                {
                    "task_code": t,
                    "period": p,
                    "region_code": c,
                    "submitted_at": _at(at),
                    "status": "submitted" if at else "pending",
                    "filer": "",
                }
                for t, p, c, at in subs
            ],
        )
        conn.execute(
            insert(filer), [{"region_code": c, "name": n, "role": r, "active": a} for c, n, r, a in filers]
        )
        conn.execute(
            insert(contact),
            [
                {
                    "region_code": c,
                    "role": r,
                    "name": n,
                    "title": t,
                    "organisation": o,
                    "phone": ph,
                    "sort_order": so,
                }
                for c, r, n, t, o, ph, so in contacts
            ],
        )
        store.bump_version(conn)


@pytest.fixture
def reporting_store(tiny_store):
    seed_reporting()
    return tiny_store


def _counts(t: reporting.Tally) -> tuple[int, int, int, int]:
    return t.expected, t.reported, t.on_time, t.overdue


def test_rep001_periods_ending_in_month():
    assert reporting.periods_ending_in("2026-09") == ["2026-09", "2026-Q3"]
    assert reporting.periods_ending_in("2026-12") == ["2026-12", "2026-Q4", "2026"]
    assert reporting.periods_ending_in("2026-10") == ["2026-10"]
    assert reporting.end_month("2026-Q3") == "2026-09"
    assert reporting.end_month("2025") == "2025-12"
    with pytest.raises(InvalidInput):
        reporting.periods_ending_in("2026-Q3")


def test_rep002_city_total_for_month(reporting_store):
    t = reporting.region_tally("990100", "2026-09", SCOPE, today=AFTER)
    # villages 5 + towns 3 expected; 3 + 2 reported; 2 + 1 on time; 2 + 1 still missing.
    assert _counts(t) == (8, 5, 3, 3)
    assert (t.late, t.pending) == (2, 0)
    assert t.completeness == pytest.approx(5 / 8)
    assert t.timeliness == pytest.approx(3 / 8)
    assert t.name == "测试市"


def test_rep003_on_time_is_end_of_due_day_and_pending_before_due(reporting_store):
    vil = reporting.region_tally("990101001001", "2026-09", SCOPE, task="VIL", today=AFTER)
    assert _counts(vil) == (1, 1, 1, 0)  # submitted 23:30 on the due day: on time
    t = reporting.region_tally("990100", "2026-09", SCOPE, today=BETWEEN)
    # the town round (due 10-15) is not yet due: 甲二镇 is pending, not overdue
    assert _counts(t) == (8, 5, 3, 2)
    assert t.pending == 1


def test_rep004_by_level(reporting_store):
    levels = reporting.level_tallies("990100", "2026-09", SCOPE, today=AFTER)
    assert [(x.key, x.name) for x in levels] == [("4", "镇（街道）"), ("5", "村（社区）")]
    assert [_counts(x) for x in levels] == [(3, 2, 1, 1), (5, 3, 2, 2)]
    year = reporting.level_tallies("990100", "2025-12", SCOPE, today=AFTER)
    assert [(x.key, _counts(x)) for x in year] == [("3", (2, 1, 1, 1))]


def test_rep005_children_and_drill_down(reporting_store):
    kids = reporting.children_tallies("990100", "2026-09", SCOPE, today=AFTER)
    assert [(k.key, k.name, _counts(k)) for k in kids] == [
        (JIA, "甲区", (5, 3, 2, 2)),
        (YI, "乙县", (3, 2, 1, 1)),
    ]
    towns = reporting.children_tallies("990101", "2026-09", SCOPE, task="VIL", today=AFTER)
    assert [(k.name, _counts(k)) for k in towns] == [("甲一街道", (1, 1, 1, 0)), ("甲二镇", (2, 1, 0, 1))]
    # a child where nothing was expected still appears, with zeros
    villages = reporting.children_tallies("990101001", "2025-12", SCOPE, today=AFTER)
    assert [(k.name, _counts(k), k.completeness) for k in villages] == [("甲一社区", (0, 0, 0, 0), None)]


def test_rep006_rounds_of_month_ordered_by_level(reporting_store):
    rounds = reporting.round_tallies("990100", "2026-09", SCOPE, today=AFTER)
    assert [(r.task.code, r.period, r.due_date) for r in rounds] == [
        ("TOWN", "2026-Q3", date(2026, 10, 15)),
        ("VIL", "2026-09", date(2026, 10, 10)),
    ]
    assert [_counts(r.tally) for r in rounds] == [(3, 2, 1, 1), (5, 3, 2, 2)]
    county = reporting.round_tallies("990102", "2026-09", Scope.of("990102"), today=AFTER)
    assert [(r.task.code, _counts(r.tally)) for r in county] == [
        ("TOWN", (1, 1, 0, 0)),
        ("VIL", (2, 1, 1, 1)),
    ]


def test_rep007_trend_by_month(reporting_store):
    trend = reporting.trend("990100", SCOPE, today=AFTER)
    assert [(t.key, _counts(t)) for t in trend] == [
        ("2025-12", (2, 1, 1, 1)),
        ("2026-08", (5, 5, 4, 0)),
        ("2026-09", (8, 5, 3, 3)),
    ]
    assert [t.key for t in reporting.trend("990100", SCOPE, today=AFTER, last=2)] == ["2026-08", "2026-09"]
    vil = reporting.trend("990101", SCOPE, task="VIL", today=AFTER)
    assert [(t.key, _counts(t)) for t in vil] == [("2026-08", (3, 3, 2, 0)), ("2026-09", (3, 2, 1, 1))]
    # the trend point of a month equals that month's total
    assert _counts(trend[-1]) == _counts(reporting.region_tally("990100", "2026-09", SCOPE, today=AFTER))


def test_rep008_months_and_default(reporting_store):
    assert reporting.report_months(SCOPE) == ["2025-12", "2026-08", "2026-09"]
    assert reporting.default_month(SCOPE, today=AFTER) == "2026-09"
    assert reporting.default_month(SCOPE, today=BETWEEN) == "2026-08"  # 2026-Q3 due 10-15 not yet past
    assert reporting.default_month(SCOPE, today="2026-01-01") == "2025-12"
    assert [t.code for t in reporting.tasks()] == ["CTY", "TOWN", "VIL"]


def test_rep009_overdue_units_with_contacts(reporting_store):
    units = reporting.overdue_units("990100", "2026-09", SCOPE, today=AFTER)
    assert [(u.code, u.name, u.task_code, u.days_overdue) for u in units] == [
        ("990101002002", "甲二二村", "VIL", 22),
        ("990102001002", "乙一二村", "VIL", 22),
        ("990101002000", "甲二镇", "TOWN", 17),
    ]
    # 总指挥 comes before 工作专班组长 whatever their sort_order
    assert (units[0].contact_name, units[0].contact_role, units[0].phone) == ("赵六", "总指挥", "139****1111")
    assert (units[1].contact_name, units[1].phone) == ("", "")
    assert units[2].phone == "075****4567"  # 11 digits: same rule as a mobile
    full = reporting.overdue_units("990100", "2026-09", SCOPE, today=AFTER, reveal_phones=True)
    assert full[0].phone == "13900001111"
    before = reporting.overdue_units("990100", "2026-09", SCOPE, today=BETWEEN)
    assert [u.code for u in before] == ["990101002002", "990102001002"]


def test_rep010_staff_by_level(reporting_store):
    staff = reporting.staff_by_level("990100", SCOPE)
    assert [(s.level, s.units, s.units_with_filer, s.filers, s.admins) for s in staff] == [
        (2, 1, 0, 0, 1),
        (3, 2, 1, 1, 1),
        (4, 3, 0, 0, 0),
        (5, 5, 2, 3, 0),  # 乙一一村's filer is inactive
    ]
    county = reporting.staff_by_level("990102", SCOPE)
    assert [(s.level_name, s.units, s.filers) for s in county] == [
        ("县（市、区）", 1, 0),
        ("镇（街道）", 1, 0),
        ("村（社区）", 2, 0),
    ]


def test_rep011_scope_and_input_are_enforced(reporting_store):
    county = Scope.of("990102")
    with pytest.raises(OutOfScope):
        reporting.region_tally("990101", "2026-09", county, today=AFTER)
    with pytest.raises(OutOfScope):
        reporting.children_tallies("990100", "2026-09", county, today=AFTER)
    with pytest.raises(OutOfScope):
        reporting.overdue_units("990101", "2026-09", county, today=AFTER)
    with pytest.raises(OutOfScope):
        reporting.staff_by_level("990101", county)
    with pytest.raises(OutOfScope):
        reporting.trend("990100", county, today=AFTER)
    assert _counts(reporting.region_tally("990102", "2026-09", county, today=AFTER)) == (3, 2, 1, 1)
    with pytest.raises(InvalidInput):
        reporting.region_tally("990100", "2026-09", SCOPE, task="NOPE", today=AFTER)
    with pytest.raises(NotFound):
        reporting.region_tally("990103", "2026-09", SCOPE, today=AFTER)


def test_rep012_cached_results_follow_writes(reporting_store):
    before = reporting.region_tally("990100", "2026-09", SCOPE, today=AFTER)
    with store.engine().begin() as conn:
        conn.execute(
            submission.update()
            .where(submission.c.region_code == "990102001002", submission.c.period == "2026-09")
            .values(submitted_at=datetime(2026, 10, 9, 12, 0), status="submitted")
        )
        store.bump_version(conn)
    after = reporting.region_tally("990100", "2026-09", SCOPE, today=AFTER)
    assert _counts(before) == (8, 5, 3, 3)
    assert _counts(after) == (8, 6, 4, 2)


def test_rep013_burden_on_grassroots_units(reporting_store):
    burden = reporting.burden_trend("990100", SCOPE)
    assert [(b.month, b.level, b.forms, b.units) for b in burden] == [
        ("2025-12", 4, 0, 3),
        ("2025-12", 5, 0, 5),
        ("2026-08", 4, 0, 3),
        ("2026-08", 5, 5, 5),
        ("2026-09", 4, 3, 3),
        ("2026-09", 5, 5, 5),
    ]
    assert burden[3].per_unit == 1.0
    town = reporting.burden_trend("990102001", SCOPE, last=1)  # 乙一镇: itself and two villages
    assert [(b.level, b.forms, b.units) for b in town] == [(4, 1, 1), (5, 2, 2)]


def test_rep014_demo_store_is_judged_at_its_as_of_day(reporting_store):
    with store.engine().begin() as conn:
        store.set_meta(conn, "demo", "1")
        store.set_meta(conn, "generated_at", BETWEEN + "T09:00:00")
        store.bump_version(conn)
    assert reporting.reference_date() == BETWEEN
    assert _counts(reporting.region_tally("990100", "2026-09", SCOPE)) == (8, 5, 3, 2)
    assert reporting.default_month(SCOPE) == "2026-08"


def test_rep015_trends_stop_at_the_month_shown(reporting_store):
    assert [t.key for t in reporting.trend("990100", SCOPE, today=AFTER, end="2026-08")] == [
        "2025-12",
        "2026-08",
    ]
    assert [t.key for t in reporting.trend("990100", SCOPE, today=AFTER, end="2026-07", last=1)] == [
        "2025-12"
    ]
    assert {b.month for b in reporting.burden_trend("990100", SCOPE, end="2026-08")} == {"2025-12", "2026-08"}
    with pytest.raises(InvalidInput):
        reporting.trend("990100", SCOPE, end="2026-Q3")
