"""Task fields and recorded submissions (data_access.forms) on the tiny hierarchy of test_reporting.

Round VIL 2026-09 (due 2026-10-10): 甲一社区 on time, 甲二一村 late, 乙一一村 on time, 甲二二村 and
乙一二村 missing; TOWN 2026-Q3 (due 10-15) also ends in 2026-09: 甲一街道 on time, 乙一镇 late,
甲二镇 missing. 甲区 990101 counts 甲一社区, 甲二一村, 甲二二村, 甲一街道 and 甲二镇.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import insert, select

from data_access import forms, reporting, store
from data_access.errors import InvalidInput, NotFound
from data_access.schema import indicator, observation, reporting_period, submission, task_field
from data_access.scope import Scope
from tests.data_access.rows import indicator_row

JIA, YI = "990101000000", "990102000000"
V_JIA22, V_YI12 = "990101002002", "990102001002"
SCOPE = Scope.of("990100")


def seed_forms() -> None:
    """The reports_* indicators, two village indicators, a ratio, and VIL's fields."""
    rows = [
        indicator_row(c, c, "份", theme="reporting", decimals=0, min_value=0, max_value=1e6)
        for c in forms.REPORT_INDICATORS
    ]
    rows += [
        indicator_row("f_kiosk", "自助机数", "台", lowest_level=5, value_type="stock", decimals=0, min_value=0, max_value=20),
        indicator_row("f_uses", "业务办理量", "笔", lowest_level=5, decimals=0, min_value=0, max_value=100000),
        indicator_row("f_income", "集体收入", "万元", lowest_level=5, decimals=2, min_value=0, max_value=1000),
    ]  # fmt: skip
    fields = [
        ("VIL", 2, "indicator", "f_uses", "业务办理量", False),
        ("VIL", 1, "indicator", "f_kiosk", "自助机数", True),
        ("VIL", 3, "indicator", "f_income", "集体收入", False),
        ("VIL", 4, "text", None, "备注", False),
    ]
    with store.engine().begin() as conn:
        conn.execute(insert(indicator), rows)
        keys = ("task_code", "position", "kind", "indicator_code", "name", "required")
        conn.execute(insert(task_field), [dict(zip(keys, f, strict=True)) for f in fields])
        store.bump_version(conn)


def _reports(region: str, month: str) -> dict[str, float]:
    o = observation.c
    stmt = select(o.indicator_code, o.value).where(o.region_code == region, o.period == month)
    with store.engine().connect() as conn:
        return {c: v for c, v in conn.execute(stmt) if c.startswith("reports_")}


def _submission(task: str, period: str, region: str):
    s = submission.c
    stmt = select(submission).where(s.task_code == task, s.period == period, s.region_code == region)
    with store.engine().connect() as conn:
        return conn.execute(stmt).mappings().first()


def test_frm001_task_fields_in_order_with_unit_decimals_and_range(forms_store):
    fields = forms.task_fields("VIL")
    assert [(f.position, f.kind, f.indicator_code, f.name) for f in fields] == [
        (1, "indicator", "f_kiosk", "自助机数"),
        (2, "indicator", "f_uses", "业务办理量"),
        (3, "indicator", "f_income", "集体收入"),
        (4, "text", None, "备注"),
    ]
    kiosk, _, income, note = fields
    assert (kiosk.unit, kiosk.decimals, kiosk.min_value, kiosk.max_value, kiosk.required) == (
        "台",
        0,
        0,
        20,
        True,
    )
    assert (income.decimals, income.max_value, income.required) == (2, 1000, False)
    assert (note.unit, note.decimals, note.min_value, note.max_value) == ("", None, None, None)
    assert forms.task_fields("TOWN") == []
    with pytest.raises(NotFound):
        forms.task_fields("NOPE")


def test_frm002_due_date_is_the_due_day_of_the_month_after_the_period():
    assert forms.due_date("2026-09", 10) == date(2026, 10, 10)
    assert forms.due_date("2026-12", 5) == date(2027, 1, 5)
    assert forms.due_date("2026-Q3", 15) == date(2026, 10, 15)
    assert forms.due_date("2025", 31) == date(2026, 1, 28)


