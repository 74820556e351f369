"""Checking rules (forms.check_values) and the online form's flow (form_entry) on the tiny hierarchy.

Fixture (test_forms.seed_forms): task VIL (monthly, villages, due the 10th) asks 自助机数 f_kiosk
(0–20, integer, required), 业务办理量 f_uses (0–100000, integer), 集体收入 f_income (0–1000, 2
decimals) and 备注 (text). 甲二二村 990101002002 has not filed 2026-09 (due 2026-10-10).
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import insert, select

from data_access import form_entry, forms, reporting, store
from data_access.errors import InvalidInput, OutOfScope, ValidationError
from data_access.schema import observation
from data_access.scope import Scope
from tests.data_access.rows import observation_row
from tests.data_access.test_forms import JIA, V_JIA22, _reports, _submission

CITY_SCOPE, JIA_SCOPE, YI_SCOPE = Scope.of("990100"), Scope.of("990101"), Scope.of("990102")
ON_TIME = datetime(2026, 10, 9, 16, 0)


@pytest.fixture
def history_store(forms_store):
    """甲二二村 had 4 kiosks in 2026-08 and 2025-09, and 120 uses already stored for 2026-09."""
    rows = [
        observation_row("f_kiosk", V_JIA22, "2026-08", 4),
        observation_row("f_kiosk", V_JIA22, "2025-09", 4),
        observation_row("f_uses", V_JIA22, "2026-08", 100),
        observation_row("f_uses", V_JIA22, "2026-09", 120),
    ]
    with store.engine().begin() as conn:
        conn.execute(insert(observation), rows)
        store.bump_version(conn)
    return forms_store


def _messages(issues) -> dict[str, tuple[str, str]]:
    return {i.field: (i.severity, i.message) for i in issues}


def test_fen001_blocking_errors_in_plain_chinese(forms_store):
    issues = forms.check_values(
        "VIL", V_JIA22, "2026-09", {"自助机数": "", "业务办理量": "12a", "集体收入": "3.456"}
    )
    got = _messages(issues)
    assert got["自助机数"] == ("error", "必填项，不能为空")
    assert got["业务办理量"] == ("error", "不是数字：12a")
    assert got["集体收入"] == ("error", "小数位数不对：最多保留 2 位小数")
    got = _messages(forms.check_values("VIL", V_JIA22, "2026-09", {"f_kiosk": "25", "业务办理量": "1.5"}))
    assert got["自助机数"] == ("error", "超出有效范围（0 ～ 20 台）")
    assert got["业务办理量"] == ("error", "小数位数不对：应为整数")
    ok = forms.check_values(
        "VIL", V_JIA22, "2026-09", {"自助机数": "3", "业务办理量": "1,200", "集体收入": "12.50"}
    )
    assert ok == []


def test_fen002_a_move_over_half_against_last_period_or_year_warns(history_store):
    got = _messages(forms.check_values("VIL", V_JIA22, "2026-09", {"自助机数": "7", "业务办理量": "149"}))
    assert got == {"自助机数": ("warning", "比上期（2026-08：4）增长 75.0%，请填写情况说明")}
    assert forms.check_values("VIL", V_JIA22, "2026-09", {"自助机数": "6", "业务办理量": "150"}) == []
    low = _messages(forms.check_values("VIL", V_JIA22, "2026-09", {"自助机数": "1"}))
    assert low["自助机数"][1].startswith("比上期（2026-08：4）下降 75.0%")


def test_fen003_form_is_prefilled_from_the_store_with_last_period_beside(history_store):
    state = form_entry.form_state("VIL", "990101002002", "2026-09", JIA_SCOPE, today="2026-10-05")
    assert state.values == {"自助机数": "", "业务办理量": "120", "集体收入": ""}
    assert state.baseline["f_kiosk"].previous == 4 and state.baseline["f_uses"].previous == 100
    assert (state.status, state.label, str(state.due_date)) == ("pending", "未填", "2026-10-10")
    assert form_entry.form_state("VIL", V_JIA22, "2026-09", JIA_SCOPE, today="2026-10-11").label == "逾期"
    with pytest.raises(OutOfScope):
        form_entry.form_state("VIL", V_JIA22, "2026-09", YI_SCOPE)
    with pytest.raises(InvalidInput):
        form_entry.form_state("VIL", JIA, "2026-09", JIA_SCOPE)


def test_fen004_draft_then_submit_writes_figures_and_submission_together(history_store):
    args = ("VIL", V_JIA22, "2026-09")
    form_entry.save_draft(
        *args, {"自助机数": "30"}, {"备注": "草稿"}, {}, scope=JIA_SCOPE, user="lz", role="staff"
    )
    statuses = {u.code: u for u in form_entry.unit_statuses("VIL", "2026-09", JIA_SCOPE, today="2026-10-05")}
    assert statuses[V_JIA22].label == "已填未报" and statuses["990101002001"].label == "已报送"
    assert form_entry.form_state(*args, JIA_SCOPE).values["自助机数"] == "30"  # the draft wins
    version = store.data_version()
    with pytest.raises(ValidationError) as refused:
        form_entry.submit_form(
            *args, {"自助机数": "30"}, {}, {}, scope=JIA_SCOPE, user="lz", role="staff", now=ON_TIME
        )
    assert refused.value.errors == [(0, "自助机数", "超出有效范围（0 ～ 20 台）")]
    with pytest.raises(ValidationError, match="情况说明"):  # a warning needs its note
        form_entry.submit_form(
            *args, {"自助机数": "9"}, {}, {}, scope=JIA_SCOPE, user="lz", role="staff", now=ON_TIME
        )
    assert store.data_version() == version and _submission("VIL", "2026-09", V_JIA22)["status"] == "draft"
    result = form_entry.submit_form(
        *args, {"自助机数": "9", "业务办理量": "130"}, {"备注": "新增自助机"}, {"自助机数": "新布设 5 台"},
        scope=JIA_SCOPE, user="lz", role="staff", now=ON_TIME,
    )  # fmt: skip
    assert (result.on_time, result.written) == (True, 2)
    o = observation.c
    with store.engine().connect() as conn:
        got = dict(
            conn.execute(
                select(o.indicator_code, o.value).where(o.region_code == V_JIA22, o.period == "2026-09")
            ).all()
        )
    assert got == {"f_kiosk": 9, "f_uses": 130}
    row = _submission("VIL", "2026-09", V_JIA22)
    assert (row["status"], row["filer"], row["submitted_at"], row["draft_values"]) == (
        "submitted",
        "lz",
        ON_TIME,
        None,
    )
    assert "新布设" in row["notes"] and "新增自助机" in row["texts"]
    assert _reports(JIA, "2026-09")["reports_submitted"] == 4
    assert reporting.region_tally(JIA, "2026-09", CITY_SCOPE, today="2026-11-01").reported == 4


def test_fen005_return_needs_an_admin_or_leader_and_a_reason(history_store):
    args = ("VIL", "990101002001", "2026-09")  # 甲二一村: submitted late
    with pytest.raises(OutOfScope):
        form_entry.return_submission(*args, "请核实", scope=JIA_SCOPE, user="lz", role="staff")
    with pytest.raises(InvalidInput, match="退回原因"):
        form_entry.return_submission(*args, " ", scope=JIA_SCOPE, user="boss", role="admin")
    with pytest.raises(OutOfScope):
        form_entry.return_submission(*args, "请核实", scope=YI_SCOPE, user="boss", role="leader")
    before = reporting.region_tally(JIA, "2026-09", CITY_SCOPE, today="2026-11-01").reported
    form_entry.return_submission(*args, "数据有误，请核实", scope=JIA_SCOPE, user="boss", role="leader")
    unit = {u.code: u for u in form_entry.unit_statuses("VIL", "2026-09", JIA_SCOPE, today="2026-10-05")}[
        args[1]
    ]
    assert (unit.label, unit.return_reason, unit.submitted_at) == ("退回", "数据有误，请核实", None)
    assert reporting.region_tally(JIA, "2026-09", CITY_SCOPE, today="2026-11-01").reported == before - 1
    assert _reports(JIA, "2026-09")["reports_submitted"] == before - 1
    with pytest.raises(InvalidInput, match="已报送"):
        form_entry.return_submission(*args, "again", scope=JIA_SCOPE, user="boss", role="admin")
    state = form_entry.form_state(*args, JIA_SCOPE)
    assert (state.label, state.return_reason, state.returned_by) == ("退回", "数据有误，请核实", "boss")
    with pytest.raises(OutOfScope):
        form_entry.submit_form(*args, {"自助机数": "1"}, {}, {}, scope=JIA_SCOPE, user="x", role="leader")
