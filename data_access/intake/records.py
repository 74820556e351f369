"""Record imports on the intake's reader: 矛盾纠纷·码上办 cases and 雪亮工程 cameras, one row each.

``import_records(kind, name, data, scope=, filer=, dry_run=)`` reads the file with
:func:`reading.read_grid` (CSV/XLSX/XLS/ODS), finds the columns by their header (Chinese or the
field name), checks every row (problems name the file, row and column, in Chinese) and, when no
row has a problem and it is not a dry run, writes everything in one transaction: rows are
upserted by their id (a re-import updates status and resolution), and for cases the governance
observations of the villages touched are derived again (``governance.derive``) and written with
history. A refused file writes nothing but its audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import Connection, select

from .. import audit, store
from ..governance import CHANNELS, LEVELS, OPEN_STATUSES, STATUSES, Case, case_row, derive, observation_rows
from ..observations import write_observations
from ..periods import month_range
from ..schema import case_type, dispute_case, video_resource
from ..scope import Scope
from ..values import local_region_index
from .cells import BadCell, fold, header_key, is_blank, region_code, text_of
from .model import Issue
from .reading import read_grid

KINDS = {"cases": "矛盾纠纷案件", "cameras": "视频点位"}
# field → (column title for messages, accepted header spellings, required)
CASE_COLUMNS = {
    "case_id": ("案件编号", ("案件编号", "案件号", "case_id"), True),
    "village": ("村（社区）代码", ("村（社区）代码", "村代码", "村居代码", "区划代码", "village_code", "region_code"), True),
    "type": ("纠纷类型", ("纠纷类型", "案件类型", "类型", "type"), True),
    "received_at": ("受理时间", ("受理时间", "受理日期", "received_at"), True),
    "channel": ("来源渠道", ("来源渠道", "渠道", "channel"), True),
    "due_date": ("办理期限", ("办理期限", "期限", "due_date"), True),
    "status": ("状态", ("状态", "办理状态", "status"), True),
    "resolved_level": ("化解层级", ("化解层级", "办结层级", "resolved_level"), False),
    "resolved_at": ("办结时间", ("办结时间", "化解时间", "resolved_at"), False),
    "satisfaction": ("满意度", ("满意度", "满意度评价", "satisfaction"), False),
}  # fmt: skip
CAMERA_COLUMNS = {
    "camera_id": ("点位编号", ("点位编号", "摄像机编号", "camera_id"), True),
    "location": ("点位名称", ("点位名称", "位置", "安装位置", "location"), True),
    "region": ("地区代码", ("地区代码", "区划代码", "region_code"), True),
    "lon": ("经度", ("经度", "lon"), False),
    "lat": ("纬度", ("纬度", "lat"), False),
    "online": ("在线状态", ("在线状态", "是否在线", "在线", "online"), True),
    "connected": ("是否接入省平台", ("是否接入省平台", "接入省平台", "联网", "connected"), True),
}  # fmt: skip
YES = {"是", "在线", "已接入", "1", "true", "yes", "y", "√"}
NO = {"否", "离线", "未接入", "0", "false", "no", "n", "×"}


@dataclass
class RecordReport:
    """What an import did or would do: new, updated and unchanged rows, or the problems."""

    kind: str
    name: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    observations: int = 0
    problems: list[Issue] = field(default_factory=list)
    written: bool = False

    @property
    def accepted(self) -> bool:
        return not self.problems


class _Rows:
    """The grid's data rows with their spreadsheet row numbers and a column lookup by field."""

    def __init__(self, report: RecordReport, grid_rows: list[list[object]], columns: dict):
        self.report, self.columns = report, columns
        header = [header_key(v) for v in grid_rows[0]]
        self.where: dict[str, int] = {}
        for key, (title, names, required) in columns.items():
            hits = [i for i, h in enumerate(header) if h in {header_key(n) for n in names}]
            if hits:
                self.where[key] = hits[0]
            elif required:
                report.problems.append(Issue(report.name, 1, "", "", f"缺少“{title}”列"))
        self.rows = [(i + 1, r) for i, r in enumerate(grid_rows) if i > 0 and any(not is_blank(v) for v in r)]

    def cell(self, row: list[object], key: str) -> object:
        j = self.where.get(key)
        return row[j] if j is not None and j < len(row) else None

    def bad(self, number: int, key: str, raw: object, reason: str) -> None:
        self.report.problems.append(
            Issue(self.report.name, number, self.columns[key][0], text_of(raw), reason)
        )


