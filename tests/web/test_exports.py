"""/export/panel and /export/briefing: files, scope, audit, formats (file code exw).

Briefings are opened with python-pptx and pypdf and compared with what the JSON API and the
pages' own functions give for the same region and month.
"""

from __future__ import annotations

import io
import threading
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from components.format import fmt_value
from data_access import audit
from data_access.periods import period_for
from tests.web.conftest import ACCOUNTS

MONTH = "2026-10"
LEIZHOU = "440882000000"
OTHER_COUNTIES = ("廉江市", "吴川市", "遂溪县", "徐闻县", "赤坎区", "霞山区", "坡头区", "麻章区")


def _api(client, indicator: str, parent: str, frequency: str = "month") -> dict:
    response = client.get(
        f"/api/v1/values?indicator={indicator}&period={period_for(frequency, MONTH)}&parent={parent}"
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _filename(response) -> str:
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    return unquote(disposition.split("filename*=UTF-8''", 1)[1])


def _slides_text(prs) -> str:
    parts = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_chart:
                parts.extend(str(c) for c in shape.chart.plots[0].categories)
    return "\n".join(parts)


def _charts(prs):
    return [s.chart for slide in prs.slides for s in slide.shapes if s.has_chart]


def test_exw001_panel_xlsx_equals_api_codes_text_units_audited(clients):
    staff = clients["staff"]
    url = f"/export/panel?kind=ranking&region=440882&indicator=online_rate&period={MONTH}&format=xlsx"
    response = staff.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert _filename(response) == "雷州市_网上办理率_排名_2026-10.xlsx"
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[1]
    api = _api(staff, "online_rate", "440882")
    assert header[:4] == ["排名", "地区代码", "地区", f"网上办理率（{api['unit']}）"]
    body = [r for r in rows[2:] if r[1] and str(r[1]).isdigit()]
    by_code = {c["code"]: c for c in api["children"]}
    assert {r[1] for r in body} == set(by_code)  # codes as 12-digit text, every child, nothing else
    for r in body:
        assert isinstance(r[1], str) and len(r[1]) == 12
        expected = by_code[r[1]]["value"]
        assert r[3] == pytest.approx(round(expected, 1)) and isinstance(r[3], int | float)
    entry = audit.recent(action="export", limit=5)[0]
    assert entry.username == ACCOUNTS["staff"][0]
    assert "440882000000" in entry.detail and "2026-10" in entry.detail and "xlsx" in entry.detail


def test_exw002_panel_csv_bom_and_scope(clients):
    staff = clients["staff"]
    ok = staff.get(f"/export/panel?kind=map&region=440882&indicator=online_rate&period={MONTH}&format=csv")
    assert ok.status_code == 200 and ok.data.startswith(b"\xef\xbb\xbf")
    assert "text/csv" in ok.headers["Content-Type"]
    outside = staff.get(
        f"/export/panel?kind=map&region=440881&indicator=online_rate&period={MONTH}&format=csv"
    )
    assert outside.status_code == 403 and "error" in outside.get_json()
    bad = staff.get(f"/export/panel?kind=pie&region=440882&indicator=online_rate&period={MONTH}&format=csv")
    assert bad.status_code == 400
    bad_format = staff.get(
        f"/export/panel?kind=map&region=440882&indicator=online_rate&period={MONTH}&format=xls"
    )
    assert bad_format.status_code == 400
    assert (
        clients[None]
        .get(f"/export/panel?kind=map&region=440882&indicator=gdp&period={MONTH}&format=csv")
        .status_code
        == 401
    )


def test_exw003_panel_png_twice_the_pixels_and_svg(clients):
    leader = clients["leader"]
    png = leader.get(f"/export/panel?kind=map&region=440800&indicator=gdp&period={MONTH}&format=png")
    assert png.status_code == 200 and png.headers["Content-Type"] == "image/png"
    from briefing.panels import SIZES

    assert Image.open(io.BytesIO(png.data)).size == (SIZES["map"][0] * 2, SIZES["map"][1] * 2)
    svg = leader.get(f"/export/panel?kind=trend&region=440882&indicator=gdp&period={MONTH}&format=svg")
    assert svg.status_code == 200 and svg.headers["Content-Type"].startswith("image/svg+xml")
    text = svg.get_data(as_text=True)
    assert (
        "雷州市地区生产总值走势" in text and "数据来源" in text and "数据截至" in text and "演示数据" in text
    )


def test_exw004_briefing_pptx_matches_api(clients):
    leader = clients["leader"]
    response = leader.get(f"/export/briefing?page=services&region=440882&period={MONTH}&format=pptx")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert _filename(response) == "雷州市_政务服务简报_2026-10.pptx"
    prs = Presentation(io.BytesIO(response.data))
    assert prs.slide_width * 9 == prs.slide_height * 16  # 16:9
    text = _slides_text(prs)
    assert "雷州市政务服务简报（2026年10月）" in text and "演示数据" in text
    from data_access.indicators import get_indicator

    for code in ("items_handled", "online_rate", "on_spot_rate", "satisfaction"):
        ind = get_indicator(code)
        api = _api(leader, code, "440882", ind.frequency)["parent"]
        assert fmt_value(api["value"], ind.unit, ind.decimals) in text, code
        assert f"报送 {api['reported']}/{api['expected']}" in text
    # The summary sentences, as components.summary writes them for the page.
    from briefing.content import build_briefing
    from data_access.scope import Scope

    briefing = build_briefing("services", "440882", MONTH, Scope.of("440800"))
    for sentence in briefing.sentences:
        assert sentence in text
    # The ranking is a native chart whose values are the API's children of the compared region.
    ranking = next(c for c in _charts(prs) if c.chart_type is not None and "BAR" in str(c.chart_type))
    detail = briefing.ranking.indicator
    api = _api(leader, detail.code, briefing.ranking.region.code, detail.frequency)
    series = ranking.plots[0].series[0]
    got = dict(zip(ranking.plots[0].categories, series.values, strict=True))
    expected = {
        c["name"]: round(c["value"], detail.decimals) for c in api["children"] if c["value"] is not None
    }
    assert got == pytest.approx(expected)
    pictures = [s for slide in prs.slides for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1  # the map
    footer = [s.text_frame.text for s in prs.slides[3].shapes if s.has_text_frame]
    assert any("数据来源" in t for t in footer) and any(t.endswith(f"/ {len(prs.slides)}") for t in footer)


def test_exw005_briefing_pdf_text_matches(clients):
    leader = clients["leader"]
    response = leader.get(f"/export/briefing?page=economy&region=440882&period={MONTH}&format=pdf")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert _filename(response) == "雷州市_经济运行简报_2026-10.pdf"
    reader = PdfReader(io.BytesIO(response.data))
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595  # A4 landscape
    text = "\n".join(p.extract_text() for p in reader.pages)
    flat = text.replace("\n", "")
    from briefing.content import build_briefing
    from data_access.scope import Scope

    briefing = build_briefing("economy", "440882", MONTH, Scope.of("440800"))
    assert "雷州市经济运行简报（2026年10月）" in flat
    for kpi in briefing.kpis:
        assert kpi.value_text in text, kpi.name
    for sentence in briefing.sentences:
        assert sentence in flat, sentence


def test_exw006_staff_briefing_stays_in_scope(clients):
    staff = clients["staff"]
    assert staff.get("/export/briefing?page=overview&region=440881&format=pptx").status_code == 403
    assert staff.get("/export/briefing?page=nowhere&region=440882&format=pptx").status_code == 400
    assert staff.get("/export/briefing?page=overview&region=440882&format=docx").status_code == 400
    response = staff.get(f"/export/briefing?page=overview&region=440882&period={MONTH}&format=pptx")
    assert response.status_code == 200
    text = _slides_text(Presentation(io.BytesIO(response.data)))
    assert "雷州市" in text
    for name in OTHER_COUNTIES:
        assert name not in text, name


def test_exw007_bearer_token_and_two_at_once(zj_app):
    from data_access.users import issue_token

    token = issue_token(ACCOUNTS["staff"][0])
    client = zj_app.server.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    results: list[int] = []

    def fetch(fmt: str) -> None:
        c = zj_app.server.test_client()
        r = c.get(f"/export/briefing?page=economy&region=440882&period={MONTH}&format={fmt}", headers=headers)
        results.append(r.status_code)

    threads = [threading.Thread(target=fetch, args=(f,)) for f in ("pptx", "pdf")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200, 200]
    bad = client.get("/export/briefing?page=economy&format=pdf", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


@pytest.mark.parametrize("kind", ["govnet", "sharing-month", "sharing-dept", "cameras", "kiosks"])
def test_exw008_infrastructure_panels_export(clients, kind):
    staff = clients["staff"]
    response = staff.get(f"/export/panel?kind={kind}&region=440882&period={MONTH}&format=xlsx")
    assert response.status_code == 200, response.get_data(as_text=True)
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.data)).active.iter_rows()]
    assert rows[0][0].startswith("雷州市")
    assert any("（" in str(h) for h in rows[1])  # units in the header
    assert len(rows) > 3
    text = "\n".join(str(v) for row in rows for v in row if v is not None)
    for name in OTHER_COUNTIES:
        assert name not in text
    png = staff.get(f"/export/panel?kind={kind}&region=440882&period={MONTH}&format=png")
    assert png.status_code == 200 and png.data[:4] == b"\x89PNG"
    assert staff.get(f"/export/panel?kind={kind}&region=440881&period={MONTH}&format=csv").status_code == 403


