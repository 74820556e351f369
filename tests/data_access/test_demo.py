"""Demo data: deterministic, idempotent through ``cockpit demo``, plausible for 湛江, on every backend."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, select, text

from data_access import catalogue, cli, db, demo, regions, rollup, store
from data_access.indicators import read_catalogue
from data_access.schema import contact, filer, observation, submission, target, video_resource
from tests.conftest import BACKENDS, PG_URL, _pg_schema_url

ZHANJIANG = "440800000000"
SMALL_ROOT = "440804"  # 坡头区: a county root keeps the determinism tests quick


def _fresh_engine(backend: str, path) -> tuple[Engine, object]:
    """A migrated empty store on ``backend``; returns the engine and a cleanup callable."""
    if backend == "sqlite":
        engine = db.get_engine(f"sqlite:///{path}")
        db.upgrade(engine)
        return engine, engine.dispose
    url, schema, admin = _pg_schema_url(PG_URL)
    engine = db.get_engine(url)
    db.upgrade(engine)

    def drop() -> None:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return engine, drop


def _build(engine: Engine, root: str, seed: int = demo.DEFAULT_SEED) -> dict[str, int]:
    with engine.begin() as conn:
        regions.load_regions(conn, root)
        catalogue.load_catalogue(conn)
        return demo.generate(conn, root, seed)


@pytest.fixture(scope="module", params=BACKENDS)
def zhanjiang(request, tmp_path_factory):
    """The 湛江 demo store (default seed) on each backend, built once for the module."""
    engine, cleanup = _fresh_engine(request.param, tmp_path_factory.mktemp("demo") / "zj.db")
    counts = _build(engine, ZHANJIANG)
    yield engine, counts
    cleanup()


def _rows(engine: Engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params).all()]


def _scalar(engine: Engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def _as_datetime(value) -> datetime | None:
    """A timestamp or date read through text(): SQLite gives text, PostgreSQL date/datetime."""
    return None if value is None else datetime.fromisoformat(str(value))


def _snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every generated table's content without surrogate ids, in a fixed order."""
    tables = {
        "observation": select(
            observation.c.indicator_code,
            observation.c.region_code,
            observation.c.period,
            observation.c.value,
            observation.c.reported_at,
        ),
        "target": select(target),
        "submission": select(submission),
        "contact": select(contact.c.region_code, contact.c.role, contact.c.name, contact.c.phone),
        "filer": select(filer.c.region_code, filer.c.name, filer.c.role, filer.c.active),
        "video_resource": select(video_resource),
    }
    with engine.connect() as conn:
        return {name: sorted(tuple(r) for r in conn.execute(stmt).all()) for name, stmt in tables.items()}


@pytest.mark.parametrize("backend", BACKENDS)
def test_demo001_same_seed_same_rows_on_any_backend_other_seed_differs(backend, tmp_path):
    reference, ref_cleanup = _fresh_engine("sqlite", tmp_path / "a.db")
    other, other_cleanup = _fresh_engine(backend, tmp_path / "b.db")
    reseeded, re_cleanup = _fresh_engine("sqlite", tmp_path / "c.db")
    try:
        counts = _build(reference, SMALL_ROOT, seed=7)
        assert _build(other, SMALL_ROOT, seed=7) == counts
        _build(reseeded, SMALL_ROOT, seed=8)
        a, b, c = _snapshot(reference), _snapshot(other), _snapshot(reseeded)
        assert len(a["observation"]) == counts["observation"] > 10_000
        assert a == b
        for name in ("observation", "submission", "contact", "video_resource"):
            assert a[name] != c[name], name
        assert len(a["observation"]) == len(c["observation"])  # same shape, other numbers
    finally:
        ref_cleanup(), other_cleanup(), re_cleanup()


def _counts(url: str) -> dict[str, int]:
    engine = db.get_engine(url)
    names = [
        "observation",
        "target",
        "submission",
        "contact",
        "filer",
        "video_resource",
        "data_sharing",
        "region",
        "indicator",
        "reporting_task",
    ]
    with engine.connect() as conn:
        return {n: conn.execute(text(f"SELECT COUNT(*) FROM {n}")).scalar() for n in names}