def import_records(
    kind: str,
    name: str,
    data: bytes,
    *,
    scope: Scope,
    filer: str,
    dry_run: bool = False,
    now: datetime | None = None,
) -> RecordReport:
    """Check ``data`` (a file called ``name``) as ``kind`` (cases|cameras); write it unless refused."""
    if kind not in KINDS:
        raise BadCell(f"未知的导入类型：{kind}（应为 cases 或 cameras）")
    now = now or datetime.now().replace(microsecond=0)
    report = RecordReport(kind, name)
    grid = read_grid(name, data, int(store.settings().import_max_mb * 1_000_000))
    rows = _Rows(report, grid.rows, CASE_COLUMNS if kind == "cases" else CAMERA_COLUMNS)
    with store.engine().connect() if dry_run else store.engine().begin() as conn:
        parsed = (
            _check_cases(conn, rows, scope, now) if kind == "cases" else _check_cameras(conn, rows, scope)
        )
        if not report.accepted or dry_run:
            _count(conn, report, parsed)
        else:
            _write_records(conn, report, parsed, filer=filer, now=now, scope=scope)
    outcome = "ok" if report.accepted else "refused"
    if not report.written:  # a write records its entry inside its transaction
        audit.record("import", username=filer, region_code=scope.root, outcome=outcome,
                     detail=_summary(report) + ("（试运行）" if dry_run and report.accepted else ""))  # fmt: skip
    return report


def _summary(r: RecordReport) -> str:
    if not r.accepted:
        return f"{KINDS[r.kind]} {r.name}：{len(r.problems)} 处错误：{r.problems[0]}"
    return f"{KINDS[r.kind]} {r.name}：新增 {r.new}，更新 {r.updated}，不变 {r.unchanged}"


# --- cases -----------------------------------------------------------------------------------------


def _when(value: object) -> datetime:
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    if isinstance(value, date):
        return datetime.combine(value, time())
    text = fold(value).replace("/", "-").replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise BadCell("不是日期时间（应为 2026-10-03 09:15 或 2026-10-03）")


def _check_cases(conn: Connection, rows: _Rows, scope: Scope, now: datetime) -> list[Case]:
    if rows.report.problems:
        return []
    types = {}
    for code, label in conn.execute(select(case_type.c.code, case_type.c.name)):
        types[code] = types[label] = code
    index, seen, out = local_region_index(), {}, []
    for number, row in rows.rows:
        case = _case(rows, number, row, scope, index, types, now)
        if case is None:
            continue
        if case.case_id in seen:
            rows.bad(number, "case_id", case.case_id, f"案件编号与第 {seen[case.case_id]} 行重复")
            continue
        seen[case.case_id] = number
        out.append(case)
    return out


def _case(
    rows: _Rows, number: int, row: list, scope: Scope, index, types: dict, now: datetime
) -> Case | None:  # noqa: ANN001
    before = len(rows.report.problems)
    get = lambda key: rows.cell(row, key)  # noqa: E731
    case_id = fold(get("case_id"))
    if not case_id or len(case_id) > 32:
        rows.bad(number, "case_id", get("case_id"), "案件编号为空或超过 32 个字符")
    village = None
    try:
        village = region_code(get("village"))
        reg = index.get(village)
        if reg is None:
            rows.bad(number, "village", get("village"), "没有这个区划代码")
        elif reg.level != 5:
            rows.bad(number, "village", get("village"), f"{reg.name}不是村（社区）")
        elif not scope.contains(village):
            rows.bad(number, "village", get("village"), f"{reg.name}不在您的管辖范围内")
    except BadCell as err:
        rows.bad(number, "village", get("village"), str(err))
    kind = types.get(fold(get("type")))
    if kind is None:
        rows.bad(number, "type", get("type"), "未知的纠纷类型（见案件类型表）")
    channel, status, level = fold(get("channel")), fold(get("status")), fold(get("resolved_level")) or None
    if channel not in CHANNELS:
        rows.bad(number, "channel", get("channel"), f"来源渠道应为{'、'.join(CHANNELS)}之一")
    if status not in STATUSES:
        rows.bad(number, "status", get("status"), f"状态应为{'、'.join(STATUSES)}之一")
    if level is not None and level not in LEVELS:
        rows.bad(number, "resolved_level", get("resolved_level"), "化解层级应为村、镇、县、市之一")
    received = due = resolved = None
    for key in ("received_at", "due_date", "resolved_at"):
        if key == "resolved_at" and is_blank(get(key)):
            continue
        try:
            value = _when(get(key))
        except BadCell as err:
            rows.bad(number, key, get(key), str(err))
            continue
        received, due, resolved = (
            (value, due, resolved) if key == "received_at" else
            (received, value.date(), resolved) if key == "due_date" else (received, due, value)
        )  # fmt: skip
    if received and received > now:
        rows.bad(number, "received_at", get("received_at"), "受理时间晚于当前时间")
    if received and due and due < received.date():
        rows.bad(number, "due_date", get("due_date"), "办理期限早于受理时间")
    closed = status in ("已化解", "未化解")
    if closed and (resolved is None or level is None):
        rows.bad(number, "resolved_at", get("resolved_at"), f"状态为“{status}”时须填写办结时间和化解层级")
    if status in OPEN_STATUSES and resolved is not None:
        rows.bad(number, "resolved_at", get("resolved_at"), f"状态为“{status}”（未办结）时不应有办结时间")
    if resolved and received and not received <= resolved <= now:
        rows.bad(number, "resolved_at", get("resolved_at"), "办结时间应在受理时间之后、当前时间之前")
    score = None
    if not is_blank(get("satisfaction")):
        text = fold(get("satisfaction"))
        score = int(float(text)) if text.replace(".", "", 1).isdigit() and float(text).is_integer() else None
        if score is None or not 1 <= score <= 5:
            rows.bad(number, "satisfaction", get("satisfaction"), "满意度应为 1 至 5 的整数，或留空")
    if len(rows.report.problems) > before:
        return None
    return Case(case_id, village, kind, received, channel, due, status, level, resolved, score)