def test_exw009_infrastructure_video_counts_add_up(clients):
    leader = clients["leader"]
    response = leader.get(f"/export/panel?kind=cameras&region=440800&period={MONTH}&format=csv")
    import csv

    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["地区代码", "地区", "点位数（个）"]
    body, total = rows[1:-1], rows[-1]
    assert total[0] == "440800000000"
    for column in (2, 3, 4):
        assert sum(int(r[column]) for r in body) == int(total[column])


def test_exw010_reporting_briefing_and_panels(clients):
    from data_access import reporting
    from data_access.scope import Scope

    staff = clients["staff"]
    response = staff.get(f"/export/briefing?page=reporting&region=440882&period={MONTH}&format=pptx")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert _filename(response) == "雷州市_填表报数简报_2026-10.pptx"
    prs = Presentation(io.BytesIO(response.data))
    text = _slides_text(prs)
    tally = reporting.region_tally("440882", MONTH, Scope.of("440882"), None, reporting.reference_date())
    assert f"应报单位 {tally.expected:,} 个，已报送 {tally.reported:,} 个" in text
    assert fmt_value(tally.completeness * 100, "%", 1) in text
    for name in OTHER_COUNTIES:
        assert name not in text
    bars = next(c for c in _charts(prs) if "BAR" in str(c.chart_type))
    kids = reporting.children_tallies("440882", MONTH, Scope.of("440882"), None, reporting.reference_date())
    expected = {k.name: round(k.completeness * 100, 1) for k in kids if k.expected}
    got = dict(zip(bars.plots[0].categories, bars.plots[0].series[0].values, strict=True))
    assert got == pytest.approx(expected)
    task = reporting.tasks()[0].code
    one = staff.get(
        f"/export/panel?kind=reporting-ranking&region=440882&period={MONTH}&task={task}&format=xlsx"
    )
    assert one.status_code == 200
    title = load_workbook(io.BytesIO(one.data)).active["A1"].value
    assert reporting.tasks()[0].name in title  # the task shown on the page, not all tasks
    trend = staff.get(f"/export/panel?kind=reporting-trend&region=440882&period={MONTH}&format=xlsx")
    assert trend.status_code == 200


