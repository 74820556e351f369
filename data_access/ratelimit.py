"""Failed-login rate limiting, kept in the store so every gunicorn worker sees the same counts.

Keys are ``user:<name>`` and ``addr:<address>``; a key with :data:`LIMITS` attempts inside the
window is refused until the oldest of them leaves it. Time is passed in (tests freeze it, never sleep).

Check and count are one step (:func:`attempt`): inside one transaction that holds a lock on the keys
— ``BEGIN IMMEDIATE`` on SQLite (the one writer lock of the file, across processes), a
transaction-scoped advisory lock per key on PostgreSQL — the attempts in the window are counted
and, if every key is under its limit, this attempt is recorded before the password is checked.
Checking first and counting after the (slow, deliberately) password hash let 30 simultaneous
guesses all be tried against a limit of 5. A successful login then gives its slot back
(:func:`release`) and clears the user's count.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, select, text

from . import store
from .schema import login_attempt

WINDOW = timedelta(minutes=15)
LIMITS = {"user": 5, "addr": 20}  # attempts per window, per key kind


@dataclass(frozen=True)
class Attempt:
    """The outcome of :func:`attempt`: ``wait`` seconds until allowed (0 = go ahead) and the ids
    of the rows that count this attempt (empty when refused)."""

    wait: int
    ids: tuple[int, ...] = field(default=())


def utcnow() -> datetime:
    """The limiter's clock (patched in tests)."""
    return datetime.now()  # naive local time, like the rest of the store


def keys_for(username: str, address: str) -> list[str]:
    return [f"user:{username.strip().lower()[:64]}", f"addr:{address[:64]}"]


def _lock(conn: Connection, keys: list[str]) -> None:
    """Serialise attempts on these keys across every worker until the transaction ends."""
    if conn.dialect.name == "postgresql":
        for key in sorted(set(keys)):  # one order everywhere: no deadlock between two attempts
            digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": digest})
    else:  # SQLite: take the database's write lock now, before reading (waits up to the busy timeout)
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _wait(conn: Connection, key: str, now: datetime) -> int:
    limit = LIMITS[key.split(":", 1)[0]]
    times = (
        conn.execute(
            select(login_attempt.c.at)
            .where(login_attempt.c.key == key, login_attempt.c.at > now - WINDOW)
            .order_by(login_attempt.c.at.desc())
            .limit(limit)
        )
        .scalars()
        .all()
    )
    if len(times) < limit:
        return 0
    return max(1, int((times[-1] + WINDOW - now).total_seconds()) + 1)


def attempt(keys: list[str], now: datetime | None = None) -> Attempt:
    """Check and count one login attempt against every key, atomically across workers.

    Refused (some key at its limit): nothing is counted and ``wait`` says for how long. Allowed:
    the attempt is counted for every key before the caller checks the password.
    """
    now = now or utcnow()
    with store.engine().connect() as conn:
        _lock(conn, keys)
        wait = max(_wait(conn, key, now) for key in keys)
        if wait:
            conn.rollback()
            return Attempt(wait)
        ids = tuple(
            conn.execute(
                insert(login_attempt).values(key=key, at=now).returning(login_attempt.c.id)
            ).scalar_one()
            for key in keys
        )
        conn.execute(delete(login_attempt).where(login_attempt.c.at < now - WINDOW))
        conn.commit()
    return Attempt(0, ids)


def release(slot: Attempt) -> None:
    """Give back an attempt's slots (the login succeeded: it was not a failure)."""
    if slot.ids:
        with store.engine().begin() as c:
            c.execute(delete(login_attempt).where(login_attempt.c.id.in_(slot.ids)))


def retry_after(keys: list[str], now: datetime | None = None) -> int:
    """Seconds until a login may be tried for every key (0 = allowed now); reads only."""
    now = now or utcnow()
    with store.engine().connect() as c:
        return max(_wait(c, key, now) for key in keys)


def clear(key: str) -> None:
    """Forget the failures of one key (after a successful login for that user)."""
    with store.engine().begin() as c:
        c.execute(delete(login_attempt).where(login_attempt.c.key == key))


def failures(key: str, now: datetime | None = None) -> int:
    now = now or utcnow()
    with store.engine().connect() as c:
        return c.execute(
            select(func.count())
            .select_from(login_attempt)
            .where(login_attempt.c.key == key, login_attempt.c.at > now - WINDOW)
        ).scalar_one()
