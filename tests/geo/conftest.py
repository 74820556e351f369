"""Stores with 湛江's regions and every boundary built (SQLite and, when configured, PostgreSQL).

``zhanjiang`` is a fresh store per test (for tests that write); ``zhanjiang_shared`` is built once
per module and backend and must only be read.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from data_access import db, regions, store
from data_access.cache import clear
from data_access.settings import get_settings
from geo.build import ensure_boundaries
from tests.conftest import BACKENDS, PG_URL, REDIS_URL, _pg_schema_url

ZHANJIANG = "440800000000"
LEIZHOU = "440882000000"


def load_zhanjiang() -> None:
    with store.engine().begin() as conn:
        regions.load_regions(conn, "440800")
        store.bump_version(conn)
    ensure_boundaries("440800")


@pytest.fixture
def zhanjiang(configured):
    """湛江: 9 counties (real), 125 towns and 1,992 villages (schematic), points set."""
    load_zhanjiang()
    return configured


@pytest.fixture(scope="module", params=BACKENDS)
def _zhanjiang_module(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("zhanjiang")
    admin = schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'store.db'}"
    else:
        url, schema, admin = _pg_schema_url(PG_URL)
    settings = get_settings(
        database_url=url, instance_dir=str(tmp / "instance"), cache_url=REDIS_URL or "", root_region="440800"
    )
    store.configure(settings)
    clear()
    load_zhanjiang()
    yield settings
    db.get_engine(url).dispose()
    if admin is not None:
        db.get_engine.cache_clear()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def zhanjiang_shared(_zhanjiang_module):
    """The module's 湛江 store, bound to this process again (other fixtures may have moved it)."""
    store.configure(_zhanjiang_module, migrate=False)
    clear()
    yield _zhanjiang_module
    # Close pooled connections now: another fixture may drop the cached engine (a leak warning).
    db.get_engine(_zhanjiang_module.database_url).dispose()