# --- cameras ---------------------------------------------------------------------------------------


def _flag(value: object) -> bool | None:
    text = fold(value).lower()
    return True if text in YES else False if text in NO else None


def _check_cameras(conn: Connection, rows: _Rows, scope: Scope) -> list[dict]:
    if rows.report.problems:
        return []
    index, seen, out = local_region_index(), {}, []
    for number, row in rows.rows:
        before = len(rows.report.problems)
        get = lambda key, r=row: rows.cell(r, key)  # noqa: E731
        cid, place = fold(get("camera_id")), fold(get("location"))
        if not cid or len(cid) > 24:
            rows.bad(number, "camera_id", get("camera_id"), "点位编号为空或超过 24 个字符")
        elif cid in seen:
            rows.bad(number, "camera_id", cid, f"点位编号与第 {seen[cid]} 行重复")
        if not place or len(place) > 64:
            rows.bad(number, "location", get("location"), "点位名称为空或超过 64 个字符")
        code = None
        try:
            code = region_code(get("region"))
            reg = index.get(code)
            if reg is None or not scope.contains(code):
                rows.bad(number, "region", get("region"), "没有这个区划代码，或不在您的管辖范围内")
        except BadCell as err:
            rows.bad(number, "region", get("region"), str(err))
        lon, lat = (
            _coordinate(rows, number, get("lon"), "lon", 73, 136),
            _coordinate(rows, number, get("lat"), "lat", 3, 54),
        )
        if (lon is None) != (lat is None):
            rows.bad(number, "lon", get("lon"), "经度和纬度应同时填写或同时留空")
        online, connected = _flag(get("online")), _flag(get("connected"))
        for key, value in (("online", online), ("connected", connected)):
            if value is None:
                rows.bad(number, key, get(key), "应填 是/否（或 在线/离线、1/0）")
        if len(rows.report.problems) == before:
            seen[cid] = number
            out.append({"camera_id": cid, "region_code": code, "location": place, "lon": lon, "lat": lat,
                        "online": online, "connected": connected, "_row": number})  # fmt: skip
    _foreign_cameras(conn, rows, out, scope)
    return out


def _coordinate(rows: _Rows, number: int, raw: object, key: str, lo: float, hi: float) -> float | None:
    if is_blank(raw):
        return None
    try:
        value = float(fold(raw))
    except ValueError:
        value = None
    if value is None or not lo <= value <= hi:
        rows.bad(number, key, raw, f"应为 {lo}—{hi} 之间的度数")
        return None
    return round(value, 6)


def _foreign_cameras(conn: Connection, rows: _Rows, out: list[dict], scope: Scope) -> None:
    """An id already held by a camera outside the scope is refused (it is someone else's camera)."""
    ids = [r["camera_id"] for r in out]
    for i in range(0, len(ids), 500):
        stmt = select(video_resource.c.camera_id, video_resource.c.region_code).where(
            video_resource.c.camera_id.in_(ids[i : i + 500])
        )
        for cid, code in conn.execute(stmt):
            if not scope.contains(code):
                row = next(r for r in out if r["camera_id"] == cid)
                rows.bad(row["_row"], "camera_id", cid, "该点位编号属于您管辖范围以外的点位")


# --- counting and writing ----------------------------------------------------------------------------


def _existing(conn: Connection, kind: str, ids: list[str]) -> dict[str, dict]:
    table, key = (dispute_case, "case_id") if kind == "cases" else (video_resource, "camera_id")
    out = {}
    for i in range(0, len(ids), 500):
        for row in conn.execute(select(table).where(table.c[key].in_(ids[i : i + 500]))):
            out[row._mapping[key]] = dict(row._mapping)
    return out


