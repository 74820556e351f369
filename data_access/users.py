"""Users, roles, password hashes and API tokens; ``cockpit user add|list|disable|passwd|token``.

Passwords are kept only as werkzeug scrypt hashes; API tokens only as SHA-256 digests (they are
random and long, so a fast digest is enough and lets a token be looked up). Neither is ever logged.
A user's scope is their region: every query they cause runs under ``Scope(region_code)``.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from . import store
from .codes import normalize_code
from .errors import InvalidInput, NotFound
from .schema import api_token, app_user, region, user_session
from .scope import Scope

ROLES = ("leader", "staff", "admin", "wall")
ROLE_NAMES = {"leader": "领导", "staff": "工作人员", "admin": "管理员", "wall": "大屏"}
PHONE_ROLES = frozenset({"leader", "admin"})  # may see phone numbers in full
TOKEN_PREFIX = "bqw_"
MIN_PASSWORD = 8
SESSION_LIFETIME = timedelta(hours=12)
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")
# Checked against when the user does not exist, so a miss costs as much as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-password-" + secrets.token_hex(8), method="scrypt")


@dataclass(frozen=True)
class User:
    """A cockpit account as the web layer sees it (no hash)."""

    id: int
    username: str
    display_name: str
    role: str
    region_code: str
    active: bool
    auth_version: int
    created_at: datetime
    last_login_at: datetime | None = None

    @property
    def scope(self) -> Scope:
        return Scope(self.region_code)

    @property
    def can_see_phones(self) -> bool:
        return self.role in PHONE_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _row_user(row) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        region_code=row.region_code,
        active=bool(row.active),
        auth_version=row.auth_version,
        created_at=row.created_at,
        last_login_at=row.last_login_at,
    )


def hash_password(password: str) -> str:
    """A salted scrypt hash (werkzeug); the password itself is never stored."""
    return generate_password_hash(password, method="scrypt")


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"密码至少 {MIN_PASSWORD} 位")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _conn_or_engine(conn: Connection | None):
    """The caller's connection (left open) or a new transaction."""
    return contextlib.nullcontext(conn) if conn is not None else store.engine().begin()


def _select_user():
    return select(app_user)


def find_user(username: str, conn: Connection | None = None) -> User | None:
    """The user of that name (case-insensitive), or None."""
    if any(ch < " " for ch in username):
        return None
    stmt = _select_user().where(func.lower(app_user.c.username) == username.strip().lower())
    if conn is not None:
        row = conn.execute(stmt).first()
    else:
        with store.engine().connect() as c:
            row = c.execute(stmt).first()
    return _row_user(row) if row else None


def get_user(username: str, conn: Connection | None = None) -> User:
    user = find_user(username, conn)
    if user is None:
        raise NotFound(f"没有该用户：{username}")
    return user


def start_session(user: User, address: str = "", lifetime: timedelta = SESSION_LIFETIME) -> str:
    """A new server-side session for the user; returns its token (stored only as its SHA-256)."""
    token = secrets.token_urlsafe(32)
    now = _now()
    with store.engine().begin() as c:
        # Sessions long expired are of no use to anyone: forget them while we are writing anyway.
        c.execute(delete(user_session).where(user_session.c.expires_at < now - timedelta(days=1)))
        c.execute(
            insert(user_session).values(
                token_hash=hash_token(token),
                user_id=user.id,
                created_at=now,
                expires_at=now + lifetime,
                address=address[:64],
            )
        )
    return token


def user_for_session(token: str) -> User | None:
    """The active user of this live (not revoked, not expired) session token; None otherwise."""
    if not isinstance(token, str) or not 20 <= len(token) <= 200:
        return None
    stmt = (
        select(user_session.c.token_hash, app_user)
        .join(app_user, app_user.c.id == user_session.c.user_id)
        .where(
            user_session.c.token_hash == hash_token(token),
            user_session.c.revoked_at.is_(None),
            user_session.c.expires_at > _now(),
        )
    )
    with store.engine().connect() as c:
        row = c.execute(stmt).first()
    if row is None or not row.active:
        return None
    return _row_user(row)


