"""Rollups and derived figures on the tiny hierarchy, with hand-computed expected numbers.

Villages: v1 甲一社区 (town A1, county A), v2/v3 (town A2, county A), v4/v5 (town B1, county B).
"""

import dataclasses
from datetime import datetime

import pytest
from sqlalchemy import insert

from data_access import store, values
from data_access.cache import init_cache
from data_access.errors import InvalidInput, NotFound, OutOfScope
from data_access.regions import insert_regions
from data_access.rollup import rebuild_partials
from data_access.schema import indicator, observation, target
from data_access.scope import Scope

CITY, A, B = "990100000000", "990101000000", "990102000000"
A1, A2, B1 = "990101001000", "990101002000", "990102001000"
V1, V2, V3, V4, V5 = "990101001001", "990101002001", "990101002002", "990102001001", "990102001002"
SCOPE = Scope(CITY)
BASE = {
    "definition": "",
    "source_dept": "",
    "frequency": "month",
    "value_type": "flow",
    "aggregation": "sum",
    "factor": 1.0,
    "direction": 1,
    "decimals": 1,
    "lowest_level": 5,
    "unit": "万元",
    "theme": "economy",
    "numerator": None,
    "denominator": None,
    "weight": None,
}  # every key: executemany takes the first row's
INDICATORS = [
    {"code": "inc", "name": "收入"},
    {"code": "num", "name": "网办件数", "unit": "件"},
    {"code": "den", "name": "办件总数", "unit": "件"},
    {
        "code": "rate",
        "name": "网办率",
        "unit": "%",
        "aggregation": "ratio",
        "numerator": "num",
        "denominator": "den",
        "factor": 100.0,
        "value_type": "stock",
    },
    {
        "code": "sat",
        "name": "满意度",
        "unit": "分",
        "aggregation": "weighted_mean",
        "weight": "den",
        "value_type": "stock",
    },
    {"code": "acc", "name": "事故数", "unit": "起", "direction": -1, "decimals": 0},
    {
        "code": "gdp",
        "name": "地区生产总值",
        "unit": "亿元",
        "frequency": "quarter",
        "value_type": "cumulative",
        "lowest_level": 3,
    },
]
OBS = {
    "inc": {
        "2026-03": {V1: 10, V2: 20, V3: 30, V4: 40},
        "2025-12": {V1: 5},
        "2026-01": {V1: 7},
        "2026-02": {V1: 9},
        "2026-04": {V1: 12},
        "2025-01": {V1: 6},
        "2025-02": {V1: 6},
        "2025-03": {V1: 8},
    },
    "num": {"2026-03": {V1: 8, V2: 15, V3: 10, V4: 30}, "2025-03": {V1: 5, V2: 10}},
    "den": {"2026-03": {V1: 10, V2: 20, V3: 30, V5: 50}, "2025-03": {V1: 10, V2: 20}},
    "sat": {"2026-03": {V1: 90, V2: 80, V3: 70, V4: 100, V5: 60}},
    "acc": {"2026-03": {V1: 1, V2: 1, V3: 0, V4: 2}},
    "gdp": {
        "2026-Q1": {A: 100, B: 50},
        "2026-Q2": {A: 220, B: 110},
        "2026-Q3": {A: 372, B: 248},
        "2025-Q3": {A: 300, B: 200},
    },
}
TARGETS = [("gdp", CITY, 2026, 1000.0), ("inc", A1, 2026, 130.0)]


def add_observations(conn, code: str, by_period: dict) -> None:
    now = datetime(2026, 11, 1)
    rows = [
        {"indicator_code": code, "region_code": r, "period": p, "value": float(v), "reported_at": now}
        for p, cells in by_period.items()
        for r, v in cells.items()
    ]
    conn.execute(insert(observation), rows)


def load_data(conn) -> None:
    """Indicators, observations and targets of this module (no version bump)."""
    conn.execute(insert(indicator), [{**BASE, "sort_order": n, **row} for n, row in enumerate(INDICATORS)])
    for code, by_period in OBS.items():
        add_observations(conn, code, by_period)
    conn.execute(
        insert(target),
        [dict(zip(("indicator_code", "region_code", "year", "value"), t, strict=True)) for t in TARGETS],
    )


