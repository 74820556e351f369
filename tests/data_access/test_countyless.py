"""County-less cities (东莞, 中山): the city is its own county-level unit in every rollup.

Tiny hierarchy: province P with city C (counties A, B; one town each; villages below) and the
county-less city D whose towns D1, D2 hang directly off it. County-level figures of D are stored
on D itself, as the demo generator and the statistics offices do.
"""

from datetime import datetime

import pytest
from sqlalchemy import insert, select, text

from data_access import regions, rollup, store, values
from data_access.errors import InvalidInput
from data_access.observations import write_observations
from data_access.rollup import rebuild_partials
from data_access.schema import indicator, observation, rollup_partial
from data_access.scope import Scope

P, C, D = "990000000000", "990100000000", "991900000000"
A, B = "990101000000", "990102000000"
A1, B1, D1, D2 = "990101001000", "990102001000", "991900101000", "991900102000"
HIERARCHY = [
    (P, "测试省", 1, "", "省"),
    (C, "测试市", 2, P, "地级市"),
    (A, "甲区", 3, C, "区"),
    (B, "乙县", 3, C, "县"),
    (A1, "甲一镇", 4, A, "镇"),
    (B1, "乙一镇", 4, B, "镇"),
    ("990101001001", "甲一一村", 5, A1, "村委会"),
    (D, "丁市", 2, P, "地级市"),
    (D1, "丁一镇", 4, D, "镇"),
    (D2, "丁二街道", 4, D, "街道"),
    ("991900101001", "丁一一村", 5, D1, "村委会"),
]
PROVINCE = Scope(P)
BASE = {
    "definition": "",
    "source_dept": "",
    "frequency": "quarter",
    "value_type": "cumulative",
    "aggregation": "sum",
    "factor": 1.0,
    "direction": 1,
    "decimals": 1,
    "lowest_level": 3,
    "unit": "亿元",
    "theme": "economy",
    "numerator": None,
    "denominator": None,
    "weight": None,
}
INDICATORS = [
    {"code": "gdp", "name": "地区生产总值"},
    {"code": "num", "name": "分子", "value_type": "stock"},
    {"code": "den", "name": "分母", "value_type": "stock"},
    {
        "code": "rate",
        "name": "比率",
        "unit": "%",
        "aggregation": "ratio",
        "numerator": "num",
        "denominator": "den",
        "factor": 100.0,
        "value_type": "stock",
    },
    {"code": "sat", "name": "满意度", "aggregation": "weighted_mean", "weight": "den", "value_type": "stock"},
    {"code": "town_inc", "name": "镇收入", "lowest_level": 4, "frequency": "month", "value_type": "flow"},
    {
        "code": "city_units",
        "name": "市直单位数",
        "lowest_level": 2,
        "frequency": "month",
        "value_type": "stock",
    },
]
OBS = {
    # C's own 999 is a city-level figure of a city with counties: stored, never rolled up.
    "gdp": {"2026-Q1": {A: 100, B: 50, D: 80, C: 999}, "2025-Q1": {A: 90, D: 64}},
    "num": {"2026-Q1": {A: 30, B: 10, D: 45}},
    "den": {"2026-Q1": {A: 100, D: 50}},
    "sat": {"2026-Q1": {A: 80, B: 70, D: 90}},
    "town_inc": {"2026-03": {A1: 1, B1: 2, D1: 3, D2: 4}},
    "city_units": {"2026-03": {C: 5, D: 7}},
}


def load(conn) -> None:
    """The hierarchy, indicators and observations of this module (no version bump)."""
    rows = [
        dict(zip(("code", "name", "level", "parent", "kind"), map(str, r), strict=True)) for r in HIERARCHY
    ]
    now = datetime(2026, 11, 1)
    regions.insert_regions(conn, rows)
    conn.execute(insert(indicator), [{**BASE, "sort_order": n, **row} for n, row in enumerate(INDICATORS)])
    conn.execute(
        insert(observation),
        [
            {"indicator_code": code, "region_code": r, "period": p, "value": float(v), "reported_at": now}
            for code, by_period in OBS.items()
            for p, cells in by_period.items()
            for r, v in cells.items()
        ],
    )


