"""Period strings and their arithmetic: ``YYYY-MM`` (month), ``YYYY-Qn`` (quarter), ``YYYY`` (year).

Texts of one frequency sort chronologically as plain strings, which the queries rely on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from .errors import InvalidInput

FREQUENCIES = ("month", "quarter", "year")
FREQUENCY_NAMES = {"month": "月度", "quarter": "季度", "year": "年度"}
PER_YEAR = {"month": 12, "quarter": 4, "year": 1}
MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}
PATTERNS = {"month": "YYYY-MM", "quarter": "YYYY-Qn", "year": "YYYY"}

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True, order=True)
class Period:
    """One month, quarter or year. ``index`` is the month 1–12, the quarter 1–4, or 1 for a year."""

    year: int
    frequency: str
    index: int

    @property
    def text(self) -> str:
        if self.frequency == "month":
            return f"{self.year:04d}-{self.index:02d}"
        if self.frequency == "quarter":
            return f"{self.year:04d}-Q{self.index}"
        return f"{self.year:04d}"

    @property
    def end_month(self) -> int:
        """Calendar month (1–12) in which the period ends: 2026-Q3 → 9, 2026 → 12."""
        return self.index * MONTHS_IN[self.frequency]

    def _shift(self, steps: int) -> Period:
        n = PER_YEAR[self.frequency]
        ordinal = self.year * n + (self.index - 1) + steps
        return Period(ordinal // n, self.frequency, ordinal % n + 1)

    def prev(self) -> Period:
        """The period just before: 2026-01 → 2025-12, 2026-Q1 → 2025-Q4, 2026 → 2025."""
        return self._shift(-1)

    def next(self) -> Period:
        return self._shift(1)

    def same_last_year(self) -> Period:
        return Period(self.year - 1, self.frequency, self.index)

    def ytd_periods(self) -> list[Period]:
        """Periods of the same year up to and including this one (January resets the count)."""
        return [Period(self.year, self.frequency, i) for i in range(1, self.index + 1)]

    def schedule(self) -> float:
        """Share of the year elapsed at the end of the period (时间进度): 2026-10 → 10/12."""
        return self.end_month / 12

    def __str__(self) -> str:
        return self.text


def parse_period(text: object, frequency: str | None = None) -> Period:
    """Parse ``YYYY-MM``, ``YYYY-Qn`` or ``YYYY``; with ``frequency``, insist on that kind.

    Raises:
        InvalidInput: malformed text, or a period of another frequency than asked for.
    """
    raw = str(text).strip() if text is not None else ""
    period = _match(raw)
    if period is None:
        raise InvalidInput(f"期间格式错误：{raw[:20]!r}（应为 YYYY-MM、YYYY-Qn 或 YYYY）")
    if frequency is not None and period.frequency != frequency:
        raise InvalidInput(
            f"期间 {raw} 与指标频度不符：该指标为{FREQUENCY_NAMES.get(frequency, frequency)}数据，"
            f"期间应为 {PATTERNS.get(frequency, '?')}"
        )
    return period


def _match(raw: str) -> Period | None:
    for frequency, pattern in (("month", _MONTH), ("quarter", _QUARTER), ("year", _YEAR)):
        found = pattern.match(raw)
        if found:
            year = int(found.group(1))
            index = int(found.group(2)) if frequency != "year" else 1
            return Period(year, frequency, index) if 1900 <= year <= 2999 else None
    return None


_CN_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4}
# The ways people write periods in forms, tried after the canonical ones (NFKC-folded, no spaces).
_LOOSE = (
    ("month", re.compile(r"^(\d{4})(?:[-/]|年)(\d{1,2})月?(?:份)?$")),
    ("month", re.compile(r"^(\d{4})\.(\d{2})$")),  # 2026.10; 2026.1 may be a mangled 2026.10: refused
    ("month", re.compile(r"^(\d{4})(\d{2})$")),
    ("quarter", re.compile(r"^(\d{4})(?:年|-)?(?:第)?([1-4一二三四])季度?$")),
    ("quarter", re.compile(r"^(\d{4})[-/]?[Qq]([1-4])$")),
    ("year", re.compile(r"^(\d{4})年度?$")),
)


def normalize_period(value: object, frequency: str | None = None) -> Period:
    """Parse a period as people write it in forms, then check it like :func:`parse_period`.

    Accepts the canonical texts and 2026年10月, 2026/10, 2026.10, 202610, 2026-1 (months; not
    2026.1, which may be a 2026.10 that a spreadsheet turned into a number),
    2026Q3, 2026年第三季度, 2026年3季度 (quarters), 2026年, 2026年度 (years), full-width digits,
    and a date cell (its month).

    Raises:
        InvalidInput: unreadable, or of another frequency than ``frequency``.
    """
    if isinstance(value, date):
        return parse_period(f"{value.year:04d}-{value.month:02d}", frequency)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value if value is not None else "")))
    if _match(raw) is None:
        for kind, pattern in _LOOSE:
            found = pattern.match(raw)
            if found:
                index = found.group(2) if kind != "year" else "1"
                number = _CN_QUARTER.get(index) or int(index)
                if kind == "month" and not 1 <= number <= 12:
                    break
                raw = Period(int(found.group(1)), kind, number).text
                break
    return parse_period(raw, frequency)


def period_for(frequency: str, month_text: str) -> str:
    """Latest period of ``frequency`` that has ended by the end of the month.

    2026-10 → quarter 2026-Q3, year 2025; for monthly indicators the month itself.
    """
    month = parse_period(month_text, "month")
    if frequency == "month":
        return month.text
    if frequency == "quarter":
        if month.index < 3:
            return Period(month.year - 1, "quarter", 4).text
        return Period(month.year, "quarter", month.index // 3).text
    if frequency == "year":
        return str(month.year if month.index == 12 else month.year - 1)
    raise InvalidInput(f"未知频度：{frequency!r}")


def month_range(end: str, n: int) -> list[str]:
    """The last ``n`` months ending with ``end``, oldest first."""
    last = parse_period(end, "month")
    return [last._shift(-k).text for k in range(n - 1, -1, -1)]