def test_demo002_cockpit_demo_is_idempotent_and_reseeds_only_demo_stores(
    store_url, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("COCKPIT_DATABASE_URL", store_url)
    monkeypatch.setenv("COCKPIT_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("COCKPIT_DEMO_PASSWORD", "demo-test-password")
    assert cli.main(["demo", "--root", SMALL_ROOT, "--seed", "11"]) == 0
    assert "演示数据已生成" in capsys.readouterr().out
    first = _counts(store_url)
    assert first["observation"] > 10_000 and first["indicator"] == len(catalogue.CATALOGUE)
    version = store.data_version()
    assert cli.main(["demo", "--root", SMALL_ROOT, "--seed", "11"]) == 0
    assert "演示数据已存在" in capsys.readouterr().out
    assert _counts(store_url) == first and store.data_version() == version
    gdp = "SELECT SUM(value) FROM observation WHERE indicator_code = 'gdp'"
    before = _scalar(store.engine(), gdp)
    assert cli.main(["demo", "--root", SMALL_ROOT, "--seed", "12"]) == 0  # another seed replaces the data
    again = _counts(store_url)  # camera and former-filer numbers are drawn, the rest is fixed by the regions
    assert {k: v for k, v in again.items() if k not in ("video_resource", "filer")} == {
        k: v for k, v in first.items() if k not in ("video_resource", "filer")
    }
    assert _scalar(store.engine(), gdp) != before
    assert store.get_meta("seed") == "12" and store.get_meta("demo") == "1"
    with store.engine().begin() as conn:
        store.set_meta(conn, "demo", "0")  # now it looks like a real store: never overwritten
    capsys.readouterr()
    assert cli.main(["demo", "--root", SMALL_ROOT, "--seed", "13"]) == 1
    assert "非演示数据" in capsys.readouterr().err
    assert _scalar(store.engine(), gdp) != before and store.get_meta("seed") == "12"
    store.engine().dispose()


def test_demo003_zhanjiang_gdp_of_the_right_size_and_uneven(zhanjiang):
    engine, _ = zhanjiang
    per_county = dict(
        _rows(
            engine,
            "SELECT region_code, value FROM observation WHERE indicator_code = 'gdp' AND period = '2025-Q4'",
        )
    )
    assert len(per_county) == 9 and all(c[:4] == "4408" for c in per_county)
    assert 3500 <= sum(per_county.values()) <= 4500
    assert max(per_county.values()) / min(per_county.values()) > 2.5
    ranked = sorted(per_county, key=per_county.get, reverse=True)
    assert {"440803000000", "440881000000"} <= set(ranked[:3])  # 霞山区, 廉江市 lead
    assert "440804000000" in ranked[-3:]  # 坡头区 trails


def test_demo004_growth_mostly_three_to_six_percent_some_negative(zhanjiang):
    engine, _ = zhanjiang
    total = dict(
        _rows(
            engine, "SELECT period, SUM(value) FROM observation WHERE indicator_code = 'gdp' GROUP BY period"
        )
    )
    assert 0.025 <= total["2026-Q3"] / total["2025-Q3"] - 1 <= 0.065
    assert total["2025-Q1"] < total["2025-Q2"] < total["2025-Q3"] < total["2025-Q4"]  # 累计
    pairs = _rows(
        engine,
        "SELECT a.value / b.value - 1 FROM observation a JOIN observation b "
        "ON a.indicator_code = b.indicator_code AND a.region_code = b.region_code "
        "AND b.period = :prev WHERE a.indicator_code = 'retail_sales' AND a.period = :now "
        "UNION ALL SELECT a.value / b.value - 1 FROM observation a JOIN observation b "
        "ON a.indicator_code = b.indicator_code AND a.region_code = b.region_code "
        "AND b.period = '2025-09' WHERE a.indicator_code = 'fixed_asset_investment' "
        "AND a.period = '2026-09'",
        prev="2025-09",
        now="2026-09",
    )
    growth = [g for (g,) in pairs]
    assert len(growth) == 18
    assert any(g < 0 for g in growth) and sum(0 < g < 0.1 for g in growth) >= 9


def test_demo005_values_in_range_at_the_lowest_level_ratios_never_stored(zhanjiang):
    engine, counts = zhanjiang
    out_of_range = _scalar(
        engine,
        "SELECT COUNT(*) FROM observation o JOIN indicator i ON i.code = o.indicator_code "
        "WHERE o.value < i.min_value OR o.value > i.max_value",
    )
    assert out_of_range == 0
    wrong_level = _scalar(
        engine,
        "SELECT COUNT(*) FROM observation o JOIN indicator i ON i.code = o.indicator_code "
        "JOIN region r ON r.code = o.region_code WHERE r.level <> i.lowest_level",
    )
    assert wrong_level == 0
    ratios = [d.code for d in catalogue.CATALOGUE if d.derived]
    have = {c for (c,) in _rows(engine, "SELECT DISTINCT indicator_code FROM observation")}
    assert have.isdisjoint(ratios)
    assert have == {d.code for d in catalogue.stored()}
    assert _scalar(engine, "SELECT COUNT(*) FROM observation") == counts["observation"]
    months = {
        p for (p,) in _rows(engine, "SELECT DISTINCT period FROM observation WHERE indicator_code = 'kiosks'")
    }
    assert len(months) == 24 and max(months) == "2026-10" and min(months) == "2024-11"


def test_demo006_submissions_cover_every_unit_some_late_some_missing(zhanjiang):
    engine, _ = zhanjiang
    per_task = dict(
        _rows(engine, "SELECT task_code, COUNT(DISTINCT region_code) FROM submission GROUP BY task_code")
    )
    assert per_task["village_monthly"] == 1992 and per_task["town_monthly"] == 125
    assert per_task["county_monthly"] == 9 and per_task["city_quarterly"] == 1
    expected = _scalar(
        engine,
        "SELECT COUNT(*) FROM submission s JOIN reporting_period p "
        "ON p.task_code = s.task_code AND p.period = s.period",
    )
    assert expected == _scalar(engine, "SELECT COUNT(*) FROM submission")
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT s.period, s.submitted_at, p.due_date FROM submission s JOIN "
                "reporting_period p ON p.task_code = s.task_code AND p.period = s.period "
                "WHERE s.task_code = 'village_monthly'"
            )
        ).all()
    stamp = [(p, _as_datetime(s), _as_datetime(d) + timedelta(days=1)) for p, s, d in rows]
    late = sum(1 for _, s, d in stamp if s is not None and s >= d)
    on_time = sum(1 for _, s, d in stamp if s is not None and s < d)
    missing_latest = sum(1 for p, s, _ in stamp if s is None and p >= "2026-09")
    missing_old = sum(1 for p, s, _ in stamp if s is None and p < "2026-06")
    assert on_time > 0.8 * len(stamp) and late > 0.02 * len(stamp)
    assert missing_latest > 20 and missing_old < 0.005 * len(stamp)
    filers = _scalar(engine, "SELECT COUNT(*) FROM filer WHERE role = 'filer' AND active = :yes", yes=True)
    assert filers == 1 + 9 + 125 + 1992  # ~2,000 filers, one per reporting unit
    assert _scalar(engine, "SELECT COUNT(*) FROM filer WHERE role = 'admin'") >= 1 + 9 + 125


