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


def test_sto003_concurrent_writers_never_share_a_version(configured):
    """A second writer's bump waits for the first one's transaction and adds to its version."""
    import threading

    with store.engine().begin() as conn:
        store.bump_version(conn)
    first = store.engine().connect()
    outer = first.begin()
    got = {"first": store.bump_version(first)}

    def second() -> None:
        with store.engine().begin() as conn:
            got["second"] = store.bump_version(conn)

    worker = threading.Thread(target=second)
    worker.start()
    worker.join(0.5)  # the second writer is waiting on the first
    assert worker.is_alive() and "second" not in got
    outer.commit()
    first.close()
    worker.join(30)
    assert (got["first"], got["second"], store.data_version()) == (2, 3, 3)


# Run by each process of test_sto004: import, say ready, wait for the start signal, migrate.
_MIGRATE = """
import sys, time
from pathlib import Path
from data_access import db
engine = db.get_engine(sys.argv[1])
Path(sys.argv[2]).touch()
while not Path(sys.argv[3]).exists():
    time.sleep(0.005)
db.upgrade(engine)
"""


def test_sto004_processes_starting_at_once_on_an_empty_store_all_migrate_it(store_url, tmp_path):
    """Several app hosts (or a command beside the server) starting together on an old or empty
    schema: one migrates, the others wait for it; none fails (unlocked, all but one failed)."""
    import subprocess
    import sys
    import time

    from sqlalchemy import create_engine

    from data_access import db
    from data_access.settings import PROJECT_ROOT

    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{i}" for i in range(4)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _MIGRATE, store_url, str(flag), str(go)],
            cwd=PROJECT_ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for flag in ready
    ]
    try:
        deadline = time.monotonic() + 120
        while not all(flag.exists() for flag in ready):  # all imported: start them together
            assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
            time.sleep(0.05)
        go.touch()
        errors = [p.communicate(timeout=120)[1] for p in procs]  # waits, reads and closes the pipe
    finally:
        for p in procs:
            if p.returncode is None:
                p.kill()
                p.communicate()
    results = [(p.returncode, err) for p, err in zip(procs, errors, strict=True)]
    assert [code for code, _ in results] == [0] * 4, [err[-600:] for _, err in results]
    engine = create_engine(store_url)
    try:
        with engine.connect() as conn:
            assert db.current_revision(conn) == db.head_revision()
    finally:
        engine.dispose()
