"""Reading files into grids and finding the table in them (no store needed)."""

from __future__ import annotations

import pytest

from data_access.codes import normalize_code
from data_access.errors import InvalidInput
from data_access.intake.cells import BadCell, number, region_code
from data_access.intake.layout import find_table
from data_access.intake.reading import Refused, read_grid
from data_access.periods import normalize_period
from tests.data_access.intake.files import csv_bytes, ods_bytes, xls_bytes, xlsx_bytes

LONG = [
    ["湛江市2026年10月村级工作月报", None, None, None],
    [None, None, None, None],
    ["区划代码", "指标", "期别", "数值"],
    ["440882100001", "kiosks", "2026-10", "1,234.5"],
    [None, None, None, None],
    ["440882100002", "粤智助自助机数", "2026年10月", "3"],
]
MB = 1_000_000


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        (csv_bytes(LONG), "csv (utf-8)"),
        (csv_bytes(LONG, bom=True), "csv (utf-8)"),
        (csv_bytes(LONG, "gbk"), "csv (gb18030)"),
        (csv_bytes(LONG, "gb18030"), "csv (gb18030)"),
        (
            "\ufeff".encode("utf-16-le").join([b"", "\t".join(["区划代码", "数值"]).encode("utf-16-le")]),
            "csv (utf-16)",
        ),
        (xlsx_bytes(LONG, merge=["A1:D1"]), "xlsx"),
        (xls_bytes(LONG, merge=[(0, 0, 0, 3)]), "xls"),
        (ods_bytes(LONG), "ods"),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16", "xlsx", "xls", "ods"],
)
def test_imp001_every_format_reads_the_same_cells(data, fmt):
    grid = read_grid("f", data, 20 * MB)
    assert grid.fmt == fmt
    if fmt == "csv (utf-16)":
        assert grid.rows == [["区划代码", "数值"]]
        return
    table = find_table(grid)
    assert table is not None and table.is_long
    assert table.header_row == 3
    assert table.titles == ["湛江市2026年10月村级工作月报"]
    assert [n for n, _ in table.rows] == [4, 6]  # the blank row 5 is skipped, numbering kept
    assert str(table.rows[1][1][1]) == "粤智助自助机数"


def test_imp002_xlsx_formula_cells_read_as_their_cached_values():
    rows = [["区划代码", "指标", "期别", "数值"], ["440882100001", "kiosks", "2026-10", "=2*3|6"]]
    table = find_table(read_grid("f.xlsx", xlsx_bytes(rows), MB))
    assert table.rows[0][1][3] == 6.0


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "文件为空"),
        (b" \r\n \r\n", "文件为空"),
        (csv_bytes([[None, None], [None, None]]), "文件为空"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "不是表格文件"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是表格文件"),
        (b"just a letter without any columns\nsecond line\n", "不是表格文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "不是表格文件"),
        (b"PK\x03\x04garbage", "不是表格文件"),
        (b"\xff\xfe\xfd\x80\x81\x82" * 5 + b",a", "不是表格文件"),
    ],
    ids=["zero", "blank", "empty-cells", "pdf", "png", "prose", "bad-ole", "bad-zip", "bad-bytes"],
)
def test_imp003_refused_files_say_why(data, reason):
    with pytest.raises(Refused, match=reason):
        read_grid("f", data, MB)


def test_imp004_docx_is_not_a_spreadsheet():
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(Refused, match="不是表格文件"):
        read_grid("f.docx", buf.getvalue(), MB)


def test_imp005_too_large_is_refused_unread():
    with pytest.raises(Refused, match="文件过大"):
        read_grid("f.csv", b"a,b\n" * 1000, 3000)


