"""Small files the intake tests write themselves: CSV (UTF-8, BOM, GBK), XLSX, XLS, ODS."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from xml.sax.saxutils import escape


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8", bom: bool = False) -> bytes:
    """CSV as Excel saves it ("CSV UTF-8" with a BOM, or "CSV (逗号分隔)" in GBK), quoted where needed."""
    buf = io.StringIO()
    csv.writer(buf).writerows([["" if v is None else v for v in row] for row in rows])
    text = buf.getvalue()
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def xlsx_bytes(rows: list[list[object]], merge: list[str] = (), text_columns: str = "") -> bytes:
    """An XLSX with ``rows`` from A1; ``merge`` ranges like "A1:D1"; a value "=F|v" is a formula F
    whose cached value (as Excel saves it) is v."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    formulas = {}
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row, 1):
            if isinstance(v, str) and v.startswith("=") and "|" in v:
                formula, cached = v[1:].split("|")
                ws.cell(row=r, column=c, value=f"={formula}")
                formulas[ws.cell(row=r, column=c).coordinate] = (formula, cached)
            else:
                cell = ws.cell(row=r, column=c, value=v)
                if isinstance(v, str) and v.startswith("="):
                    cell.data_type = "s"  # text that starts with "=" (typed as '=… in Excel)
    for rng in merge:
        ws.merge_cells(rng)
    out = io.BytesIO()
    book.save(out)
    return _with_cached_values(out.getvalue(), formulas) if formulas else out.getvalue()


def _with_cached_values(data: bytes, formulas: dict[str, tuple[str, str]]) -> bytes:
    """openpyxl writes formulas without results; Excel stores the last result in <v>: add it."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = body.decode()
                for ref, (_formula, cached) in formulas.items():
                    text = re.sub(
                        rf'<c r="{ref}"([^>]*)><f>([^<]*)</f><v\s*/?>(</v>)?</c>',
                        rf'<c r="{ref}"\1><f>\2</f><v>{cached}</v></c>',
                        text,
                    )
                body = text.encode()
            dst.writestr(item, body)
    return out.getvalue()


def xls_bytes(rows: list[list[object]], merge: list[tuple[int, int, int, int]] = ()) -> bytes:
    """An Excel 97-2003 file written with xlwt (a test-only dependency)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    merged = {(r0, c0) for r0, _r1, c0, _c1 in merge}
    for r0, r1, c0, c1 in merge:
        sheet.write_merge(r0, r1, c0, c1, rows[r0][c0])
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if (
                v is not None
                and (r, c) not in merged
                and not any(r0 <= r <= r1 and c0 <= c <= c1 for r0, r1, c0, c1 in merge)
            ):
                sheet.write(r, c, v)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods_bytes(rows: list[list[object]]) -> bytes:
    """A minimal OpenDocument spreadsheet (what LibreOffice/WPS save as .ods)."""
    cells = []
    for row in rows:
        parts = []
        for v in row:
            if v is None:
                parts.append("<table:table-cell/>")
            elif isinstance(v, int | float):
                parts.append(
                    f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
                )
            else:
                parts.append(
                    f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'
                )
        cells.append(f"<table:table-row>{''.join(parts)}</table:table-row>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Sheet1">{"".join(cells)}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()
