"""/reporting page built on the tiny store (figures in tests/data_access/test_reporting.py).

The store is judged at 2026-11-01 (a demo store's as-of day), so every round of 2026-09 is past
due: the city expects 8 units, 5 reported, 3 on time, 3 overdue.
"""

from __future__ import annotations

import pytest

from data_access import store
from tests.data_access.test_reporting import AFTER, seed_reporting
from tests.pages.theme_util import by_id, text, walk

CITY, JIA, YI = "990100000000", "990101000000", "990102000000"


@pytest.fixture
def reporting_app(tiny_client):
    """The app on the tiny store (root 测试市, login disabled: a leader) with 填表报数 rounds."""
    seed_reporting()
    with store.engine().begin() as conn:
        store.set_meta(conn, "demo", "1")
        store.set_meta(conn, "generated_at", AFTER + "T09:00:00")
        store.bump_version(conn)
    return tiny_client.application


@pytest.fixture
def page(reporting_app):
    """The page module, imported once the app exists (register_page needs an app)."""
    import importlib

    return importlib.import_module("pages.reporting")


def kpi(root, code: str) -> str:
    card = next(n for n in walk(root) if getattr(n, "data-indicator", None) == code)
    return next(text(n) for n in walk(card) if getattr(n, "className", "") == "kpi-number")


def render(app, **query):
    import pages.reporting as page

    with app.test_request_context("/reporting"):
        return page.layout(**query)


def test_rep101_key_figures_at_root(reporting_app, page):
    root = render(reporting_app)
    assert by_id(root, page.MONTH).value == "2026-09"  # the latest month wholly past due
    figures = {
        c: kpi(root, c) for c in ("expected", "reported", "on-time", "overdue", "completeness", "timeliness")
    }
    assert figures == {
        "expected": "8",
        "reported": "5",
        "on-time": "3",
        "overdue": "3",
        "completeness": "62.5",
        "timeliness": "37.5",
    }


def test_rep102_children_drill_and_map_links(reporting_app, page):
    root = render(reporting_app, month="2026-09")
    table = by_id(root, page.CHILDREN)
    rows = [n for n in walk(table) if getattr(n, "data-code", None)]
    assert [getattr(r, "data-code") for r in rows] == [JIA, YI]
    assert [text(td) for td in rows[0].children] == ["甲区", "5", "3", "2", "2", "60.0%", "40.0%", "地图"]
    hrefs = [n.href for n in walk(rows[1]) if getattr(n, "href", None)]
    assert hrefs == [f"/reporting?region={YI}&month=2026-09", f"/map?region={YI}"]


def test_rep103_county_and_task_filter(reporting_app, page):
    county = render(reporting_app, region="990102", month="2026-09")
    assert [kpi(county, c) for c in ("expected", "reported", "on-time", "overdue")] == ["3", "2", "1", "1"]
    villages = render(reporting_app, month="2026-09", task="VIL")
    assert [kpi(villages, c) for c in ("expected", "reported", "on-time", "overdue")] == ["5", "3", "2", "2"]
    levels = by_id(villages, page.LEVELS)
    assert [getattr(n, "data-level") for n in walk(levels) if getattr(n, "data-level", None)] == ["5"]


def test_rep104_rounds_levels_and_staff_tables(reporting_app, page):
    root = render(reporting_app, month="2026-09")
    rounds = [n for n in walk(by_id(root, page.ROUNDS)) if getattr(n, "data-task", None)]
    assert [[text(td) for td in r.children] for r in rounds] == [
        ["镇级季报", "2026年第三季度", "2026-10-15", "3", "2", "1", "1", "66.7%", "33.3%"],
        ["村级月报", "2026年9月", "2026-10-10", "5", "3", "2", "2", "60.0%", "40.0%"],
    ]
    staff = [n for n in walk(by_id(root, page.STAFF)) if getattr(n, "data-level", None)]
    assert [text(td) for td in staff[-1].children] == ["村（社区）", "5", "2", "3", "0"]


