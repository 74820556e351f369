"""One cell at a time: region codes, numbers and header texts as people type them.

Normalise what is unambiguous (full-width digits, padding spaces, 1,234.5, 85.3% for a % field,
the marks for "no figure"); anything else raises :class:`BadCell` with a Chinese reason.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time

from ..codes import FILE_LENGTHS, normalize_code
from ..errors import CockpitError

# "No figure": the unit has nothing to report for this field. Not written, not an error.
NO_FIGURE = frozenset({"空", "—", "——", "–", "―", "-", "--", "/", "无", "－"})
_PLAIN = re.compile(r"^[+-]?\d+(\.\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
_UNIT = re.compile(r"^(.*?)[(（]([^()（）]*)[)）]$")


class BadCell(CockpitError):
    """A cell that cannot be used; the message is the reason, in Chinese."""


def text_of(value: object) -> str:
    """The cell as the user typed it, for messages (numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def fold(value: object) -> str:
    """NFKC-folded text without surrounding space (full-width digits, ％, ，, spaces → ASCII)."""
    return unicodedata.normalize("NFKC", text_of(value)).strip()


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def region_code(value: object) -> str:
    """The 12-digit code of a 6/9/12-digit code cell (text or whole number)."""
    try:
        return normalize_code(value, FILE_LENGTHS)
    except CockpitError as err:
        raise BadCell(str(err)) from None


def number(value: object, unit: str) -> float | None:
    """The figure in a cell; ``None`` for a no-figure mark or an empty cell.

    ``unit`` is the field's unit: a percentage (85.3%) is accepted only for a "%" field, where it
    means 85.3.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise BadCell(f"不是数字：{value}")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise BadCell("不是有效数字")
        return float(value)
    if isinstance(value, datetime | date | time):
        raise BadCell("不是数字（单元格是日期格式）")
    text = fold(value).replace(" ", "")
    if text in NO_FIGURE:
        return None
    if text.endswith("%"):
        if unit.strip() != "%":
            raise BadCell(f"百分数只能填在单位为 % 的项目中（本项单位为 {unit or '无'}），请填写数值")
        text = text[:-1]
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if not (_PLAIN.match(text) or _SCIENTIFIC.match(text)):
        raise BadCell("不是数字")
    return float(text)


def header_key(value: object) -> str:
    """A header as compared: folded, without spaces, required-marks (*) or line breaks."""
    return re.sub(r"[\s*※]+", "", fold(value)).lower()


def split_unit(header: str) -> tuple[str, str | None]:
    """``"粤智助自助机数（个）"`` → ("粤智助自助机数", "个"); no unit → (header, None)."""
    found = _UNIT.match(header)
    if found:
        return found.group(1), found.group(2)
    return header, None
