"""Read an uploaded file into a grid of cells: CSV (UTF-8 with or without BOM, UTF-16, GBK/GB18030),
XLSX, the old XLS and ODS (python-calamine, which reads formula cells as their cached values).

Nothing here knows about tasks or indicators: the result is rows of raw cell values (None for an
empty cell) and the merged ranges, or :class:`Refused` with a Chinese reason.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from ..errors import CockpitError

XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2 compound file (.xls, but also .doc/.ppt)
ZIP_MAGIC = b"PK\x03\x04"
BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
DELIMITERS = (",", "\t", ";")
SPREADSHEET_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods")


class Refused(CockpitError):
    """The whole file cannot be used (empty, too large, not a spreadsheet, unreadable)."""

    status = 422


@dataclass
class Grid:
    """The cells of one sheet: ``rows[i][j]`` is spreadsheet row i+1, column j+1."""

    rows: list[list[object]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    fmt: str = ""  # csv (utf-8) / csv (gb18030) / xlsx / xls / ods
    sheet: str = ""


def read_grid(name: str, data: bytes, max_bytes: int) -> Grid:
    """The first sheet with data in ``data`` (the bytes of a file called ``name``).

    Raises:
        Refused: too large, empty, not a spreadsheet, or unreadable.
    """
    if len(data) > max_bytes:
        raise Refused(f"文件过大：{len(data) / 1e6:.1f} MB，超过上限 {max_bytes / 1e6:g} MB")
    if not data.strip():
        raise Refused("文件为空")
    if data.startswith(ZIP_MAGIC):
        grid = _read_workbook(data, _zip_kind(data))
    elif data.startswith(XLS_MAGIC):
        grid = _read_workbook(data, "xls")
    else:
        grid = _read_csv(data)
    grid.rows = [[None if v == "" else v for v in row] for row in grid.rows]
    while grid.rows and not any(v is not None for v in grid.rows[-1]):
        grid.rows.pop()
    if not grid.rows:
        raise Refused("文件为空：没有任何数据")
    return grid


def _zip_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        raise Refused("不是表格文件：压缩包已损坏") from None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        return "ods"
    raise Refused(
        "不是表格文件（是其他压缩格式，如 Word 文档或压缩包）：请上传 Excel（.xlsx/.xls）、.ods 或 CSV"
    )


def _read_workbook(data: bytes, kind: str) -> Grid:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for meta in book.sheets_metadata:  # the first visible worksheet holding anything
            if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet:
                sheet = book.get_sheet_by_name(meta.name)
                rows = sheet.to_python(skip_empty_area=False)
                if any(v not in ("", None) for row in rows for v in row):
                    return Grid(
                        [list(r) for r in rows], list(sheet.merged_cell_ranges or []), kind, meta.name
                    )
    except Exception as exc:  # calamine raises its own error classes (and ValueError/OSError)
        if kind == "xls":
            raise Refused(
                "不是表格文件：无法按 Excel 97-2003（.xls）格式读取（可能是 Word 文档或文件已损坏）"
            ) from exc
        raise Refused(f"无法读取该{kind.upper()}文件（文件可能已损坏或加密）") from exc
    raise Refused("文件为空：工作簿中没有任何数据")


def decode_text(data: bytes) -> tuple[str, str]:
    """Text of a CSV file and the encoding found: a BOM decides; else strict UTF-8, then GB18030.

    GB18030 is a superset of GBK and GB2312, so files saved by a Chinese Excel ("CSV (逗号分隔)")
    decode with it. A strict cascade and not a guesser: a valid UTF-8 file stays UTF-8, and the
    chance that GBK text is also valid UTF-8 is negligible for Chinese text.

    Raises:
        Refused: binary content, or bytes valid in none of them.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if data.startswith(BINARY_MAGICS) or b"\x00" in data[:4096]:
        raise Refused("不是表格文件（是图片、PDF 或其他二进制文件）：请上传 Excel（.xlsx/.xls）、.ods 或 CSV")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding, errors="strict"), encoding
        except UnicodeDecodeError:
            continue
    raise Refused("不是表格文件：既不是 UTF-8 也不是 GBK/GB18030 编码的文本")


def _read_csv(data: bytes) -> Grid:
    text, encoding = decode_text(data)
    if sum(ch < " " and ch not in "\t\r\n" for ch in text[:4096]) > 4:
        raise Refused("不是表格文件（含有大量控制字符）")
    lines = [line for line in text.splitlines()[:40] if line.strip()]
    counts = {d: sum(d in line for line in lines) for d in DELIMITERS}
    delimiter = max(DELIMITERS, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        raise Refused("不是表格文件：文本中找不到以逗号、制表符或分号分隔的列")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise Refused(f"CSV 格式错误：{exc}") from None
    return Grid([[cell if cell.strip() else None for cell in row] for row in rows], [], f"csv ({encoding})")
