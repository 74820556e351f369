"""Validated, atomic writes with history, on the tiny hierarchy (SQLite and PostgreSQL)."""

import pytest
from sqlalchemy import func, insert, select

from data_access import store, values
from data_access.errors import InvalidInput, OutOfScope, ValidationError
from data_access.observations import WriteReport, history, write_observations
from data_access.rollup import rebuild_partials
from data_access.schema import indicator, observation, observation_history
from data_access.scope import Scope

CITY, A, A1 = "990100000000", "990101000000", "990101001000"
V1, V2, V4 = "990101001001", "990101002001", "990102001001"
SCOPE = Scope(CITY)
BASE = {
    "definition": "",
    "source_dept": "",
    "frequency": "month",
    "value_type": "flow",
    "aggregation": "sum",
    "numerator": None,
    "denominator": None,
    "weight": None,
    "factor": 1.0,
    "direction": 1,
    "decimals": 1,
    "min_value": None,
    "max_value": None,
    "lowest_level": 5,
    "unit": "件",
    "theme": "services",
}
INDICATORS = [
    {"code": "items", "name": "办件量", "min_value": 0.0, "max_value": 1000.0},
    {"code": "online", "name": "网办件数", "min_value": 0.0},
    {
        "code": "rate",
        "name": "网办率",
        "unit": "%",
        "aggregation": "ratio",
        "numerator": "online",
        "denominator": "items",
        "factor": 100.0,
    },
    {"code": "sat", "name": "满意度", "aggregation": "weighted_mean", "weight": "items", "lowest_level": 4},
    {"code": "gdp", "name": "地区生产总值", "frequency": "quarter", "lowest_level": 3},
]


@pytest.fixture(params=["scan", "partials"])
def catalogue(request, tiny_store):
    """With "partials" the (empty) stored partials start current, so every write must keep them so."""
    with store.engine().begin() as conn:
        conn.execute(
            insert(indicator), [{**BASE, "sort_order": n, **row} for n, row in enumerate(INDICATORS)]
        )
        store.bump_version(conn)
        if request.param == "partials":
            rebuild_partials(conn)
    yield tiny_store
    assert values._snapshot().rolled is (request.param == "partials")


def count(table) -> int:
    with store.engine().connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def write(rows, **kw):
    return write_observations(rows, source="测试", reported_by="张三", **kw)


def test_obs001_insert_and_roll_up(catalogue):
    report = write(
        [
            {"indicator": "items", "region": V1, "period": "2026-03", "value": 10},
            {"indicator": "items", "region": "990101002001", "period": "2026-03", "value": "20.5"},
            {"indicator_code": "online", "region_code": V1, "period": "2026-03", "value": 4},
        ]
    )
    assert report == WriteReport(inserted=3, revised=0, unchanged=0)
    city = values.region_value("items", CITY, "2026-03", SCOPE)
    assert (city.value, city.reported, city.expected) == (30.5, 2, 5)
    assert values.region_value("rate", CITY, "2026-03", SCOPE).value == pytest.approx(
        40.0
    )  # 4/10 (v2 no online)


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        (
            {"indicator": "items", "region": "990109001001", "period": "2026-03", "value": 1},
            "region",
            "未知地区代码",
        ),
        ({"indicator": "nope", "region": V1, "period": "2026-03", "value": 1}, "indicator", "未知指标：nope"),
        (
            {"indicator": "items", "region": V1, "period": "2026-3", "value": 1},
            "period",
            "期间格式错误：'2026-3'",
        ),
        ({"indicator": "gdp", "region": A, "period": "2026-03", "value": 1}, "period", "季度"),
        (
            {"indicator": "items", "region": V1, "period": "2026-03", "value": "十"},
            "value",
            "数值不是数字：'十'",
        ),
        ({"indicator": "items", "region": V1, "period": "2026-03", "value": 1001}, "value", "超出"),
        ({"indicator": "items", "region": V1, "period": "2026-03", "value": -1}, "value", "[0, 1000]"),
        ({"indicator": "gdp", "region": A1, "period": "2026-Q1", "value": 5}, "region", "最低采集到县级"),
        ({"indicator": "rate", "region": V1, "period": "2026-03", "value": 50}, "indicator", "不能直接填报"),
        ({"indicator": "sat", "region": A, "period": "2026-03", "value": 90}, "region", "只能在镇级填报"),
        ({"indicator": "items", "region": V1, "period": "2026-03"}, "value", "缺少数值"),
    ],
)
def test_obs002_bad_row_names_place_and_writes_nothing(catalogue, row, field, words):
    good = {"indicator": "items", "region": V2, "period": "2026-03", "value": 5}
    with pytest.raises(ValidationError) as err:
        write([good, row], file="上报.xlsx")
    assert (err.value.file, err.value.row, err.value.field) == ("上报.xlsx", 2, field)
    assert words in str(err.value) and "第 2 行" in str(err.value) and "上报.xlsx" in str(err.value)
    assert count(observation) == 0  # the good first row was not written either


