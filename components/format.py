"""Chinese number formatting: 万 and 亿 for large figures, %, 个百分点, periods and as-of times.

Every figure on a page goes through these functions, so a value is never shown without its unit,
and the same number reads the same everywhere. Pure functions on plain data.
"""

from __future__ import annotations

import math
from datetime import datetime

MISSING = "—"
NOT_REPORTED = "未报送"
_QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}
QUARTERS_TO_DATE = {1: "一季度", 2: "上半年", 3: "前三季度", 4: "全年"}  # 累计 up to quarter n


def _is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _digits(value: float, decimals: int) -> str:
    text = f"{value:,.{max(decimals, 0)}f}"
    # "-0.0" reads as a loss where there is none.
    return text[1:] if text.startswith("-") and float(text.replace(",", "")) == 0 else text


def scale(value: float, unit: str) -> tuple[float, str]:
    """Move a large figure into 万 or 亿 and fold the prefix into the unit.

    ``scale(4.1e8, "元") == (4.1, "亿元")``; ``scale(23456, "万元") == (2.3456, "亿元")``;
    percentages and small figures are left alone.
    """
    unit = unit or ""
    if unit.strip() in ("%", "‰") or _is_missing(value):
        return value, unit
    size = abs(value)
    if unit.startswith("亿"):
        return value, unit
    if unit.startswith("万"):
        return (value / 1e4, "亿" + unit[1:]) if size >= 1e4 else (value, unit)
    if size >= 1e8:
        return value / 1e8, "亿" + unit
    if size >= 1e5:
        return value / 1e4, "万" + unit
    return value, unit


def number(value: float | None, decimals: int = 1) -> str:
    """A bare number with thousands separators, or — when missing."""
    if _is_missing(value):
        return MISSING
    return _digits(float(value), decimals)


def value_parts(value: float | None, unit: str, decimals: int = 1) -> tuple[str, str]:
    """(number text, unit text) after scaling; used where the unit is typeset smaller."""
    if _is_missing(value):
        return MISSING, unit or ""
    scaled, unit_text = scale(float(value), unit)
    if unit_text != unit and decimals < 2:
        decimals = 2 if abs(scaled) < 100 else 1
    return _digits(scaled, decimals), unit_text


def fmt_value(value: float | None, unit: str, decimals: int = 1) -> str:
    """``4,012.3 亿元``, ``86.5%``, ``1.2 万件``; ``—`` for a missing value."""
    text, unit_text = value_parts(value, unit, decimals)
    if text == MISSING:
        return MISSING
    if unit_text.strip() in ("%", "‰"):
        return f"{text}{unit_text.strip()}"
    return f"{text} {unit_text}".rstrip()


def fmt_change(value: float | None, kind: str, *, label: str = "同比") -> str:
    """A year-on-year (or other) change: ``同比 +4.8%`` or ``同比 -1.2 个百分点``.

    ``kind`` is "pct" (growth in percent) or "pp" (difference in percentage points).
    """
    if _is_missing(value):
        return f"{label} {MISSING}"
    magnitude = f"{abs(value):.1f}"
    if float(magnitude) == 0:  # rounds to zero: no "+0.0" or "-0.0"
        return f"{label}持平"
    sign = "+" if value > 0 else "-"
    if kind == "pp":
        return f"{label} {sign}{magnitude} 个百分点"
    return f"{label} {sign}{magnitude}%"


def change_tone(value: float | None, direction: int) -> str:
    """ "good", "bad" or "flat" for a change, respecting whether higher is better."""
    if _is_missing(value) or value == 0:
        return "flat"
    return "good" if (value > 0) == (direction >= 0) else "bad"


def fmt_share(share: float | None, decimals: int = 0) -> str:
    """A share 0–1 as a percentage: ``0.625 → 62.5%`` (``decimals`` places)."""
    if _is_missing(share):
        return MISSING
    return f"{share * 100:.{decimals}f}%"


