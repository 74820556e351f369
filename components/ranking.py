"""Ranking list: best first (the caller passes data_access's ranking, which respects direction)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dash import dcc, html

from components.format import NOT_REPORTED, fmt_value


def ranking_list(
    rows: Sequence[Any],
    *,
    unit: str,
    decimals: int = 1,
    href: Callable[[str], str] | None = None,
    element_id: str | None = None,
    missing_text: str = NOT_REPORTED,
    current: str | None = None,
) -> html.Ol:
    """Rows with ``rank``, ``code``, ``name``, ``value`` as a list with proportional bars.

    Regions without a value are listed last as 未报送 (``missing_text``: e.g. 未采集 when the
    indicator is not collected at that level). ``href(code)`` makes each name a link; the row of
    ``current`` (a selected region) is marked ``ranking-current``.
    """
    values = [abs(r.value) for r in rows if r.value is not None]
    top = max(values) if values else 0
    items = []
    for r in rows:
        missing = r.value is None
        width = 0 if missing or not top else abs(r.value) / top * 100
        name = dcc.Link(r.name, href=href(r.code)) if href else r.name
        items.append(
            html.Li(
                [
                    html.Span("—" if missing else str(r.rank), className="ranking-rank"),
                    html.Span(name, className="ranking-name", title=r.name),
                    html.Div(
                        html.Div(className="ranking-fill", style={"width": f"{width:.1f}%"}),
                        className="ranking-bar",
                    ),
                    html.Span(
                        missing_text if missing else fmt_value(r.value, unit, decimals),
                        className="ranking-value",
                    ),
                ],
                className="ranking-row"
                + (" ranking-missing" if missing else "")
                + (" ranking-current" if r.code == current else ""),
                **{"data-code": r.code},
            )
        )
    return html.Ol(items, className="ranking", **({"id": element_id} if element_id else {}))
