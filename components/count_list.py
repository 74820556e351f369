"""Counts as a short list with proportional bars (e.g. the catalogue's indicators per theme)."""

from __future__ import annotations

from collections.abc import Sequence

from dash import html


def count_list(
    items: Sequence[tuple[str, int]], *, unit: str = "项", element_id: str | None = None
) -> html.Ol:
    """One row per (label, count): the label, a bar relative to the largest count, ``n 项``."""
    top = max((n for _, n in items), default=0)
    rows = [
        html.Li(
            [
                html.Span(label, className="count-label", title=label),
                html.Div(
                    html.Div(
                        className="ranking-fill", style={"width": f"{n / top * 100 if top else 0:.1f}%"}
                    ),
                    className="ranking-bar",
                ),
                html.Span(f"{n:,} {unit}", className="count-value"),
            ],
            className="count-row",
        )
        for label, n in items
    ]
    return html.Ol(rows, className="count-list", **({"id": element_id} if element_id else {}))