@pytest.fixture(params=["scan", "partials"])
def data(request, tiny_store):
    """The tiny store's data; every test runs twice: figures computed from the observations, and
    read from the stored partials (``rollup_partial``) that observation writes keep in step."""
    with store.engine().begin() as conn:
        load_data(conn)
        store.bump_version(conn)
        if request.param == "partials":
            rebuild_partials(conn)
    assert values._snapshot().rolled is (request.param == "partials")
    return tiny_store


def test_val001_sum_with_completeness(data):
    city = values.region_value("inc", CITY, "2026-03", SCOPE)
    assert (city.value, city.reported, city.expected, city.name) == (100.0, 4, 5, "测试市")
    parent, kids = values.children_values("inc", CITY, "2026-03", SCOPE)
    assert parent == city
    assert [(k.code, k.value, k.reported, k.expected) for k in kids] == [(A, 60.0, 3, 3), (B, 40.0, 1, 2)]
    assert values.region_value("inc", "990101002", "2026-03", SCOPE).value == 50.0  # 9-digit town code


def test_val002_ratio_over_units_that_reported_both(data):
    # Units with both: v1 8/10, v2 15/20, v3 10/30 → 33/60×100 = 55 (the mean of ratios would be 62.8).
    city = values.region_value("rate", CITY, "2026-03", SCOPE)
    assert city.value == pytest.approx(55.0)
    assert (city.reported, city.expected) == (3, 5)
    _, kids = values.children_values("rate", CITY, "2026-03", SCOPE)
    assert kids[0].value == pytest.approx(55.0)
    assert (kids[1].value, kids[1].reported, kids[1].expected) == (None, 0, 2)  # v4 lacks den, v5 lacks num


def test_val003_weighted_mean(data):
    # (90·10 + 80·20 + 70·30 + 60·50) / (10+20+30+50) = 7600/110; v4 has no weight.
    assert values.region_value("sat", CITY, "2026-03", SCOPE).value == pytest.approx(7600 / 110)
    _, kids = values.children_values("sat", CITY, "2026-03", SCOPE)
    assert kids[0].value == pytest.approx(4600 / 60)
    assert kids[1].value == pytest.approx(60.0)


def test_val004_ytd_across_year_boundary(data):
    assert values.ytd_value("inc", A1, "2026-01", SCOPE) == 7.0  # January resets: not 5 + 7
    assert values.ytd_value("inc", A1, "2026-03", SCOPE) == 26.0  # 7 + 9 + 10
    assert values.ytd_value("inc", A, "2026-03", SCOPE) == 76.0  # 26 + 20 + 30
    assert values.ytd_value("gdp", CITY, "2026-Q3", SCOPE) == 620.0  # cumulative: stored as YTD


def test_val005_yoy_growth_and_points(data):
    assert values.yoy("inc", A1, "2026-03", SCOPE) == values.Change(pytest.approx(25.0), "pct")  # 10 vs 8
    assert values.yoy("inc", A1, "2026-03", SCOPE, basis="ytd").value == pytest.approx(30.0)  # 26 vs 20
    # Rate 2025-03: 15/30 = 50 %; 2026-03: 55 % → +5 percentage points, not +10 %.
    change = values.yoy("rate", CITY, "2026-03", SCOPE)
    assert change.kind == "pp" and change.value == pytest.approx(5.0)
    assert values.yoy("gdp", CITY, "2026-Q3", SCOPE).value == pytest.approx(24.0)  # 620 vs 500
    assert values.yoy("inc", B, "2026-03", SCOPE) is None  # no value a year earlier


def test_val006_mom(data):
    assert values.mom("inc", A1, "2026-03", SCOPE).value == pytest.approx(100 / 9)  # 10 vs 9
    assert values.mom("inc", A1, "2026-01", SCOPE).value == pytest.approx(40.0)  # 7 vs 5 (Dec)
    # Cumulative: Q3 increment 620-330 = 290 vs Q2 increment 330-150 = 180.
    assert values.mom("gdp", CITY, "2026-Q3", SCOPE).value == pytest.approx(110 / 180 * 100)


