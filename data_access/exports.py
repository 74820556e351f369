"""Tables as files: XLSX and CSV for every export of the cockpit (panels, briefings, the directory).

One :class:`Table` (title, columns with name, unit and decimals, rows) becomes a workbook or a
CSV file the same way everywhere:

- the header names each column with its unit (``地区生产总值（亿元）``, ``在线办理率（%）``);
- region codes and other identifiers are text (``440882000000``, never ``4.40882E+11``);
- numbers are numbers rounded to the indicator's decimals, shown with those decimals in Excel;
  percentages stay numbers (85.2, not "85.2%"), the unit is in the header;
- every text cell goes through :func:`neutralise`: a cell that begins with ``= + - @``, a tab or a
  carriage return would run as a formula in Excel or LibreOffice (CSV/formula injection), so it
  gets a leading apostrophe and is always stored as text;
- CSV is UTF-8 with a byte-order mark, so Excel opens Chinese text intact.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .errors import InvalidInput

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("xlsx", "csv")
MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@dataclass(frozen=True)
class Column:
    """One column: ``kind`` "text" (names, codes, notes) or "number" (with ``decimals``)."""

    name: str
    unit: str = ""
    kind: str = "text"
    decimals: int | None = None

    @property
    def header(self) -> str:
        """The header cell: the name with the unit in full-width brackets (``产值（亿元）``)."""
        return f"{self.name}（{self.unit}）" if self.unit else self.name


@dataclass(frozen=True)
class Table:
    """A titled table; ``notes`` (period, source, as-of, 演示数据) go below it in the workbook."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[object]]
    notes: Sequence[str] = field(default_factory=tuple)


def neutralise(value: object) -> str:
    """A text cell safe to open in a spreadsheet: control characters XML cannot carry dropped,
    and a leading ``'`` before anything Excel would read as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in FORMULA_STARTS:
        text = "'" + text
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 32)


def _number(value: object, decimals: int | None) -> float | int | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if math.isnan(number) or math.isinf(number):
        return None
    if decimals is None:
        return number
    return int(round(number)) if decimals <= 0 else round(number, decimals)


def cell_value(column: Column, value: object) -> str | float | int | None:
    """What a cell holds: a rounded number for number columns, neutralised text otherwise."""
    if column.kind == "number":
        number = _number(value, column.decimals)
        if number is not None or value is None or value == "":
            return number
    return neutralise(value)


def _number_format(decimals: int | None) -> str:
    if decimals is None:
        return "General"
    return "#,##0" if decimals <= 0 else "#,##0." + "0" * decimals


def xlsx_bytes(table: Table, sheet: str | None = None) -> bytes:
    """The table as a one-sheet workbook: title row, header row, data, then the notes."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(title=_sheet_name(sheet or table.title))
    widths = [max(8, min(40, len(c.header) * 2 + 2)) for c in table.columns]
    for i, width in enumerate(widths):
        ws.column_dimensions[_letter(i)].width = width
    title = WriteOnlyCell(ws, value=neutralise(table.title))
    title.font = Font(bold=True, size=13)
    ws.append([title])
    ws.append([_text_cell(ws, c.header, bold=True) for c in table.columns])
    for row in table.rows:
        cells = []
        for column, value in zip(table.columns, row, strict=False):
            held = cell_value(column, value)
            if isinstance(held, str):
                cells.append(_text_cell(ws, held, neutralised=True))
            else:
                cell = WriteOnlyCell(ws, value=held)
                cell.number_format = _number_format(column.decimals)
                cells.append(cell)
        ws.append(cells)
    for note in table.notes:
        ws.append([_text_cell(ws, note)])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def plain_xlsx_bytes(rows: Sequence[Sequence[object]], sheet: str = "Sheet1") -> bytes:
    """Rows of text (the first is the header) as a workbook; every cell text, neutralised."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(title=_sheet_name(sheet))
    for row in rows:
        ws.append([_text_cell(ws, value) for value in row])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _text_cell(ws, value: object, *, bold: bool = False, neutralised: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value if neutralised else neutralise(value))
    cell.data_type = "s"  # a string, never a formula: "=HYPERLINK(…)" stays text
    cell.number_format = "@"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _sheet_name(name: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'") or "Sheet1"
    return cleaned[:31]


def csv_bytes(table: Table) -> bytes:
    """The table as CSV: UTF-8 with BOM, CRLF, header row with units, no title or notes rows
    (a CSV is read by programs as much as by people: one header, then data)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise(c.header) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_text(c, v) for c, v in zip(table.columns, row, strict=False)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def plain_csv_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    """Rows of text (the first is the header) as CSV: UTF-8 with BOM, every cell neutralised."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([[neutralise(v) for v in row] for row in rows])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _csv_text(column: Column, value: object) -> str:
    held = cell_value(column, value)
    if held is None:
        return ""
    if isinstance(held, str):
        return held
    decimals = column.decimals if column.decimals is not None else None
    if decimals is None:
        return repr(held) if isinstance(held, float) else str(held)
    return f"{held:.{max(decimals, 0)}f}"


def table_bytes(table: Table, fmt: str) -> bytes:
    """``xlsx`` or ``csv`` bytes of the table.

    Raises:
        InvalidInput: another format.
    """
    if fmt == "xlsx":
        return xlsx_bytes(table)
    if fmt == "csv":
        return csv_bytes(table)
    raise InvalidInput(f"不支持的导出格式：{str(fmt)[:10]!r}（可选 xlsx、csv）")