@pytest.fixture(params=["scan", "partials"])
def data(request, configured):
    """Every test runs on figures computed from observations and on the stored partials."""
    with store.engine().begin() as conn:
        load(conn)
        store.bump_version(conn)
        if request.param == "partials":
            rebuild_partials(conn)
    assert values._snapshot().rolled is (request.param == "partials")
    return configured


def figures(v: values.Value) -> tuple:
    return (v.code, v.value, v.reported, v.expected)


def test_cl001_countyless_city_is_its_own_county_unit(data):
    assert regions.region_index().countyless == {D}
    assert figures(values.region_value("gdp", D, "2026-Q1", PROVINCE)) == (D, 80.0, 1, 1)
    assert figures(values.region_value("gdp", C, "2026-Q1", PROVINCE)) == (C, 150.0, 2, 2)  # not 999
    # Province: A 100 + B 50 + D 80 over 3 county-level units.
    assert figures(values.region_value("gdp", P, "2026-Q1", PROVINCE)) == (P, 230.0, 3, 3)
    head, kids = values.children_values("gdp", P, "2026-Q1", PROVINCE)
    assert figures(head) == (P, 230.0, 3, 3)
    assert [figures(k) for k in kids] == [(C, 150.0, 2, 2), (D, 80.0, 1, 1)]
    assert values.yoy("gdp", D, "2026-Q1", PROVINCE).value == pytest.approx(25.0)  # 80 vs 64
    assert values.latest_period("gdp", Scope(D)) == "2026-Q1"
    town = values.region_value("gdp", D1, "2026-Q1", PROVINCE)
    assert (town.value, town.expected) == (None, 0)


def test_cl002_ratio_and_weighted_mean_include_it(data):
    # Units with both num and den: A 30/100 and D 45/50 → 75/150 × 100 = 50 (B lacks den).
    province = values.region_value("rate", P, "2026-Q1", PROVINCE)
    assert (province.value, province.reported, province.expected) == (pytest.approx(50.0), 2, 3)
    _, kids = values.children_values("rate", P, "2026-Q1", PROVINCE)
    assert [(k.value, k.reported, k.expected) for k in kids] == [
        (pytest.approx(30.0), 1, 2),
        (pytest.approx(90.0), 1, 1),
    ]
    # Σv·w / Σw over A (80·100) and D (90·50); B has no weight: 12500 / 150.
    assert values.region_value("sat", P, "2026-Q1", PROVINCE).value == pytest.approx(12500 / 150)
    # The profile takes D's complete ratio from its sums: the same 90.
    rows = {r["code"]: r for r in values.region_profile(D, "2026-03", PROVINCE)}
    assert (rows["rate"]["value"], rows["rate"]["expected"]) == (pytest.approx(90.0), 1)
    assert (rows["gdp"]["value"], rows["gdp"]["rank"]) == (80.0, (2, 2))  # C 150 first


def test_cl003_other_levels_unchanged(data):
    # Town-level indicator: D's towns are ordinary units; the province adds all four towns.
    assert figures(values.region_value("town_inc", P, "2026-03", PROVINCE)) == (P, 10.0, 4, 4)
    head, kids = values.children_values("town_inc", D, "2026-03", PROVINCE)
    assert figures(head) == (D, 7.0, 2, 2)
    assert [figures(k) for k in kids] == [(D1, 3.0, 1, 1), (D2, 4.0, 1, 1)]
    # City-level indicator: D counts once, as a city.
    assert figures(values.region_value("city_units", P, "2026-03", PROVINCE)) == (P, 12.0, 2, 2)
    assert values.local_region_index().expected_units([P, C, D], {2, 3, 4}) == {
        (P, 2): 2, (P, 3): 3, (P, 4): 4,
        (C, 2): 1, (C, 3): 2, (C, 4): 2,
        (D, 2): 1, (D, 3): 1, (D, 4): 2,
    }  # fmt: skip


