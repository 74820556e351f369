"""Time a 湛江-wide file import and one online submission.

Builds the 湛江 demo store (``cockpit demo``) in a temporary folder, downloads the village
monthly template (村级百千万工程工作月报, 1,992 villages) for the month after the demo's last
one, fills every field of every village (openpyxl), saves it as XLSX and as CSV (UTF-8 with
BOM), then for each: reads it, checks it (the preview: a dry run) and imports it (one
transaction: observations with history, data version, partial rollup refresh, 1,992
submissions, audit), and imports it a second time (everything unchanged). Prints seconds and
peak Python memory (tracemalloc) per step. Then one village's online submission through
``data_access.form_entry.submit_form`` (server time, median of several villages).
SQLite always; PostgreSQL too when COCKPIT_TEST_DATABASE_URL is set (a fresh schema, dropped
afterwards). Goals: the whole file under 10 s, a submission under 300 ms.

    .venv/bin/python benchmarks/bench_import.py
"""

from __future__ import annotations

import csv
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path
from urllib.parse import quote

from openpyxl import load_workbook
from sqlalchemy import create_engine, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data_access import store  # noqa: E402
from data_access.cache import clear  # noqa: E402
from data_access.intake import import_files  # noqa: E402
from data_access.intake.layout import find_table  # noqa: E402
from data_access.intake.reading import read_grid  # noqa: E402
from data_access.intake.template import template_xlsx  # noqa: E402
from data_access.periods import parse_period  # noqa: E402
from data_access.schema import observation  # noqa: E402
from data_access.scope import Scope  # noqa: E402
from data_access.settings import get_settings  # noqa: E402

TASK, ROOT_REGION = "village_monthly", "440800"


def build_demo(url: str, instance: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    env.update(
        COCKPIT_DATABASE_URL=url,
        COCKPIT_INSTANCE_DIR=str(instance),
        COCKPIT_ROOT_REGION=ROOT_REGION,
        PYTHONPATH=str(ROOT),
    )
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "data_access.cli", "demo"], env=env, check=True, capture_output=True
    )
    print(f"  demo store built in {time.perf_counter() - started:.0f} s")


def next_period() -> str:
    with store.engine().connect() as conn:
        last = conn.execute(
            select(text("max(period)"))
            .select_from(observation)
            .where(observation.c.indicator_code == "kiosks")
        ).scalar()
    return parse_period(last, "month").next().text


def filled_files(period: str) -> dict[str, tuple[str, bytes]]:
    """The template for the whole city with every field filled (±10 % of last period)."""
    name, data = template_xlsx(TASK, period, Scope.of(ROOT_REGION))
    book = load_workbook(io.BytesIO(data))
    ws = book.active
    header = [c.value for c in ws[3]]
    fields = [j for j, h in enumerate(header) if j >= 3 and not str(h).startswith("上期")]
    prev_of = {j: header.index(f"上期{header[j]}") for j in fields if f"上期{header[j]}" in header}
    rng = random.Random(11)
    rows = [header]
    for r in ws.iter_rows(min_row=4):
        for j in fields:
            cell = r[j]
            if j in prev_of:
                before = r[prev_of[j]].value or 0
                cell.value = before if before <= 1 else round(before * rng.uniform(0.9, 1.1))
            else:
                cell.value = "正常运行"
        rows.append([c.value for c in r])
    out = io.BytesIO()
    book.save(out)
    buf = io.StringIO()
    csv.writer(buf).writerows([["湛江市村级百千万工程工作月报"], *rows])
    csv_data = b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")
    return {"XLSX": (name, out.getvalue()), "CSV": (name.replace(".xlsx", ".csv"), csv_data)}


def timed(label: str, fn):
    clear()
    tracemalloc.start()
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"  {label:<44} {seconds:6.2f} s   peak {peak / 1e6:6.1f} MB")
    return result


def bench_file(fmt: str, name: str, data: bytes, period: str) -> None:
    scope = Scope.of(ROOT_REGION)
    print(f" {fmt}: {name}, {len(data) / 1e3:.0f} KB")
    grid = timed("read (grid + table)", lambda: find_table(read_grid(name, data, 50_000_000)))
    assert grid is not None
    plan = timed(
        "read + check (preview, dry run)",
        lambda: import_files([(name, data)], scope=scope, filer="bench", dry_run=True),
    )
    c = plan.counts()
    print(
        f"    {len(plan.items)} figures ({c['new']} new, {c['changed']} changed), {plan.submission_count()} submissions, {len(plan.problems)} errors, {len(plan.warnings)} warnings"
    )
    plan = timed(
        "read + check + write (one transaction)",
        lambda: import_files([(name, data)], scope=scope, filer="bench"),
    )
    assert plan.written, plan.problems[:3]
    plan = timed(
        "the same file again (all unchanged)",
        lambda: import_files([(name, data)], scope=scope, filer="bench"),
    )
    print(f"    second import: {dict(plan.counts())}")


def bench_submission(period: str) -> None:
    from data_access.form_entry import submit_form
    from data_access.forms import task_fields

    scope = Scope.of(ROOT_REGION)
    fields = task_fields(TASK)
    o = observation.c
    with store.engine().connect() as conn:
        villages = [
            r
            for (r,) in conn.execute(
                select(o.region_code).where(o.indicator_code == "kiosks", o.period == period).limit(400)
            )
        ]
        prev = {
            (r, i): v
            for r, i, v in conn.execute(
                select(o.region_code, o.indicator_code, o.value).where(o.period == period)
            )
        }
    times = []
    month = parse_period(period).next().text
    for code in villages[:: max(1, len(villages) // 15)][:15]:
        values = {f.name: prev.get((code, f.indicator_code), 0) for f in fields if f.kind == "indicator"}
        clear()
        started = time.perf_counter()
        notes = {f.name: "核实无误" for f in fields}  # a 情况说明 for any warning
        submit_form(
            TASK, code, month, values, {"备注": "正常"}, notes, scope=scope, user="bench", role="admin"
        )
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"  one village's online submission (submit_form): median {statistics.median(times):.0f} ms, max {max(times):.0f} ms over {len(times)} villages"
    )


def run(url: str, workdir: Path, label: str) -> None:
    print(f"== {label}")
    build_demo(url, workdir / "instance")
    store.configure(
        get_settings(database_url=url, instance_dir=str(workdir / "instance"), root_region=ROOT_REGION)
    )
    period = next_period()
    files = filled_files(period)
    for fmt in ("XLSX", "CSV"):
        if fmt == "CSV":  # a fresh period again, so the CSV import writes as much as the XLSX one
            period = parse_period(period).next().text
            files = filled_files(period)
        bench_file(fmt, *files[fmt], period)
    bench_submission(period)
    store.engine().dispose()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        run(f"sqlite:///{Path(tmp) / 'demo.db'}", Path(tmp), "SQLite")
        pg = os.environ.get("COCKPIT_TEST_DATABASE_URL", "")
        if pg:
            schema = f"bench_import_{uuid.uuid4().hex[:8]}"
            admin = create_engine(pg, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            sep = "&" if "?" in pg else "?"
            try:
                run(f"{pg}{sep}options={quote(f'-csearch_path={schema}')}", Path(tmp) / "pg", "PostgreSQL")
            finally:
                from data_access import db

                db.get_engine.cache_clear()
                with admin.connect() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()


if __name__ == "__main__":
    main()
