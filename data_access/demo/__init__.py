"""Deterministic demo data (演示数据) and the ``cockpit demo`` command.

``generate(conn, root, seed)`` fills the store for a root's subtree inside the caller's transaction:
observations at each indicator's lowest level, targets, 填表报数 tasks and submissions, filers,
contacts, cameras, 一网共享 figures and
基层治理 dispute cases. The same seed gives the same rows.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, select

from .. import regions, store
from ..catalogue import BY_CODE, CATALOGUE, load_catalogue
from ..codes import normalize_code
from ..errors import NotFound
from ..observations import refresh_statistics
from ..rollup import rebuild_partials
from ..schema import (
    contact,
    data_sharing,
    dispute_case,
    filer,
    observation,
    observation_history,
    region,
    reporting_period,
    reporting_task,
    rollup_partial,
    submission,
    target,
    task_field,
    video_resource,
)
from ..settings import get_settings
from .admin import generate_cameras, generate_reporting, generate_sharing
from .base import Periods, Units, Writer, period_end, rng_for
from .economy import generate_economy
from .governance import generate_governance
from .local import generate_govnet, generate_programme, generate_services, rate_targets
from .people import generate_contacts

DEFAULT_SEED = 20261127
DEFAULT_END = "2026-10"
# Children before parents, so foreign keys hold while deleting.
DEMO_TABLES = [
    dispute_case,
    observation_history,
    observation,
    target,
    submission,
    task_field,
    reporting_period,
    reporting_task,
    filer,
    contact,
    video_resource,
    data_sharing,
    rollup_partial,
]


def generated_at(end: str) -> datetime:
    """The fixed 'as of' time of a demo store: 09:00 on the 5th of the month after ``end``."""
    return datetime.combine(period_end(end) + timedelta(days=5), datetime.min.time()).replace(hour=9)


def generate(
    conn: Connection, root: str, seed: int = DEFAULT_SEED, end: str = DEFAULT_END, months: int = 24
) -> dict[str, int]:
    """Write demo data for ``root``'s subtree (regions and catalogue already loaded); returns row counts."""
    root12 = normalize_code(root)
    units = Units.load(conn, root12)
    if root12 not in units.names:
        raise NotFound(f"未知地区代码：{root12}（请先加载地区）")
    periods, as_of = Periods.ending(end, months), generated_at(end)
    writer, targets = Writer(conn), []
    counties = generate_economy(writer, units, periods, seed, targets)
    generate_services(writer, units, periods, seed)
    generate_programme(writer, units, periods, seed, counties.wealth, targets)
    generate_govnet(writer, units, periods, seed)
    generate_reporting(writer, units, periods, seed, as_of)
    generate_cameras(writer, units, periods, seed)
    generate_sharing(writer, units, periods, seed, counties.gdp)
    generate_governance(writer, units, periods, seed, as_of)
    generate_contacts(writer, units, rng_for(seed, "contacts"))
    rate_targets(units, targets)
    _write_targets(writer, units, targets)
    for key, value in (
        ("demo", "1"),
        ("as_of_period", end),
        ("root", root12),
        ("seed", str(seed)),
        ("generated_at", as_of.isoformat(timespec="seconds")),
    ):
        store.set_meta(conn, key, value)
    store.bump_version(conn, as_of=as_of)
    return dict(writer.counts)


def _write_targets(writer: Writer, units: Units, targets: list[tuple[str, str, int, float]]) -> None:
    """Targets, one per key; for sums, cities between the root and their counties get their total."""
    rows = {(ind, code, year): value for ind, code, year, value in targets}
    county_set = set(units.counties)
    cities = [c for c in units.codes[2] if c != units.root and c not in county_set]
    for (ind, code, year), value in list(rows.items()):
        if BY_CODE[ind].aggregation != "sum" or code not in county_set or code[4:] == "0" * 8:
            continue
        for city in cities:
            if code.startswith(city[:4]):
                key = (ind, city, year)
                rows[key] = round(rows.get(key, 0.0) + value, 2)
    writer.insert(
        target,
        ("indicator_code", "region_code", "year", "value"),
        [(*key, value) for key, value in sorted(rows.items())],
    )


def clear_demo(conn: Connection) -> None:
    """Delete everything ``generate`` writes (regions and indicator definitions stay)."""
    for table in DEMO_TABLES:
        conn.execute(delete(table))


def _ensure_boundaries(root: str) -> None:
    """Build map boundaries and region points when the geo package is installed."""
    try:
        from geo.build import ensure_boundaries
    except ModuleNotFoundError as exc:
        if exc.name not in ("geo", "geo.build"):
            raise
        return
    ensure_boundaries(root)


def run(args: argparse.Namespace) -> int:
    """``cockpit demo``: schema, regions, boundaries, catalogue, demo data; idempotent per root and seed."""
    started = time.perf_counter()
    settings = store.configure(get_settings(root_region=args.root))
    root12, seed = normalize_code(settings.root_region), int(args.seed)
    engine = store.engine()
    with engine.connect() as conn:
        meta = {k: store.get_meta(k, conn=conn) for k in ("demo", "root", "seed")}
        has_data = conn.execute(select(func.count()).select_from(observation)).scalar() or 0
    if meta == {"demo": "1", "root": root12, "seed": str(seed)}:
        print("演示数据已存在")
        return 0
    if has_data and meta["demo"] != "1":
        print(
            "错误：该数据库已有非演示数据，不会用演示数据覆盖。请换一个 COCKPIT_DATABASE_URL。",
            file=sys.stderr,
        )
        return 1
    with engine.begin() as conn:
        regions.load_regions(conn, root12)
        store.bump_version(conn)
    _ensure_boundaries(root12)
    with engine.begin() as conn:
        if has_data:
            clear_demo(conn)
        load_catalogue(conn)
        counts = generate(conn, root12, seed)
        n_regions = conn.execute(select(func.count()).select_from(region)).scalar()
    refresh_statistics()  # PostgreSQL plans the rollups from statistics; a bulk load leaves none
    with engine.begin() as conn:
        rebuild_partials(conn)  # the stored partials province/city/county figures are read from
    if engine.dialect.name == "postgresql":
        # Statistics of every table the bulk load filled (submissions, cases, partials …): without
        # them the planner guesses a few rows and /reporting's grid at the province root takes 5 s
        # in nested loops instead of 0.5 s in hash joins. Samples, so seconds even for the province.
        # The store's own tables only (by name, through the search path), not the whole database.
        from ..schema import metadata

        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE " + ", ".join(f'"{t.name}"' for t in metadata.sorted_tables))
    print(
        f"演示数据已生成：根地区 {root12}，地区 {n_regions} 个，指标 {len(CATALOGUE)} 个，"
        f"观测值 {counts.get('observation', 0)} 条，用时 {time.perf_counter() - started:.1f} 秒"
    )
    from ..users import announce_demo_accounts  # demo logins: city leader, city admin, 雷州市 staff

    announce_demo_accounts(root12)
    return 0


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``cockpit demo``."""
    parser = subparsers.add_parser(
        "demo",
        help="生成演示数据（可重复运行）",
        description="建库、加载地区与指标体系，并生成确定性的演示数据。",
    )
    parser.add_argument(
        "--root", help="根地区代码（默认 COCKPIT_ROOT_REGION，如 440800 湛江市、440000 广东省）"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）")
    parser.set_defaults(func=run)