def end_session(token: str) -> None:
    """Revoke one session (logout): its cookie, wherever it was copied to, stops working."""
    with store.engine().begin() as c:
        c.execute(
            update(user_session)
            .where(user_session.c.token_hash == hash_token(token), user_session.c.revoked_at.is_(None))
            .values(revoked_at=_now())
        )


def _revoke_sessions(conn: Connection, user_id: int) -> None:
    conn.execute(
        update(user_session)
        .where(user_session.c.user_id == user_id, user_session.c.revoked_at.is_(None))
        .values(revoked_at=_now())
    )


def live_sessions(username: str) -> int:
    """How many sessions of the user are live (not revoked, not expired)."""
    with store.engine().connect() as c:
        user = get_user(username, c)
        return c.execute(
            select(func.count())
            .select_from(user_session)
            .where(
                user_session.c.user_id == user.id,
                user_session.c.revoked_at.is_(None),
                user_session.c.expires_at > _now(),
            )
        ).scalar_one()


def list_users(scope: Scope | None = None) -> list[User]:
    """All users, or those whose region lies inside ``scope``, by username."""
    with store.engine().connect() as c:
        rows = c.execute(_select_user().order_by(app_user.c.username)).all()
    users = [_row_user(r) for r in rows]
    return [u for u in users if scope is None or scope.contains(u.region_code)]


def _check_region(conn: Connection, code: object) -> str:
    code12 = normalize_code(code)
    if conn.execute(select(region.c.code).where(region.c.code == code12)).first() is None:
        raise NotFound(f"未知地区代码：{code12}")
    return code12


def add_user(
    username: str,
    password: str,
    role: str,
    region_code: object,
    *,
    display_name: str = "",
    conn: Connection | None = None,
) -> User:
    """Create an active user; raises InvalidInput for a bad name, role or password."""
    if not _USERNAME.match(username):
        raise InvalidInput("用户名只能包含字母、数字、下划线、点和连字符（2–64 位）")
    if role not in ROLES:
        raise InvalidInput(f"角色必须是 {', '.join(ROLES)} 之一")
    check_password_strength(password)
    with _conn_or_engine(conn) as c:
        code12 = _check_region(c, region_code)
        if find_user(username, c) is not None:
            raise InvalidInput(f"用户已存在：{username}")
        c.execute(
            insert(app_user).values(
                username=username,
                display_name=display_name or username,
                role=role,
                region_code=code12,
                active=True,
                password_hash=hash_password(password),
                auth_version=1,
                created_at=_now(),
            )
        )
        return get_user(username, c)


def authenticate(username: str, password: str) -> User | None:
    """The active user if the password matches, else None; same work whether or not they exist."""
    if any(ch < " " for ch in username):  # never a valid name; PostgreSQL refuses NUL
        username = ""
    stmt = _select_user().where(func.lower(app_user.c.username) == username.strip().lower())
    with store.engine().connect() as c:
        row = c.execute(stmt).first()
    stored = row.password_hash if row is not None else _DUMMY_HASH
    ok = check_password_hash(stored, password)
    if row is None or not ok or not row.active:
        return None
    with store.engine().begin() as c:
        c.execute(update(app_user).where(app_user.c.id == row.id).values(last_login_at=_now()))
    return _row_user(row)


def set_password(username: str, password: str) -> User:
    """Replace the password; ends the user's sessions."""
    check_password_strength(password)
    with store.engine().begin() as c:
        user = get_user(username, c)
        c.execute(
            update(app_user)
            .where(app_user.c.id == user.id)
            .values(password_hash=hash_password(password), auth_version=app_user.c.auth_version + 1)
        )
        _revoke_sessions(c, user.id)
        return get_user(username, c)


