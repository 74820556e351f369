"""How fresh the store is, cheaply: what the wall screen polls (``GET /api/v1/version``).

One read of three ``meta`` rows, kept for :data:`TTL` seconds per process so that many wall
screens polling at once cost one query a second, not one each. A write in any process is seen
within that second (the data version in the store is the truth; nothing here can go stale longer).
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from . import store
from .schema import meta

TTL = 1.0
KEYS = ("data_version", "as_of_period", "updated_at")
_lock = threading.Lock()
_memo: dict[str, object] = {}


def version_info() -> dict[str, object]:
    """``{"data_version": int, "as_of": "2026-10" | None, "updated_at": iso | None}``."""
    now = time.monotonic()
    key = str(store.engine().url)
    hit = _memo.get("entry")
    if hit is not None and hit[0] == key and now - hit[1] < TTL:  # type: ignore[index]
        return hit[2]  # type: ignore[index]
    with store.engine().connect() as conn:
        rows = dict(conn.execute(select(meta.c.key, meta.c.value).where(meta.c.key.in_(KEYS))).all())
    info = {
        "data_version": int(rows.get("data_version") or 0),
        "as_of": rows.get("as_of_period"),
        "updated_at": rows.get("updated_at"),
    }
    with _lock:
        _memo["entry"] = (key, now, info)
    return info


def forget() -> None:
    """Drop the memo (tests that write and read back within the same second)."""
    _memo.clear()
