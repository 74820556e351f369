"""Time ``cockpit demo`` on a fresh store per root; print store size and rows per table.

Usage: ``.venv/bin/python benchmarks/bench_demo.py [--postgres [--keep NAME]] [ROOT ...]``
(default roots: 440800 湛江市, then 440000 广东省). Without ``--postgres`` each root gets a fresh
SQLite file; with it a fresh PostgreSQL database on ``BENCH_POSTGRES_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``, the server's maintenance database), its
size read with ``pg_database_size``. The store is deleted afterwards unless ``--keep NAME`` is given
(one root only): then the database is called NAME and stays, e.g. for ``bench_pages.py --postgres``.
Goals: 湛江 under 60 s, the province under 10 min on the 2-core development machine.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COCKPIT = Path(sys.executable).with_name("cockpit")
GOALS = {"440800": 60.0, "440000": 600.0}


def run_demo(root: str, workdir: Path, url: str | None = None) -> tuple[float, Path, str]:
    """Run ``cockpit demo --root ROOT`` into ``workdir`` (or the database at ``url``); return seconds,
    SQLite store path and the command's first output line."""
    db = workdir / "store.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    env.update(
        COCKPIT_DATABASE_URL=url or f"sqlite:///{db}",
        COCKPIT_INSTANCE_DIR=str(workdir / "instance"),
        COCKPIT_DEMO_PASSWORD="bench-only",
    )
    started = time.perf_counter()
    proc = subprocess.run([str(COCKPIT), "demo", "--root", root], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"cockpit demo --root {root} failed:\n{proc.stdout}\n{proc.stderr}")
    return seconds, db, proc.stdout.strip().splitlines()[0]


def table_counts(db: Path) -> dict[str, int]:
    """Rows in every table of the store."""
    with sqlite3.connect(db) as conn:
        names = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        ]
        return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}


def store_size(db: Path) -> int:
    """Bytes of the store after a checkpoint (the WAL folded into the main file)."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))


def pg_admin(url: str):  # noqa: ANN201 - a psycopg connection
    """An autocommit psycopg connection to the database of SQLAlchemy URL ``url``."""
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def pg_url(base: str, name: str) -> str:
    """``base`` (a server URL) pointed at database ``name``."""
    return base.rsplit("/", 1)[0] + "/" + name


def pg_report(url: str) -> None:
    """Database size and rows per table of the PostgreSQL store at ``url``."""
    with pg_admin(url) as conn:
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        print(f"  database size (pg_database_size): {size / 2**20:.1f} MiB")
        names = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
            )
        ]
        for name in names:
            n = conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
            if n:
                print(f"  {name:24s} {n:>10,d}")


def main_postgres(roots: list[str], keep: str | None) -> None:
    """Each root into a fresh PostgreSQL database, dropped afterwards unless ``keep`` names it."""
    base = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    if keep and len(roots) != 1:
        raise SystemExit("--keep NAME needs exactly one root")
    for root in roots:
        name = keep or f"bench_demo_{root}_{os.getpid()}"
        with pg_admin(base) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        workdir = Path(tempfile.mkdtemp(prefix=f"bench-demo-{root}-"))
        try:
            seconds, _db, summary = run_demo(root, workdir, pg_url(base, name))
            goal = GOALS.get(root)
            verdict = (
                "" if goal is None else f"  (goal < {goal:.0f} s: {'met' if seconds < goal else 'MISSED'})"
            )
            print(f"cockpit demo --root {root} on PostgreSQL: {seconds:.1f} s wall{verdict}")
            print(f"  {summary}")
            pg_report(pg_url(base, name))
            print(f"  load average: {Path('/proc/loadavg').read_text().split()[0]}")
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
            if not keep:
                with pg_admin(base) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            else:
                print(f"  kept: {pg_url(base, name)}")


def main(roots: list[str]) -> None:
    """Benchmark each root in turn, each on a fresh store that is deleted afterwards."""
    for root in roots:
        workdir = Path(tempfile.mkdtemp(prefix=f"bench-demo-{root}-"))
        try:
            seconds, db, summary = run_demo(root, workdir)
            goal = GOALS.get(root)
            verdict = (
                "" if goal is None else f"  (goal < {goal:.0f} s: {'met' if seconds < goal else 'MISSED'})"
            )
            print(f"cockpit demo --root {root}: {seconds:.1f} s wall{verdict}")
            print(f"  {summary}")
            print(f"  store size: {store_size(db) / 2**20:.1f} MiB")
            for name, n in table_counts(db).items():
                if n:
                    print(f"  {name:24s} {n:>10,d}")
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", default=["440800", "440000"])
    parser.add_argument("--postgres", action="store_true", help="a fresh PostgreSQL database per root")
    parser.add_argument("--keep", metavar="NAME", help="with --postgres: name the database and keep it")
    args = parser.parse_args()
    if args.postgres:
        main_postgres(args.roots, args.keep)
    else:
        main(args.roots)
