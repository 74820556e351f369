"""Plain-Chinese summary sentences generated from figures (pure: numbers in, text out).

Example: ``1—10月全市地区生产总值 3,312.5 亿元，同比增长 4.8%，高于全省 0.6 个百分点``.
A clause appears only when its figures exist: no 同比 without last year's figure, no comparison
without the parent's. Changes of "%" indicators are differences in percentage points (提高/降低);
other indicators grow or fall in percent (增长/下降).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from components.format import QUARTERS_TO_DATE, fmt_value
from components.targets import target_is_level

_QUARTER = {1: "一季度", 2: "二季度", 3: "三季度", 4: "四季度"}
_SCOPE_WORD = {1: "省", 2: "市", 4: "镇", 5: "村"}
_COUNTY_WORD = {"区": "区", "县": "县", "自治县": "县", "县级市": "市", "市": "市"}


class ChangeLike(Protocol):
    """``values.Change``: ``kind`` "pct" (growth in percent) or "pp" (percentage points)."""

    value: float
    kind: str


class ProgressLike(Protocol):
    """``values.Progress``: progress and schedule as shares of 1, gap in percentage points."""

    target: float
    actual: float
    progress: float
    schedule: float
    gap_pp: float


@dataclass(frozen=True)
class Figures:
    """What one summary sentence is made of; optional parts may be ``None``."""

    name: str
    unit: str
    decimals: int
    when: str
    subject: str
    value: float | None
    change: ChangeLike | None = None
    parent_label: str | None = None
    parent_value: float | None = None
    parent_change: ChangeLike | None = None
    progress: ProgressLike | None = None


def number(value: float, decimals: int) -> str:
    """Thousands separators and a fixed number of decimals: 3312.46, 1 → ``3,312.5``."""
    return f"{value:,.{max(decimals, 0)}f}"


def quantity(value: float, unit: str, decimals: int) -> str:
    """A figure with its unit, formatted as everywhere else on the page (``components.format``):
    ``85.2%``, ``3,312.5 亿元``, ``22.63 万件``."""
    return fmt_value(value, unit, decimals)


def period_phrase(period: str, cumulative: bool) -> str:
    """How a sentence names the period: ``1—10月`` (year to date), ``10月``, ``前三季度``, ``2025年``.

    Args:
        period: ``YYYY-MM``, ``YYYY-Qn`` or ``YYYY``.
        cumulative: the figure covers the year up to the period (累计), not the period alone.
    """
    year, _, rest = period.partition("-")
    if not rest:
        return f"{year}年"
    if rest.upper().startswith("Q"):
        quarter = int(rest[1:])
        return (QUARTERS_TO_DATE if cumulative else _QUARTER)[quarter]
    month = int(rest)
    return f"1—{month}月" if cumulative and month > 1 else f"{month}月"


def region_phrase(name: str, level: int, kind: str, *, is_root: bool) -> str:
    """The sentence's subject: ``全市`` for the root region, otherwise its name (``雷州市``)."""
    if not is_root:
        return name
    word = _COUNTY_WORD.get(kind, "县") if level == 3 else _SCOPE_WORD.get(level, "")
    return f"全{word}" if word else name


def change_clause(change: ChangeLike | None, decimals: int = 1) -> str | None:
    """``同比增长 4.8%`` / ``同比下降 1.2%`` / ``同比提高 0.6 个百分点`` / ``同比持平``; None if missing."""
    if change is None or change.value is None:
        return None
    size = number(abs(change.value), decimals)
    if float(size.replace(",", "")) == 0:
        return "同比持平"
    if change.kind == "pp":
        verb = "提高" if change.value > 0 else "降低"
        return f"同比{verb} {size} 个百分点"
    verb = "增长" if change.value > 0 else "下降"
    return f"同比{verb} {size}%"


