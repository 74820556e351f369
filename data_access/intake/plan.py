"""Turn files into a plan: every figure they would write (new, changed old → new, unchanged), every
problem by file, row and column, and the soft warnings. Reads only; ``commit`` writes."""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field, replace

from sqlalchemy import Connection, select

from ..errors import CockpitError
from ..indicators import LEVEL_SHORT, Indicator, read_catalogue
from ..periods import FREQUENCY_NAMES, PATTERNS, Period, normalize_period
from ..regions import Region, RegionIndex
from ..schema import observation, reporting_task
from ..scope import Scope
from . import cells
from .cells import BadCell, fold, header_key, is_blank, split_unit, text_of
from .layout import IGNORED_HEADERS, Table, find_table, role_of
from .model import FilePlan, Item, Plan
from .reading import Refused, read_grid

STATUS_WORDS = {
    "reported": "reported",
    "上报": "reported",
    "正式": "reported",
    "已上报": "reported",
    "revised": "reported",  # a changed value is stored as revised anyway
    "修订": "reported",
    "更正": "reported",
    "estimated": "estimated",
    "估计": "estimated",
    "预估": "estimated",
    "初步": "estimated",
}
TOTAL_WORDS = ("合计", "总计", "小计")
_TITLE_PERIODS = (
    re.compile(r"期别[:：]\s*([0-9Qq年月第季度一二三四/.-]+)"),
    re.compile(r"(\d{4}年第?[一二三四1-4]季度)"),
    re.compile(r"(\d{4}年\d{1,2}月)"),
    re.compile(r"(\d{4}-\d{2})"),
    re.compile(r"(\d{4}年度?)"),
)


@dataclass(frozen=True)
class TaskInfo:
    code: str
    name: str
    level: int
    frequency: str


@dataclass
class _Ctx:
    conn: Connection
    scope: Scope
    index: RegionIndex
    indicators: dict[str, Indicator]
    tasks: dict[str, TaskInfo]
    task: str | None
    period: str | None
    max_bytes: int
    by_name: dict[str, Indicator] = field(default_factory=dict)
    seen: dict[tuple[str, str, str], str] = field(default_factory=dict)
    _fields: dict[str, list] = field(default_factory=dict)

    def fields(self, task: str) -> list:
        if task not in self._fields:
            from ..forms import task_fields

            self._fields[task] = task_fields(task)
        return self._fields[task]


@functools.lru_cache(maxsize=512)
def _parse_period(raw: object) -> Period:
    """normalize_period, remembered: a city-wide file spells the same few periods thousands of times."""
    return normalize_period(raw)


def read_tasks(conn: Connection) -> dict[str, TaskInfo]:
    t = reporting_task.c
    rows = conn.execute(select(t.code, t.name, t.level, t.frequency).order_by(t.level, t.code))
    return {r.code: TaskInfo(*r) for r in rows}


def build_plan(
    conn: Connection,
    files: list[tuple[str, bytes]],
    *,
    scope: Scope,
    filer: str,
    index: RegionIndex,
    task: str | None = None,
    period: str | None = None,
    max_bytes: int = 20_000_000,
) -> Plan:
    """Read, normalise and check every file against the store as ``conn`` sees it."""
    indicators = read_catalogue(conn)
    ctx = _Ctx(conn, scope, index, indicators, read_tasks(conn), task, period, max_bytes)
    ctx.by_name = {header_key(i.name): i for i in indicators.values()}
    plans = [_plan_file(ctx, name, data) for name, data in files]
    _compare(conn, plans)
    _movements(conn, plans, indicators)
    return Plan(plans, filer, scope)


def _plan_file(ctx: _Ctx, name: str, data: bytes) -> FilePlan:
    fp = FilePlan(name, len(data), hashlib.sha256(data).hexdigest(), source=f"导入：{name}"[:64])
    try:
        grid = read_grid(name, data, ctx.max_bytes)
    except Refused as err:
        fp.problem(None, "", "", str(err))
        return fp
    fp.fmt = grid.fmt
    table = find_table(grid)
    if table is None:
        fp.problem(
            None, "", "", "找不到表头：前 30 行中没有“区划代码”列（长表需要 区划代码、指标、期别、数值 四列）"
        )
        return fp
    if not table.rows:
        fp.problem(None, "", "", "文件为空：表头下面没有数据行")
        return fp
    if table.is_long:
        fp.layout = "long"
        _long_rows(ctx, fp, table)
    else:
        fp.layout = "template"
        _template_rows(ctx, fp, table)
    return fp


