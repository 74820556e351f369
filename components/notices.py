"""Notices: the 演示数据 badge and banner, error and empty-state messages."""

from __future__ import annotations

from dash import html

DEMO_TEXT = "演示数据"
DEMO_EXPLAIN = "本驾驶舱当前展示的是按规则生成的演示数据，不代表真实统计结果。"


def demo_badge() -> html.Span:
    """A small, always-visible badge for the header of a demo store."""
    return html.Span(DEMO_TEXT, className="demo-badge", title=DEMO_EXPLAIN)


def demo_banner() -> html.Div:
    """A one-line banner for the top of a page that shows demo data."""
    return html.Div([html.Strong(DEMO_TEXT), html.Span(DEMO_EXPLAIN)], className="demo-banner", role="note")


def error_notice(message: str, *, title: str = "无法显示", element_id: str | None = None) -> html.Div:
    """A clear message in place of content that could not be built (never a traceback)."""
    kwargs = {"id": element_id} if element_id else {}
    return html.Div(
        [html.Div(title, className="notice-title"), html.Div(message, className="notice-text")],
        className="notice notice-error",
        role="alert",
        **kwargs,
    )


def info_notice(message: str, *, title: str | None = None) -> html.Div:
    """A calm informational message, e.g. an indicator not collected at this level."""
    parts = ([html.Div(title, className="notice-title")] if title else []) + [
        html.Div(message, className="notice-text")
    ]
    return html.Div(parts, className="notice notice-info", role="status")


def source_note(*parts: str) -> html.Div:
    """A small footnote line: period, source and as-of joined by ' · '."""
    return html.Div(" · ".join(p for p in parts if p), className="source-note")