def comparison_clause(
    own: float | None, other: float | None, label: str | None, decimals: int = 1
) -> str | None:
    """``高于全省 0.6 个百分点`` / ``低于…`` / ``与全省持平``; None when either side is missing.

    ``own`` and ``other`` are both growth rates in percent or both rates in percent, so their
    difference is in percentage points.
    """
    if own is None or other is None or not label:
        return None
    diff = own - other
    size = number(abs(diff), decimals)
    if float(size.replace(",", "")) == 0:
        return f"与{label}持平"
    return f"{'高于' if diff > 0 else '低于'}{label} {size} 个百分点"


def progress_clause(progress: ProgressLike | None) -> str | None:
    """``完成年度目标 62.0%，时间进度 75.0%，落后 13.0 个百分点`` (or 领先 / 与时间进度持平)."""
    if progress is None or progress.progress is None:
        return None
    head = (
        f"完成年度目标 {number(progress.progress * 100, 1)}%，时间进度 {number(progress.schedule * 100, 1)}%"
    )
    gap = number(abs(progress.gap_pp), 1)
    if float(gap) == 0:
        return f"{head}，与时间进度持平"
    return f"{head}，{'领先' if progress.gap_pp > 0 else '落后'} {gap} 个百分点"


def target_clause(progress: ProgressLike | None, decimals: int = 1) -> str | None:
    """For a rate (unit "%"), the target is a level, not an amount to accumulate over the year:
    ``低于年度目标（95.0%）2.7 个百分点`` / ``高于…`` / ``达到年度目标（95.0%）``."""
    if progress is None or progress.actual is None or progress.target is None:
        return None
    goal = f"年度目标（{number(progress.target, decimals)}%）"
    diff = progress.actual - progress.target
    size = number(abs(diff), decimals)
    if float(size.replace(",", "")) == 0:
        return f"达到{goal}"
    return f"{'高于' if diff > 0 else '低于'}{goal}{size} 个百分点"


def summary_sentence(f: Figures) -> str:
    """The whole sentence for one indicator, region and period, ending with 。."""
    lead = f"{f.when}{f.subject}{f.name}"
    if f.value is None:
        return f"{lead}暂无数据。"
    parts = [f"{lead} {quantity(f.value, f.unit, f.decimals)}"]
    parts.append(change_clause(f.change) or "")
    if f.unit.strip() == "%":
        # For a rate, compare the level itself with the parent's: 高于全市 3.0 个百分点.
        parts.append(comparison_clause(f.value, f.parent_value, f.parent_label) or "")
    elif (
        f.change is not None
        and f.parent_change is not None
        and f.change.kind == f.parent_change.kind == "pct"
    ):
        # Otherwise compare growth rates, as statistical bulletins do: 增速高于全省.
        parts.append(comparison_clause(f.change.value, f.parent_change.value, f.parent_label) or "")
    sentence = "，".join(p for p in parts if p)
    # A rate's target is a level to reach; an amount's is judged against 时间进度 (components.targets).
    progress = (
        target_clause(f.progress, f.decimals) if target_is_level(f.unit) else progress_clause(f.progress)
    )
    return f"{sentence}；{progress}。" if progress else f"{sentence}。"


class HeadlineLike(Protocol):
    """``data_access.headlines.Headline``: what a summary sentence reads from it."""

    name: str
    unit: str
    decimals: int
    period: str
    cumulative: bool
    value: float | None
    change: ChangeLike | None
    region: object
    parent: object | None
    parent_value: float | None
    parent_change: ChangeLike | None
    progress: ProgressLike | None


def headline_sentence(h: HeadlineLike, root: str) -> str:
    """The summary sentence of a headline; ``root`` is the scope's root code (its region is 全市)."""
    reg, parent = h.region, h.parent
    parent_label = None
    if parent is not None:
        parent_label = region_phrase(parent.name, parent.level, parent.kind, is_root=parent.code == root)
    figures = Figures(
        name=h.name,
        unit=h.unit,
        decimals=h.decimals,
        when=period_phrase(h.period, h.cumulative),
        subject=region_phrase(reg.name, reg.level, reg.kind, is_root=reg.code == root),
        value=h.value,
        change=h.change,
        parent_label=parent_label,
        parent_value=h.parent_value,
        parent_change=h.parent_change,
        progress=h.progress,
    )
    return summary_sentence(figures)
