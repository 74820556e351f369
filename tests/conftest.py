"""Shared fixtures: a fresh store per test on SQLite and, when configured, on PostgreSQL.

``COCKPIT_TEST_DATABASE_URL`` (a PostgreSQL URL) adds a PostgreSQL run of every ``store``-using
test; each gets its own schema, dropped afterwards, so parallel runs never collide.
``COCKPIT_TEST_REDIS_URL`` does the same for the cache.
"""

from __future__ import annotations

import os
import uuid
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from data_access import store
from data_access.settings import get_settings

PG_URL = os.environ.get("COCKPIT_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("COCKPIT_TEST_REDIS_URL", "")

BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])

# A tiny hand-made hierarchy: city C with counties A (2 towns) and B (1 town); villages below.
TINY_REGIONS = [
    ("990000000000", "测试省", 1, "", "省"),
    ("990100000000", "测试市", 2, "990000000000", "地级市"),
    ("990101000000", "甲区", 3, "990100000000", "区"),
    ("990102000000", "乙县", 3, "990100000000", "县"),
    ("990101001000", "甲一街道", 4, "990101000000", "街道"),
    ("990101002000", "甲二镇", 4, "990101000000", "镇"),
    ("990102001000", "乙一镇", 4, "990102000000", "镇"),
    ("990101001001", "甲一社区", 5, "990101001000", "居委会"),
    ("990101002001", "甲二一村", 5, "990101002000", "村委会"),
    ("990101002002", "甲二二村", 5, "990101002000", "村委会"),
    ("990102001001", "乙一一村", 5, "990102001000", "村委会"),
    ("990102001002", "乙一二村", 5, "990102001000", "村委会"),
]


def _pg_schema_url(base: str):
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    return url, schema, admin


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path):
    """A database URL for an empty store on each configured backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    url, schema, admin = _pg_schema_url(PG_URL)
    yield url
    from data_access import db

    db.get_engine.cache_clear()
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def configured(store_url, tmp_path):
    """Configure the process's store on a fresh, migrated database; returns the settings."""
    settings = get_settings(
        database_url=store_url,
        instance_dir=str(tmp_path / "instance"),
        cache_url=REDIS_URL or "",
        root_region="440800",
    )
    store.configure(settings)
    yield settings
    store.engine().dispose()


@pytest.fixture
def tiny_store(configured):
    """The store with the tiny hierarchy loaded (no indicators or observations yet)."""
    from data_access.regions import insert_regions

    rows = [
        dict(zip(("code", "name", "level", "parent", "kind"), map(str, r), strict=True)) for r in TINY_REGIONS
    ]
    with store.engine().begin() as conn:
        insert_regions(conn, rows)
        store.bump_version(conn)
    return configured


# One Chromium for the whole session: Playwright's sync API allows a single running instance per
# thread, so every browser test (tests/browser, tests/geo) shares this fixture.
CHROMIUM = "/usr/bin/chromium"  # Debian's package; never a downloaded browser
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium from Debian, shared by every browser test of the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
