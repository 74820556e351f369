"""The store's identity in the cache: two stores never read each other's cached results."""

from __future__ import annotations

from data_access import regions, store
from data_access.settings import get_settings
from tests.conftest import REDIS_URL, TINY_REGIONS


def _store(path, rows):
    settings = get_settings(
        database_url=f"sqlite:///{path}", instance_dir=str(path.parent / "inst"), cache_url=REDIS_URL
    )
    store.configure(settings)
    with store.engine().begin() as conn:
        regions.insert_regions(
            conn,
            [dict(zip(("code", "name", "level", "parent", "kind"), map(str, r), strict=True)) for r in rows],
        )
        store.bump_version(conn)
    return settings


def test_sto001_two_stores_same_version_do_not_share_cache(tmp_path):
    a = _store(tmp_path / "a.db", TINY_REGIONS)
    id_a = store.get_meta("store_id")
    assert len(regions.region_index().by_code) == len(TINY_REGIONS)
    b = _store(tmp_path / "b.db", TINY_REGIONS[:3])
    id_b = store.get_meta("store_id")
    assert id_a and id_b and id_a != id_b
    assert store.data_version() == 1  # same version as store a: only the id tells them apart
    assert len(regions.region_index().by_code) == 3
    store.configure(a)  # back to a: its own entries again, and its id is stable
    assert store.get_meta("store_id") == id_a
    assert len(regions.region_index().by_code) == len(TINY_REGIONS)
    store.configure(b)
    store.engine().dispose()


def test_sto002_migrations_build_exactly_the_declared_schema(configured):
    """Every table, column, index and key of schema.py comes from an Alembic migration (both backends)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from data_access.schema import metadata

    with store.engine().connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
