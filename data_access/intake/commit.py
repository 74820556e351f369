"""Write a plan: one transaction for every file of an import (all or nothing)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from .. import audit, store
from ..observations import ANALYZE_AFTER, refresh_statistics, write_observations
from ..values import local_region_index
from .model import FilePlan, Plan
from .plan import build_plan


def import_files(
    files: list[tuple[str, bytes]],
    *,
    scope,
    filer: str,
    task: str | None = None,
    period: str | None = None,
    dry_run: bool = False,
    address: str = "",
    now: datetime | None = None,
) -> Plan:
    """Plan the import of ``files`` (name, bytes) and, unless ``dry_run`` or a file has an error,
    write it: observations (history kept, data version bumped, rollups of the touched regions
    refreshed), the submissions the files complete and one audit entry per file, in one
    transaction. A refused import writes nothing but its audit entries (outcome "refused").
    """
    index = local_region_index()
    max_bytes = int(store.settings().import_max_mb * 1_000_000)
    args = dict(scope=scope, filer=filer, index=index, task=task, period=period, max_bytes=max_bytes)
    if dry_run:
        with store.engine().connect() as conn:
            return build_plan(conn, files, **args)
    with store.engine().begin() as conn:
        plan = build_plan(conn, files, **args)
        if plan.accepted:
            write_plan(conn, plan, address=address, now=now or datetime.now().replace(microsecond=0))
    if plan.written and plan.counts()["new"] >= ANALYZE_AFTER:
        refresh_statistics()  # PostgreSQL plans rollups badly on a bulk load without fresh statistics
    if not plan.accepted:
        for fp in plan.files:
            audit.record(
                "import",
                username=filer,
                region_code=scope.root,
                outcome="refused",
                detail=f"{_identity(fp)}；{len(fp.problems)} 处错误"
                + (f"：{fp.problems[0]}" if fp.problems else "（同批其他文件有错误，整批未写入）"),
                address=address,
            )
    return plan


def write_plan(conn: Connection, plan: Plan, *, address: str, now: datetime) -> None:
    """Write an accepted plan on ``conn`` (the caller's transaction)."""
    from ..forms import record_submissions

    for fp in plan.files:
        for status in ("reported", "estimated"):
            rows = [
                {"indicator": i.indicator, "region": i.region, "period": i.period, "value": i.value}
                for i in fp.items
                if i.kind != "unchanged" and i.status == status
            ]
            if rows:
                write_observations(
                    rows, source=fp.source, reported_by=plan.filer, file=fp.name, status=status, conn=conn
                )
        submitted = 0
        for (task, period), units in fp.submissions.items():
            # a unit already submitted with the same texts is left alone (a second import: no change)
            texts = {code: t for code, t in units.items() if t}
            submitted += record_submissions(
                conn, task, period, sorted(units), filer=plan.filer, now=now, texts=texts or None
            )
        counts = fp.counts()
        audit.record(
            "import",
            username=plan.filer,
            region_code=plan.scope.root,
            detail=f"{_identity(fp)}；新增 {counts['new']} 项，修改 {counts['changed']} 项，"
            f"不变 {counts['unchanged']} 项；报送 {submitted} 个单位",
            address=address,
            at=now,
            conn=conn,
        )
    plan.written = True


def _identity(fp: FilePlan) -> str:
    return f"文件 {fp.name}（{fp.size} 字节，SHA-256 {fp.sha256}）"