def fmt_gap(gap_pp: float | None) -> str:
    """Progress against the schedule: ``落后 13.0 个百分点``, ``领先 2.5 个百分点``, ``与时间进度持平``."""
    if _is_missing(gap_pp):
        return MISSING
    if abs(gap_pp) < 0.05:
        return "与时间进度持平"
    return f"{'领先' if gap_pp > 0 else '落后'} {abs(gap_pp):.1f} 个百分点"


def fmt_progress(progress: float | None, schedule: float | None, gap_pp: float | None) -> str:
    """``完成年度目标 62%，时间进度 75%，落后 13.0 个百分点``."""
    if _is_missing(progress):
        return "无年度目标"
    return f"完成年度目标 {fmt_share(progress)}，时间进度 {fmt_share(schedule)}，{fmt_gap(gap_pp)}"


def fmt_completeness(reported: int | None, expected: int | None) -> str:
    """``报送 118/125``; ``报送 —`` when nothing is expected."""
    if not expected:
        return f"报送 {MISSING}"
    return f"报送 {reported or 0}/{expected}"


def fmt_period(text: str | None) -> str:
    """``2026-10 → 2026年10月``, ``2026-Q3 → 2026年第三季度``, ``2026 → 2026年``."""
    if not text:
        return MISSING
    text = str(text)
    if len(text) == 7 and text[4] == "-" and text[5:].isdigit():
        return f"{text[:4]}年{int(text[5:])}月"
    if len(text) == 7 and text[5] in "Qq" and text[6] in "1234":
        return f"{text[:4]}年第{_QUARTER_NAMES[int(text[6])]}季度"
    if len(text) == 4 and text.isdigit():
        return f"{text}年"
    return text


def fmt_ytd_period(text: str | None) -> str:
    """Year-to-date label for a month: ``2026-10 → 2026年1—10月`` (January alone: ``2026年1月``)."""
    if not text or len(text) != 7 or text[4] != "-" or not text[5:].isdigit():
        return fmt_period(text)
    month = int(text[5:])
    return f"{text[:4]}年1月" if month == 1 else f"{text[:4]}年1—{month}月"


def fmt_covered(period: str, cumulative: bool) -> str:
    """What a figure covers: ``2026年1—10月`` and ``2026年前三季度`` for year-to-date (累计)
    figures, otherwise the period itself (``2026年10月``, ``2026年第三季度``, ``2025年``)."""
    if cumulative and len(period) == 7 and period[5] in "Qq" and period[6] in "1234":
        return f"{period[:4]}年{QUARTERS_TO_DATE[int(period[6])]}"
    return fmt_ytd_period(period) if cumulative else fmt_period(period)


def fmt_as_of(updated_at: str | None) -> str:
    """An ISO timestamp as ``2026-11-27 08:30``; the raw text if it does not parse."""
    if not updated_at:
        return MISSING
    try:
        return datetime.fromisoformat(updated_at).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(updated_at)


def fmt_rank(rank: int | None, of: int | None, *, where: str = "") -> str:
    """``第 3/9 位`` (with ``where``: ``全市第 3/9 位``)."""
    if not rank or not of:
        return MISSING
    return f"{where}第 {rank}/{of} 位"


def plot_text(text: object) -> str:
    """Store-provided text made literal for plotly: hover templates and texts, titles, annotations,
    legend and axis labels.

    Plotly reads a small HTML subset (``<a href>``, ``<b>``, ``<br>`` …) in every string it draws,
    also in values substituted into a hover template, and ``%{…}`` in a template is a placeholder.
    A region, contact or department name must never become markup or a placeholder: ``&``, ``<``
    and ``>`` become entities (plotly shows them as the characters) and the ``%`` of ``%{`` becomes
    ``&#37;``. The one escape used for every figure the cockpit draws.
    """
    value = "" if text is None else str(text)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("%{", "&#37;{")