def _xlsx_rows(response) -> list[list]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [[c.value for c in row] for row in load_workbook(io.BytesIO(response.data)).active.iter_rows()]


def test_exw011_reporting_tables_equal_the_page_and_are_data_only(clients):
    from data_access import reporting
    from data_access.scope import Scope

    staff = clients["staff"]
    scope, today = Scope.of("440882"), reporting.reference_date()
    url = f"/export/panel?region=440882&period={MONTH}&kind="
    rounds = _xlsx_rows(staff.get(url + "reporting-rounds&format=xlsx"))
    assert rounds[1][:4] == ["报表任务", "报告期", "截止日期", "应报（个）"]
    expected = reporting.round_tallies("440882", MONTH, scope, today)
    body = rounds[2 : 2 + len(expected)]
    assert [(r[0], r[3], r[4], r[6]) for r in body] == [
        (t.task.name, t.tally.expected, t.tally.reported, t.tally.overdue) for t in expected
    ]
    task = reporting.tasks()[0].code
    levels = _xlsx_rows(staff.get(url + f"reporting-levels&task={task}&format=xlsx"))
    tallies = reporting.level_tallies("440882", MONTH, scope, task, today)
    got = {r[0]: (r[1], r[2], r[5]) for r in levels[2 : 2 + len(tallies)]}
    assert got == {
        t.name: (t.expected, t.reported, pytest.approx(round(t.completeness * 100, 1))) for t in tallies
    }
    assert reporting.tasks()[0].name in levels[0][0]
    people = _xlsx_rows(staff.get(url + "reporting-staff&format=xlsx"))
    levels_staff = reporting.staff_by_level("440882", scope)
    assert [r[:5] for r in people[2 : 2 + len(levels_staff)]] == [
        [s.level_name, s.units, s.units_with_filer, s.filers, s.admins] for s in levels_staff
    ]
    for kind in ("reporting-rounds", "reporting-levels", "reporting-staff", "reporting-overdue"):
        assert staff.get(url + f"{kind}&format=png").status_code == 400  # a table: data only
        out = staff.get(f"/export/panel?kind={kind}&region=440881&period={MONTH}&format=csv")
        assert out.status_code == 403
    text = "\n".join(
        str(v) for rows in (rounds, levels, people) for row in rows for v in row if v is not None
    )
    for name in OTHER_COUNTIES:
        assert name not in text


