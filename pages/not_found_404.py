"""404 page: shown by Dash's router for any path no page claims."""

from __future__ import annotations

import dash
from dash import dcc, html

dash.register_page(__name__, path="/404", name="页面不存在", title="页面不存在 · 百千万工程驾驶舱", nav=False)


def layout(**_query: str) -> html.Div:
    """A plain message with the way back to the overview and the map."""
    return html.Div(
        [
            html.H2("页面不存在", className="page-title"),
            html.P("您访问的地址没有对应的页面，可能是链接有误或页面已调整。"),
            html.Div(
                [
                    dcc.Link("返回总览", href="/", className="button"),
                    dcc.Link("打开地图", href="/map", className="button"),
                ],
                className="button-row",
            ),
        ],
        className="page page-404 panel",
    )
