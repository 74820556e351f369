"""Engine creation and schema migration. Only ``data_access`` imports this."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).with_name("migrations")


@functools.cache
def get_engine(url: str) -> Engine:
    """One engine per URL and process. SQLite gets WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # configparser interpolates "%": double it (URLs carry %-escapes such as options=-csearch_path%3D…).
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database).

    Processes that start at once on an older (or empty) schema — several app hosts, or a command
    beside the server — migrate one after the other: the upgrade runs in one transaction that
    first takes :func:`_migration_lock`; whoever waited then finds the schema at the newest
    revision. Unlocked, each ran the same DDL and all but the first failed ("relation already
    exists"), and a server whose start failed so stayed down. A schema already at the newest
    revision (every usual start) is only read.
    """
    with engine.connect() as conn:
        if current_revision(conn) == head_revision():
            return
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        _migration_lock(conn)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _migration_lock(conn) -> None:  # noqa: ANN001 - a Connection
    """Hold the store's migration lock until the transaction ends.

    PostgreSQL: an advisory lock for the store's schema (stores in other schemas do not wait).
    SQLite: the database's write lock (``BEGIN IMMEDIATE``; others wait up to the busy timeout).
    """
    if conn.dialect.name == "postgresql":
        schema = conn.execute(text("SELECT current_schema()")).scalar() or ""
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": migration_lock_key(schema)})
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def migration_lock_key(schema: str) -> int:
    """The advisory lock id of one PostgreSQL schema's migrations."""
    digest = hashlib.sha256(f"cockpit-migrate:{schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@functools.cache
def head_revision() -> str:
    """The newest migration's revision id."""
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head() or ""


def current_revision(conn) -> str | None:  # noqa: ANN001 - a Connection
    """The store's migration revision (None before the first migration)."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def has_schema(engine: Engine) -> bool:
    return inspect(engine).has_table("region")