# --- shared checks --------------------------------------------------------------------------------


def _region(ctx: _Ctx, fp: FilePlan, row: int, table: Table, cells_: list) -> Region | None:
    raw = table.cell(cells_, "code")
    column = table.where(table.roles["code"])
    try:
        code12 = cells.region_code(raw)
    except BadCell as err:
        fp.problem(row, column, raw, str(err))
        return None
    region = ctx.index.by_code.get(code12)
    if region is None:
        fp.problem(row, column, raw, f"未知地区：区划代码 {code12} 不存在")
        return None
    if not ctx.scope.contains(code12):
        fp.problem(row, column, raw, f"地区 {region.name}（{code12}）不在您的管辖范围内，不能填报")
        return None
    name_raw = table.cell(cells_, "name")
    if not is_blank(name_raw) and fold(name_raw) not in (region.name, fold(region.name)):
        fp.warn(
            row, table.where(table.roles["name"]), name_raw, f"名称与代码不符：{code12} 是“{region.name}”"
        )
    return region


def _period(ctx: _Ctx, fp: FilePlan, row: int, column: str, raw: object, frequency: str) -> str | None:
    """The row's period of ``frequency`` (a cell, else the --period / the title's), or a problem."""
    given = ctx.period
    if is_blank(raw):
        raw = given
        if raw is None:
            fp.problem(row, column, "", "缺少期别：请填写期别列，或指定期别")
            return None
    try:
        found = _parse_period(raw)
    except CockpitError:
        fp.problem(
            row, column, raw, "期别格式无法识别（可写 2026-10、2026年10月、2026/10、202610、2026-Q3、2026）"
        )
        return None
    if found.frequency != frequency:
        fp.problem(
            row,
            column,
            raw,
            f"期别类型不符：本项为{FREQUENCY_NAMES[frequency]}数据，期别应为 {PATTERNS[frequency]}，"
            f"不能是{FREQUENCY_NAMES[found.frequency]}期别",
        )
        return None
    if given is not None and found.text != _parse_period(given).text:
        fp.problem(row, column, raw, f"期别 {found.text} 与指定的期别 {given} 不一致")
        return None
    return found.text


def _value(fp: FilePlan, row: int, column: str, raw: object, ind: Indicator) -> float | None:
    try:
        value = cells.number(raw, ind.unit)
    except BadCell as err:
        fp.problem(row, column, raw, f"{err}（{ind.name}）")
        return None
    if value is None:
        return None
    low, high = ind.min_value, ind.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        span = f"{'-∞' if low is None else f'{low:g}'} ～ {'+∞' if high is None else f'{high:g}'}"
        fp.problem(row, column, raw, f"超出有效范围：{ind.name} 应在 {span} {ind.unit} 之间")
        return None
    return value


def _add(ctx: _Ctx, fp: FilePlan, item: Item) -> bool:
    where = f"{fp.name} 第 {item.row} 行"
    first = ctx.seen.setdefault(item.key, where)
    if first != where:
        fp.problem(
            item.row,
            item.column,
            text_of(item.value),
            f"同一单元重复填报：与 {first} 的 {item.indicator_name}、{item.period} 相同",
        )
        return False
    fp.items.append(item)
    return True


def _level_ok(fp: FilePlan, row: int, column: str, region: Region, ind: Indicator) -> bool:
    if region.level > ind.lowest_level or (
        ind.aggregation == "weighted_mean" and region.level < ind.lowest_level
    ):
        fp.problem(
            row,
            column,
            region.code,
            f"{ind.name} 由{LEVEL_SHORT[ind.lowest_level]}级填报，{region.name} 是{LEVEL_SHORT[region.level]}级",
        )
        return False
    return True


# --- long tables: 区划代码, 指标, 期别, 数值 [, 状态, 备注] --------------------------------------------


