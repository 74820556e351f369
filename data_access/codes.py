"""Region codes: accept the usual short forms, answer with the 12-digit statistical code."""

from __future__ import annotations

import re
import unicodedata

from .errors import InvalidInput

_DIGITS = re.compile(r"^\d+$")
# What Excel shows for a long number it turned into a float: 4.40882E+11 (digits are lost).
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
ALL_LENGTHS = (2, 4, 6, 9, 12)
FILE_LENGTHS = (6, 9, 12)  # what a form may carry: county, town, village (never a guessed padding)


def _text(code: object) -> str:
    """The code as text: full-width digits and spaces folded (NFKC), ends trimmed.

    An integer-valued number (a spreadsheet cell holding 440882100001) is its digits.
    """
    if code is None or isinstance(code, bool):
        return "" if code is None else str(code)
    if isinstance(code, int):
        return str(code)
    if isinstance(code, float) and code.is_integer() and 0 < code < 1e15:
        return str(int(code))
    return unicodedata.normalize("NFKC", str(code)).strip()


def normalize_code(code: object, lengths: tuple[int, ...] = ALL_LENGTHS) -> str:
    """Return the 12-digit code for a 2/4/6/9/12-digit region code.

    ``440800`` (GB/T 2260 city), ``440882100`` (town) and ``440882100000`` all work; so do
    full-width digits and surrounding spaces. ``lengths`` narrows the accepted lengths (files
    accept 6, 9 and 12 digits: :data:`FILE_LENGTHS`).

    Raises:
        InvalidInput: the value is not a region code of an accepted length, or was turned into
            scientific notation by Excel (its digits are lost).
    """
    text = _text(code)
    if _SCIENTIFIC.match(text):
        raise InvalidInput(
            f"地区代码 {text[:40]} 已被 Excel 转成科学计数法，后几位数字已丢失："
            "请把代码列设置为“文本”格式后重新填写代码"
        )
    if not _DIGITS.match(text) or len(text) not in lengths:
        shown = [f"{n} 位" for n in lengths if n >= 6]
        wanted = "、".join(shown[:-1]) + "或 " + shown[-1] if len(shown) > 1 else shown[0]
        raise InvalidInput(f"地区代码格式错误：{text[:40]!r}（应为 {wanted}数字）")
    return text.ljust(12, "0")


def short_code(code12: str) -> str:
    """The shortest usual form: 6 digits down to county, 9 for towns, 12 for villages."""
    if code12.endswith("000000"):
        return code12[:6]
    if code12.endswith("000"):
        return code12[:9]
    return code12
