"""The export menu of a panel and the 生成简报 action: one look everywhere, keyboard reachable.

Both are an ``html.Details`` (its ``summary`` takes focus and opens with Enter or Space) holding
plain download links to ``/export/…``. The links name only what identifies the panel on its page
(kind, region, indicator, month); the server rebuilds it under the session's scope, so there is
nothing to trust in them. Pages whose panels change without a new layout (the overview's picker,
/map's drills) rebuild the menu in a callback with the same factory.
"""

from __future__ import annotations

from urllib.parse import urlencode

from dash import html

PANEL_FORMATS = (("png", "图片 PNG"), ("svg", "矢量图 SVG"), ("xlsx", "数据 Excel"), ("csv", "数据 CSV"))
IMAGE_FORMATS = ("png", "svg")
NO_RENDERER = "服务器未安装 Chromium，暂不能导出图片或生成简报；数据导出不受影响。"
BRIEFING_FORMATS = (("pptx", "PPT 演示文稿"), ("pdf", "PDF 文档"))


def panel_export_href(
    kind: str, region: str, indicator: str | None, month: str, fmt: str, task: str | None = None
) -> str:
    """``/export/panel?kind=…&region=…&indicator=…&period=…&format=…`` (no indicator for 数字底座's
    coverage, sharing and camera panels)."""
    query = {
        "kind": kind,
        "region": region,
        "indicator": indicator,
        "period": month,
        "task": task,
        "format": fmt,
    }
    return f"/export/panel?{urlencode({k: v for k, v in query.items() if v})}"


def briefing_href(page: str, region: str, month: str | None, fmt: str, indicator: str | None = None) -> str:
    """``/export/briefing?page=…&region=…&period=…&format=…`` (indicator for /map)."""
    query = {"page": page, "region": region, "period": month, "indicator": indicator, "format": fmt}
    return f"/export/briefing?{urlencode({k: v for k, v in query.items() if v})}"


def export_menu(
    kind: str,
    region: str,
    indicator: str | None,
    month: str,
    *,
    element_id: str | None = None,
    images: bool | None = None,
    task: str | None = None,
    data_only: bool = False,
) -> html.Details:
    """The 导出 menu of one panel: PNG (2×), SVG, Excel and CSV of its data. Without a renderer
    (``images`` False; None: ask ``briefing.renderer``) the image entries give way to a note.
    ``data_only`` (tables and lists): Excel and CSV only, no note."""
    images = False if data_only else (_renderer_ok() if images is None else images)
    links: list = [
        html.A(
            label,
            href=panel_export_href(kind, region, indicator, month, fmt, task),
            download="",
            className="export-item",
            **{"data-format": fmt},
        )
        for fmt, label in PANEL_FORMATS
        if images or fmt not in IMAGE_FORMATS
    ]
    if not images and not data_only:
        links.append(html.Div(NO_RENDERER, className="export-hint"))
    attrs = {"id": element_id} if element_id else {}
    return html.Details(
        [
            html.Summary("导出", className="export-summary", title="导出图片或数据"),
            html.Div(links, className="export-items"),
        ],
        className="export-menu",
        **{"data-kind": kind},
        **attrs,
    )


def briefing_menu(
    page: str,
    region: str,
    month: str | None,
    *,
    indicator: str | None = None,
    element_id: str | None = None,
    available: bool | None = None,
) -> html.Details:
    """生成简报: the page's briefing for the region and month on screen, as PPTX or PDF; without
    a renderer the menu says so instead of offering links that would fail."""
    available = _renderer_ok() if available is None else available
    links = [
        html.A(
            label,
            href=briefing_href(page, region, month, fmt, indicator),
            download="",
            className="export-item",
            **{"data-format": fmt},
        )
        for fmt, label in BRIEFING_FORMATS
    ]
    hint = "生成约需数秒。" if available else NO_RENDERER
    attrs = {"id": element_id} if element_id else {}
    return html.Details(
        [
            html.Summary(
                "生成简报", className="export-summary briefing-summary", title="生成本页简报（PPT 或 PDF）"
            ),
            html.Div(
                [*(links if available else []), html.Div(hint, className="export-hint")],
                className="export-items",
            ),
        ],
        className="export-menu briefing-menu",
        **attrs,
    )


def _renderer_ok() -> bool:
    from briefing.renderer import available

    return available()
