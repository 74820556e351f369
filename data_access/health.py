"""Start-up checks of the settings and the readiness probe behind ``/readyz``.

:func:`validate_settings` runs before ``cockpit serve`` starts any server: each setting that cannot
work raises :class:`~data_access.errors.SettingsError` with a Chinese message naming the setting,
instead of a traceback on the first request. :func:`readiness` is the cheap check ``/readyz``
answers with: store reachable, schema at the newest migration, cache reachable — nothing about data.
"""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from .errors import CockpitError, SettingsError
from .settings import Settings

MIN_SECRET_BYTES = 32


def _check_database_url(url: str) -> None:
    try:
        parsed = make_url(url)
        backend = parsed.get_backend_name()
    except (ArgumentError, ValueError) as exc:
        raise SettingsError(f"COCKPIT_DATABASE_URL 格式错误：{exc}") from None
    if backend not in ("sqlite", "postgresql"):
        raise SettingsError(f"COCKPIT_DATABASE_URL 只支持 SQLite 或 PostgreSQL，不支持 {backend}")


def _check_redis(url: str) -> None:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        client.ping()
        client.close()
    except (redis.RedisError, ValueError, OSError) as exc:
        raise SettingsError(f"COCKPIT_CACHE_URL 指向的 Redis 无法连接（{url}）：{exc}") from None


def validate_settings(settings: Settings, *, production: bool) -> None:
    """Check the settings before serving; raises SettingsError naming the first one that fails.

    Order: database URL (form, then connection and migration), cache, secret key (production
    only: at least 32 bytes), root region present in the store.
    """
    from . import store
    from .codes import normalize_code
    from .schema import region

    _check_database_url(settings.database_url)
    if settings.cache_url.startswith(("redis://", "rediss://", "unix://")):
        _check_redis(settings.cache_url)
    if production and len(settings.secret_key.encode()) < MIN_SECRET_BYTES:
        raise SettingsError(
            f"COCKPIT_SECRET_KEY 太短：生产模式至少 {MIN_SECRET_BYTES} 字节（可用 "
            "python -c 'import secrets; print(secrets.token_hex(32))' 生成），或留空由系统生成"
        )
    try:
        store.configure(settings)
    except SQLAlchemyError as exc:
        reason = str(exc.orig if getattr(exc, "orig", None) else exc).strip().splitlines()[0]
        raise SettingsError(f"COCKPIT_DATABASE_URL 无法连接数据库：{reason}") from None
    try:
        root = normalize_code(settings.root_region)
    except CockpitError as exc:
        raise SettingsError(f"COCKPIT_ROOT_REGION 无效：{exc}") from None
    with store.engine().connect() as conn:
        found = conn.execute(select(region.c.code).where(region.c.code == root)).first()
    if found is None:
        raise SettingsError(
            f"COCKPIT_ROOT_REGION={settings.root_region} 不在指标库的区划中：请先运行 cockpit demo，"
            "或导入区划后再启动"
        )


def readiness() -> dict[str, str]:
    """``{"store": ..., "schema": ..., "cache": ...}``, each "ok" or a short reason; cheap."""
    from . import db, store
    from .cache import probe as cache_probe

    checks: dict[str, str] = {}
    try:
        with store.engine().connect() as conn:
            conn.execute(text("SELECT 1"))
            current = db.current_revision(conn)
        checks["store"] = "ok"
        checks["schema"] = (
            "ok" if current == db.head_revision() else f"迁移版本 {current}，应为 {db.head_revision()}"
        )
    except SQLAlchemyError:
        checks["store"] = "无法连接"
        checks["schema"] = "未知"
    checks["cache"] = cache_probe()
    return checks
