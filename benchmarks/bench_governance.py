"""基层治理: the case rollup for a year of 湛江 cases, and /governance cold and warm.

Uses an existing demo store (``--store URL``, e.g. ``sqlite:///instance/cockpit.db`` after
``cockpit demo``) or builds one with ``cockpit demo`` in a temporary folder. Prints:

* reading the cases of the last 12 months and deriving the village figures (``governance.derive``),
  the step an import of the 码上办 export runs before writing observations;
* the rollups the page asks for (化解率 for the city, 12 months, uncached);
* ``/governance`` for the city and for 雷州市: the layout built cold (empty cache) and warm.

The demo's extra build time is printed by ``benchmarks/bench_demo.py`` (run it on this branch and
on its parent; the difference is the cases and their 478k village observations).

    .venv/bin/python benchmarks/bench_governance.py [--store URL] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data_access import governance, store, values  # noqa: E402
from data_access.cache import clear  # noqa: E402
from data_access.periods import month_range  # noqa: E402
from data_access.schema import dispute_case  # noqa: E402
from data_access.scope import Scope  # noqa: E402
from data_access.settings import get_settings  # noqa: E402

CITY = "440800000000"
MONTH = "2026-10"


def build_demo(workdir: Path) -> str:
    url = f"sqlite:///{workdir / 'store.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    env.update(
        COCKPIT_DATABASE_URL=url, COCKPIT_INSTANCE_DIR=str(workdir / "instance"), COCKPIT_DEMO_PASSWORD="x"
    )
    subprocess.run(
        [Path(sys.executable).with_name("cockpit"), "demo", "--root", "440800"], env=env, check=True
    )
    return url


def case_rollup() -> None:
    months = month_range(MONTH, 12)
    started = time.perf_counter()
    c = dispute_case.c
    with store.engine().connect() as conn:
        rows = conn.execute(
            select(dispute_case).where(c.received_at >= datetime(int(months[0][:4]), int(months[0][5:]), 1))
        )
        cases = [
            governance.Case(
                r.case_id, r.village_code, r.type_code, r.received_at, r.channel, r.due_date, r.status,
                r.resolved_level, r.resolved_at, r.satisfaction,
            )
            for r in rows
        ]  # fmt: skip
    read = time.perf_counter() - started
    villages = sorted({c.village_code for c in cases})
    started = time.perf_counter()
    figures = governance.derive(cases, villages, months)
    derive = time.perf_counter() - started
    total = int(figures["disputes_received"].sum())
    print(f"case rollup, 12 months of 湛江: {len(cases):,} cases read in {read:.2f} s, derived in {derive:.2f} s "
          f"({len(governance.STORED)} indicators × {len(villages):,} villages × 12 months; 受理 {total:,})")  # fmt: skip
    clear()
    started = time.perf_counter()
    for month in months:
        values.region_value("dispute_resolution_rate", CITY, month, Scope(CITY))
    print(f"化解率 rollup for 湛江, 12 months, uncached: {(time.perf_counter() - started) * 1000:.0f} ms")


def page_times(runs: int) -> None:
    from app import create_app

    app = create_app(store.settings(), login_disabled=True)
    server = app.server
    for region in (None, "440882"):
        path = "/governance" + (f"?region={region}" if region else "")
        cold, warm = [], []
        for _ in range(runs):
            clear()
            for bucket in (cold, warm):
                started = time.perf_counter()
                with server.test_request_context(path):
                    from pages import governance as page

                    page.layout(region=region)
                bucket.append((time.perf_counter() - started) * 1000)
        print(f"/governance{'?region=' + region if region else ''}: layout cold p50 {statistics.median(cold):.0f} ms, "
              f"warm p50 {statistics.median(warm):.0f} ms ({runs} runs)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="database URL of a 湛江 demo store (default: build one)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.store or build_demo(Path(tmp))
        store.configure(
            get_settings(database_url=url, instance_dir=str(Path(tmp) / "instance"), root_region="440800")
        )
        case_rollup()
        page_times(args.runs)


if __name__ == "__main__":
    main()