def _indicator(ctx: _Ctx, fp: FilePlan, row: int, column: str, raw: object) -> Indicator | None:
    text = fold(raw)
    ind = ctx.indicators.get(text) or ctx.by_name.get(header_key(text))
    if ind is None:
        fp.problem(row, column, raw, "未知指标：既不是指标代码也不是指标名称" if text else "缺少指标")
        return None
    if ind.aggregation == "ratio":
        fp.problem(row, column, raw, f"{ind.name} 是比率指标，由分子、分母计算得出，不能直接填报")
        return None
    return ind


def _long_rows(ctx: _Ctx, fp: FilePlan, table: Table) -> None:
    fp.task = ctx.task
    task = ctx.tasks.get(ctx.task) if ctx.task else None
    if ctx.task and task is None:
        fp.problem(None, "", ctx.task, "未知报表任务")
        return
    if "period" not in table.roles and ctx.period is None:
        fp.problem(table.header_row, "", "", "缺少“期别”列：请加上期别列，或指定期别")
        return
    given: dict[tuple[str, str], dict[str, float]] = {}
    notes: dict[tuple[str, str], dict[str, str]] = {}
    for row, cells_ in table.rows:
        if _is_total(table, cells_):
            fp.warn(row, "", "", "合计行，已忽略（合计由系统汇总）")
            continue
        region = _region(ctx, fp, row, table, cells_)
        ind_col = table.where(table.roles["indicator"])
        ind = _indicator(ctx, fp, row, ind_col, table.cell(cells_, "indicator"))
        status = _status(fp, row, table, cells_)
        if region is None or ind is None or status is None:
            continue
        per_col = table.where(table.roles["period"]) if "period" in table.roles else "期别"
        period = _period(ctx, fp, row, per_col, table.cell(cells_, "period"), ind.frequency)
        val_col = table.where(table.roles["value"])
        value = _value(fp, row, val_col, table.cell(cells_, "value"), ind)
        if (
            period is None
            or value is None
            or not _level_ok(fp, row, table.where(table.roles["code"]), region, ind)
        ):
            continue
        item = Item(
            fp.name,
            row,
            val_col,
            region.code,
            region.name,
            ind.code,
            ind.name,
            ind.unit,
            period,
            value,
            status,
        )
        if _add(ctx, fp, item):
            given.setdefault((region.code, period), {})[ind.code] = value
            note = table.cell(cells_, "note")
            if not is_blank(note):
                notes.setdefault((region.code, period), {})[ind.name] = text_of(note)
    if task is not None and fp.accepted:
        _long_submissions(ctx, fp, task, given, notes)


def _status(fp: FilePlan, row: int, table: Table, cells_: list) -> str | None:
    raw = table.cell(cells_, "status")
    if is_blank(raw):
        return "reported"
    status = STATUS_WORDS.get(fold(raw).lower())
    if status is None:
        fp.problem(
            row, table.where(table.roles["status"]), raw, "状态无法识别（可填 上报、修订、估计，或留空）"
        )
    return status


def _long_submissions(ctx: _Ctx, fp: FilePlan, task: TaskInfo, given: dict, notes: dict) -> None:
    """A unit whose rows give every required indicator field of the task has submitted it."""
    fields = ctx.fields(task.code)
    required = {f.indicator_code for f in fields if f.kind == "indicator" and f.required}
    for (region12, period), figures in given.items():
        if ctx.index.by_code[region12].level == task.level and required <= set(figures):
            texts = {}
            if any(f.kind == "text" and f.name == "备注" for f in fields) and notes.get((region12, period)):
                texts["备注"] = "；".join(f"{k}：{v}" for k, v in notes[(region12, period)].items())
            fp.submissions.setdefault((task.code, period), {})[region12] = texts


def _is_total(table: Table, cells_: list) -> bool:
    return is_blank(table.cell(cells_, "code")) and any(
        any(w in fold(v) for w in TOTAL_WORDS) for v in cells_ if isinstance(v, str)
    )


# --- the task's template: one row per unit, one column per field -------------------------------------