def test_frm003_record_submission_counts_once_and_moves_reporting_and_reports(forms_store):
    before = store.data_version()
    with store.engine().begin() as conn:
        n = forms.record_submissions(
            conn, "VIL", "2026-09", [V_JIA22], filer="leizhou", now=datetime(2026, 10, 9, 15, 0),
            texts={V_JIA22: {"备注": "=1+1 按时报送"}},
        )  # fmt: skip
    assert n == 1 and store.data_version() > before
    row = _submission("VIL", "2026-09", V_JIA22)
    assert (row["status"], row["filer"], json.loads(row["texts"])) == (
        "submitted",
        "leizhou",
        {"备注": "=1+1 按时报送"},
    )
    # 甲区, rounds ending 2026-09: 5 expected; 4 reported (甲二镇 still missing); on time: 甲一社区,
    # 甲二二村 (now), 甲一街道 = 3; overdue (expected − on time) = 2.
    assert _reports(JIA, "2026-09") == {
        "reports_expected": 5, "reports_submitted": 4, "reports_on_time": 3, "reports_overdue": 2,
    }  # fmt: skip
    tally = reporting.region_tally(JIA, "2026-09", SCOPE, today="2026-11-01")
    assert (tally.expected, tally.reported, tally.on_time) == (5, 4, 3)
    assert _reports(YI, "2026-09") == {}  # 乙县 untouched
    version = store.data_version()
    with store.engine().begin() as conn:  # the same again changes nothing
        again = forms.record_submissions(
            conn, "VIL", "2026-09", [V_JIA22], filer="leizhou", now=datetime(2026, 10, 20),
            texts={V_JIA22: {"备注": "=1+1 按时报送"}},
        )  # fmt: skip
    assert again == 0 and store.data_version() == version
    assert _submission("VIL", "2026-09", V_JIA22)["submitted_at"] == datetime(2026, 10, 9, 15, 0)


def test_frm004_late_submission_creates_the_missing_round_and_rows(forms_store):
    with store.engine().begin() as conn:
        n = forms.record_submissions(
            conn, "VIL", "2026-10", ["990101002002", "990102001002"], filer="x", now=datetime(2026, 11, 12)
        )
    assert n == 2
    rp = reporting_period.c
    with store.engine().connect() as conn:
        due = conn.execute(select(rp.due_date).where(rp.task_code == "VIL", rp.period == "2026-10")).scalar()
    assert str(due)[:10] == "2026-11-10"
    assert _reports(JIA, "2026-10") == {
        "reports_expected": 1, "reports_submitted": 1, "reports_on_time": 0, "reports_overdue": 1,
    }  # fmt: skip
    assert _reports(YI, "2026-10")["reports_submitted"] == 1


def test_frm005_refused_units_write_nothing(forms_store):
    version = store.data_version()
    with pytest.raises(InvalidInput, match="不是该报表的填报单位"), store.engine().begin() as conn:
        forms.record_submissions(conn, "VIL", "2026-09", [V_JIA22, JIA], filer="x", now=datetime(2026, 10, 9))
    with pytest.raises(InvalidInput), store.engine().begin() as conn:
        forms.record_submissions(conn, "VIL", "2026-Q3", [V_JIA22], filer="x", now=datetime(2026, 10, 9))
    with pytest.raises(NotFound), store.engine().begin() as conn:
        forms.record_submissions(conn, "NOPE", "2026-09", [V_JIA22], filer="x", now=datetime(2026, 10, 9))
    assert store.data_version() == version
    assert _submission("VIL", "2026-09", V_JIA22)["status"] == "pending"


def test_frm006_migration_0005_keeps_submissions_both_ways(forms_store):
    from alembic import command
    from sqlalchemy import inspect

    from data_access import db

    engine = store.engine()
    cfg = db.alembic_config(engine)

    def run(step, target: str) -> None:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            step(cfg, target)

    run(command.downgrade, "0004")
    assert not inspect(engine).has_table("task_field")
    assert "return_reason" not in {c["name"] for c in inspect(engine).get_columns("submission")}
    run(command.upgrade, "head")
    columns = {c["name"] for c in inspect(engine).get_columns("submission")}
    assert {"draft_values", "texts", "notes", "saved_at", "returned_at", "return_reason"} <= columns
    assert _submission("VIL", "2026-09", "990101001001")["submitted_at"] == datetime(2026, 10, 10, 23, 30)


def test_frm007_demo_fields_follow_the_rule_of_their_task():
    """Every demo task has fields; an indicator field is of the task's frequency and level, never a ratio."""
    from data_access.catalogue import BY_CODE
    from data_access.demo.admin import TASKS
    from data_access.demo.fields import TASK_FIELDS, task_field_rows

    tasks = {code: (level, freq) for code, _, _, level, freq, _ in TASKS}
    assert set(TASK_FIELDS) == set(tasks)
    for task, _, kind, code, name, _ in task_field_rows():
        if kind == "indicator":
            ind = BY_CODE[code]
            assert (ind.lowest_level, ind.frequency) == tasks[task] and not ind.derived, (task, code)
            assert name == ind.name
        else:
            assert code is None and name
    assert [n for t, _, _, _, n, _ in task_field_rows() if t == "village_monthly"] == [
        "粤智助自助机数", "粤智助业务办理量", "政务外网已接入村（社区）", "备注",
    ]  # fmt: skip
