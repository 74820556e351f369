"""``cockpit backup FILE`` / ``cockpit restore FILE`` for the SQLite store.

Backup uses SQLite's online backup API (``sqlite3.Connection.backup``): a consistent copy page by
page while the cockpit keeps serving and writing. Restore copies a backup into the configured
store (empty, or replaced with ``--force``; stop the server first), brings its schema to the newest
migration and gives it a new store id, so no cached result of the old store can be served for it.
PostgreSQL stores are backed up with ``pg_dump``/``pg_restore`` (see README); both commands refuse
them with that advice.
"""

from __future__ import annotations

import argparse
import sqlite3
import uuid
from pathlib import Path

from sqlalchemy.engine import make_url

from .errors import InvalidInput, SettingsError

PG_ADVICE = (
    "PostgreSQL 指标库请用 pg_dump / pg_restore 备份和恢复（见 README“备份与恢复”），"
    "cockpit backup/restore 只用于 SQLite。"
)
REQUIRED_TABLES = {"alembic_version", "region", "meta", "observation"}


def sqlite_path(database_url: str) -> Path:
    """The file of a SQLite store; SettingsError (with the pg_dump advice) for anything else."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise SettingsError(PG_ADVICE)
    if not url.database or url.database == ":memory:":
        raise SettingsError("内存数据库无法备份或恢复")
    return Path(url.database)


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def backup(database_url: str, target: Path) -> int:
    """Copy the store to ``target`` (must not exist) with the online backup API; returns its bytes."""
    source = sqlite_path(database_url)
    if not source.exists():
        raise InvalidInput(f"指标库文件不存在：{source}")
    if target.exists():
        raise InvalidInput(f"备份文件已存在，不覆盖：{target}")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        dst.close()
        src.close()
    return target.stat().st_size


def _store_has_data(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    conn = sqlite3.connect(path, timeout=30)
    try:
        tables = _tables(conn)
        return "region" in tables and conn.execute("SELECT count(*) FROM region").fetchone()[0] > 0
    finally:
        conn.close()


def restore(database_url: str, source: Path, *, force: bool = False) -> None:
    """Copy a backup into the configured store (empty unless ``force``); migrate; new store id."""
    target = sqlite_path(database_url)
    if not source.is_file():
        raise InvalidInput(f"备份文件不存在：{source}")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        try:
            missing = REQUIRED_TABLES - _tables(src)
        except sqlite3.DatabaseError:
            raise InvalidInput(f"{source} 不是 SQLite 数据库文件") from None
        if missing:
            raise InvalidInput(f"{source} 不是驾驶舱的备份（缺少表：{', '.join(sorted(missing))}）")
        if _store_has_data(target) and not force:
            raise InvalidInput(f"指标库 {target} 已有数据：确认要整体替换时加 --force（请先停止服务）")
        target.parent.mkdir(parents=True, exist_ok=True)
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    from . import db, store

    db.get_engine.cache_clear()  # connections opened before the copy must not be reused
    engine = db.get_engine(database_url)
    db.upgrade(engine)
    with engine.begin() as conn:  # cached results of any earlier store under this URL never apply
        store.set_meta(conn, "store_id", uuid.uuid4().hex[:12])
    engine.dispose()


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="copy the SQLite store to FILE while serving (online backup)")
    p.add_argument("file", type=Path)
    p.set_defaults(func=_backup)
    p = sub.add_parser("restore", help="restore the SQLite store from a backup FILE (stop the server first)")
    p.add_argument("file", type=Path)
    p.add_argument("--force", action="store_true", help="replace a store that already holds data")
    p.set_defaults(func=_restore)


def _backup(args: argparse.Namespace) -> int:
    from .settings import get_settings

    size = backup(get_settings().database_url, args.file)
    print(f"已备份到 {args.file}（{size / 1e6:.1f} MB）")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from .settings import get_settings

    restore(get_settings().database_url, args.file, force=args.force)
    print(f"已从 {args.file} 恢复指标库")
    return 0
