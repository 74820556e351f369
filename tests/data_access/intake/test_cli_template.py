"""``cockpit import`` (exit status, --dry-run, --as scope and filer) and the task template round trip."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from data_access import store
from data_access.cli import main
from data_access.intake import import_files
from data_access.intake.template import template_xlsx
from data_access.schema import observation, submission
from data_access.scope import Scope
from data_access.users import add_user
from tests.data_access.intake.files import csv_bytes

V1, V2, V3, V4 = "990101001001", "990101002001", "990101002002", "990102001001"
LONG_HEAD = ["区划代码", "指标", "期别", "数值"]


@pytest.fixture
def cli_env(intake_store, monkeypatch, tmp_path):
    monkeypatch.setenv("COCKPIT_DATABASE_URL", intake_store.database_url)
    monkeypatch.setenv("COCKPIT_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("COCKPIT_ROOT_REGION", "990100")
    add_user("jia_staff", "Jia-staff-Passw0rd", "staff", "990101")
    add_user("jia_leader", "Jia-lead-Passw0rd", "leader", "990101")
    return tmp_path


def _file(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _count() -> int:
    with store.engine().connect() as conn:
        return len(conn.execute(select(observation.c.id)).all())


def test_imp050_cli_exit_status_dry_run_and_write(cli_env, capsys):
    good = _file(cli_env, "good.csv", csv_bytes([LONG_HEAD, [V1, "f_kiosk", "2026-10", 2]]))
    bad = _file(cli_env, "bad.csv", csv_bytes([LONG_HEAD, [V1, "f_uses", "2026-10", "many"]]))
    before = _count()
    assert main(["import", good, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "新增 第 2 行 990101001001 甲一社区 自助机数 2026-10：2 台" in out and "试运行" in out
    assert _count() == before
    assert main(["import", good, bad]) == 1
    out = capsys.readouterr().out
    assert "bad.csv：第 2 行，D 列（数值）「many」：不是数字" in out and "未写入任何数据" in out
    assert _count() == before
    assert main(["import", good]) == 0
    assert _count() == before + 1
    assert main(["import", str(cli_env / "missing.csv")]) == 2


def test_imp051_cli_as_user_applies_scope_and_records_filer(cli_env, capsys):
    other = _file(cli_env, "yi.csv", csv_bytes([LONG_HEAD, [V4, "f_kiosk", "2026-10", 1]]))
    assert main(["import", other, "--as", "jia_staff"]) == 1
    assert "不在您的管辖范围" in capsys.readouterr().out
    own = _file(cli_env, "jia.csv", csv_bytes([["区划代码", "期别", "自助机数（台）"], [V2, "2026-10", 3]]))
    assert main(["import", own, "--as", "jia_staff", "--task", "VIL"]) == 0
    s = submission.c
    with store.engine().connect() as conn:
        row = conn.execute(select(s.status, s.filer).where(s.region_code == V2, s.period == "2026-10")).one()
    assert tuple(row) == ("submitted", "jia_staff")
    assert main(["import", own, "--as", "jia_leader"]) == 2  # leaders read, they do not hand in figures
    assert "无权导入" in capsys.readouterr().err


def test_imp052_template_prefilled_then_filled_and_imported(intake_store):
    jia = Scope.of("990101")
    import_files(
        [("sep.csv", csv_bytes([LONG_HEAD, [V1, "f_kiosk", "2026-09", 4], [V3, "f_uses", "2026-10", 77]]))],
        scope=jia,
        filer="t",
    )
    name, data = template_xlsx("VIL", "2026-10", jia)
    assert name == "村级月报_2026-10.xlsx"
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "村级月报（期别：2026-10）"
    header = [c.value for c in ws[3]]
    assert header[:7] == [
        "区划代码",
        "单位名称",
        "期别",
        "自助机数（台）",
        "业务办理量（笔）",
        "集体收入（万元）",
        "备注",
    ]
    assert header[7:] == ["上期自助机数（台）", "上期业务办理量（笔）", "上期集体收入（万元）"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert set(rows) == {V1, V2, V3}  # 甲区's villages only, codes as text
    assert rows[V1][1] == "甲一社区" and rows[V1][7] == 4  # last period beside
    assert rows[V3][4] == 77  # a figure already in the store is filled in: never asked twice
    for r in ws.iter_rows(min_row=4):
        if r[0].value == V1:
            r[3].value, r[4].value, r[6].value = 5, 300, "=1+1 保留原样"
            r[6].data_type = "s"
    out = io.BytesIO()
    ws.parent.save(out)
    plan = import_files([(name, out.getvalue())], scope=jia, filer="jia_staff")
    assert plan.accepted and plan.written, [str(p) for p in plan.problems]
    kinds = sorted((i.region, i.indicator, i.kind) for i in plan.items)
    assert kinds == [(V1, "f_kiosk", "new"), (V1, "f_uses", "new"), (V3, "f_uses", "unchanged")]
    assert plan.files[0].task == "VIL"
    assert not [w for w in plan.warnings if "较上期" in w.reason]  # 4 → 5 is +25 %: no warning


def test_imp053_template_xlsx_refuses_unknown_task_and_wrong_period(intake_store):
    from data_access.errors import InvalidInput, NotFound

    with pytest.raises(NotFound):
        template_xlsx("NOPE", "2026-10", Scope.of("990101"))
    with pytest.raises(InvalidInput):
        template_xlsx("VIL", "2026-Q3", Scope.of("990101"))
    _, data = template_xlsx("VIL", "2026-10", Scope.of("990102001001"))  # a village account: its own row
    ws = load_workbook(io.BytesIO(data)).active
    assert [r[0] for r in ws.iter_rows(min_row=4, values_only=True)] == [V4]
