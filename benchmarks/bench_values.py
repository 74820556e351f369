"""Time ``children_values`` (uncached and cached) for 湛江 and for the province.

Builds, once, a store with the real Guangdong hierarchy (26,842 villages) and synthetic
village-level observations for a ``sum`` and a ``ratio`` indicator over two months, then prints
p50/p95 in milliseconds, read from the stored partials (``rollup_partial``, the normal path) and
computed from the observations (the path taken while the partials are stale). It also prints
what keeping the partials current costs: the full rebuild, and one write of a form with a value
for each of 湛江's 1,992 villages (``write_observations``) with and without the partial refresh.
SQLite always; PostgreSQL too when COCKPIT_TEST_DATABASE_URL is set (schema ``bench_values``,
reused). ``--store URL --sum CODE --ratio CODE --period P`` times an existing store instead
(e.g. the demo store), without building anything.

    .venv/bin/python benchmarks/bench_values.py [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, func, insert, select, text

from data_access import store, values
from data_access.cache import clear
from data_access.observations import refresh_statistics, write_observations
from data_access.regions import load_regions
from data_access.rollup import rebuild_partials
from data_access.schema import indicator, observation, region, rollup_partial
from data_access.scope import Scope
from data_access.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
PERIODS = ("2026-09", "2026-10")
BASE = {
    "theme": "programme",
    "definition": "",
    "source_dept": "",
    "frequency": "month",
    "value_type": "flow",
    "weight": None,
    "direction": 1,
    "decimals": 1,
    "min_value": None,
    "max_value": None,
    "lowest_level": 5,
    "sort_order": 0,
    "headline": False,
}
INDICATORS = [
    {
        "code": "bench_sum",
        "name": "基准求和",
        "unit": "万元",
        "aggregation": "sum",
        "numerator": None,
        "denominator": None,
        "factor": 1.0,
    },
    {
        "code": "bench_num",
        "name": "基准分子",
        "unit": "件",
        "aggregation": "sum",
        "numerator": None,
        "denominator": None,
        "factor": 1.0,
    },
    {
        "code": "bench_den",
        "name": "基准分母",
        "unit": "件",
        "aggregation": "sum",
        "numerator": None,
        "denominator": None,
        "factor": 1.0,
    },
    {
        "code": "bench_rate",
        "name": "基准比率",
        "unit": "%",
        "aggregation": "ratio",
        "numerator": "bench_num",
        "denominator": "bench_den",
        "factor": 100.0,
    },
]


def build(url: str) -> None:
    """Configure the store at ``url``; fill it once with the province and synthetic data."""
    store.configure(get_settings(database_url=url, cache_url=""))
    if store.get_meta("bench_values") != "1":
        fill()
    began = time.perf_counter()
    with store.engine().begin() as conn:
        rebuild_partials(conn)
        n = conn.execute(select(func.count()).select_from(rollup_partial)).scalar()
    print(f"  rebuilt the stored partials: {n} rows in {time.perf_counter() - began:.2f} s")


def fill() -> None:
    """The province's regions, the four indicators and their synthetic observations."""
    started = time.perf_counter()
    rng = random.Random(2026)
    with store.engine().begin() as conn:
        load_regions(conn, "440000")
        conn.execute(insert(indicator), [{**BASE, **row} for row in INDICATORS])
        villages = conn.execute(select(region.c.code).where(region.c.level == 5)).scalars().all()
        now = datetime(2026, 11, 1)
        rows = []
        for period in PERIODS:
            for code in villages:
                den = rng.randint(50, 500)
                for ind, value in (
                    ("bench_sum", rng.uniform(10, 200)),
                    ("bench_num", rng.randint(0, den)),
                    ("bench_den", den),
                ):
                    if rng.random() < 0.97:  # some villages miss a figure: completeness < 100 %
                        rows.append(
                            {
                                "indicator_code": ind,
                                "region_code": code,
                                "period": period,
                                "value": float(value),
                                "reported_at": now,
                            }
                        )
        for start in range(0, len(rows), 20000):
            conn.execute(insert(observation), rows[start : start + 20000])
        store.set_meta(conn, "bench_values", "1")
        store.bump_version(conn)
    refresh_statistics()  # PostgreSQL: fresh tables have no statistics yet
    print(
        f"  built store: {len(villages)} villages, {len(rows)} observations in {time.perf_counter() - started:.1f} s"
    )


