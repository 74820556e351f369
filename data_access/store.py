"""The current store: engine, cache and the data version that every write bumps.

``configure()`` is called once per process (by ``app.py``, the CLI, or a test); query functions
then use :func:`engine`. Settings follow explicit > environment > default.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from flask import Flask
from sqlalchemy import Connection, Engine, Integer, Text, cast, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import SQLAlchemyError as StoreError  # noqa: F401 - every store error (web maps it)
from sqlalchemy.exc import TimeoutError as PoolTimeout

from . import db
from .cache import init_cache
from .schema import meta
from .settings import Settings, get_settings

_state: dict[str, object] = {}
_SQLITE_BUSY = ("database is locked", "unable to open database", "disk i/o error")


def is_unavailable(exc: BaseException) -> bool:
    """The store cannot be reached or is going away (refused, restarting, a dropped connection,
    every pooled connection busy, SQLite locked): the web side answers 503 "try again", not 500.

    The pool's pre-ping replaces dropped connections, so requests succeed again by themselves
    once the server is back. A faulty query (no such table, bad SQL) is not an outage.
    """
    if isinstance(exc, PoolTimeout | InterfaceError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OperationalError):
        orig = exc.orig
        if type(orig).__module__ == "sqlite3":  # SQLite reports faulty SQL as OperationalError too
            return any(text in str(orig).lower() for text in _SQLITE_BUSY)
        return True  # psycopg: connection refused or lost, server shutting down or starting up
    return False


def configure(
    settings: Settings | None = None, *, server: Flask | None = None, migrate: bool = True
) -> Settings:
    """Bind this process to a store and a cache; create or upgrade the schema when asked."""
    settings = settings or get_settings()
    engine = db.get_engine(settings.database_url)
    if migrate:
        db.upgrade(engine)
    _state.update(settings=settings, engine=engine)
    init_cache(server, settings, namespace=_store_id(engine))
    return settings


def _store_id(engine: Engine) -> str:
    """A random id kept in the store: cache keys carry it, so two stores never share entries.

    Data versions repeat across stores (each starts at 1); without the id two cockpits on one
    Redis would read each other's cached results.
    """
    with engine.begin() as conn:
        found = get_meta("store_id", None, conn=conn)
        if found:
            return found
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        # Several workers may start at once: the first insert wins, everyone reads it back.
        conn.execute(
            dialect.insert(meta).values(key="store_id", value=uuid.uuid4().hex[:12]).on_conflict_do_nothing()
        )
        return get_meta("store_id", None, conn=conn) or ""


def engine() -> Engine:
    if "engine" not in _state:
        configure()
    return _state["engine"]  # type: ignore[return-value]


def settings() -> Settings:
    if "settings" not in _state:
        configure()
    return _state["settings"]  # type: ignore[return-value]


def get_meta(key: str, default: str | None = None, conn: Connection | None = None) -> str | None:
    stmt = select(meta.c.value).where(meta.c.key == key)
    if conn is not None:
        value = conn.execute(stmt).scalar()
    else:
        with engine().connect() as c:
            value = c.execute(stmt).scalar()
    return default if value is None else value


def set_meta(conn: Connection, key: str, value: str) -> None:
    """Insert or replace one meta value inside the caller's transaction."""
    dialect = conn.dialect.name
    ins = (postgresql if dialect == "postgresql" else sqlite).insert(meta).values(key=key, value=value)
    conn.execute(ins.on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def data_version() -> int:
    """A number that every write to the store increases; part of every cache key."""
    return int(get_meta("data_version", "0"))


# The data version at which the precomputed rollup partials (``rollup_partial``) last matched the
# observations; any other value means they are stale and are not read.
ROLLUP_VERSION = "rollup_version"


def bump_version(
    conn: Connection, as_of: datetime | None = None, *, observations_changed: bool = True
) -> int:
    """Increase the data version inside the writing transaction; record the as-of time.

    A write that changed no observation (boundaries, say) passes ``observations_changed=False``
    so that partials which matched before still count as fresh; any other bump leaves them stale
    until :func:`rollup.update_partials` or :func:`rollup.rebuild_partials` brings them in step.
    """
    # One atomic increment: a concurrent writer's UPDATE waits for this transaction and then adds
    # to its value. Reading first and writing n+1 let two writers both set n+1 (seen on SQLite,
    # whose driver runs a lone SELECT outside the transaction), and the stored partials would
    # then be marked current for a write they never saw.
    key = meta.c.key == "data_version"
    bumped = conn.execute(update(meta).where(key).values(value=cast(cast(meta.c.value, Integer) + 1, Text)))
    if bumped.rowcount == 0:
        set_meta(conn, "data_version", "1")
    current = int(conn.execute(select(meta.c.value).where(key)).scalar()) - 1
    set_meta(conn, "updated_at", (as_of or datetime.now()).isoformat(timespec="seconds"))
    if not observations_changed and get_meta(ROLLUP_VERSION, None, conn=conn) == str(current):
        set_meta(conn, ROLLUP_VERSION, str(current + 1))
    return current + 1
