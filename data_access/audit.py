"""Audit log: logins (success and failure), exports, imports and user changes — who, when, what, where.

Callers pass plain facts; nothing secret (passwords, tokens) may be put in ``detail``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, update

from . import store
from .schema import audit_log
from .scope import Scope

log = logging.getLogger("cockpit.audit")

ACTION_NAMES = {
    "login": "登录",
    "logout": "退出",
    "export": "导出",
    "import": "导入",
    "user_add": "新增用户",
    "user_disable": "停用用户",
    "user_enable": "启用用户",
    "user_passwd": "修改密码",
    "token_issue": "签发令牌",
    "token_revoke": "吊销令牌",
    "playlist_import": "导入轮播",
    "playlist_remove": "删除轮播",
    "wall_login": "大屏登录",
}
OUTCOME_NAMES = {"ok": "成功", "failed": "失败", "refused": "拒绝"}


@dataclass(frozen=True)
class Entry:
    """One audit log line."""

    at: datetime
    username: str
    region_code: str
    action: str
    outcome: str
    detail: str
    address: str
    repeats: int = 1  # times it happened (repeated refusals share one entry, see record_repeated)


def _clean(text: str, limit: int) -> str:
    """Text as stored: no control characters (PostgreSQL refuses NUL), at most ``limit`` long."""
    return "".join(ch if ch >= " " or ch in "\t\n" else "?" for ch in text)[:limit]


def record(
    action: str,
    *,
    username: str = "",
    region_code: str = "",
    outcome: str = "ok",
    detail: str = "",
    address: str = "",
    at: datetime | None = None,
    conn: Connection | None = None,
) -> None:
    """Append one entry (in the caller's transaction when ``conn`` is given)."""
    values = dict(
        at=at or datetime.now().replace(microsecond=0),
        username=_clean(username, 64),
        region_code=_clean(region_code, 12),
        action=_clean(action, 32),
        outcome=_clean(outcome, 16),
        detail=_clean(detail, 2000),
        address=_clean(address, 64),
    )
    if conn is not None:
        conn.execute(insert(audit_log).values(**values))
    else:
        with store.engine().begin() as c:
            c.execute(insert(audit_log).values(**values))
    log.info("audit %s %s user=%r from=%s %s", action, outcome, username, address, detail)


def record_repeated(
    action: str,
    *,
    username: str = "",
    outcome: str = "refused",
    detail: str = "",
    address: str = "",
    window: timedelta = timedelta(minutes=15),
) -> None:
    """Count an event that may repeat in a flood (refused logins) on one entry per window.

    The first occurrence of (action, outcome, user, address, detail) inside ``window`` adds an
    entry; every further one adds 1 to its ``repeats``. A flood of refused logins therefore adds
    at most one row per user name, address and window instead of one row per request.
    """
    now = datetime.now().replace(microsecond=0)
    same = (
        (audit_log.c.action == _clean(action, 32))
        & (audit_log.c.outcome == _clean(outcome, 16))
        & (audit_log.c.username == _clean(username, 64))
        & (audit_log.c.address == _clean(address, 64))
        & (audit_log.c.detail == _clean(detail, 2000))
        & (audit_log.c.at > now - window)
    )
    with store.engine().begin() as c:
        found = c.execute(
            select(audit_log.c.id).where(same).order_by(audit_log.c.id.desc()).limit(1)
        ).scalar()
        if found is not None:
            c.execute(
                update(audit_log).where(audit_log.c.id == found).values(repeats=audit_log.c.repeats + 1)
            )
            return
    record(action, username=username, outcome=outcome, detail=detail, address=address, at=now)


def recent(scope: Scope | None = None, limit: int = 200, action: str | None = None) -> list[Entry]:
    """Newest entries first. With ``scope``, only actors inside it — plus, for a scope that is the
    store's root, entries without a region (e.g. failed logins for unknown names)."""
    stmt = select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
    if action:
        stmt = stmt.where(audit_log.c.action == action)
    with store.engine().connect() as c:
        rows = c.execute(stmt.limit(limit * 4 if scope else limit)).all()
    entries = [
        Entry(r.at, r.username, r.region_code, r.action, r.outcome, r.detail, r.address, r.repeats)
        for r in rows
    ]
    if scope is not None:
        root = Scope.of(store.settings().root_region)
        at_root = scope.contains(root.root)
        entries = [e for e in entries if (scope.contains(e.region_code) if e.region_code else at_root)]
    return entries[:limit]
