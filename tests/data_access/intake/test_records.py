"""Case and camera imports on the intake's reader: new, updated, refused rows, nothing written on error."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from data_access import store, values
from data_access.catalogue import load_catalogue
from data_access.governance import load_types
from data_access.intake.records import import_records
from data_access.schema import audit_log, dispute_case, observation, video_resource
from data_access.scope import Scope

CITY, A = "990100000000", "990101000000"
V2, V3, V4 = "990101002001", "990101002002", "990102001001"
NOW = datetime(2026, 4, 1, 12)
HEAD = "案件编号,村（社区）代码,纠纷类型,受理时间,来源渠道,办理期限,状态,化解层级,办结时间,满意度"


@pytest.fixture
def rec_store(tiny_store):
    with store.engine().begin() as conn:
        load_catalogue(conn)
        load_types(conn)
        store.bump_version(conn)
    return tiny_store


def _csv(*lines: str) -> bytes:
    return ("\n".join([HEAD, *lines]) + "\n").encode("utf-8")


def _cases(data: bytes, scope=None, dry_run=False, name="码上办导出.csv"):
    return import_records(
        "cases", name, data, scope=scope or Scope(CITY), filer="admin", dry_run=dry_run, now=NOW
    )


def _count(table):
    with store.engine().connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def _v(code, region, month):
    return values.region_value(code, region, month, Scope(CITY)).value


def test_rec001_new_cases_are_written_and_derived(rec_store):
    data = _csv(
        "MSB-1,990101002001,邻里纠纷,2026-01-10 08:00,码上办扫码,2026-01-25,已化解,村,2026-01-15 08:00,5",
        "MSB-2,990101002001,婚姻家庭,2026-01-20 12:00,来访,2026-02-04,调处中,,,",
        "MSB-3,990102001001,土地山林,2026/02/05,网格员,2026-03-07,已上报,县,,",
    )
    report = _cases(data)
    assert report.accepted and report.written and (report.new, report.updated, report.unchanged) == (3, 0, 0)
    assert _count(dispute_case) == 3
    assert _v("disputes_received", CITY, "2026-01") == 2
    assert _v("dispute_resolution_rate", CITY, "2026-01") == pytest.approx(50.0)
    assert _v("disputes_escalated", CITY, "2026-02") == 1
    assert _v("disputes_open", V2, "2026-02") == 1  # MSB-2 still open
    # a re-import with MSB-2 resolved in March updates it and the figures; MSB-1 unchanged
    again = _csv(
        "MSB-1,990101002001,邻里纠纷,2026-01-10 08:00,码上办扫码,2026-01-25,已化解,村,2026-01-15 08:00,5",
        "MSB-2,990101002001,婚姻家庭,2026-01-20 12:00,来访,2026-02-04,已化解,镇,2026-03-02 12:00,4",
    )
    second = _cases(again)
    assert (second.new, second.updated, second.unchanged) == (0, 1, 1)
    assert _v("dispute_resolution_rate", CITY, "2026-01") == pytest.approx(100.0)
    assert _v("dispute_village_share", CITY, "2026-01") == pytest.approx(50.0)
    assert _v("disputes_open", V2, "2026-02") == 1 and _v("disputes_open", V2, "2026-03") == 0
    with store.engine().connect() as conn:
        details = (
            conn.execute(select(audit_log.c.detail).where(audit_log.c.action == "import")).scalars().all()
        )
    assert len(details) == 2 and "新增 3" in details[0] and "更新 1" in details[1]


def test_rec002_one_bad_row_refuses_the_file_and_writes_nothing(rec_store):
    data = _csv(
        "MSB-1,990101002001,邻里纠纷,2026-01-10 08:00,码上办扫码,2026-01-25,已化解,村,2026-01-15 08:00,5",
        "MSB-2,990101002,邻里纠纷,2026-01-10,来访,2026-01-25,受理,,,",  # a town, not a village
        "MSB-3,990101002002,吵架,2026-13-01,飞鸽,2026-01-25,已化解,,,9",
        "MSB-1,990101002002,其他,2026-01-10,电话,2026-01-25,受理,,,",
    )
    report = _cases(data)
    assert not report.accepted and not report.written
    text = "\n".join(str(p) for p in report.problems)
    for expected in (
        "码上办导出.csv：第 3 行，村（社区）代码「990101002」：甲二镇不是村（社区）",
        "第 4 行，纠纷类型「吵架」：未知的纠纷类型",
        "第 4 行，受理时间「2026-13-01」：不是日期时间",
        "第 4 行，来源渠道「飞鸽」",
        "第 4 行，满意度「9」",
        "第 5 行，案件编号「MSB-1」：案件编号与第 2 行重复",
    ):
        assert expected in text, text
    assert _count(dispute_case) == 0 and _count(observation) == 0
    with store.engine().connect() as conn:
        assert (
            conn.execute(select(audit_log.c.outcome).where(audit_log.c.action == "import")).scalar()
            == "refused"
        )


def test_rec003_villages_outside_the_scope_and_missing_columns_are_refused(rec_store):
    other = _csv("MSB-9,990102001001,其他,2026-01-10,电话,2026-01-25,受理,,,")
    report = _cases(other, scope=Scope(A))
    assert not report.accepted and "不在您的管辖范围内" in str(report.problems[0])
    broken = "案件编号,村（社区）代码\nMSB-1,990101002001\n".encode()
    missing = _cases(broken)
    assert not missing.accepted and "缺少“纠纷类型”列" in str(missing.problems[0])
    assert _count(dispute_case) == 0


def test_rec004_xlsx_dry_run_writes_nothing(rec_store):
    book = Workbook()
    sheet = book.active
    sheet.append(HEAD.split(","))
    sheet.append(
        [
            "MSB-1",
            "990101002002",
            "劳资纠纷",
            datetime(2026, 2, 3, 9),
            "电话",
            datetime(2026, 2, 18),
            "调处中",
        ]
    )
    buf = io.BytesIO()
    book.save(buf)
    report = _cases(buf.getvalue(), dry_run=True, name="cases.xlsx")
    assert report.accepted and not report.written and report.new == 1
    assert _count(dispute_case) == 0
    written = _cases(buf.getvalue(), name="cases.xlsx")
    assert written.written and _count(dispute_case) == 1


CAM_HEAD = "点位编号,点位名称,地区代码,经度,纬度,在线状态,是否接入省平台"


def _cams(text: str, scope=None):
    data = (CAM_HEAD + "\n" + text + "\n").encode("utf-8")
    return import_records("cameras", "雪亮点位.csv", data, scope=scope or Scope(CITY), filer="admin", now=NOW)


def test_rec005_cameras_upsert_and_refuse_other_counties(rec_store):
    first = _cams(
        "CAM-1,甲二一村村口,990101002001,110.1,21.2,在线,是\nCAM-2,乙一镇码头,990102001000,,,离线,否"
    )
    assert first.written and first.new == 2
    second = _cams("CAM-1,甲二一村村口,990101002001,110.1,21.2,离线,是")
    assert (second.new, second.updated) == (0, 1)
    with store.engine().connect() as conn:
        assert (
            conn.execute(
                select(video_resource.c.online).where(video_resource.c.camera_id == "CAM-1")
            ).scalar()
            is False
        )
    # 甲区 cannot take over or add 乙县's cameras, nor send bad coordinates
    refused = _cams(
        "CAM-2,乙一镇码头,990101001001,,,在线,是\nCAM-3,x,990102001001,200,21,在线,是", scope=Scope(A)
    )
    text = "\n".join(str(p) for p in refused.problems)
    assert "第 2 行，点位编号「CAM-2」：该点位编号属于您管辖范围以外的点位" in text
    assert "第 3 行，地区代码「990102001001」" in text and "第 3 行，经度「200」" in text
    assert _count(video_resource) == 2


def test_rec006_cockpit_import_kind_cases_and_cameras(rec_store, monkeypatch, tmp_path, capsys):
    from data_access.cli import main

    monkeypatch.setenv("COCKPIT_DATABASE_URL", rec_store.database_url)
    monkeypatch.setenv("COCKPIT_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("COCKPIT_ROOT_REGION", "990100")
    good = tmp_path / "cases.csv"
    good.write_bytes(_csv("MSB-1,990101002001,邻里纠纷,2026-01-10 08:00,码上办扫码,2026-01-25,受理,,,"))
    assert main(["import", "--kind", "cases", str(good), "--dry-run"]) == 0
    assert "试运行，未写入：新增 1" in capsys.readouterr().out and _count(dispute_case) == 0
    assert main(["import", "--kind", "cases", str(good)]) == 0
    assert "已写入：新增 1" in capsys.readouterr().out and _count(dispute_case) == 1
    bad = tmp_path / "cams.csv"
    bad.write_bytes((CAM_HEAD + "\nCAM-1,村口,990101002001,110,21,也许,是\n").encode("utf-8"))
    assert main(["import", "--kind", "cameras", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "cams.csv：第 2 行，在线状态「也许」：应填 是/否" in out and _count(video_resource) == 0