def test_exw012_reporting_burden_chart_exports_image_and_figures(clients):
    from data_access import reporting
    from data_access.scope import Scope

    staff = clients["staff"]
    url = f"/export/panel?kind=reporting-burden&region=440882&period={MONTH}&format="
    rows = _xlsx_rows(staff.get(url + "xlsx"))
    assert rows[1] == ["报告期", "层级", "应报表数（份）", "单位数（个）", "每单位应报表数（份/个）"]
    burden = reporting.burden_trend("440882", Scope.of("440882"), end=MONTH)
    body = rows[2 : 2 + len(burden)]
    assert [(r[2], r[3]) for r in body] == [(b.forms, b.units) for b in burden]
    for r, b in zip(body, burden, strict=True):
        assert r[4] == pytest.approx(round(b.per_unit, 2))
    png = staff.get(url + "png")
    assert png.status_code == 200 and png.data[:4] == b"\x89PNG"
    assert staff.get(url.replace("440882", "440881") + "png").status_code == 403


def test_exw013_overdue_units_masked_for_staff_full_for_leader_neutralised(clients, monkeypatch):
    import dataclasses
    import re

    from data_access import reporting
    from data_access.scope import Scope

    scope, today = Scope.of("440882"), reporting.reference_date()
    month = next(
        m for m in reporting.report_months(scope) if reporting.overdue_units("440882", m, scope, None, today)
    )
    url = f"/export/panel?kind=reporting-overdue&region=440882&period={month}&format="
    staff_rows = _xlsx_rows(clients["staff"].get(url + "xlsx"))
    assert staff_rows[1][-1] == "电话" and staff_rows[1][6] == "已逾期（天）"
    units = reporting.overdue_units("440882", month, scope, None, today)
    body = staff_rows[2 : 2 + len(units)]  # every unit, not only the page's first 200
    assert not staff_rows[2 + len(units)][0] or not str(staff_rows[2 + len(units)][0]).isdigit()
    assert [r[0] for r in body] == [u.code for u in units]
    assert [r[6] for r in body] == [u.days_overdue for u in units]
    phones = [r[-1] for r in body if r[-1]]
    assert phones and all("****" in p for p in phones)  # masked for staff, as on the page
    leader_rows = _xlsx_rows(clients["leader"].get(url + "xlsx"))
    full = [r[-1] for r in leader_rows[2:] if r[-1] and re.fullmatch(r"1\d{10}", str(r[-1]))]
    assert full  # leaders see whole numbers
    real = reporting.overdue_units

    def hostile(*args, **kwargs):
        found = real(*args, **kwargs)
        return [dataclasses.replace(found[0], name="=HYPERLINK(1)", contact_name="@SUM(A1)"), *found[1:]]

    monkeypatch.setattr(reporting, "overdue_units", hostile)
    csv_text = clients["staff"].get(url + "csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in csv_text and "'@SUM(A1)" in csv_text


def test_exw014_camera_map_exports_every_point_in_scope(clients, monkeypatch):
    import csv
    import dataclasses

    from data_access import infrastructure
    from data_access.scope import Scope

    staff = clients["staff"]
    url = f"/export/panel?kind=camera-map&region=440882&period={MONTH}&format="
    rows = list(csv.reader(io.StringIO(staff.get(url + "csv").data.decode("utf-8-sig"))))
    assert rows[0] == ["点位编号", "地区代码", "地区", "位置", "经度（°）", "纬度（°）", "在线", "接入省平台"]
    points = infrastructure.camera_points("440882", Scope.of("440882"))
    body = rows[1 : 1 + len(points)]
    assert [r[0] for r in body] == [p.camera_id for p in points]  # every point the page's map draws
    assert [r[6] == "在线" for r in body] == [p.online for p in points]
    assert all(r[1].startswith("440882") and len(r[1]) == 12 for r in body)
    png = staff.get(url + "png")
    assert png.status_code == 200 and Image.open(io.BytesIO(png.data)).size == (2000, 1520)
    assert staff.get(url.replace("440882", "440881") + "xlsx").status_code == 403
    real = infrastructure.camera_points
    monkeypatch.setattr(
        infrastructure,
        "camera_points",
        lambda *a: [dataclasses.replace(real(*a)[0], location="-2+3 路口"), *real(*a)[1:]],
    )
    text = staff.get(url + "csv").data.decode("utf-8-sig")
    assert "'-2+3 路口" in text


def test_exw015_governance_panels_equal_the_page(clients, monkeypatch):
    import dataclasses
    import re

    from data_access import governance, reporting
    from data_access.scope import Scope

    staff, scope = clients["staff"], Scope.of("440882")
    url = f"/export/panel?region=440882&period={MONTH}&kind="
    types = _xlsx_rows(staff.get(url + "governance-types&format=xlsx"))
    assert types[1] == ["类型代码", "类型", "受理（件）", "已化解（件）"]
    expected = governance.type_breakdown("440882", MONTH, scope)
    assert [tuple(r[:4]) for r in types[2 : 2 + len(expected)]] == [
        (t.code, t.name, t.received, t.resolved) for t in expected
    ]
    outcomes = _xlsx_rows(staff.get(url + "governance-outcomes&format=xlsx"))
    rows = governance.outcome_breakdown("440882", MONTH, scope)
    got = outcomes[2 : 2 + len(rows)]
    assert [(r[0], r[1]) for r in got] == [(o.name, o.count) for o in rows]
    assert sum(r[2] for r in got) == pytest.approx(100, abs=0.5)  # shares of one total
    for kind in ("governance-types", "governance-outcomes"):
        png = staff.get(url + f"{kind}&format=png")
        assert png.status_code == 200 and png.data[:4] == b"\x89PNG"
    today = reporting.reference_date()
    cases = governance.overdue_cases("440882", scope, today)
    assert cases
    listed = _xlsx_rows(staff.get(url + "governance-overdue&format=xlsx"))
    body = listed[2 : 2 + len(cases)]
    assert [r[0] for r in body] == [c.case_id for c in cases]  # all, not only the page's 100
    assert all(str(r[1]).startswith("440882") for r in body)
    assert all("****" in r[-1] for r in body if r[-1])  # masked for staff
    leader = _xlsx_rows(clients["leader"].get(url + "governance-overdue&format=xlsx"))
    assert any(r[-1] and re.fullmatch(r"1\d{10}", str(r[-1])) for r in leader[2:])
    assert staff.get(url + "governance-overdue&format=svg").status_code == 400
    for kind in ("governance-types", "governance-outcomes", "governance-overdue"):
        out = staff.get(f"/export/panel?kind={kind}&region=440881&period={MONTH}&format=csv")
        assert out.status_code == 403
    real = governance.overdue_cases
    monkeypatch.setattr(
        governance,
        "overdue_cases",
        lambda *a, **k: [dataclasses.replace(real(*a, **k)[0], contact_name="+CMD|x"), *real(*a, **k)[1:]],
    )
    assert "'+CMD|x" in staff.get(url + "governance-overdue&format=csv").data.decode("utf-8-sig")


def test_exw016_overview_attention_list_exports_the_page_items(clients):
    import csv

    from components.attention import TAGS
    from data_access.scope import Scope
    from pages._views import attention_items

    for role, region in (("leader", "440800"), ("staff", "440882")):
        client = clients[role]
        response = client.get(f"/export/panel?kind=attention&region={region}&period={MONTH}&format=csv")
        assert response.status_code == 200, response.get_data(as_text=True)
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
        assert rows[0] == ["序号", "类别", "内容"]
        items = attention_items(region + "000000", MONTH, Scope.of(region))
        assert items  # the demo city has indicators behind target
        assert [tuple(r) for r in rows[1 : 1 + len(items)]] == [
            (str(i), TAGS[item.kind], item.text) for i, item in enumerate(items, start=1)
        ]
        assert (
            client.get(f"/export/panel?kind=attention&region={region}&period={MONTH}&format=png").status_code
            == 400
        )
    staff_text = clients["staff"].get(f"/export/panel?kind=attention&region=440882&period={MONTH}&format=csv")
    for name in OTHER_COUNTIES:
        assert name not in staff_text.data.decode("utf-8-sig")
    assert (
        clients["staff"]
        .get(f"/export/panel?kind=attention&region=440800&period={MONTH}&format=csv")
        .status_code
        == 403
    )


def test_exw017_map_profile_exports_the_profile_rows(clients):
    from data_access.scope import Scope
    from data_access.values import region_profile

    staff = clients["staff"]
    url = f"/export/panel?kind=profile&region=440882&period={MONTH}&format=xlsx"
    rows = _xlsx_rows(staff.get(url))
    assert rows[0][0] == "雷州市指标概况"
    assert rows[1][:7] == ["板块", "指标代码", "指标", "统计期", "数值", "单位", "同比增速（%）"]
    profile = region_profile("440882", MONTH, Scope.of("440882"))
    body = {r[1]: r for r in rows[2 : 2 + len(profile)]}
    assert set(body) == {p["code"] for p in profile}
    for p in profile:
        got = body[p["code"]]
        assert got[2] == p["name"] and got[3] == p["period"] and got[5] == p["unit"]
        assert got[4] == (None if p["value"] is None else pytest.approx(round(p["value"], p["decimals"])))
        assert (got[10], got[11]) == (tuple(p["rank"]) if p["rank"] else (None, None))
        assert (got[12], got[13]) == (p["reported"], p["expected"])
    online = next(p for p in profile if p["code"] == "online_rate")
    assert body["online_rate"][4] == pytest.approx(
        round(_api(staff, "online_rate", "440882")["parent"]["value"], 1)
    )
    assert online["value"] is not None
    assert staff.get(url.replace("format=xlsx", "format=png")).status_code == 400
    assert staff.get(url.replace("440882", "440881")).status_code == 403


def test_exw018_report_unit_list_exports_every_unit_of_the_round(clients, monkeypatch):
    import csv
    import dataclasses

    from components.report_form import STATUS_ORDER
    from data_access import form_entry
    from data_access.scope import Scope

    staff, scope = clients["staff"], Scope.of("440882")
    task = form_entry.fillable_tasks(scope)[0].code
    period = form_entry.default_period(task)
    url = f"/export/panel?kind=report-units&region=440882&period={period}&task={task}&format=csv"
    response = staff.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["单位代码", "单位", "所属", "状态"]
    units = form_entry.unit_statuses(task, period, scope)
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    expected = sorted(units, key=lambda u: (order[u.status], u.code))
    body = rows[1 : 1 + len(units)]
    assert [(r[0], r[3]) for r in body] == [(u.code, u.label) for u in expected]  # the page's order
    assert all(r[0].startswith("440882") for r in body)
    assert staff.get(url.replace("format=csv", "format=png")).status_code == 400
    assert staff.get(url.replace("440882", "440881")).status_code == 403
    assert staff.get(url.replace(f"&task={task}", "")).status_code == 400
    real = form_entry.unit_statuses
    monkeypatch.setattr(
        form_entry,
        "unit_statuses",
        lambda *a, **k: [
            dataclasses.replace(real(*a, **k)[0], return_reason="=1+2 请核实"),
            *real(*a, **k)[1:],
        ],
    )
    assert "'=1+2 请核实" in staff.get(url).data.decode("utf-8-sig")
