"""Importing files into the tiny store: accepted variants, refusals, all-or-nothing, idempotence.

Villages: 甲一社区 990101001001, 甲二一村 990101002001, 甲二二村 990101002002 (甲区 990101);
乙一一村 990102001001, 乙一二村 990102001002 (乙县 990102). Task VIL: 自助机数（台）, 业务办理量（笔）,
集体收入（万元）, 备注.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from data_access import audit, store, values
from data_access.intake import import_files
from data_access.rollup import rebuild_partials
from data_access.schema import observation, observation_history, rollup_partial, submission
from data_access.scope import Scope
from tests.data_access.intake.files import csv_bytes, ods_bytes, xls_bytes, xlsx_bytes

CITY, JIA, YI = Scope.of("990100"), Scope.of("990101"), Scope.of("990102")
V1, V2, V3, V4, V5 = "990101001001", "990101002001", "990101002002", "990102001001", "990102001002"
HEADER = ["区划代码", "单位名称", "期别", "自助机数（台）", "业务办理量（笔）", "集体收入（万元）", "备注"]


def run(files, scope=CITY, **kw):
    return import_files(files, scope=scope, filer=kw.pop("filer", "张三"), **kw)


def stored(code: str, region: str, period: str) -> float | None:
    o = observation.c
    with store.engine().connect() as conn:
        return conn.execute(
            select(o.value).where(o.indicator_code == code, o.region_code == region, o.period == period)
        ).scalar()


def snapshot() -> dict:
    """Everything an import may touch, to compare before and after a refused one."""
    with store.engine().connect() as conn:
        return {
            "version": store.data_version(),
            "obs": conn.execute(select(observation).order_by(observation.c.id)).all(),
            "history": conn.execute(select(func.count()).select_from(observation_history)).scalar(),
            "partials": conn.execute(
                select(rollup_partial).order_by(*rollup_partial.primary_key.columns)
            ).all(),
            "submissions": conn.execute(select(submission).order_by(*submission.primary_key.columns)).all(),
            "rollup_version": store.get_meta("rollup_version"),
        }


def sub_row(task: str, period: str, region: str):
    s = submission.c
    with store.engine().connect() as conn:
        return (
            conn.execute(
                select(submission).where(s.task_code == task, s.period == period, s.region_code == region)
            )
            .mappings()
            .first()
        )


def template_rows(period="2026-10") -> list[list[object]]:
    return [
        ["村级月报", None, None, None, None, None, None],
        HEADER,
        [V1, "甲一社区", period, 3, "1,200", "12.5", "=SUM(A1:A3) 不是公式"],
        [None] * 7,
        [V2, "甲二一村", period, "２", "—", "8", None],
    ]


# --- accepted variants -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        lambda rows: ("t.csv", csv_bytes(rows)),
        lambda rows: ("t.csv", csv_bytes(rows, bom=True)),
        lambda rows: ("t.csv", csv_bytes(rows, "gbk")),
        lambda rows: ("t.xlsx", xlsx_bytes(rows, merge=["A1:G1"])),
        lambda rows: ("t.xls", xls_bytes(rows, merge=[(0, 0, 0, 6)])),
        lambda rows: ("t.ods", ods_bytes(rows)),
    ],
    ids=["utf8", "utf8-bom", "gbk", "xlsx", "xls", "ods"],
)
def test_imp020_template_accepted_in_every_format(intake_store, encode):
    plan = run([encode(template_rows())])
    assert plan.accepted, [str(p) for p in plan.problems]
    fp = plan.files[0]
    assert fp.layout == "template" and fp.task == "VIL"
    got = {(i.region, i.indicator): (i.value, i.row, i.kind) for i in fp.items}
    assert got == {
        (V1, "f_kiosk"): (3.0, 3, "new"),
        (V1, "f_uses"): (1200.0, 3, "new"),
        (V1, "f_income"): (12.5, 3, "new"),
        (V2, "f_kiosk"): (2.0, 5, "new"),  # full-width digit; 业务办理量 "—" = no figure, not written
        (V2, "f_income"): (8.0, 5, "new"),
    }
    assert plan.written
    assert stored("f_uses", V1, "2026-10") == 1200.0 and stored("f_uses", V2, "2026-10") is None
    # both rows give the required 自助机数: both units have submitted; 备注 kept exactly as given
    assert sub_row("VIL", "2026-10", V1)["status"] == "submitted"
    assert json.loads(sub_row("VIL", "2026-10", V1)["texts"]) == {"备注": "=SUM(A1:A3) 不是公式"}
    assert sub_row("VIL", "2026-10", V2)["filer"] == "张三"
    assert values.region_value("f_kiosk", "990101", "2026-10", CITY).value == 5.0


def test_imp021_long_table_with_title_blank_rows_and_every_period_spelling(intake_store):
    rows = [
        ["湛江市2026年10月村级工作月报", None, None, None, None],
        [None] * 5,
        ["区划代码", "指标", "期别", "数值", "备注"],
        [f" {V1} ", "f_kiosk", "2026-10", "3", "新增一台"],
        [V2[:9] + "001", "自助机数", "2026年10月", "４", None],
        [V3, "业务办理量", "2026/10", "1,234", None],
        [V4, "f_uses", "202610", "99", None],
        [V5, "覆盖率", "2026-10", "85.3%", None],
        [None] * 5,
        ["990101002", "季度项目数", "2026年第三季度", "7", None],
        ["990101002", "f_q", "2026Q2", 6, None],
    ]
    plan = run([("long.csv", csv_bytes(rows, "gb18030"))])
    assert plan.accepted, [str(p) for p in plan.problems]
    got = {(i.indicator, i.region, i.period): i.value for i in plan.items}
    assert got == {
        ("f_kiosk", V1, "2026-10"): 3.0,
        ("f_kiosk", V2, "2026-10"): 4.0,
        ("f_uses", V3, "2026-10"): 1234.0,
        ("f_uses", V4, "2026-10"): 99.0,
        ("f_cover", V5, "2026-10"): 85.3,
        ("f_q", "990101002000", "2026-Q3"): 7.0,
        ("f_q", "990101002000", "2026-Q2"): 6.0,
    }
    assert stored("f_cover", V5, "2026-10") == 85.3
    assert plan.files[0].submissions == {}  # no task named: figures only, no submission


def test_imp022_long_table_with_task_records_the_units_it_completes(intake_store):
    rows = [
        ["区划代码", "指标", "期别", "数值", "备注"],
        [V1, "f_kiosk", "2026-10", 3, "说明"],
        [V2, "f_uses", "2026-10", 5, None],
    ]
    plan = run([("long.xlsx", xlsx_bytes(rows))], task="VIL")
    assert plan.written
    assert sub_row("VIL", "2026-10", V1)["status"] == "submitted"  # gave the one required field
    assert sub_row("VIL", "2026-10", V2) is None  # 自助机数 missing: not a submission
    assert json.loads(sub_row("VIL", "2026-10", V1)["texts"]) == {"备注": "自助机数：说明"}


def test_imp023_period_from_option_or_title(intake_store):
    rows = [["区划代码", "自助机数（台）"], [V1, 4]]
    plan = run([("a.csv", csv_bytes(rows))], task="VIL", period="2026年11月")
    assert plan.accepted and plan.items[0].period == "2026-11"
    titled = [["村级月报（期别：2026-12）", None], *rows]
    plan = run([("b.xlsx", xlsx_bytes(titled))])
    assert plan.accepted and plan.files[0].task == "VIL" and plan.items[0].period == "2026-12"
    plan = run([("c.csv", csv_bytes(rows))], task="VIL")
    assert not plan.accepted and "无法确定期别" in plan.problems[0].reason


# --- refusals: each names file, row, column, raw value and reason -------------------------------------

LONG_HEAD = ["区划代码", "指标", "期别", "数值"]


@pytest.mark.parametrize(
    ("row", "column", "raw", "reason"),
    [
        (["990101009009", "f_kiosk", "2026-10", 1], "A 列（区划代码）", "990101009009", "未知地区"),
        ([V4, "f_kiosk", "2026-10", 1], "A 列（区划代码）", V4, "不在您的管辖范围"),
        ([V1, "no_such", "2026-10", 1], "B 列（指标）", "no_such", "未知指标"),
        ([V1, "人均办理量", "2026-10", 1], "B 列（指标）", "人均办理量", "比率指标"),
        ([V1, "f_kiosk", "2026-Q3", 1], "C 列（期别）", "2026-Q3", "期别类型不符"),
        ([V1, "f_kiosk", "2026-13", 1], "C 列（期别）", "2026-13", "期别格式无法识别"),
        ([V1, "f_kiosk", "2026-10", "三台"], "D 列（数值）", "三台", "不是数字"),
        ([V1, "f_kiosk", "2026-10", 21], "D 列（数值）", "21", "超出有效范围"),
        ([V1, "f_kiosk", "2026-10", "50%"], "D 列（数值）", "50%", "百分数只能填在单位为 % 的项目中"),
        (["4.40882E+11", "f_kiosk", "2026-10", 1], "A 列（区划代码）", "4.40882E+11", "科学计数法"),
        (["99010100100", "f_kiosk", "2026-10", 1], "A 列（区划代码）", "99010100100", "应为 6 位、9 位或 12 位"),
        ([V1, "f_q", "2026-Q3", 1], "A 列（区划代码）", V1, "由镇级填报"),
    ],
    ids=["unknown-region", "outside-scope", "unknown-indicator", "ratio", "wrong-kind", "bad-period",
         "not-a-number", "out-of-range", "percent", "scientific", "eleven-digits", "wrong-level"],
)  # fmt: skip
def test_imp030_refusals_name_row_column_raw_and_reason(intake_store, row, column, raw, reason):
    good = [V2, "f_kiosk", "2026-10", 2]
    before = snapshot()
    plan = run([("bad.csv", csv_bytes([LONG_HEAD, good, row]))], scope=JIA)
    assert not plan.accepted and not plan.written
    [problem] = plan.problems
    assert (problem.file, problem.row, problem.column, problem.raw) == ("bad.csv", 3, column, raw)
    assert reason in problem.reason
    assert snapshot() == before  # the good row was not written either


def test_imp031_same_cell_twice_in_a_file_and_across_files(intake_store):
    rows = [LONG_HEAD, [V1, "f_kiosk", "2026-10", 1], [V1, "自助机数", "2026年10月", 2]]
    [problem] = run([("dup.csv", csv_bytes(rows))]).problems
    assert (
        (problem.row, problem.column) == (3, "D 列（数值）")
        and "重复" in problem.reason
        and "第 2 行" in problem.reason
    )
    plan = run([("a.csv", csv_bytes(rows[:2])), ("b.csv", csv_bytes(rows[:2]))])
    assert not plan.files[0].problems and "a.csv 第 2 行" in plan.files[1].problems[0].reason


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "文件为空"),
        (csv_bytes([LONG_HEAD]), "文件为空"),
        (b"%PDF-1.7\n\xe2\xe3\xcf\xd3 binary", "不是表格文件"),
        (csv_bytes([["名称", "数量"], ["某村", 1]]), "找不到表头"),
        (csv_bytes([LONG_HEAD] + [[V1, "f_kiosk", "2026-10", 1]] * 20000), "文件过大"),
    ],
    ids=["zero-bytes", "header-only", "pdf", "no-code-column", "too-large"],
)
def test_imp032_whole_file_refusals(intake_store, data, reason):
    store.configure(replace(store.settings(), import_max_mb=0.2))  # 200 KB; the big CSV is ~600 KB
    before = snapshot()
    plan = run([("f.csv", data)])
    [problem] = plan.problems
    assert problem.row is None and reason in problem.reason
    assert snapshot() == before


def test_imp033_template_header_with_the_wrong_unit_and_a_unit_of_the_wrong_level(intake_store):
    rows = [["区划代码", "期别", "自助机数（个）", "集体收入（元）"], [V1, "2026-10", 1, 5]]
    problems = run([("t.csv", csv_bytes(rows))], task="VIL").problems
    assert [(p.row, p.column, p.raw) for p in problems] == [
        (1, "C 列（自助机数(个)）", "个"),
        (1, "D 列（集体收入(元)）", "元"),
    ]
    assert "台" in problems[0].reason and "万元" in problems[1].reason
    rows = [["区划代码", "期别", "自助机数（台）"], ["990101002", "2026-10", 1]]
    [problem] = run([("t.csv", csv_bytes(rows))], task="VIL").problems
    assert problem.row == 2 and "村级单位填报" in problem.reason


def test_imp034_one_bad_file_refuses_the_whole_batch_and_keeps_everything(intake_store):
    with store.engine().begin() as conn:
        rebuild_partials(conn)  # stored rollups current: a refused import must leave them so
    run([("seed.csv", csv_bytes([LONG_HEAD, [V1, "f_kiosk", "2026-10", 1]]))])
    before = snapshot()
    good = ("good.xlsx", xlsx_bytes(template_rows("2026-11")))
    bad = ("bad.csv", csv_bytes([LONG_HEAD, [V1, "f_kiosk", "2026-10", "x"]]))
    plan = run([good, bad])
    assert plan.files[0].accepted and not plan.files[1].accepted and not plan.written
    assert snapshot() == before
    assert audit.recent(action="import")[0].outcome == "refused"


# --- plan, idempotence, history, warnings, audit --------------------------------------------------------


def test_imp040_plan_shows_new_changed_unchanged_and_dry_run_writes_nothing(intake_store):
    run([("first.csv", csv_bytes([LONG_HEAD, [V1, "f_kiosk", "2026-10", 1], [V2, "f_kiosk", "2026-10", 2]]))])
    before = snapshot()
    rows = [
        LONG_HEAD,
        [V1, "f_kiosk", "2026-10", 1],
        [V2, "f_kiosk", "2026-10", 3],
        [V3, "f_kiosk", "2026-10", 4],
    ]
    plan = run([("second.csv", csv_bytes(rows))], dry_run=True)
    assert [(i.region, i.kind, i.old, i.value) for i in plan.items] == [
        (V1, "unchanged", 1.0, 1.0),
        (V2, "changed", 2.0, 3.0),
        (V3, "new", None, 4.0),
    ]
    assert not plan.written and snapshot() == before
    run([("second.csv", csv_bytes(rows))], filer="李四")
    from data_access.observations import history

    [old] = history("f_kiosk", V2, "2026-10", CITY)
    assert (old.value, old.reported_by, old.replaced_by) == (2.0, "张三", "李四")


def test_imp041_importing_the_same_file_twice_changes_nothing_the_second_time(intake_store):
    data = ("t.xlsx", xlsx_bytes(template_rows()))
    first = run([data])
    assert first.written and first.counts()["new"] == 5
    before = snapshot()
    second = run([data])
    assert second.counts() == {"unchanged": 5}
    assert snapshot() == before  # no version bump, no history, submissions untouched


def test_imp042_moves_over_half_warn_but_never_refuse(intake_store):
    run([("sep.csv", csv_bytes([LONG_HEAD, [V1, "f_uses", "2026-09", 100], [V2, "f_uses", "2026-09", 100]]))])
    plan = run(
        [("oct.csv", csv_bytes([LONG_HEAD, [V1, "f_uses", "2026-10", 160], [V2, "f_uses", "2026-10", 140]]))]
    )
    assert plan.written
    [warning] = plan.warnings
    assert warning.row == 2 and "比上期（2026-09：100）增长 60.0%，请核实" in warning.reason


def test_imp043_audit_entry_names_file_size_and_sha256(intake_store):
    import hashlib

    data = csv_bytes([LONG_HEAD, [V1, "f_kiosk", "2026-10", 1]])
    run([("审计.csv", data)], filer="张三")
    entry = audit.recent(action="import")[0]
    assert entry.outcome == "ok" and entry.username == "张三"
    assert "审计.csv" in entry.detail and f"{len(data)} 字节" in entry.detail
    assert hashlib.sha256(data).hexdigest() in entry.detail


def test_imp045_a_field_name_ending_in_brackets_is_matched_with_or_without_its_unit(intake_store):
    from sqlalchemy import update

    from data_access.schema import task_field

    with store.engine().begin() as conn:
        conn.execute(
            update(task_field).where(task_field.c.name == "业务办理量").values(name="业务办理量（村）")
        )
        store.bump_version(conn)
    for head in ("业务办理量（村）", "业务办理量（村）（笔）"):
        plan = run(
            [("t.csv", csv_bytes([["区划代码", "期别", head], [V1, "2026-10", 5]]))], task="VIL", dry_run=True
        )
        assert plan.accepted and [i.indicator for i in plan.items] == ["f_uses"], head


def test_imp044_required_field_missing_writes_figures_without_a_submission(intake_store):
    rows = [HEADER, [V1, "甲一社区", "2026-10", "无", 5, None, None]]
    plan = run([("t.csv", csv_bytes(rows))])
    assert plan.written and [i.indicator for i in plan.items] == ["f_uses"]
    assert any("不计为已报送" in w.reason for w in plan.warnings)
    assert sub_row("VIL", "2026-10", V1) is None