def test_obs003_all_errors_listed_first_kept(catalogue):
    rows = [
        {"indicator": "items", "region": V1, "period": "2026-03", "value": 1},
        {"indicator": "items", "region": V1, "period": "2026-13", "value": 1},
        {"indicator": "items", "region": V2, "period": "2026-03", "value": 2000},
        {"indicator": "items", "region": V1, "period": "2026-03", "value": 2},
    ]
    with pytest.raises(ValidationError) as err:
        write(rows)
    assert (err.value.row, err.value.field) == (2, "period")
    assert [(r, f) for r, f, _ in err.value.errors] == [(2, "period"), (3, "value"), (4, "region")]
    assert "另有 2 处错误" in str(err.value) and "与第 1 行重复" in str(err.value)
    assert count(observation) == 0


def test_obs004_revision_keeps_history(catalogue):
    write([{"indicator": "items", "region": V1, "period": "2026-03", "value": 10}])
    again = write_observations(
        [
            {"indicator": "items", "region": V1, "period": "2026-03", "value": 10},
            {"indicator": "items", "region": V4, "period": "2026-03", "value": 7},
        ],
        source="复核",
        reported_by="李四",
    )
    assert again == WriteReport(inserted=1, revised=0, unchanged=1)
    third = write_observations(
        [{"indicator": "items", "region": V1, "period": "2026-03", "value": 12}],
        source="更正",
        reported_by="王五",
    )
    fourth = write_observations(
        [{"indicator": "items", "region": V1, "period": "2026-03", "value": 15}],
        source="再更正",
        reported_by="赵六",
    )
    assert third == fourth == WriteReport(inserted=0, revised=1, unchanged=0)
    entries = history("items", V1, "2026-03", SCOPE)
    assert [(e.value, e.reported_by, e.replaced_by, e.source) for e in entries] == [
        (12.0, "王五", "赵六", "更正"),
        (10.0, "张三", "王五", "测试"),
    ]
    with store.engine().connect() as conn:
        current = conn.execute(
            select(observation.c.value, observation.c.status, observation.c.reported_by).where(
                observation.c.region_code == V1
            )
        ).one()
    assert tuple(current) == (15.0, "revised", "赵六")
    assert history("items", V4, "2026-03", SCOPE) == []
    assert count(observation_history) == 2  # the unchanged rewrite added nothing
    assert values.region_value("items", CITY, "2026-03", SCOPE).value == 22.0  # 15 + 7


def test_obs005_write_bumps_version_and_invalidates_cache(catalogue):
    write([{"indicator": "items", "region": V1, "period": "2026-03", "value": 10}])
    version = store.data_version()
    assert values.region_value("items", A, "2026-03", SCOPE).value == 10.0
    write([{"indicator": "items", "region": V1, "period": "2026-03", "value": 11}])
    assert store.data_version() == version + 1
    assert values.region_value("items", A, "2026-03", SCOPE).value == 11.0
    write([{"indicator": "items", "region": V1, "period": "2026-03", "value": 11}])  # nothing changes
    assert store.data_version() == version + 1


def test_obs006_history_scope_and_status(catalogue):
    with pytest.raises(OutOfScope):
        history("items", V4, "2026-03", Scope(A))
    with pytest.raises(InvalidInput, match="状态错误"):
        write([{"indicator": "items", "region": V1, "period": "2026-03", "value": 1}], status="final")
    report = write(
        [{"indicator": "items", "region": V1, "period": "2026-03", "value": 9}], status="estimated"
    )
    assert report.inserted == 1
    confirmed = write([{"indicator": "items", "region": V1, "period": "2026-03", "value": 9}])
    assert confirmed.revised == 1  # an estimate confirmed with the same figure becomes "reported"
    assert [e.status for e in history("items", V1, "2026-03", SCOPE)] == ["estimated"]


def test_obs007_bulk_write_refreshes_postgresql_statistics(catalogue, monkeypatch):
    from data_access import observations

    monkeypatch.setattr(observations, "ANALYZE_AFTER", 2)
    rows = [{"indicator": "items", "region": v, "period": "2026-03", "value": 1} for v in (V1, V2, V4)]
    assert write(rows).inserted == 3
    engine = store.engine()
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            analyzed = conn.exec_driver_sql(
                "SELECT last_analyze FROM pg_stat_user_tables "
                "WHERE relname = 'observation' AND schemaname = current_schema()"
            ).scalar()
        assert analyzed is not None
    assert values.region_value("items", CITY, "2026-03", SCOPE).reported == 3
