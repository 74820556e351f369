"""The upload block of /report: preview (nothing written), commit, refusals and who may use it.

The callbacks are called directly with a staff account of 甲区 (scope and filer come from the
server side: ``_actor`` is what the session gives)."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from data_access import store
from data_access.schema import observation
from data_access.scope import Scope
from pages import _report_upload as up
from tests.data_access.intake.conftest import seed_intake
from tests.data_access.intake.files import csv_bytes, xlsx_bytes

V1, V4 = "990101001001", "990102001001"


@dataclass
class Account:
    username: str
    role: str


def text(component) -> str:
    """Every string inside a Dash component tree."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(text(c) for c in component)
    return text(getattr(component, "children", None))


def upload(name: str, data: bytes) -> tuple[list[str], list[str]]:
    return [f"data:application/octet-stream;base64,{base64.b64encode(data).decode()}"], [name]


@pytest.fixture
def intake_store(tiny_store):
    seed_intake()
    return tiny_store


@pytest.fixture
def staff(intake_store, monkeypatch):
    monkeypatch.setattr(up, "_actor", lambda: (Scope.of("990101"), Account("jia_staff", "staff")))
    monkeypatch.setattr("web.auth.client_address", lambda: "127.0.0.9")


def count() -> int:
    """Observations other than the reports_* counts that a submission refreshes."""
    stmt = (
        select(func.count())
        .select_from(observation)
        .where(observation.c.indicator_code.not_like("reports_%"))
    )
    with store.engine().connect() as conn:
        return conn.execute(stmt).scalar()


def test_rup001_preview_writes_nothing_then_commit_writes(staff):
    rows = [
        ["村级月报（期别：2026-10）", None, None],
        ["区划代码", "单位名称", "自助机数（台）"],
        [V1, "甲一社区", 3],
    ]
    contents, names = upload("月报.xlsx", xlsx_bytes(rows))
    before = count()
    preview, disabled, _ = up._preview(contents, names)
    shown = text(preview)
    assert "月报.xlsx：可以导入" in shown and "新增 1 项" in shown and "甲一社区" in shown
    assert disabled is False and count() == before
    result, disabled, _ = up._commit(1, contents, names)
    assert "已写入：新增 1 项" in text(result) and "报送 1 个单位" in text(result)
    assert disabled is True and count() == before + 1


def test_rup002_refused_file_names_row_and_commit_stays_disabled(staff):
    rows = [
        ["区划代码", "指标", "期别", "数值"],
        [V4, "f_kiosk", "2026-10", 1],
        [V1, "<b>x</b>", "2026-10", 1],
    ]
    contents, names = upload("乙县.csv", csv_bytes(rows))
    preview, disabled, _ = up._preview(contents, names)
    shown = text(preview)
    assert "不能导入" in shown and "不在您的管辖范围" in shown and "乙一一村" in shown
    assert "&lt;b&gt;x&lt;/b&gt;" in shown and "<b>x</b>" not in shown  # file text is escaped
    assert disabled is True
    result, _, _ = up._commit(1, contents, names)  # a forged click writes nothing either
    assert "未写入" in text(result)


def test_rup003_leaders_get_a_note_and_callbacks_do_nothing(intake_store, monkeypatch):
    leader = Account("boss", "leader")
    assert "只有管理员和填报人员" in text(up.upload_section(Scope.of("990101"), leader))
    monkeypatch.setattr(up, "_actor", lambda: (Scope.of("990101"), leader))
    contents, names = upload(
        "x.csv", csv_bytes([["区划代码", "指标", "期别", "数值"], [V1, "f_kiosk", "2026-10", 1]])
    )
    assert up._preview(contents, names) == (None, True, None)
    before = count()
    up._commit(1, contents, names)
    assert count() == before


def test_rup004_section_offers_tasks_of_the_scope_and_a_template(staff, monkeypatch):
    section = up.upload_section(Scope.of("990101"), Account("jia_staff", "staff"))
    assert "文件导入" in text(section)
    options = up._task_options(Scope.of("990101"))
    assert [o["value"] for o in options] == ["VIL"]  # the one task with fields at or below a county
    assert up._task_options(Scope.of("990100"))[0]["label"] == "村级月报"
    monkeypatch.setattr("web.auth.audit_event", lambda *a, **k: None)
    download, note = up._template(1, "VIL", "2026-10")
    assert download["filename"] == "村级月报_2026-10.xlsx" and download["base64"] is True and note == ""