def _detect_task(ctx: _Ctx, table: Table) -> str | None:
    if ctx.task:
        return ctx.task
    for text in table.titles:
        for t in ctx.tasks.values():
            if t.name in text:
                return t.code
    scores = {}
    for code in ctx.tasks:
        try:
            columns, _ = _field_columns(ctx, table, code)
        except CockpitError:
            continue
        scores[code] = len(columns)
    best = max(scores.values(), default=0)
    winners = [c for c, s in scores.items() if s == best]
    return winners[0] if best and len(winners) == 1 else None


def _field_columns(
    ctx: _Ctx, table: Table, task: str
) -> tuple[dict[int, object], list[tuple[int, str, str]]]:
    """Column index → task field, and (column, header unit, field unit) for units that differ."""
    by_key = {}
    for f in ctx.fields(task):
        by_key[header_key(f.name)] = f
        if f.indicator_code:
            by_key[header_key(f.indicator_code)] = f
    found: dict[int, object] = {}
    wrong_units = []
    for j, header in enumerate(table.headers):
        if j in (table.roles.get("code"), table.roles.get("name"), table.roles.get("period")):
            continue
        name, unit = split_unit(header)
        f = by_key.get(header_key(header))  # a name that ends in brackets itself: 已接入村（社区）
        if f is not None:
            unit = None
        else:
            f = by_key.get(header_key(name))
        if f is None:
            continue
        if unit is not None and f.kind == "indicator" and header_key(unit) != header_key(f.unit):
            wrong_units.append((j, unit, f.unit))
        found[j] = f
    return found, wrong_units


def _title_period(table: Table, frequency: str) -> str | None:
    for text in table.titles:
        for pattern in _TITLE_PERIODS:
            for found in pattern.findall(text):
                try:
                    return normalize_period(found, frequency).text
                except CockpitError:
                    continue
    return None


def _template_rows(ctx: _Ctx, fp: FilePlan, table: Table) -> None:
    code = _detect_task(ctx, table)
    task = ctx.tasks.get(code) if code else None
    if task is None:
        reason = (
            "未知报表任务"
            if code
            else "无法判断是哪张报表：表头既不是长表（区划代码、指标、期别、数值），也不是某个报表任务的模板；请指定报表任务"
        )
        fp.problem(None, "", code or "", reason)
        return
    fp.task = task.code
    columns, wrong_units = _field_columns(ctx, table, task.code)
    for j, unit, wanted in wrong_units:
        fp.problem(table.header_row, table.where(j), unit, f"计量单位不符：该项单位应为 {wanted}")
    if not columns:
        fp.problem(table.header_row, "", "", f"表头中没有“{task.name}”的任何字段")
        return
    _unknown_columns(fp, table, columns)
    missing = [f.name for f in ctx.fields(task.code) if f not in columns.values()]
    if missing:
        fp.warn(
            table.header_row,
            "",
            "",
            f"文件中没有这些字段的列：{'、'.join(missing)}（各单位据此不能完成报送）",
        )
    default_period = None
    if "period" not in table.roles and ctx.period is None:
        default_period = _title_period(table, task.frequency)
        if default_period is None:
            fp.problem(
                None, "", "", "无法确定期别：请在表中加“期别”列、在标题中写明（如 2026年10月），或指定期别"
            )
            return
    for row, cells_ in table.rows:
        _template_row(ctx, fp, table, task, columns, row, cells_, default_period)


def _unknown_columns(fp: FilePlan, table: Table, columns: dict[int, object]) -> None:
    for j, header in enumerate(table.headers):
        if j in columns or j in table.roles.values() or not header:
            continue
        if header.startswith("上期") or header in IGNORED_HEADERS or role_of(header):
            continue
        if any(j < len(r) and not is_blank(r[j]) for _, r in table.rows):
            fp.warn(table.header_row, table.where(j), header, "无法识别的列，已忽略")