def set_active(username: str, active: bool) -> User:
    """Enable or disable a user; disabling ends sessions and revokes API tokens."""
    with store.engine().begin() as c:
        user = get_user(username, c)
        c.execute(
            update(app_user)
            .where(app_user.c.id == user.id)
            .values(active=active, auth_version=app_user.c.auth_version + 1)
        )
        if not active:
            _revoke_sessions(c, user.id)
            c.execute(
                update(api_token)
                .where(api_token.c.user_id == user.id, api_token.c.revoked_at.is_(None))
                .values(revoked_at=_now())
            )
        return get_user(username, c)


def issue_token(username: str) -> str:
    """A new API token for the user; returned once, stored only as its SHA-256."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store.engine().begin() as c:
        user = get_user(username, c)
        if not user.active:
            raise InvalidInput(f"用户已停用：{username}")
        c.execute(
            insert(api_token).values(
                user_id=user.id, token_hash=hash_token(token), hint=token[:10], created_at=_now()
            )
        )
    return token


def revoke_tokens(username: str) -> int:
    """Revoke every live token of the user; returns how many."""
    with store.engine().begin() as c:
        user = get_user(username, c)
        result = c.execute(
            update(api_token)
            .where(api_token.c.user_id == user.id, api_token.c.revoked_at.is_(None))
            .values(revoked_at=_now())
        )
        return result.rowcount


def user_for_token(token: str) -> User | None:
    """The active user owning this live token, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = hash_token(token)
    stmt = (
        # The token's id under its own label: a bare ``id`` would shadow the account's id.
        select(api_token.c.id.label("token_id"), api_token.c.token_hash, app_user)
        .join(app_user, app_user.c.id == api_token.c.user_id)
        .where(api_token.c.token_hash == digest, api_token.c.revoked_at.is_(None))
    )
    with store.engine().connect() as c:
        row = c.execute(stmt).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest) or not row.active:
        return None
    with store.engine().begin() as c:
        c.execute(update(api_token).where(api_token.c.id == row.token_id).values(last_used_at=_now()))
    return _row_user(row)


DEMO_ACCOUNTS = (  # (username, display name, role, region: None = the store's root)
    ("leader", "市领导（演示）", "leader", None),
    ("admin", "市管理员（演示）", "admin", None),
    ("leizhou", "雷州市工作人员（演示）", "staff", "440882"),
)


def ensure_demo_accounts(conn: Connection, root: str, password: str | None = None) -> str | None:
    """Create the demo accounts that are missing (leader/admin of ``root``, staff of 雷州市 if loaded).

    Password: ``password``, else ``COCKPIT_DEMO_PASSWORD``, else a generated one. Returns the password
    when a generated one was used for a new account (the caller prints it once), else None.
    """
    chosen = password or store.settings().demo_password
    generated = None if chosen else secrets.token_urlsafe(9)
    created = False
    for username, display, role, code in DEMO_ACCOUNTS:
        code12 = normalize_code(code or root)
        if not Scope.of(root).contains(code12) or find_user(username, conn) is not None:
            continue
        if conn.execute(select(region.c.code).where(region.c.code == code12)).first() is None:
            continue
        add_user(username, chosen or generated or "", role, code12, display_name=display, conn=conn)
        created = True
    return generated if created else None


def add_commands(sub) -> None:
    """Register ``cockpit user …`` (implemented in :mod:`data_access.users_cli`)."""
    from .users_cli import add_commands as _add

    _add(sub)


def announce_demo_accounts(root: str) -> None:
    """``cockpit demo``'s last step: create the demo accounts and say how to log in (password once)."""
    with store.engine().begin() as conn:
        generated = ensure_demo_accounts(conn, root)
    names = "、".join(f"{name}（{display}）" for name, display, _role, _code in DEMO_ACCOUNTS)
    if generated:
        print(f"演示账号：{names}；密码（只显示这一次）：{generated}")
    else:
        print(f"演示账号：{names}；密码为 COCKPIT_DEMO_PASSWORD 的值（或首次生成时显示的密码）")
