"""Time ``cockpit demo`` on a fresh SQLite file per root; print store size and rows per table.

Usage: ``.venv/bin/python benchmarks/bench_demo.py [ROOT ...]`` (default: 440800 湛江市, then 440000 广东省).
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


def run_demo(root: str, workdir: Path) -> tuple[float, Path, str]:
    """Run ``cockpit demo --root ROOT`` into ``workdir``; return seconds, store path and its output."""
    db = workdir / "store.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    env.update(
        COCKPIT_DATABASE_URL=f"sqlite:///{db}",
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
    main(sys.argv[1:] or ["440800", "440000"])
