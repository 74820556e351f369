"""The task's own template for download: one row per unit of the user's scope, one column per
field (headed by the field's name and unit), pre-filled with the unit's code and name, any figure
the store already holds for the period, and last period's values beside (read-only 上期 columns,
ignored on import)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from .. import store
from ..errors import NotFound
from ..periods import normalize_period
from ..schema import observation
from ..scope import Scope
from ..values import local_region_index
from .plan import read_tasks

GREY = PatternFill("solid", fgColor="EEEEEE")
HEAD = PatternFill("solid", fgColor="DDE7F3")


def default_period(task: str) -> str | None:
    """The round a filer works on now: the online form's rule (``form_entry.default_period``)."""
    from ..form_entry import default_period as current_round

    return current_round(task)


def template_name(task_name: str, period: str) -> str:
    return f"{task_name}_{period}.xlsx"


def field_header(f) -> str:
    """How a field is headed: name and unit, ``粤智助自助机数（个）``; text fields by name only."""
    return f"{f.name}（{f.unit}）" if f.kind == "indicator" and f.unit else f.name


def template_xlsx(task: str, period: str | None, scope: Scope) -> tuple[str, bytes]:
    """(file name, XLSX bytes) of the task's template for the units of ``scope``.

    Raises:
        NotFound: unknown task. InvalidInput: a period of the wrong kind.
    """
    from ..forms import task_fields

    with store.engine().connect() as conn:
        info = read_tasks(conn).get(task)
        if info is None:
            raise NotFound(f"未知报表任务：{task}")
        period = normalize_period(period or default_period(task) or "", info.frequency).text
        fields = task_fields(task)
        index = local_region_index()
        units = sorted(
            (r for r in index.by_code.values() if r.level == info.level and scope.contains(r.code)),
            key=lambda r: r.code,
        )
        codes = [f.indicator_code for f in fields if f.kind == "indicator"]
        prev = normalize_period(period).prev().text
        now_values = _values(conn, codes, period, scope)
        prev_values = _values(conn, codes, prev, scope)
    return template_name(info.name, period), _workbook(
        info, period, prev, fields, units, now_values, prev_values
    )


def _values(conn, codes: list[str], period: str, scope: Scope) -> dict[tuple[str, str], float]:
    o = observation.c
    if not codes:
        return {}
    stmt = select(o.indicator_code, o.region_code, o.value).where(
        o.indicator_code.in_(codes), o.period == period
    )
    return {(c, r): v for c, r, v in conn.execute(stmt) if scope.contains(r)}


def _workbook(info, period, prev, fields, units, now_values, prev_values) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = info.name[:31]
    indicator_fields = [f for f in fields if f.kind == "indicator"]
    headers = ["区划代码", "单位名称", "期别", *map(field_header, fields)]
    headers += [f"上期{field_header(f)}" for f in indicator_fields]
    ws.append([f"{info.name}（期别：{period}）"])
    ws.append(
        [
            f"填写说明：每个单位一行，数值填在对应列；无数据填“无”或“—”；区划代码请勿修改（保持文本格式）；"
            f"灰色“上期”列为 {prev} 的数值，仅供参考，导入时不读取。"
        ]
    )
    ws.append(headers)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"].alignment = Alignment(wrap_text=True)
    ws.row_dimensions[2].height = 32
    for j, _ in enumerate(headers, 1):
        cell = ws.cell(row=3, column=j)
        cell.font = Font(bold=True)
        cell.fill = GREY if j > 3 + len(fields) else HEAD
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for unit in units:
        row = [unit.code, unit.name, period]
        row += [
            now_values.get((f.indicator_code, unit.code)) if f.kind == "indicator" else None for f in fields
        ]
        row += [prev_values.get((f.indicator_code, unit.code)) for f in indicator_fields]
        ws.append(row)
    for r in range(4, 4 + len(units)):
        ws.cell(row=r, column=1).number_format = "@"  # codes stay text: no 4.40882E+11
        for j in range(4 + len(fields), len(headers) + 1):
            ws.cell(row=r, column=j).fill = GREY
    for j, text in enumerate(headers, 1):
        ws.column_dimensions[get_column_letter(j)].width = max(10, min(28, len(text) * 2 + 2))
    ws.column_dimensions["A"].width = 16
    ws.freeze_panes = "D4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