def test_val007_target_progress_vs_schedule(data):
    p = values.target_progress("gdp", CITY, "2026-Q3", SCOPE)
    # 完成 62%，时间进度 75%，落后 13 个百分点
    assert (p.target, p.actual) == (1000.0, 620.0)
    assert (p.progress, p.schedule, p.gap_pp) == (pytest.approx(0.62), 0.75, pytest.approx(-13.0))
    flow = values.target_progress("inc", A1, "2026-03", SCOPE)  # ytd 26 of 130 at 3/12
    assert (flow.progress, flow.schedule, flow.gap_pp) == (pytest.approx(0.2), 0.25, pytest.approx(-5.0))
    assert values.target_progress("inc", A2, "2026-03", SCOPE) is None  # no target row


def test_val007b_a_cap_used_slower_than_the_year_is_ahead(data):
    """事故数 (lower is better) against a cap of 20 a year: 4 by March is 20% of the cap at 25% of
    the year, so 5 points ahead; 8 (40%) would be 15 points behind."""
    with store.engine().begin() as conn:
        conn.execute(
            insert(target), [{"indicator_code": "acc", "region_code": CITY, "year": 2026, "value": 20.0}]
        )
        store.bump_version(conn, observations_changed=False)
    p = values.target_progress("acc", CITY, "2026-03", SCOPE)
    assert (p.actual, p.progress, p.schedule) == (4.0, pytest.approx(0.2), 0.25)
    assert p.gap_pp == pytest.approx(5.0)
    with store.engine().begin() as conn:
        conn.execute(
            target.update().where(target.c.indicator_code == "acc").values(value=10.0)
        )  # 4 of 10: 40% used at 25% of the year
        store.bump_version(conn, observations_changed=False)
    assert values.target_progress("acc", CITY, "2026-03", SCOPE).gap_pp == pytest.approx(-15.0)


def test_val008_ranking_lower_is_better_with_ties(data):
    with store.engine().begin() as conn:
        insert_regions(
            conn,
            [
                {"code": "990103000000", "name": "丙县", "level": "3", "parent": CITY, "kind": "县"},
                {
                    "code": "990103001000",
                    "name": "丙一镇",
                    "level": "4",
                    "parent": "990103000000",
                    "kind": "镇",
                },
                {
                    "code": "990103001001",
                    "name": "丙一一村",
                    "level": "5",
                    "parent": "990103001000",
                    "kind": "村委会",
                },
            ],
        )
        add_observations(conn, "acc", {"2026-03": {"990103001001": 1}})
        store.bump_version(conn)
    ranked = values.ranking("acc", CITY, "2026-03", SCOPE)  # A 2, B 2, C 1; fewer is better
    assert [(r.rank, r.code, r.value) for r in ranked] == [(1, "990103000000", 1.0), (2, A, 2.0), (2, B, 2.0)]
    assert values.rank_among_siblings("acc", B, "2026-03", SCOPE) == (2, 3)
    ranked = values.ranking("inc", CITY, "2026-03", SCOPE)  # higher is better; 丙县 has no value
    assert [(r.rank, r.code) for r in ranked] == [(1, A), (2, B), (None, "990103000000")]
    assert values.rank_among_siblings("inc", "990103", "2026-03", SCOPE) is None
    assert values.rank_among_siblings("acc", A, "2026-03", Scope(A)) is None  # parent outside scope


def test_val009_series_fills_gaps_and_latest_period(data):
    assert values.series("inc", A1, SCOPE, start="2025-12", end="2026-05") == [
        ("2025-12", 5.0),
        ("2026-01", 7.0),
        ("2026-02", 9.0),
        ("2026-03", 10.0),
        ("2026-04", 12.0),
        ("2026-05", None),
    ]
    full = values.series("inc", A1, SCOPE)
    assert (full[0], full[3], full[-1], len(full)) == (
        ("2025-01", 6.0),
        ("2025-04", None),
        ("2026-04", 12.0),
        16,
    )
    assert values.series("gdp", CITY, SCOPE) == [
        ("2025-Q3", 500.0),
        ("2025-Q4", None),
        ("2026-Q1", 150.0),
        ("2026-Q2", 330.0),
        ("2026-Q3", 620.0),
    ]
    assert values.latest_period("inc", SCOPE) == "2026-04"
    assert values.latest_period("inc", Scope(B)) == "2026-03"
    assert values.latest_period("rate", SCOPE) == "2026-03"


