"""Failed-login rate limiting, kept in the store so every gunicorn worker sees the same counts.

Keys are ``user:<name>`` and ``addr:<address>``; a key with :data:`LIMITS` failures inside the window
is refused until the oldest of them leaves it. Time is passed in (tests freeze it, never sleep).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select

from . import store
from .schema import login_attempt

WINDOW = timedelta(minutes=15)
LIMITS = {"user": 5, "addr": 20}  # failures per window, per key kind


def utcnow() -> datetime:
    """The limiter's clock (patched in tests)."""
    return datetime.now()  # naive local time, like the rest of the store


def keys_for(username: str, address: str) -> list[str]:
    return [f"user:{username.strip().lower()[:64]}", f"addr:{address[:64]}"]


def retry_after(keys: list[str], now: datetime | None = None) -> int:
    """Seconds until a login may be tried for every key (0 = allowed now)."""
    now = now or utcnow()
    wait = 0
    with store.engine().connect() as c:
        for key in keys:
            limit = LIMITS[key.split(":", 1)[0]]
            times = (
                c.execute(
                    select(login_attempt.c.at)
                    .where(login_attempt.c.key == key, login_attempt.c.at > now - WINDOW)
                    .order_by(login_attempt.c.at.desc())
                    .limit(limit)
                )
                .scalars()
                .all()
            )
            if len(times) >= limit:
                wait = max(wait, int((times[-1] + WINDOW - now).total_seconds()) + 1)
    return wait


def record_failure(keys: list[str], now: datetime | None = None) -> None:
    """Count one failed login against every key; forget entries older than the window."""
    now = now or utcnow()
    with store.engine().begin() as c:
        c.execute(insert(login_attempt), [{"key": k, "at": now} for k in keys])
        c.execute(delete(login_attempt).where(login_attempt.c.at < now - WINDOW))


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