def test_demo007_reporting_indicators_count_the_submissions(zhanjiang):
    engine, _ = zhanjiang
    counted = _scalar(
        engine,
        "SELECT SUM(value) FROM observation WHERE indicator_code = 'reports_expected' AND period = '2026-06'",
    )
    # 2026-06 ends a month (village + town + county forms) and a quarter (town projects); not the city's.
    assert counted == 1992 + 125 + 9 + 125
    overdue = _scalar(engine, "SELECT SUM(value) FROM observation WHERE indicator_code = 'reports_overdue'")
    on_time = _scalar(engine, "SELECT SUM(value) FROM observation WHERE indicator_code = 'reports_on_time'")
    total = _scalar(engine, "SELECT SUM(value) FROM observation WHERE indicator_code = 'reports_expected'")
    assert overdue > 0 and overdue + on_time == total


def test_demo008_contacts_for_every_region_with_fake_mobiles(zhanjiang):
    engine, _ = zhanjiang
    uncovered = _scalar(
        engine,
        "SELECT COUNT(*) FROM region r WHERE r.code LIKE '4408%' AND NOT EXISTS "
        "(SELECT 1 FROM contact c WHERE c.region_code = r.code)",
    )
    assert uncovered == 0
    roles = {r for (r,) in _rows(engine, "SELECT role FROM contact WHERE region_code = '440882000000'")}
    assert roles == {"总指挥", "第一副总指挥", "常务副总指挥", "指挥办负责人", "工作专班组长"}
    town_roles = {r for (r,) in _rows(engine, "SELECT role FROM contact WHERE region_code = '440882100000'")}
    assert town_roles == {"书记", "镇长", "驻镇帮镇扶村工作队"}
    phones = [p for (p,) in _rows(engine, "SELECT phone FROM contact")]
    assert all(re.fullmatch(r"1[358]\d{9}", p) for p in phones)
    names = [n for (n,) in _rows(engine, "SELECT name FROM contact")]
    assert all(2 <= len(n) <= 3 for n in names) and len(set(names)) > 500