def test_rep105_overdue_list_phones_follow_the_user(reporting_app, page):
    leader = render(reporting_app, month="2026-09")
    rows = [n for n in walk(by_id(leader, page.OVERDUE)) if getattr(n, "data-code", None)]
    assert [getattr(r, "data-code") for r in rows] == ["990101002002", "990102001002", "990101002000"]
    assert [text(td) for td in rows[0].children[:7]] == [
        "甲二二村",
        "村（社区）",
        "村级月报",
        "2026年9月",
        "2026-10-10",
        "22 天",
        "赵六（总指挥）",
    ]
    assert [n.href for n in walk(rows[0]) if getattr(n, "href", "").startswith("tel:")] == ["tel:13900001111"]
    # Without a user allowed to see numbers: masked, and no tel: link anywhere on the page.
    anonymous = page.layout(month="2026-09")
    rows = [n for n in walk(by_id(anonymous, page.OVERDUE)) if getattr(n, "data-code", None)]
    assert text(rows[0].children[7]) == "139****1111"
    assert not [n for n in walk(anonymous) if str(getattr(n, "href", "")).startswith("tel:")]


def test_rep106_bad_queries_give_a_clear_message(reporting_app, page):
    for query, words in (
        ({"region": "990199"}, "未知地区代码"),
        ({"region": "440800"}, "无权查看"),
        ({"region": "abc"}, "地区代码格式错误"),
        ({"task": "NOPE"}, "未知报表任务"),
    ):
        root = render(reporting_app, **query)
        assert words in text(by_id(root, page.MESSAGE)), query
    # an unknown month falls back to the default one
    assert kpi(render(reporting_app, month="2031-01"), "expected") == "8"


def test_rep107_picker_writes_the_query(reporting_app, page):
    with reporting_app.test_request_context("/reporting"):
        search = page._pick("2026-08", "", {"region": JIA})
        assert search == f"?region={JIA}&month=2026-08"
        assert page._pick("2026-09", "VIL", None) == f"?region={CITY}&month=2026-09&task=VIL"


def test_rep108_charts_have_units_and_figures(reporting_app, page):
    root = render(reporting_app, month="2026-09")
    trend = by_id(root, page.TREND).figure
    assert trend["layout"]["yaxis"]["title"]["text"] == "%"
    assert [t["y"] for t in trend["data"]] == [[50.0, 100.0, 62.5], [50.0, 80.0, 37.5]]
    assert trend["data"][0]["x"] == ["2025年12月", "2026年8月", "2026年9月"]
    burden = by_id(root, page.BURDEN).figure
    assert burden["layout"]["yaxis"]["title"]["text"] == "份/个"
    assert [(t["name"], t["y"]) for t in burden["data"]] == [
        ("镇（街道）", [0.0, 0.0, 1.0]),
        ("村（社区）", [0.0, 1.0, 1.0]),
    ]
    titles = [text(n) for n in walk(root) if getattr(n, "className", "") == "panel-title"]
    assert any(t.startswith("报送完整率与及时率趋势（%）") and "12 个报告期" in t for t in titles)
    notes = [text(n) for n in walk(root) if getattr(n, "className", "") == "source-note"]
    assert len(notes) == 7 and all(n.startswith("数据来源") for n in notes)


def test_rep109_town_and_village_pages(reporting_app, page):
    town = render(reporting_app, region="990101002", month="2026-09")
    assert [kpi(town, c) for c in ("expected", "reported", "on-time", "overdue")] == ["3", "1", "0", "2"]
    kids = [n for n in walk(by_id(town, page.CHILDREN)) if getattr(n, "data-code", None)]
    assert [getattr(k, "data-code") for k in kids] == ["990101002001", "990101002002"]
    village = render(reporting_app, region="990101002002", month="2026-09")
    assert [kpi(village, c) for c in ("expected", "reported", "overdue")] == ["1", "0", "1"]
    assert "该地区没有下级单位" in text(by_id(village, page.CHILDREN))
    crumbs = [n.href for n in walk(village) if str(getattr(n, "href", "")).startswith("/reporting")]
    assert crumbs[:3] == [
        "/reporting?region=990100000000&month=2026-09",
        "/reporting?region=990101000000&month=2026-09",
        "/reporting?region=990101002000&month=2026-09",
    ]
