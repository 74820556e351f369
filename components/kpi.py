"""KPI card: value with unit and period, 同比, target progress against 时间进度, completeness."""

from __future__ import annotations

from typing import Any, Protocol

from dash import dcc, html

from components.format import (
    change_tone,
    fmt_change,
    fmt_completeness,
    fmt_covered,
    fmt_gap,
    fmt_share,
    value_parts,
)
from components.targets import target_is_level


class HeadlineLike(Protocol):
    """``data_access.headlines.Headline``: what a KPI card shows of one indicator and region."""

    code: str
    name: str
    unit: str
    decimals: int
    direction: int
    period: str
    cumulative: bool
    value: float | None
    change: Any
    progress: Any
    reported: int
    expected: int


def progress_bar(progress: float, schedule: float, gap_pp: float) -> html.Div:
    """Bar of the annual target's completion with a tick at the schedule (时间进度)."""
    tone = "good" if gap_pp >= 0 else "bad"
    return html.Div(
        [
            html.Div(
                [
                    html.Div(
                        className=f"progress-fill tone-{tone}",
                        style={"width": f"{min(max(progress, 0), 1) * 100:.1f}%"},
                    ),
                    html.Div(
                        className="progress-schedule",
                        style={"left": f"{min(max(schedule, 0), 1) * 100:.1f}%"},
                        title=f"时间进度 {fmt_share(schedule)}",
                    ),
                ],
                className="progress-bar",
            ),
            html.Div(
                [
                    html.Span(f"完成年度目标 {fmt_share(progress)}，时间进度 {fmt_share(schedule)}"),
                    html.Strong(fmt_gap(gap_pp), className=f"tone-{tone}"),
                ],
                className="progress-text",
            ),
        ],
        className="progress",
    )


def kpi_card(
    *,
    name: str,
    value: float | None,
    unit: str,
    period_text: str,
    decimals: int = 1,
    change: Any = None,
    progress: Any = None,
    reported: int | None = None,
    expected: int | None = None,
    direction: int = 1,
    href: str | None = None,
    code: str | None = None,
) -> html.Div:
    """One headline figure.

    Args:
        name: indicator name, e.g. 地区生产总值.
        value, unit, decimals: the figure; scaled to 万/亿 and shown with its unit.
        period_text: already formatted period, e.g. 2026年1—10月.
        change: an object with ``value`` and ``kind`` ("pct"|"pp") — 同比; None hides it.
        progress: an object with ``progress``, ``schedule``, ``gap_pp`` (shares / points); None: no target.
        reported, expected: completeness n/m of the units that should report.
        direction: 1 if higher is better, -1 if lower; colours the change.
        href: where a click on the name leads (e.g. the map of this indicator).
        code: indicator code, kept on the card as ``data-indicator`` for tests and links.
    """
    number, unit_text = value_parts(value, unit, decimals)
    title = dcc.Link(name, href=href) if href else name
    parts: list[Any] = [
        html.Div(title, className="kpi-name"),
        html.Div(
            [html.Span(number, className="kpi-number"), html.Span(unit_text, className="kpi-unit")],
            className="kpi-value",
        ),
        html.Div(period_text, className="kpi-period"),
    ]
    if change is not None:
        parts.append(
            html.Div(
                fmt_change(change.value, change.kind),
                className=f"kpi-change tone-{change_tone(change.value, direction)}",
            )
        )
    if progress is not None and progress.progress is not None:
        parts.append(progress_bar(progress.progress, progress.schedule, progress.gap_pp))
    if expected:
        parts.append(html.Div(fmt_completeness(reported, expected), className="kpi-foot"))
    return html.Div(parts, className="panel kpi-card", **({"data-indicator": code} if code else {}))


def headline_card(h: HeadlineLike, href: str | None = None) -> html.Div:
    """The KPI card of a headline: the value with its unit and what it covers (``2026年1—10月``),
    同比, target progress against 时间进度, completeness n/m; ``href`` is where its name leads.
    """
    return kpi_card(
        name=h.name,
        value=h.value,
        unit=h.unit,
        decimals=h.decimals,
        period_text=fmt_covered(h.period, h.cumulative),
        change=h.change,
        # A rate's target is a level: time schedule (时间进度) does not apply; the summary says it.
        progress=None if target_is_level(h.unit) else h.progress,
        reported=h.reported,
        expected=h.expected,
        direction=h.direction,
        href=href,
        code=h.code,
    )


def kpi_row(cards: list[html.Div], element_id: str | None = None) -> html.Div:
    """Cards in a responsive grid."""
    return html.Div(cards, className="kpi-row", **({"id": element_id} if element_id else {}))
