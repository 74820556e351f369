"""Stored rollup partials (``rollup_partial``): kept in step by writes, never read when stale.

Uses the tiny hierarchy and data of ``test_values`` (hand-computed figures there run on both
paths); here: what keeps the partials current, what makes them stale, and the rebuild command.
"""

import pytest
from sqlalchemy import select

from data_access import cli, store, values
from data_access.observations import write_observations
from data_access.rollup import rebuild_partials, update_partials
from data_access.schema import rollup_partial
from tests.data_access.test_values import CITY, SCOPE, V4, V5, add_observations, load_data

B = "990102000000"


@pytest.fixture
def rolled(tiny_store):
    """The tiny data of ``test_values`` with partials rebuilt and current."""
    with store.engine().begin() as conn:
        load_data(conn)
        store.bump_version(conn)
        rebuild_partials(conn)
    assert values._snapshot().rolled
    return tiny_store


def stored(indicator: str, period: str, ancestor: str) -> tuple | None:
    p = rollup_partial.c
    stmt = select(p.reported, p.total, p.base).where(
        p.indicator_code == indicator, p.period == period, p.ancestor == ancestor
    )
    with store.engine().connect() as conn:
        row = conn.execute(stmt).first()
    return None if row is None else tuple(row)


def figures(indicator: str, period: str = "2026-03") -> tuple:
    parent, kids = values.children_values.uncached(indicator, CITY, period, SCOPE)
    return tuple((v.code, v.value and round(v.value, 9), v.reported, v.expected) for v in (parent, *kids))


def scanned(indicator: str, period: str = "2026-03") -> tuple:
    """The same figures computed from the observations (the stored partials switched off)."""
    snap = values._snapshot()
    values._LOCAL["snap"] = values._Snapshot(snap.regions, snap.indicators, False)
    try:
        return figures(indicator, period)
    finally:
        values._LOCAL["snap"] = snap


def test_rp001_rebuild_stores_the_hand_computed_partials(rolled):
    # rate = Σnum/Σden over villages with both: v1..v3 → 33/60; county B: nobody has both.
    assert stored("rate", "2026-03", CITY) == (3, 33.0, 60.0)
    assert stored("rate", "2026-03", B) is None
    assert stored("inc", "2026-03", CITY)[:2] == (4, 100.0)
    assert stored("gdp", "2026-Q3", CITY)[:2] == (2, 620.0)  # county-level: the city only
    assert stored("gdp", "2026-Q3", B) is None  # a county is its own unit: read from observations
    assert figures("rate") == scanned("rate")


def test_rp002_write_updates_partials_of_the_member_and_its_ratio(rolled):
    write_observations(
        [{"indicator": "den", "region": V4, "period": "2026-03", "value": 40}],
        source="测试",
        reported_by="张三",
    )
    assert values._snapshot().rolled  # still current after the write
    assert stored("den", "2026-03", CITY)[:2] == (5, 150.0)
    assert stored("rate", "2026-03", CITY) == (4, 63.0, 100.0)  # v4 now has both
    assert stored("rate", "2026-03", B) == (1, 30.0, 40.0)
    parent, kids = values.children_values("rate", CITY, "2026-03", SCOPE)
    assert (parent.value, parent.reported, kids[1].value) == (pytest.approx(63.0), 4, pytest.approx(75.0))
    # A revision replaces the partial too (and keeps the old value in the history).
    write_observations(
        [{"indicator": "den", "region": V4, "period": "2026-03", "value": 60}],
        source="测试",
        reported_by="李四",
    )
    assert stored("rate", "2026-03", B) == (1, 30.0, 60.0)
    assert values.region_value("rate", B, "2026-03", SCOPE).value == pytest.approx(50.0)
    for code in ("rate", "den", "num", "inc", "sat"):
        assert figures(code) == scanned(code), code


def test_rp003_direct_write_makes_partials_stale_and_figures_stay_right(rolled, monkeypatch, capsys):
    with store.engine().begin() as conn:
        add_observations(conn, "inc", {"2026-03": {V5: 50}})
        store.bump_version(conn)
    assert not values._snapshot().rolled
    assert stored("inc", "2026-03", CITY)[:2] == (4, 100.0)  # stale row, not read
    assert values.region_value("inc", CITY, "2026-03", SCOPE).value == 150.0
    # A later write cannot patch a stale table: it stays stale rather than half right.
    with store.engine().begin() as conn:
        version = store.bump_version(conn)
        assert update_partials(conn, {("inc", "2026-03", V5)}, version - 1) is False
    assert not values._snapshot().rolled
    monkeypatch.setenv("COCKPIT_DATABASE_URL", rolled.database_url)
    monkeypatch.setenv("COCKPIT_INSTANCE_DIR", str(rolled.instance_dir))
    monkeypatch.setenv("COCKPIT_CACHE_URL", "")
    assert cli.main(["rollups"]) == 0  # the rebuild command makes them current again
    assert "汇总已重算" in capsys.readouterr().out
    assert values._snapshot().rolled
    assert stored("inc", "2026-03", CITY)[:2] == (5, 150.0)
    assert values.region_value("inc", CITY, "2026-03", SCOPE).value == 150.0


def test_rp004_a_bump_that_changed_no_observation_keeps_them(rolled):
    with store.engine().begin() as conn:
        store.bump_version(conn, observations_changed=False)  # e.g. a boundary import
    assert values._snapshot().rolled
    with store.engine().begin() as conn:
        store.bump_version(conn)  # anything else: stale
    assert not values._snapshot().rolled
    with store.engine().begin() as conn:
        store.bump_version(conn, observations_changed=False)  # does not make stale ones current
    assert not values._snapshot().rolled
