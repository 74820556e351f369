"""Breadcrumb (湛江市 › 雷州市 › 某某镇 › 某某村) with an "up one level" control."""

from __future__ import annotations

from collections.abc import Sequence

from dash import dcc, html

SEPARATOR = "›"


def breadcrumb(
    steps: Sequence[tuple[str, str]],
    *,
    up_href: str | None,
    element_id: str | None = None,
    up_id: str | None = None,
) -> html.Nav:
    """Every step but the last is a link; the last is the current region.

    Args:
        steps: (name, href) from the scope's root down to the current region.
        up_href: where 返回上一级 leads; None at the root (the control is shown disabled).
    """
    parts: list[object] = []
    for n, (name, href) in enumerate(steps):
        if n:
            parts.append(html.Span(SEPARATOR, className="breadcrumb-sep", **{"aria-hidden": "true"}))
        last = n == len(steps) - 1
        parts.append(
            html.Span(name, className="breadcrumb-current", **{"aria-current": "page"})
            if last
            else dcc.Link(name, href=href, className="breadcrumb-step")
        )
    up_kwargs = {"id": up_id} if up_id else {}
    up = (
        dcc.Link("↑ 返回上一级", href=up_href, className="up-button", **up_kwargs)
        if up_href
        else html.Span("↑ 返回上一级", className="up-button", **{"aria-disabled": "true"}, **up_kwargs)
    )
    return html.Nav(
        [html.Div(parts, className="breadcrumb-steps"), up],
        className="breadcrumb",
        **{"aria-label": "地区层级"},
        **({"id": element_id} if element_id else {}),
    )
