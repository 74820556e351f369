"""Region codes: accept the usual short forms, answer with the 12-digit statistical code."""

from __future__ import annotations

import re
import unicodedata

from .errors import InvalidInput

_DIGITS = re.compile(r"^[0-9]+$")  # ASCII only: Python's \d also matches other scripts' digits


def normalize_code(code: object) -> str:
    """Return the 12-digit code for a 2/4/6/9/12-digit region code.

    ``440800`` (GB/T 2260 city), ``440882100`` (town) and ``440882100000`` all work. Full-width
    digits (``４４０８８２``, typed with a Chinese input method) are normalised (NFKC) the same way
    everywhere — API, ``/geo/`` routes, page URLs, the CLI — since every code passes through here.

    Raises:
        InvalidInput: the value is not a region code of an accepted length.
    """
    text = unicodedata.normalize("NFKC", str(code)).strip() if code is not None else ""
    if not _DIGITS.match(text) or len(text) not in (2, 4, 6, 9, 12):
        raise InvalidInput(f"地区代码格式错误：{text[:40]!r}（应为 6 位、9 位或 12 位数字）")
    return text.ljust(12, "0")


def short_code(code12: str) -> str:
    """The shortest usual form: 6 digits down to county, 9 for towns, 12 for villages."""
    if code12.endswith("000000"):
        return code12[:6]
    if code12.endswith("000"):
        return code12[:9]
    return code12
