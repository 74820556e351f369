"""The region subtree a caller may read. Every query function takes one and enforces it.

Scopes come from the server side (settings, later the logged-in user), never from the browser.
"""

from __future__ import annotations

from dataclasses import dataclass

from .codes import normalize_code
from .errors import OutOfScope

# Significant digits of a code at each level: the subtree of a region is a code prefix.
PREFIX = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}


def level_of(code12: str) -> int:
    """Level implied by the code's trailing zeros (1 province … 5 village)."""
    if code12[2:] == "0" * 10:
        return 1
    if code12[4:] == "0" * 8:
        return 2
    if code12[6:] == "0" * 6:
        return 3
    if code12[9:] == "000":
        return 4
    return 5


def prefix_of(code12: str) -> str:
    return code12[: PREFIX[level_of(code12)]]


@dataclass(frozen=True)
class Scope:
    """Readable subtree rooted at ``root`` (a 12-digit code)."""

    root: str

    @classmethod
    def of(cls, code: object) -> Scope:
        return cls(normalize_code(code))

    def contains(self, code12: str) -> bool:
        return code12.startswith(prefix_of(self.root))

    def check(self, code: object) -> str:
        """Return the 12-digit code, or raise :class:`OutOfScope` if it is outside this scope."""
        code12 = normalize_code(code)
        if not self.contains(code12):
            raise OutOfScope(f"无权查看该地区：{code12}")
        return code12

    def __repr__(self) -> str:  # stable, short cache key
        return f"Scope({self.root})"