def test_val010_scope_refusal(data):
    scope_a = Scope(A)
    with pytest.raises(OutOfScope):
        values.region_value("inc", B, "2026-03", scope_a)
    with pytest.raises(OutOfScope):
        values.children_values("inc", CITY, "2026-03", scope_a)
    with pytest.raises(OutOfScope):
        values.region_profile(V4, "2026-03", scope_a)
    assert values.children_values("inc", A, "2026-03", scope_a)[0].value == 60.0


def test_val011_bad_input_names_the_problem(data):
    with pytest.raises(NotFound, match="未知指标：nope"):
        values.region_value("nope", CITY, "2026-03", SCOPE)
    with pytest.raises(NotFound, match="990109000000"):
        values.region_value("inc", "990109", "2026-03", SCOPE)
    with pytest.raises(InvalidInput, match="期间格式错误：'2026-13'"):
        values.region_value("inc", CITY, "2026-13", SCOPE)
    with pytest.raises(InvalidInput, match="季度"):
        values.region_value("gdp", CITY, "2026-03", SCOPE)
    with pytest.raises(InvalidInput, match="地区代码格式错误"):
        values.region_value("inc", "99x1", "2026-03", SCOPE)


def test_val012_below_lowest_level(data):
    town = values.region_value("gdp", A1, "2026-Q3", SCOPE)
    assert (town.value, town.reported, town.expected) == (None, 0, 0)
    with pytest.raises(InvalidInput, match="该指标最低采集到县级，无法下钻到镇级"):
        values.children_values("gdp", A, "2026-Q3", SCOPE)
    parent, kids = values.children_values("gdp", CITY, "2026-Q3", SCOPE)
    assert (parent.value, [k.value for k in kids]) == (620.0, [372.0, 248.0])


def test_val013_region_profile(data):
    rows = {r["code"]: r for r in values.region_profile(A1, "2026-03", SCOPE)}
    assert "gdp" not in rows  # collected at county level only
    inc = rows["inc"]
    assert (inc["value"], inc["period"], inc["reported"], inc["expected"]) == (10.0, "2026-03", 1, 1)
    assert inc["yoy"] == values.Change(pytest.approx(25.0), "pct")
    assert inc["rank"] == (2, 2)  # A1 10 < A2 50
    assert inc["progress"].gap_pp == pytest.approx(-5.0)
    assert rows["acc"]["rank"] == (1, 2) and rows["acc"]["direction"] == -1  # tie: A1 1, A2 1 + 0
    # The ratio from complete sums (A1: 8/10; A2: 25/50) equals the paired figure.
    assert (rows["rate"]["value"], rows["rate"]["rank"]) == (pytest.approx(80.0), (1, 2))
    march = {r["code"]: r for r in values.region_profile(A, "2026-03", SCOPE)}
    assert (march["rate"]["value"], march["rate"]["rank"]) == (pytest.approx(55.0), (1, 1))  # B: no pair
    assert march["rate"]["yoy"] == values.Change(pytest.approx(5.0), "pp")  # 2025-03: 15/30
    assert march["sat"]["value"] == pytest.approx(4600 / 60)
    county = {r["code"]: r for r in values.region_profile(A, "2026-10", SCOPE)}
    gdp = county["gdp"]
    assert (gdp["period"], gdp["value"], gdp["rank"]) == ("2026-Q3", 372.0, (1, 2))
    assert gdp["yoy"].value == pytest.approx(24.0)  # 372 vs 300
    assert county["rate"]["value"] is None and county["rate"]["expected"] == 3  # no data in 2026-10


def test_val014_cache_serves_until_version_bump(data):
    # In-process cache here: a Redis shared with parallel test runs may be cleared at any moment.
    init_cache(None, dataclasses.replace(data, cache_url=""))
    assert values.region_value("inc", CITY, "2026-03", SCOPE).value == 100.0
    with store.engine().begin() as conn:
        add_observations(conn, "inc", {"2026-03": {V5: 50}})
    # Without a version bump the cached figure stays (proves the cache is in use) …
    assert values.region_value("inc", CITY, "2026-03", SCOPE).value == 100.0
    with store.engine().begin() as conn:
        store.bump_version(conn)
    city = values.region_value("inc", CITY, "2026-03", SCOPE)  # … and a bump makes it fresh.
    assert (city.value, city.reported) == (150.0, 5)


