"""指标体系 view on the tiny store: metadata, latest period, coverage, filtering and scope."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from data_access import store
from data_access.catalogue_view import catalogue_rows, filter_rows, lowest_coverage, summarise
from data_access.errors import OutOfScope
from data_access.schema import indicator, observation
from data_access.scope import Scope
from tests.data_access.rows import indicator_row, observation_row

SCOPE = Scope("990100000000")
TOWNS = ["990101001000", "990101002000", "990102001000"]


@pytest.fixture
def catalogue_store(tiny_store):
    with store.engine().begin() as conn:
        conn.execute(
            insert(indicator),
            [
                indicator_row(
                    "t_sum",
                    "测试金额",
                    "万元",
                    definition="本月测试金额合计。",
                    lowest_level=4,
                    sort_order=10,
                ),
                indicator_row(
                    "t_vil",
                    "村级计数",
                    "个",
                    theme="services",
                    definition="每村计 1。",
                    source_dept="政务服务和数据管理局",
                    lowest_level=5,
                    sort_order=20,
                ),
            ],
        )
        rows = [observation_row("t_sum", t, "2026-09", 1.0) for t in TOWNS]
        rows += [
            observation_row("t_sum", "990101001000", "2026-10", 2.0),
            observation_row("t_sum", "990102001000", "2026-10", 3.0),
        ]
        rows += [
            observation_row("t_vil", v, "2026-08", 1.0)
            for v in ("990101001001", "990101002001", "990102001001")
        ]
        conn.execute(insert(observation), rows)
        store.bump_version(conn)
    return tiny_store


def test_cat001_rows_carry_metadata_latest_period_and_coverage(catalogue_store):
    rows = catalogue_rows("990100", SCOPE)
    assert [r.code for r in rows] == ["t_sum", "t_vil"]
    money, villages = rows
    assert (money.theme_name, money.frequency_name, money.aggregation_name, money.lowest_level_name) == (
        "经济运行",
        "月度",
        "求和",
        "镇级",
    )
    assert (money.unit, money.source_dept, money.definition) == ("万元", "统计局", "本月测试金额合计。")
    # October: 2 of the 3 towns reported → 66.7%.
    assert (money.latest_period, money.reported, money.expected) == ("2026-10", 2, 3)
    assert money.coverage == pytest.approx(200 / 3)
    # August: 3 of the 5 villages → 60%.
    assert (villages.latest_period, villages.reported, villages.expected) == ("2026-08", 3, 5)
    assert villages.coverage == pytest.approx(60.0)


def test_cat002_coverage_for_a_county_and_below_the_lowest_level(catalogue_store):
    money, villages = catalogue_rows("990101", SCOPE)
    assert (money.reported, money.expected, money.coverage) == (1, 2, 50.0)  # 甲一街道 of 甲区's two towns
    assert (villages.reported, villages.expected) == (2, 3)
    money_v, _ = catalogue_rows("990101001001", SCOPE)  # a village: 测试金额 is not collected there
    assert (money_v.expected, money_v.coverage) == (0, None)


def test_cat003_filter_by_theme_and_words(catalogue_store):
    rows = catalogue_rows("990100", SCOPE)
    assert [r.code for r in filter_rows(rows, theme="services")] == ["t_vil"]
    assert [r.code for r in filter_rows(rows, text="金额")] == ["t_sum"]
    assert [r.code for r in filter_rows(rows, text="统计局 本月")] == ["t_sum"]
    assert [r.code for r in filter_rows(rows, text="T_VIL")] == ["t_vil"]
    assert [r.code for r in filter_rows(rows, theme="economy", text="村")] == []
    assert [r.code for r in filter_rows(rows, theme="", text="  ")] == ["t_sum", "t_vil"]


def test_cat004_regions_outside_the_scope_are_refused(catalogue_store):
    with pytest.raises(OutOfScope):
        catalogue_rows("990101", Scope.of("990102"))
    money, _ = catalogue_rows("990102", Scope.of("990102"))
    assert (money.latest_period, money.reported, money.expected) == ("2026-10", 1, 1)


def test_cat005_coverage_for_an_asked_month(catalogue_store):
    money, villages = catalogue_rows("990100", SCOPE, "2026-09")
    # September: all three towns reported 测试金额; nobody reported 村级计数 (latest stays August).
    assert (money.latest_period, money.coverage_period, money.reported, money.expected) == (
        "2026-10",
        "2026-09",
        3,
        3,
    )
    assert money.coverage == 100.0
    assert (villages.latest_period, villages.coverage_period, villages.reported) == ("2026-08", "2026-09", 0)
    assert villages.coverage == 0.0


def test_cat006_summary_counts_and_lowest_coverage_for_the_wall(catalogue_store):
    rows = catalogue_rows("990100", SCOPE)
    summary = summarise(rows)
    assert (summary.total, summary.with_data, summary.complete, summary.incomplete) == (2, 2, 0, 2)
    assert summary.by_theme == [("经济运行", 1), ("政务服务", 1)]  # in the order of THEMES
    assert summary.by_level == [("镇级", 1), ("村级", 1)]  # from the top level down
    assert summary.by_source == [("政务服务和数据管理局", 1), ("统计局", 1)]  # equal counts: by name
    # 村级计数 60 % before 测试金额 66.7 %; the limit cuts the list.
    assert [r.code for r in lowest_coverage(rows, 5)] == ["t_vil", "t_sum"]
    assert [r.code for r in lowest_coverage(rows, 1)] == ["t_vil"]
    september = summarise(catalogue_rows("990100", SCOPE, "2026-09"))
    assert (september.complete, september.incomplete) == (1, 1)  # 测试金额 3/3, 村级计数 0/5
    # A village: 测试金额 is not collected there, so it has no coverage and is not listed.
    village = catalogue_rows("990101002001", SCOPE)
    assert [r.code for r in lowest_coverage(village, 5)] == ["t_vil"]
    assert (summarise(village).complete, summarise(village).incomplete) == (1, 0)
