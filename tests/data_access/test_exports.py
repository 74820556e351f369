"""data_access.exports: the one table writer behind every XLSX/CSV export (file code exp)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from data_access.errors import InvalidInput
from data_access.exports import Column, Table, csv_bytes, neutralise, table_bytes, xlsx_bytes

COLUMNS = [
    Column("地区代码"),
    Column("地区"),
    Column("地区生产总值", "亿元", "number", 2),
    Column("在线办理率", "%", "number", 1),
    Column("备注"),
]
ROWS = [
    ("440882000000", "雷州市", 332.2949, 85.26, '=HYPERLINK("http://x","点我")'),
    ("440883000000", "+吴川市", 264.4, None, "-1+2"),
    ("440825000000", "@徐闻县", 205.7, 91.0, "\t=1+1"),
    ("440811000000", "麻章区", 259.9, 90.04, "\r=cmd"),
]
TABLE = Table("测试表", COLUMNS, ROWS, ("统计期：2026年第三季度", "演示数据"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("雷州市", "雷州市"),
        ("a=b", "a=b"),
        (None, ""),
        ("x\x00y", "xy"),
    ],
)
def test_exp001_neutralise(text, expected):
    assert neutralise(text) == expected


def test_exp002_xlsx_codes_text_numbers_numbers_units_in_header():
    book = load_workbook(io.BytesIO(xlsx_bytes(TABLE)))
    sheet = book.active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "测试表"
    assert rows[1] == ["地区代码", "地区", "地区生产总值（亿元）", "在线办理率（%）", "备注"]
    first = rows[2]
    assert first[0] == "440882000000" and sheet["A3"].data_type == "s"  # never 4.40882E+11
    assert first[2] == 332.29 and isinstance(first[2], float)  # the indicator's 2 decimals
    assert sheet["C3"].number_format == "#,##0.00"
    assert first[3] == 85.3  # a percentage stays a number; unit in the header
    assert sheet["D3"].number_format == "#,##0.0"
    assert rows[3][3] is None  # missing stays empty, not 0


def test_exp003_xlsx_formula_injection_neutralised():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(TABLE))).active
    cells = {c.coordinate: c for row in sheet.iter_rows() for c in row}
    for coordinate in ("E3", "B4", "E4", "B5", "E5", "E6"):
        cell = cells[coordinate]
        assert cell.data_type == "s", coordinate
        assert str(cell.value).startswith("'"), (coordinate, cell.value)
    assert cells["E3"].value == '\'=HYPERLINK("http://x","点我")'
    assert cells["B4"].value == "'+吴川市"
    assert cells["B5"].value == "'@徐闻县"


def test_exp004_csv_bom_header_units_and_neutralised():
    data = csv_bytes(TABLE)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["地区代码", "地区", "地区生产总值（亿元）", "在线办理率（%）", "备注"]
    assert rows[1][:4] == ["440882000000", "雷州市", "332.29", "85.3"]
    assert rows[1][4].startswith("'=")
    assert rows[2][1] == "'+吴川市" and rows[2][3] == "" and rows[2][4] == "'-1+2"
    assert rows[3][1] == "'@徐闻县" and rows[3][4] == "'\t=1+1"
    assert rows[4][4] == "'\r=cmd"


def test_exp005_unknown_format_refused():
    assert table_bytes(TABLE, "csv") == csv_bytes(TABLE)
    with pytest.raises(InvalidInput, match="不支持的导出格式"):
        table_bytes(TABLE, "xls")
