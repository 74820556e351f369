"""Engine creation and schema migration. Only ``data_access`` imports this."""

from __future__ import annotations

import functools
import hashlib
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).with_name("migrations")
CONNECT_TIMEOUT = 5  # seconds to reach PostgreSQL (unless the URL sets connect_timeout)


# Seconds any one statement of this process may run (None: unbounded, the CLI's default).
# ``cockpit serve`` sets it in every worker (:func:`bound_statements`), so no request can hold a
# worker near gunicorn's timeout: PostgreSQL cancels the statement (statement_timeout), SQLite
# interrupts it (a progress handler); either raises an OperationalError the request reports.
_statement_limit: list[float | None] = [None]


def bound_statements(seconds: float | None) -> None:
    """Bound every statement of connections opened from now on (None: no bound)."""
    _statement_limit[0] = seconds


@functools.cache
def get_engine(url: str) -> Engine:
    """One engine per URL and process. SQLite gets WAL, foreign keys and a busy timeout; both
    backends get the statement bound of :func:`bound_statements` when one is set."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
            # [deadline]: set when a statement starts, cleared at commit/rollback; 0 = none.
            deadline = record.info["deadline"] = [0.0]
            dbapi_conn.set_progress_handler(
                lambda: 1 if deadline[0] and time.monotonic() > deadline[0] else 0, 20_000
            )

        @event.listens_for(engine, "before_cursor_execute")
        def _start(conn, _cursor, _statement, _params, _context, _many):  # noqa: ANN001
            holder, limit = conn.info.get("deadline"), _statement_limit[0]
            if holder is not None:
                holder[0] = time.monotonic() + limit if limit else 0.0

        def _clear(conn) -> None:  # noqa: ANN001
            holder = conn.info.get("deadline")
            if holder is not None:
                holder[0] = 0.0

        event.listen(engine, "commit", _clear)
        event.listen(engine, "rollback", _clear)
        return engine
    # pre-ping: a connection the server dropped (restart, failover) is replaced before use, so no
    # worker keeps failing after the database is back. connect_timeout: an unreachable server
    # fails a request within seconds (a 503) instead of holding the worker.
    connect_args = {} if "connect_timeout" in parsed.query else {"connect_timeout": CONNECT_TIMEOUT}
    engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)

    @event.listens_for(engine, "connect")
    def _timeout(dbapi_conn, _record):  # noqa: ANN001
        limit = _statement_limit[0]
        if limit:
            with dbapi_conn.cursor() as cur:
                cur.execute(f"SET statement_timeout = {int(limit * 1000)}")
            dbapi_conn.commit()

    return engine


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