def test_demo009_cameras_mostly_online_and_counted_by_town(zhanjiang):
    engine, _ = zhanjiang
    n, online, connected = _rows(
        engine,
        "SELECT COUNT(*), SUM(CASE WHEN online THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN connected THEN 1 ELSE 0 END) FROM video_resource",
    )[0]
    assert 2000 <= n <= 6000
    assert 0.92 <= online / n <= 0.97 and connected / n > 0.8
    levels = {
        lv
        for (lv,) in _rows(
            engine, "SELECT DISTINCT r.level FROM video_resource v JOIN region r ON r.code = v.region_code"
        )
    }
    assert levels == {4, 5}
    latest = _scalar(
        engine,
        "SELECT SUM(value) FROM observation WHERE indicator_code = 'cameras_online' AND period = '2026-10'",
    )
    assert latest == online


def test_demo010_targets_for_root_and_counties_some_ahead_some_behind(zhanjiang):
    engine, _ = zhanjiang
    for year in (2025, 2026):
        regions_with = {
            r
            for (r,) in _rows(
                engine, "SELECT region_code FROM target WHERE indicator_code = 'gdp' AND year = :y", y=year
            )
        }
        assert len(regions_with) == 10 and ZHANJIANG in regions_with
    rows = _rows(
        engine,
        "SELECT t.region_code, t.value, SUM(o.value) FROM target t JOIN observation o "
        "ON o.indicator_code = t.indicator_code AND o.region_code = t.region_code "
        "WHERE t.indicator_code = 'retail_sales' AND t.year = 2026 AND o.period LIKE '2026-%' "
        "GROUP BY t.region_code, t.value",
    )
    progress = [actual / goal for _, goal, actual in rows]
    assert len(progress) == 9
    schedule = 10 / 12
    assert any(p > schedule for p in progress) and any(p < schedule for p in progress)
    city = _scalar(
        engine,
        "SELECT value FROM target WHERE indicator_code = 'retail_sales' AND year = 2026 AND region_code = :c",
        c=ZHANJIANG,
    )
    assert city == pytest.approx(sum(goal for _, goal, _ in rows), rel=1e-6)


def test_demo011_data_sharing_adds_up_to_the_indicators_and_meta_is_set(zhanjiang):
    engine, _ = zhanjiang
    rows = _rows(
        engine,
        "SELECT d.region_code, d.period, SUM(d.collected), MIN(o.value) FROM data_sharing d "
        "JOIN observation o ON o.region_code = d.region_code AND o.period = d.period "
        "AND o.indicator_code = 'data_collected' GROUP BY d.region_code, d.period",
    )
    assert len(rows) == 9 * 24
    assert all(abs(total / 1e4 - value) < 0.006 for _, _, total, value in rows)
    assert _scalar(engine, "SELECT COUNT(DISTINCT department) FROM data_sharing") >= 8
    meta = dict(_rows(engine, "SELECT key, value FROM meta"))
    assert {k: meta[k] for k in ("demo", "as_of_period", "root", "seed", "generated_at")} == {
        "demo": "1",
        "as_of_period": "2026-10",
        "root": ZHANJIANG,
        "seed": str(demo.DEFAULT_SEED),
        "generated_at": "2026-11-05T09:00:00",
    }


def test_demo012_programme_shares_plausible(zhanjiang):
    engine, _ = zhanjiang
    share = _scalar(
        engine,
        "SELECT 1.0 * SUM(CASE WHEN indicator_code = 'villages_income_10w' THEN value END) "
        "/ SUM(CASE WHEN indicator_code = 'villages_assessed' THEN value END) "
        "FROM observation WHERE period = '2025'",
    )
    assert 0.6 < share < 0.98
    cover = _scalar(
        engine,
        "SELECT 1.0 * SUM(CASE WHEN indicator_code = 'kiosk_villages' THEN value END) "
        "/ SUM(CASE WHEN indicator_code = 'villages_total' THEN value END) "
        "FROM observation WHERE period = '2026-10'",
    )
    assert 0.9 < cover <= 1.0
    flags = {
        v
        for (v,) in _rows(
            engine,
            "SELECT DISTINCT value FROM observation "
            "WHERE indicator_code IN ('kiosk_villages', 'villages_income_10w')",
        )
    }
    assert flags == {0.0, 1.0}