def _template_row(
    ctx: _Ctx,
    fp: FilePlan,
    table: Table,
    task: TaskInfo,
    columns: dict,
    row: int,
    cells_: list,
    default_period: str | None,
) -> None:
    def at(j: int) -> object:
        return cells_[j] if j < len(cells_) else None

    if all(is_blank(at(j)) for j in columns):
        return  # a unit that has not filled its row: nothing to write, not an error
    if _is_total(table, cells_):
        fp.warn(row, "", "", "合计行，已忽略（合计由系统汇总）")
        return
    region = _region(ctx, fp, row, table, cells_)
    if region is None:
        return
    if region.level != task.level:
        fp.problem(
            row,
            table.where(table.roles["code"]),
            region.code,
            f"“{task.name}”由{LEVEL_SHORT[task.level]}级单位填报，{region.name} 是{LEVEL_SHORT[region.level]}级",
        )
        return
    per_raw = table.cell(cells_, "period")
    per_col = table.where(table.roles["period"]) if "period" in table.roles else "期别"
    period = _period(
        ctx,
        fp,
        row,
        per_col,
        default_period if is_blank(per_raw) and default_period else per_raw,
        task.frequency,
    )
    if period is None:
        return
    complete, texts = True, {}
    for j, f in columns.items():
        raw = at(j)
        if f.kind == "text":
            if not is_blank(raw):
                texts[f.name] = text_of(raw)  # kept as given
            elif f.required:
                complete = False
            continue
        ind = ctx.indicators.get(f.indicator_code)
        if ind is None:
            fp.problem(row, table.where(j), raw, f"未知指标：{f.indicator_code}")
            continue
        value = _value(fp, row, table.where(j), raw, ind)
        if value is None:
            complete = complete and not f.required
            continue
        _add(
            ctx,
            fp,
            Item(
                fp.name,
                row,
                table.where(j),
                region.code,
                region.name,
                ind.code,
                ind.name,
                ind.unit,
                period,
                value,
            ),
        )
    if complete:
        fp.submissions.setdefault((task.code, period), {})[region.code] = texts
    else:
        fp.warn(row, "", region.name, "必填项未填全：已填的数值照常写入，但本单位本期不计为已报送")


# --- against the store: old values and soft warnings -------------------------------------------------


def _values(conn: Connection, pairs: set[tuple[str, str]]) -> dict[tuple[str, str, str], tuple[float, str]]:
    """(indicator, region, period) → (value, status) for every stored figure of those pairs."""
    o = observation.c
    found = {}
    for code, period in pairs:
        stmt = select(o.region_code, o.value, o.status).where(o.indicator_code == code, o.period == period)
        for region, value, status in conn.execute(stmt):
            found[(code, region, period)] = (value, status)
    return found


def _compare(conn: Connection, plans: list[FilePlan]) -> None:
    current = _values(conn, {(i.indicator, i.period) for f in plans for i in f.items})
    for fp in plans:
        fresh = []
        for i in fp.items:
            old = current.get(i.key)
            if old is None:
                fresh.append(i)
                continue
            same = old[0] == i.value and not (old[1] == "estimated" and i.status != "estimated")
            fresh.append(replace(i, old=old[0], old_status=old[1], kind="unchanged" if same else "changed"))
        fp.items = fresh


def _movements(conn: Connection, plans: list[FilePlan], indicators: dict[str, Indicator]) -> None:
    """Warn (never refuse) when a figure moves more than 50 % against last period or last year:
    the online form's rule (``forms.swing_warnings``), against the store or the same files."""
    from ..forms import Baseline, TaskField, swing_warnings

    items = [i for f in plans for i in f.items]
    if not items:
        return
    earlier = {}
    for i in items:
        p = _parse_period(i.period)
        earlier[i.key] = (p.prev().text, p.same_last_year().text)
    stored = _values(conn, {(i.indicator, p) for i in items for p in earlier[i.key]})
    given = {i.key: i.value for i in items}

    def before(i: Item, period: str) -> float | None:
        key = (i.indicator, i.region, period)
        return given[key] if key in given else stored.get(key, (None,))[0]

    for fp in plans:
        for i in fp.items:
            ind = indicators[i.indicator]
            field_ = TaskField(
                "",
                0,
                "indicator",
                ind.code,
                ind.name,
                ind.unit,
                ind.decimals,
                ind.min_value,
                ind.max_value,
                False,
            )
            prev, last = earlier[i.key]
            for issue in swing_warnings(
                field_, i.value, Baseline(before(i, prev), prev, before(i, last), last)
            ):
                note = issue.message.replace("，请填写情况说明", "，请核实")  # a file has no 情况说明 box
                fp.warn(i.row, i.column, i.value, f"{i.region_name} {i.indicator_name}{note}")