def test_imp006_merged_two_row_header_is_combined():
    rows = [
        ["村级月报", None, None, None],
        ["区划代码", "单位名称", "粤智助", None],
        [None, None, "自助机数（个）", "业务办理量（笔）"],
        ["440882100001", "某村", 2, 30],
    ]
    for data in (
        xlsx_bytes(rows, merge=["A1:D1", "A2:A3", "B2:B3", "C2:D2"]),
        xls_bytes(rows, merge=[(0, 0, 0, 3), (1, 2, 0, 0), (1, 2, 1, 1), (1, 1, 2, 3)]),
    ):
        table = find_table(read_grid("f", data, MB))
        assert table.headers == [
            "区划代码",
            "单位名称",
            "粤智助自助机数(个)",
            "粤智助业务办理量(笔)",
        ]  # NFKC-folded
        assert table.header_row == 3 and [n for n, _ in table.rows] == [4]
        assert table.roles == {"code": 0, "name": 1}


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("440882", "440882000000"),
        ("440882100", "440882100000"),
        ("440882100001", "440882100001"),
        ("  440882100001 ", "440882100001"),
        ("\u3000440882100001\u3000", "440882100001"),
        ("４４０８８２１００００１", "440882100001"),
        (440882100001.0, "440882100001"),
        (440882, "440882000000"),
    ],
)
def test_imp007_codes_normalised(raw, code):
    assert region_code(raw) == code


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("4.40882E+11", "科学计数法.*文本"),
        ("4.40882e11", "科学计数法"),
        ("44088210001", "应为 6 位、9 位或 12 位"),
        ("4408", "应为 6 位、9 位或 12 位"),
        ("44", "应为 6 位、9 位或 12 位"),
        ("4408821000011", "应为 6 位、9 位或 12 位"),
        ("44088a", "格式错误"),
    ],
)
def test_imp008_codes_refused_never_padded(raw, reason):
    with pytest.raises(BadCell, match=reason):
        region_code(raw)


def test_imp009_normalize_code_keeps_short_forms_for_the_rest_of_the_cockpit():
    assert normalize_code("44") == "440000000000"
    assert normalize_code("４４０８") == "440800000000"
    with pytest.raises(InvalidInput, match="科学计数法"):
        normalize_code("4.40882E+11")


@pytest.mark.parametrize(
    ("raw", "unit", "value"),
    [
        ("1,234.5", "万元", 1234.5),
        ("１，２３４．５", "万元", 1234.5),
        (" 12 ", "个", 12.0),
        ("85.3%", "%", 85.3),
        ("８５．３％", "%", 85.3),
        (7, "个", 7.0),
        (2.5, "个", 2.5),
        ("-3", "万元", -3.0),
        ("空", "个", None),
        ("—", "个", None),
        ("——", "个", None),
        ("-", "个", None),
        ("/", "个", None),
        ("无", "个", None),
        ("", "个", None),
        (None, "个", None),
    ],
)
def test_imp010_numbers_normalised(raw, unit, value):
    assert number(raw, unit) == value


@pytest.mark.parametrize(
    ("raw", "unit", "reason"),
    [
        ("abc", "个", "不是数字"),
        ("12,34", "个", "不是数字"),
        ("1.2.3", "个", "不是数字"),
        ("85.3%", "个", "百分数只能填在单位为 % 的项目中"),
        (True, "个", "不是数字"),
        (float("nan"), "个", "不是有效数字"),
    ],
)
def test_imp011_numbers_refused(raw, unit, reason):
    with pytest.raises(BadCell, match=reason):
        number(raw, unit)


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("2026-10", "2026-10"),
        ("2026年10月", "2026-10"),
        ("2026/10", "2026-10"),
        ("202610", "2026-10"),
        ("2026.10", "2026-10"),
        ("２０２６年１０月", "2026-10"),
        ("2026-Q3", "2026-Q3"),
        ("2026Q3", "2026-Q3"),
        ("2026年第三季度", "2026-Q3"),
        ("2026年3季度", "2026-Q3"),
        ("2026", "2026"),
        ("2026年", "2026"),
        ("2026年度", "2026"),
    ],
)
def test_imp012_periods_normalised(raw, text):
    assert normalize_period(raw).text == text


@pytest.mark.parametrize("raw", ["2026-13", "202613", "2026.1", 2026.1, "十月", "2026年第五季度"])
def test_imp013_periods_refused(raw):
    with pytest.raises(InvalidInput):
        normalize_period(raw)


def test_imp014_period_of_the_wrong_kind():
    with pytest.raises(InvalidInput, match="月度"):
        normalize_period("2026-Q3", "month")