def test_demo013_periods_due_dates_and_as_of_time():
    from data_access.demo.admin import due_date
    from data_access.demo.base import Periods

    p = Periods.ending("2026-10", 24)
    assert (p.months[0], p.months[-1], len(p.months)) == ("2024-11", "2026-10", 24)
    assert p.quarters == [
        "2024-Q4",
        "2025-Q1",
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
    ]
    assert p.years == ["2024", "2025"]
    assert str(due_date("2026-10", 5)) == "2026-11-05" and str(due_date("2025-Q4", 15)) == "2026-01-15"
    assert str(due_date("2025", 31)) == "2026-01-28"  # capped so every month has the day
    assert demo.generated_at("2026-10").isoformat() == "2026-11-05T09:00:00"
    assert demo.generated_at("2026-12").isoformat() == "2027-01-05T09:00:00"


def test_demo014_city_without_counties_reports_county_figures_itself(tmp_path):
    engine, cleanup = _fresh_engine("sqlite", tmp_path / "dg.db")
    try:
        _build(engine, "441900")  # 东莞市: towns hang directly off the city
        gdp = _rows(
            engine,
            "SELECT region_code, value FROM observation WHERE indicator_code = 'gdp' AND period = '2025-Q4'",
        )
        assert len(gdp) == 1 and gdp[0][0] == "441900000000" and 10_000 < gdp[0][1] < 16_000
        towns = _scalar(
            engine,
            "SELECT COUNT(DISTINCT region_code) FROM observation WHERE indicator_code = 'items_handled'",
        )
        assert towns == _scalar(engine, "SELECT COUNT(*) FROM region WHERE level = 4 AND code LIKE '4419%'")
        expected = _scalar(
            engine, "SELECT SUM(value) FROM observation WHERE indicator_code = 'reports_expected'"
        )
        # every round ends within the 24 months, and the city's own forms count: it stands in for a county
        assert expected == _scalar(engine, "SELECT COUNT(*) FROM submission") > 0
    finally:
        cleanup()


@pytest.mark.parametrize("backend", BACKENDS)
def test_demo015_a_failure_half_way_leaves_nothing_behind(backend, tmp_path, monkeypatch):
    engine, cleanup = _fresh_engine(backend, tmp_path / "fail.db")

    def broken(*_args, **_kwargs):
        raise RuntimeError("camera feed unavailable")

    monkeypatch.setattr(demo, "generate_cameras", broken)
    try:
        with pytest.raises(RuntimeError, match="camera feed"):
            _build(engine, SMALL_ROOT)
        for table in ("observation", "submission", "filer", "region", "indicator"):
            assert _scalar(engine, f"SELECT COUNT(*) FROM {table}") == 0, table
        assert _scalar(engine, "SELECT COUNT(*) FROM meta WHERE key = 'demo'") == 0
    finally:
        cleanup()


def test_demo016_stored_partials_equal_figures_from_observations(zhanjiang):
    """Every indicator, the city and its counties, several periods: both rollup paths agree."""
    engine, _ = zhanjiang
    periods = ["2026-10", "2026-01", "2025-10", "2026-Q3", "2025-Q4", "2025", "2024"]
    with engine.begin() as conn:
        rollup.rebuild_partials(conn)
        inds = list(read_catalogue(conn).values())
        counties = [r for (r,) in conn.execute(text("SELECT code FROM region WHERE level = 3"))]
        compared = 0
        for ind in inds:
            ancestors = [ZHANJIANG, *counties] if ind.lowest_level > 3 else [ZHANJIANG]
            scanned = rollup.scan(conn, [ind], ancestors, periods)
            stored = rollup.gather(conn, [ind], ancestors, periods, rolled=True)
            assert stored.keys() == scanned.keys(), ind.code
            for key, acc in scanned.items():
                got = stored[key]
                assert (got.reported, got.lo, got.hi) == (acc.reported, acc.lo, acc.hi), key
                assert got.total == pytest.approx(acc.total, rel=1e-9, abs=1e-9), key
                assert got.base == pytest.approx(acc.base, rel=1e-9, abs=1e-9), key
            compared += len(scanned)
    assert compared > 1000  # 1,131 on the default seed: every indicator, its periods among these