def test_cl004_drill_into_countyless_city(data):
    assert [r.code for r in regions.children(D, PROVINCE)] == [D1, D2]
    with pytest.raises(InvalidInput, match="丁市不设县级，该指标在市级采集，无法下钻到镇级"):
        values.children_values("gdp", D, "2026-Q1", PROVINCE)
    with pytest.raises(InvalidInput, match="该指标最低采集到县级，无法下钻到镇级"):
        values.children_values("gdp", A, "2026-Q1", PROVINCE)


def test_cl005_real_countyless_cities(configured):
    """东莞 and 中山 in the committed source: the only county-less cities, one county unit each."""
    index = regions.RegionIndex(
        [
            regions.Region(r["code"], r["name"], int(r["level"]), r["parent"] or None, r["kind"])
            for r in regions.read_source()
        ]
    )
    assert index.countyless == {"441900000000", "442000000000"}
    with store.engine().begin() as conn:
        for city in ("441900", "442000", "440800"):
            regions.load_regions(conn, city)
        store.bump_version(conn)
    province = "440000000000"
    loaded = values.local_region_index()
    units = loaded.expected_units([province, "441900000000", "440800000000"], {3})
    assert units == {(province, 3): 1 + 1 + 9, ("441900000000", 3): 1, ("440800000000", 3): 9}
    # The whole province: the counts agree with the closure table (the rule rollups use in SQL).
    ancestors = [r.code for r in index.by_code.values() if r.level <= 4]
    wanted = set(ancestors)
    counted = index.expected_units(ancestors, {2, 3, 4, 5})
    with store.engine().begin() as conn:
        regions.load_regions(conn, "440000")
        sql = f"""
            SELECT c.ancestor, c.descendant_level, COUNT(*) FROM region_closure c
            WHERE c.descendant_level IN (2, 4, 5) GROUP BY c.ancestor, c.descendant_level
            UNION ALL
            SELECT c.ancestor, 3, COUNT(*) FROM region_closure c
            WHERE {rollup.units_sql(3)} GROUP BY c.ancestor"""
        by_sql = {(a, int(level)): int(n) for a, level, n in conn.execute(text(sql)) if a in wanted}
    assert counted == by_sql
    assert counted[(province, 5)] == 26_842 and counted[(province, 3)] == 122 + 2  # with 东莞, 中山


def partial_rows() -> list[tuple]:
    with store.engine().connect() as conn:
        rows = conn.execute(select(rollup_partial).order_by(*rollup_partial.primary_key.columns)).all()
    return [tuple(round(x, 9) if isinstance(x, float) else x for x in row) for row in rows]


def test_cl006_a_write_refreshes_partials_as_a_rebuild_would(configured):
    """Writes in both cities (revisions, new values, ratio members, every level): the partials the
    write refreshed equal a full rebuild's, the province's summed from its cities included."""
    with store.engine().begin() as conn:
        load(conn)
        store.bump_version(conn)
        rebuild_partials(conn)
    rows = [
        ("gdp", A, "2026-Q1", 110), ("gdp", D, "2026-Q1", 85), ("gdp", B, "2025-Q1", 40),
        ("num", D, "2026-Q1", 48), ("den", B, "2026-Q1", 20), ("sat", A, "2026-Q1", 85),
        ("town_inc", D1, "2026-03", 5), ("town_inc", A1, "2026-03", 2), ("city_units", D, "2026-03", 8),
    ]  # fmt: skip
    for chunk in (rows[:3], rows[3:6], rows[6:]):  # three writes, each refreshing its own part
        write_observations(
            [{"indicator": i, "region": r, "period": p, "value": v} for i, r, p, v in chunk],
            source="测试",
            reported_by="张三",
        )
    assert values._snapshot().rolled
    refreshed = partial_rows()
    assert ("rate", "2026-Q1", P, 3, 88.0, 170.0, None, None) in refreshed  # A 30/100, B 10/20, D 48/50
    with store.engine().begin() as conn:
        rebuild_partials(conn)
    assert refreshed == partial_rows()
    parent, kids = values.children_values("gdp", P, "2026-Q1", PROVINCE)
    assert figures(parent) == (P, 110 + 50 + 85, 3, 3)