def _new_row(kind: str, record, now: datetime) -> dict:
    return case_row(record, now) if kind == "cases" else {k: v for k, v in record.items() if k != "_row"}


def _same(kind: str, old: dict, new: dict) -> bool:
    skip = {"updated_at"}
    return all(_norm(old.get(k)) == _norm(v) for k, v in new.items() if k not in skip)


def _norm(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ")[:19] if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        return value.replace("T", " ")[:19]
    return value


def _split(conn: Connection, report: RecordReport, parsed: list, now: datetime):
    ids = [p.case_id if report.kind == "cases" else p["camera_id"] for p in parsed]
    old = _existing(conn, report.kind, ids)
    new, changed = [], []
    for record, cid in zip(parsed, ids, strict=True):
        row = _new_row(report.kind, record, now)
        if cid not in old:
            new.append(row)
        elif not _same(report.kind, old[cid], row):
            changed.append((old[cid], row))
    report.new, report.updated, report.unchanged = (
        len(new),
        len(changed),
        len(parsed) - len(new) - len(changed),
    )
    return new, changed


def _count(conn: Connection, report: RecordReport, parsed: list) -> None:
    if report.accepted:
        _split(conn, report, parsed, datetime.now())


def _write_records(
    conn: Connection, report: RecordReport, parsed: list, *, filer: str, now: datetime, scope: Scope
) -> None:
    table, key = (dispute_case, "case_id") if report.kind == "cases" else (video_resource, "camera_id")
    new, changed = _split(conn, report, parsed, now)
    if new:
        conn.execute(table.insert(), new)
    for _old, row in changed:
        conn.execute(table.update().where(table.c[key] == row[key]).values(**row))
    if report.kind == "cases" and (new or changed):
        report.observations = _rederive(conn, new, changed, filer, now)
    report.written = True
    audit.record("import", username=filer, region_code=scope.root, conn=conn, detail=_summary(report))


def _rederive(
    conn: Connection, new: list[dict], changed: list[tuple[dict, dict]], filer: str, now: datetime
) -> int:
    """Derive the governance figures again for the villages touched, from their earliest month on."""
    touched = [*new, *(r for _, r in changed), *(o for o, _ in changed)]
    villages = sorted({r["village_code"] for r in touched})
    first = min(_as_datetime(r["received_at"]) for r in touched).strftime("%Y-%m")
    cases = []
    for i in range(0, len(villages), 500):
        for r in conn.execute(
            select(dispute_case).where(dispute_case.c.village_code.in_(villages[i : i + 500]))
        ):
            cases.append(Case(r.case_id, r.village_code, r.type_code, _as_datetime(r.received_at), r.channel,
                              _as_date(r.due_date), r.status, r.resolved_level, _as_datetime(r.resolved_at),
                              r.satisfaction))  # fmt: skip
    # up to the newest month in which a case was received or closed (or the store's as-of month)
    events = [c.received_at for c in cases] + [c.resolved_at for c in cases if c.resolved_at]
    as_of = store.get_meta("as_of_period", None, conn=conn) or ""
    last = max(max(events).strftime("%Y-%m"), as_of if as_of <= now.strftime("%Y-%m") else "")
    months = month_range(last, _months_between(first, last))
    figures = derive(cases, villages, months)
    rows = observation_rows(figures, villages, months)
    result = write_observations(rows, source="码上办导入", reported_by=filer, conn=conn)
    return result.inserted + result.revised


def _months_between(first: str, last: str) -> int:
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1


def _as_datetime(value: object) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def print_records(
    kind: str, files: list[tuple[str, bytes]], *, scope: Scope, filer: str, dry_run: bool
) -> int:
    """``cockpit import --kind cases|cameras``: each file on its own (all or nothing per file)."""
    from .reading import Refused

    status = 0
    for name, data in files:
        try:
            report = import_records(kind, name, data, scope=scope, filer=filer, dry_run=dry_run)
        except (Refused, BadCell) as exc:
            print(f"== {name}：拒绝：{exc}")
            status = 1
            continue
        if not report.accepted:
            print(f"== {name}：拒绝（{len(report.problems)} 处错误），未写入任何数据")
            for p in report.problems:
                print(f"  错误 {p}")
            status = 1
            continue
        done = "已写入" if report.written else "试运行，未写入"
        extra = f"；重新计算基层治理指标 {report.observations} 项" if report.observations else ""
        print(
            f"== {name}：通过，{done}：新增 {report.new}，更新 {report.updated}，不变 {report.unchanged}{extra}"
        )
    return status
