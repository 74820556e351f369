"""Attention list (需关注): indicators behind schedule and regions with low reporting completeness."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dash import dcc, html


@dataclass(frozen=True)
class AttentionItem:
    """One line: a short tag (落后进度 / 报送不全), the text, and where a click leads."""

    kind: str  # "schedule" | "reporting"
    text: str
    href: str | None = None


TAGS = {"schedule": "落后进度", "reporting": "报送不全"}


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
