"""Where the table is in a grid: title rows above the header, a header of one or two rows (merged
group cells filled in), blank rows skipped, and what each column means."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .cells import fold, header_key, is_blank
from .reading import Grid

HEADER_SCAN = 30  # the header is looked for in the first rows only
CODE_HEADERS = {
    "区划代码",
    "地区代码",
    "行政区划代码",
    "统计用区划代码",
    "代码",
    "单位代码",
    "区划编码",
    "地区编码",
}
NAME_HEADERS = {
    "单位名称",
    "名称",
    "地区",
    "地区名称",
    "单位",
    "村(社区)",
    "村(社区)名称",
    "镇(街道)",
    "区划名称",
}
INDICATOR_HEADERS = {"指标", "指标代码", "指标名称", "指标编码"}
PERIOD_HEADERS = {"期别", "期间", "报告期", "统计期", "时期", "月份"}
VALUE_HEADERS = {"数值", "值", "数据", "本期数", "本期值"}
STATUS_HEADERS = {"状态", "数据状态"}
NOTE_HEADERS = {"备注"}
IGNORED_HEADERS = {"序号", "填报人", "联系电话", "填报日期"}
ROLES = {
    "code": CODE_HEADERS,
    "name": NAME_HEADERS,
    "indicator": INDICATOR_HEADERS,
    "period": PERIOD_HEADERS,
    "value": VALUE_HEADERS,
    "status": STATUS_HEADERS,
    "note": NOTE_HEADERS,
}
_KEYS = {role: {header_key(h) for h in names} for role, names in ROLES.items()}


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Table:
    """The header (one text per column), the rows below it and the title lines above it."""

    headers: list[str]
    header_row: int  # 1-based number of the header's last row
    rows: list[tuple[int, list[object]]]  # (1-based row number, cells), blank rows left out
    titles: list[str] = field(default_factory=list)
    roles: dict[str, int] = field(default_factory=dict)  # code/name/indicator/period/value/status/note

    @property
    def is_long(self) -> bool:
        return "indicator" in self.roles and "value" in self.roles

    def cell(self, cells: list[object], role: str) -> object:
        j = self.roles.get(role)
        return cells[j] if j is not None and j < len(cells) else None

    def where(self, j: int) -> str:
        """Column as shown in messages: ``D 列（数值）``."""
        name = self.headers[j] if j < len(self.headers) else ""
        return f"{column_letter(j)} 列（{name}）" if name else f"{column_letter(j)} 列"


def role_of(header: str) -> str | None:
    key = header_key(header)
    for role, keys in _KEYS.items():
        if key in keys:
            return role
    return None


def find_table(grid: Grid) -> Table | None:
    """The table in ``grid``: the header is the first row with a region-code column heading."""
    rows = grid.rows
    for i, row in enumerate(rows[:HEADER_SCAN]):
        if any(role_of(fold(v)) == "code" for v in row if not is_blank(v)):
            depth = _header_depth(grid, i)
            headers = _headers(grid, i, depth)
            roles: dict[str, int] = {}
            for j, text in enumerate(headers):
                role = role_of(text)
                if role and role not in roles:
                    roles[role] = j
            data = [
                (n + 1, r) for n, r in enumerate(rows) if n >= i + depth and any(not is_blank(v) for v in r)
            ]
            titles = [" ".join(fold(v) for v in r if not is_blank(v)) for r in rows[:i]]
            return Table(headers, i + depth, data, [t for t in titles if t], roles)
    return None


def _header_depth(grid: Grid, i: int) -> int:
    """1, or 2 when a merged cell in the header row spans two rows or groups columns over sub-heads."""
    depth = 1
    for (r0, c0), (r1, c1) in grid.merged:
        if r0 == i and r1 > r0:
            depth = max(depth, min(r1 - r0 + 1, 3))
        elif r0 == i and c1 > c0 and i + 1 < len(grid.rows):
            below = grid.rows[i + 1][c0 : c1 + 1]
            if any(not is_blank(v) for v in below):
                depth = max(depth, 2)
    return depth


def _headers(grid: Grid, i: int, depth: int) -> list[str]:
    """Per column, the distinct texts of the header rows top-down, merged cells filled in."""
    width = max(len(r) for r in grid.rows[i : i + depth])
    block = [list(r) + [None] * (width - len(r)) for r in grid.rows[i : i + depth]]
    for (r0, c0), (r1, c1) in grid.merged:
        if i <= r0 < i + depth:
            top = block[r0 - i][c0]
            for r in range(r0, min(r1, i + depth - 1) + 1):
                for c in range(c0, min(c1, width - 1) + 1):
                    block[r - i][c] = top
    headers = []
    for j in range(width):
        parts: list[str] = []
        for r in range(depth):
            text = re.sub(r"\s+", "", fold(block[r][j]))
            if text and text not in parts:
                parts.append(text)
        headers.append("".join(parts))
    return headers
