"""Time to a briefing (PPTX and PDF): cold (first after start) and warm (p50 of 5). Prints figures.

    .venv/bin/python benchmarks/bench_briefing.py                         # builds a 湛江 demo store first
    .venv/bin/python benchmarks/bench_briefing.py --database-url sqlite:////path/demo.db

Cases: the 湛江 overview and the 雷州市 economy page. "Cold" runs in a fresh process: store
connection, caches and the Chromium start are all included. "Warm" runs the same briefing five
more times in one process after a first call, and reports the median. Also printed: charts per
briefing (native charts + the map picture) and file sizes.
Goals (issue 12): warm under 8 s for an 8-chart briefing, cold under 15 s, on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CASES = (("overview", "440800", "湛江市 总览"), ("economy", "440882", "雷州市 经济运行"))
FORMATS = ("pptx", "pdf")
RUNS = 5


def _make(page: str, region: str, fmt: str) -> tuple[float, int, int]:
    from briefing.make import make_briefing
    from data_access import store
    from data_access.scope import Scope

    settings = store.settings()
    start = time.perf_counter()
    data, _name, briefing = make_briefing(page, region, None, fmt, Scope.of(settings.root_region))
    return time.perf_counter() - start, len(data), briefing.chart_count


def one(page: str, region: str, fmt: str) -> None:
    """Child process: configure, make one briefing, print seconds (from process start), size, charts."""
    from data_access import store

    started = float(os.environ["BENCH_T0"])
    store.configure()
    _, size, charts = _make(page, region, fmt)
    print(f"{time.time() - started:.3f} {size} {charts}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an existing 湛江 store (default: build a demo store)")
    parser.add_argument("--one", nargs=3, metavar=("PAGE", "REGION", "FMT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(*args.one)
        return 0
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    tmp = Path(tempfile.mkdtemp(prefix="bench-briefing-"))
    env["COCKPIT_INSTANCE_DIR"] = str(tmp / "instance")
    env["COCKPIT_ROOT_REGION"] = "440800"
    if args.database_url:
        env["COCKPIT_DATABASE_URL"] = args.database_url
    else:
        env["COCKPIT_DATABASE_URL"] = f"sqlite:///{tmp / 'demo.db'}"
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "data_access.cli", "demo"], env=env, check=True, capture_output=True
        )
        print(f"demo store built in {time.perf_counter() - t:.1f} s")
    os.environ.update(env)
    print(
        f"{'case':<18}{'format':<8}{'charts':>7}{'size':>10}{'cold s':>9}{'warm p50 s':>12}{'warm max s':>12}"
    )
    from data_access import store

    store.configure()
    for page, region, label in CASES:
        for fmt in FORMATS:
            child_env = dict(env, BENCH_T0=str(time.time()))
            out = subprocess.run(
                [sys.executable, __file__, "--one", page, region, fmt],
                env=child_env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
            cold = float(out[0])
            _make(page, region, fmt)  # warm-up in this process
            times, size, charts = [], 0, 0
            for _ in range(RUNS):
                seconds, size, charts = _make(page, region, fmt)
                times.append(seconds)
            print(
                f"{label:<16}{fmt:<8}{charts:>7}{size / 1024:>8.0f}KB{cold:>9.2f}"
                f"{statistics.median(times):>12.2f}{max(times):>12.2f}"
            )
    from briefing.renderer import get_renderer

    print(f"browser starts in this process: {get_renderer().starts} (one warm renderer reused)")
    print("goals: warm < 8 s for an 8-chart briefing, cold < 15 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