def test_val015_write_invalidates_configured_cache(data):
    """With COCKPIT_TEST_REDIS_URL set, the ``configured`` fixture puts the cache in Redis."""
    before = values.children_values("rate", CITY, "2026-03", SCOPE)
    assert before[0].value == pytest.approx(55.0)
    with store.engine().begin() as conn:
        add_observations(conn, "den", {"2026-03": {V4: 40}})  # v4 now has both: 63/100
        store.bump_version(conn)
    parent, kids = values.children_values("rate", CITY, "2026-03", SCOPE)
    assert (parent.value, parent.reported, kids[1].value) == (pytest.approx(63.0), 4, pytest.approx(75.0))


@pytest.mark.parametrize("month", ["2026-03", "2026-10"])
def test_val016_profile_agrees_with_single_functions(data, month):
    """The batched profile (with its complete-sums shortcut for ratios) equals the one-by-one figures."""
    for code in (CITY, A, B, A1, A2, B1, V1, V4, V5):
        for row in values.region_profile(code, month, SCOPE):
            args = (row["code"], code, row["period"], SCOPE)
            single = values.region_value(*args)
            assert (row["value"], row["reported"], row["expected"]) == (
                pytest.approx(single.value) if single.value is not None else None,
                single.reported,
                single.expected,
            ), (code, row["code"])
            assert close(row["yoy"], values.yoy(*args))
            assert close(row["progress"], values.target_progress(*args))
            assert row["rank"] == values.rank_among_siblings(*args)


def close(a, b) -> bool:
    """Dataclasses equal up to float rounding (sums may add up in another order)."""
    if a is None or b is None:
        return a is b
    pairs = zip(dataclasses.astuple(a), dataclasses.astuple(b), strict=True)
    return all(x == pytest.approx(y) if isinstance(x, float) else x == y for x, y in pairs)


def test_val017_theme_labels_agree():
    """The catalogue and the pages name the infrastructure theme the same way (数字底座)."""
    from data_access import catalogue, indicators

    assert catalogue.THEMES == indicators.THEMES
    assert catalogue.THEMES["infrastructure"] == "数字底座"


def test_val018_rollup_over_ancestors_of_mixed_levels(data):
    """One gather over ancestors of different levels groups each by its own code prefix."""
    from data_access import rollup

    ind = values.local_indicators()["inc"]
    with store.engine().connect() as conn:
        accs = rollup.gather(conn, [ind], [CITY, A, B1, V1], ["2026-03"])
    got = {anc: (acc.reported, acc.total) for (_, anc, _), acc in accs.items()}
    assert got == {CITY: (4, 100.0), A: (3, 60.0), B1: (1, 40.0), V1: (1, 10.0)}


def test_val019_descendant_values_at_any_level(data):
    # Villages of the city in one call: the same figures as town by town.
    villages = values.descendant_values("inc", CITY, 5, "2026-03", SCOPE)
    assert [(v.code, v.value, v.reported, v.expected) for v in villages] == [
        (V1, 10.0, 1, 1),
        (V2, 20.0, 1, 1),
        (V3, 30.0, 1, 1),
        (V4, 40.0, 1, 1),
        (V5, None, 0, 1),
    ]
    rates = values.descendant_values("rate", A, 5, "2026-03", SCOPE)
    assert [v.value for v in rates] == pytest.approx([80.0, 75.0, 100 / 3])  # each village's own num/den
    towns = values.descendant_values("inc", CITY, 4, "2026-03", SCOPE)
    assert [(t.code, t.value, t.expected) for t in towns] == [(A1, 10.0, 1), (A2, 50.0, 2), (B1, 40.0, 2)]
    assert [v.code for v in values.descendant_values("inc", V2, 5, "2026-03", SCOPE)] == [V2]
    with pytest.raises(InvalidInput):
        values.descendant_values("gdp", CITY, 4, "2026-Q3", SCOPE)  # collected at county level
    with pytest.raises(OutOfScope):
        values.descendant_values("inc", CITY, 5, "2026-03", Scope(A))
