"""The indicator catalogue: integrity of the definitions and an idempotent load into the store."""

import re

from sqlalchemy import func, select

from data_access import store
from data_access.catalogue import BY_CODE, CATALOGUE, THEMES, load_catalogue, stored
from data_access.schema import indicator

REQUIRED = {
    "economy": [
        "gdp",
        "industrial_va",
        "fixed_asset_investment",
        "retail_sales",
        "budget_revenue",
        "urban_income",
        "rural_income",
        "imports",
        "exports",
    ],
    "services": [
        "items_handled",
        "online_rate",
        "on_spot_rate",
        "satisfaction",
        "kiosks_per_village",
        "kiosk_coverage",
        "kiosk_uses",
    ],
    "programme": [
        "collective_income",
        "income_10w_share",
        "sanitary_toilet_rate",
        "sewage_treatment_rate",
        "projects_planned",
        "project_investment",
    ],
    "infrastructure": [
        "govnet_city_rate",
        "govnet_county_rate",
        "govnet_town_rate",
        "govnet_village_rate",
        "data_collected",
        "data_returned",
        "data_shared",
        "camera_online_rate",
        "camera_connected_rate",
        "platform_accounts",
    ],
    "reporting": ["report_completeness", "report_timeliness"],
}


def test_cat001_enough_unique_snake_case_codes_in_every_theme():
    codes = [d.code for d in CATALOGUE]
    assert len(codes) >= 40
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) and len(c) <= 32 for c in codes)
    assert {d.theme for d in CATALOGUE} == set(THEMES)
    for theme, required in REQUIRED.items():
        assert all(BY_CODE[c].theme == theme for c in required), theme
    assert 5 <= sum(d.headline for d in CATALOGUE) <= 8


def test_cat002_every_column_has_a_valid_value():
    for d in CATALOGUE:
        assert d.frequency in ("month", "quarter", "year"), d.code
        assert d.value_type in ("flow", "cumulative", "stock"), d.code
        assert d.aggregation in ("sum", "ratio", "weighted_mean", "min", "max"), d.code
        assert d.lowest_level in range(1, 6), d.code
        assert d.direction in (1, -1) and d.decimals in range(0, 5), d.code
        assert d.min_value is not None and d.max_value is not None and d.min_value < d.max_value, d.code
        assert d.name and d.unit and d.definition and d.source_dept, d.code
    assert [d.sort_order for d in CATALOGUE] == sorted({d.sort_order for d in CATALOGUE})
    assert any(d.direction == -1 for d in CATALOGUE)  # rankings need a "lower is better" case


def test_cat003_ratio_parts_and_weights_are_sums_at_the_same_level_and_frequency():
    ratios = [d for d in CATALOGUE if d.aggregation == "ratio"]
    assert len(ratios) >= 15
    for d in ratios:
        for part in (d.numerator, d.denominator):
            p = BY_CODE[part]
            assert p.aggregation == "sum", (d.code, part)
            assert (p.frequency, p.lowest_level) == (d.frequency, d.lowest_level), (d.code, part)
        assert d.weight is None and d.factor > 0
        if d.unit == "%":
            assert d.factor == 100 and d.max_value == 100, d.code
    means = [d for d in CATALOGUE if d.aggregation == "weighted_mean"]
    assert {d.code: d.weight for d in means} == {
        "urban_income": "urban_population",
        "rural_income": "rural_population",
    }
    for d in means:
        w = BY_CODE[d.weight]
        assert w.aggregation == "sum" and (w.frequency, w.lowest_level) == (d.frequency, d.lowest_level)
    for d in CATALOGUE:
        if d.aggregation == "sum":
            assert d.numerator is None and d.denominator is None and d.weight is None, d.code
    assert {d.code for d in stored()} == {d.code for d in CATALOGUE} - {d.code for d in ratios}


def test_cat004_required_shapes():
    gdp = BY_CODE["gdp"]
    assert (gdp.frequency, gdp.value_type, gdp.unit, gdp.lowest_level) == ("quarter", "cumulative", "亿元", 3)
    assert BY_CODE["industrial_va"].frequency == "month"
    for code in ("urban_income", "rural_income"):
        d = BY_CODE[code]
        assert (d.frequency, d.value_type, d.unit) == ("quarter", "cumulative", "元")
    share = BY_CODE["income_10w_share"]
    assert (share.frequency, share.lowest_level) == ("year", 5)
    assert (BY_CODE[share.numerator].max_value, BY_CODE[share.denominator].max_value) == (1, 1)  # 0/1 flags
    cover = BY_CODE["kiosk_coverage"]
    assert (cover.numerator, cover.denominator, cover.lowest_level) == ("kiosk_villages", "villages_total", 5)
    assert BY_CODE["satisfaction"].numerator == "ratings_good"
    assert BY_CODE["collective_income"].frequency == "year"
    assert [BY_CODE[c].lowest_level for c in REQUIRED["infrastructure"][:4]] == [2, 3, 4, 5]


def test_cat005_load_is_an_idempotent_upsert(configured):
    with store.engine().begin() as conn:
        assert load_catalogue(conn) == len(CATALOGUE)
    with store.engine().begin() as conn:
        conn.execute(indicator.update().where(indicator.c.code == "gdp").values(name="旧名称", factor=7))
        assert load_catalogue(conn) == len(CATALOGUE)
    with store.engine().connect() as conn:
        assert conn.execute(select(func.count()).select_from(indicator)).scalar() == len(CATALOGUE)
        row = conn.execute(select(indicator).where(indicator.c.code == "online_rate")).mappings().one()
        gdp = conn.execute(
            select(indicator.c.name, indicator.c.factor).where(indicator.c.code == "gdp")
        ).one()
    assert tuple(gdp) == ("地区生产总值", 1.0)
    expected = BY_CODE["online_rate"]
    assert {k: row[k] for k in ("numerator", "denominator", "factor", "lowest_level", "headline")} == {
        "numerator": expected.numerator,
        "denominator": expected.denominator,
        "factor": 100.0,
        "lowest_level": 4,
        "headline": expected.headline,
    }