def write_cost(runs: int) -> None:
    """One form: a revised ``bench_num`` for each of 湛江's villages, with and without the refresh."""
    with store.engine().connect() as conn:
        villages = (
            conn.execute(select(region.c.code).where(region.c.level == 5, region.c.code.like("4408%")))
            .scalars()
            .all()
        )
    for label, current in (("partials current (refreshed)", True), ("partials stale (no refresh)", False)):
        if current:
            with store.engine().begin() as conn:
                rebuild_partials(conn)
        else:
            with store.engine().begin() as conn:
                store.bump_version(conn)  # stale: the write skips the refresh
        times = []
        for run in range(runs):
            rows = [
                {"indicator": "bench_num", "region": code, "period": PERIODS[-1], "value": 1 + (run + i) % 50}
                for i, code in enumerate(villages)
            ]
            began = time.perf_counter()
            write_observations(rows, source="bench", reported_by="bench")
            times.append((time.perf_counter() - began) * 1000)
        assert values._snapshot().rolled is current
        print(
            f"  write of {len(villages)} revised values, {label}: "
            f"p50 {statistics.median(times):.0f} ms over {runs} runs"
        )
    with store.engine().begin() as conn:
        rebuild_partials(conn)


def timed(fn, runs: int) -> tuple[float, float, float]:
    """p50 and p95 of wall time and p50 of this process's CPU time, in milliseconds.

    On a shared machine the CPU time shows what the query costs when the cores are free.
    """
    wall, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    wall.sort()
    return (
        statistics.median(wall),
        wall[min(len(wall) - 1, round(0.95 * (len(wall) - 1)))],
        statistics.median(cpu),
    )


def scanning(on: bool) -> None:
    """Make this process compute from the observations (on) or read the partials when current."""
    snap = values._snapshot()
    fresh = store.get_meta(store.ROLLUP_VERSION) == str(snap.regions.version)
    values._LOCAL["snap"] = values._Snapshot(snap.regions, snap.indicators, fresh and not on)


def report(label: str, indicators: list[str], period: str, runs: int) -> None:
    """Print the figures for 湛江 and the province, one line per indicator and path."""
    values.local_region_index()  # warm the per-version snapshot once, as a running server has it
    for root in ("440800", "440000"):
        scope = Scope.of(root)
        for code in indicators:
            for path in ("partials", "scan"):
                scanning(path == "scan")
                fn = values.children_values.uncached
                fn(code, root, period, scope)  # warm connections / pages
                p50, p95, cpu = timed(lambda c=code, s=scope, r=root, f=fn: f(c, r, period, s), runs)
                print(
                    f"  {label:10} {root} {code:10} {path:8} uncached p50 {p50:7.2f} ms "
                    f"p95 {p95:7.2f} ms (cpu p50 {cpu:6.2f} ms)"
                )
            scanning(False)
            values.children_values(code, root, period, scope)
            c50, c95, _ = timed(
                lambda c=code, s=scope, r=root: values.children_values(c, r, period, s), runs * 5
            )
            parent, kids = values.children_values(code, root, period, scope)
            print(
                f"  {label:10} {root} {code:10} cached   p50 {c50:7.3f} ms p95 {c95:7.3f} ms | "
                f"{len(kids)} children, {parent.reported}/{parent.expected} reported"
            )


def pg_url(base: str) -> str:
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('CREATE SCHEMA IF NOT EXISTS "bench_values"'))
    admin.dispose()
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote('-csearch_path=bench_values')}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--store", help="time an existing store (e.g. the demo) instead of building one")
    parser.add_argument("--sum", default="bench_sum")
    parser.add_argument("--ratio", default="bench_rate")
    parser.add_argument("--period", default=PERIODS[-1])
    args = parser.parse_args()
    if args.store:
        store.configure(get_settings(database_url=args.store, cache_url=""))
        report("store", [args.sum, args.ratio], args.period, args.runs)
        return
    targets = [("sqlite", f"sqlite:///{ROOT / 'instance' / 'bench' / 'bench_values.db'}")]
    if os.environ.get("COCKPIT_TEST_DATABASE_URL"):
        targets.append(("postgresql", pg_url(os.environ["COCKPIT_TEST_DATABASE_URL"])))
    for label, url in targets:
        print(f"{label}: children_values, {args.runs} runs each")
        build(url)
        clear()
        report(label, [args.sum, args.ratio], args.period, args.runs)
        write_cost(max(3, args.runs // 10))
        store.engine().dispose()


if __name__ == "__main__":
    main()
