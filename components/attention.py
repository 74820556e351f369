"""Attention list (需关注): indicators behind their annual target and regions with low reporting completeness."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dash import dcc, html

from components.format import fmt_progress
from components.summary import target_clause
from components.targets import TargetLike, level_met, shortfall_pp, target_is_level


@dataclass(frozen=True)
class AttentionItem:
    """One line: a short tag (落后进度 / 未达目标 / 报送不全), the text, where a click leads, and
    ``gap``: how far behind, in percentage points, for putting the worst first."""

    kind: str  # "schedule" | "target" | "reporting"
    text: str
    href: str | None = None
    gap: float = 0.0


TAGS = {"schedule": "落后进度", "target": "未达目标", "reporting": "报送不全"}
SCHEDULE_TOLERANCE_PP = 0.05  # below this the card says 与时间进度持平 (``fmt_gap``): not flagged


def target_item(
    *,
    name: str,
    unit: str,
    decimals: int,
    direction: int,
    progress: TargetLike | None,
    href: str | None = None,
) -> AttentionItem | None:
    """The line for an indicator behind its annual target; None when it is not behind or has none.

    The rule is ``components.targets``'s, as on the KPI cards and in the theme summaries:

    - an amount whose share of the target done is behind 时间进度 (tag 落后进度):
      ``地区生产总值：完成年度目标 72%，时间进度 75%，落后 3.3 个百分点``;
    - a rate on the wrong side of its target level — below it, or above it when lower is better
      (tag 未达目标): ``网上办理率：低于年度目标（90.0%）3.4 个百分点``.

    ``gap`` is the shortfall in percentage points (of the target for amounts, of the rate for
    rates), the number the text shows.
    """
    gap = shortfall_pp(progress, unit, direction)
    if gap is None:
        return None
    if target_is_level(unit):
        if level_met(progress, direction, decimals):  # met, or 达到年度目标 once rounded
            return None
        return AttentionItem("target", f"{name}：{target_clause(progress, decimals)}", href, gap)
    if progress.progress is None or gap < SCHEDULE_TOLERANCE_PP:
        return None
    text = f"{name}：{fmt_progress(progress.progress, progress.schedule, progress.gap_pp)}"
    return AttentionItem("schedule", text, href, gap)


def worst_first(items: Sequence[AttentionItem]) -> list[AttentionItem]:
    """Items by ``gap``, largest shortfall first (stable: equal gaps keep their order)."""
    return sorted(items, key=lambda i: -i.gap)


def attention_list(items: Sequence[AttentionItem], *, element_id: str | None = None) -> html.Div:
    """The items as a list; a calm line when there is nothing to flag."""
    if not items:
        body = html.Div("暂无需要关注的事项。", className="attention-empty")
    else:
        body = html.Ul(
            [
                html.Li(
                    [
                        html.Span(TAGS.get(i.kind, i.kind), className=f"attention-tag tag-{i.kind}"),
                        dcc.Link(i.text, href=i.href) if i.href else html.Span(i.text),
                    ],
                    className="attention-item",
                )
                for i in items
            ],
            className="attention",
        )
    return html.Div(body, **({"id": element_id} if element_id else {}))
