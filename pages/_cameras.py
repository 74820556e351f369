"""视频调度 on /infrastructure (not a page): the clicked camera's panel, cameras near a place.

The camera id of a click comes from the browser, so it is looked up with the session's scope
(``data_access.cameras.camera`` refuses ids outside it). 附近视频点位 is shown for a town or
village: cameras within ``?radius=`` km (1, 3, 5 or 10; default 3) of its map point, nearest first.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from components.cameras import camera_card, nearby_table
from components.notices import error_notice, info_notice
from data_access import cameras
from data_access.errors import CockpitError
from pages._theme_common import PageContext, chart_panel
from web.scope import current_scope

DEFAULT_RADIUS = 3
SOURCE = "政务服务和数据管理局（雪亮工程视频资源）"


def camera_clicked(click: dict | None) -> Any:
    """The panel for a clicked camera point; no change for a click on a region."""
    points = (click or {}).get("points") or []
    data = points[0].get("customdata") if points else None
    if not points or points[0].get("location") or not isinstance(data, list) or len(data) < 2:
        return dash.no_update
    try:
        cam = cameras.camera(str(data[1]), current_scope())
    except CockpitError as exc:
        return error_notice(str(exc), title="无法显示该视频点位")
    return camera_card(cam, cameras.video_url(cam.camera_id))


def _radius(text: str | None) -> int:
    try:
        value = int(str(text))
    except ValueError:
        return DEFAULT_RADIUS
    return value if value in cameras.RADII_KM else DEFAULT_RADIUS


def nearby_panels(ctx: PageContext, radius: str | None) -> list:
    """附近视频点位 for a town or village (nothing above town level)."""
    if ctx.region.level < 4:
        return []
    km = _radius(radius)
    choices = html.Div(
        [
            dcc.Link(
                f"{r} 公里",
                href=ctx.href(radius=str(r)),
                className="button toggle-current" if r == km else "button",
                style={"fontWeight": 700} if r == km else {"opacity": 0.75},
            )
            for r in cameras.RADII_KM
        ],
        className="button-row",
        id="infrastructure-radius",
    )
    try:
        rows = cameras.cameras_near(ctx.region.code, km, ctx.scope)
        body = [
            html.Div(
                f"{ctx.region.name}周边 {km} 公里内共有视频点位 {len(rows):,} 个，由近及远。",
                className="kpi-period",
            ),
            html.Div(
                nearby_table(rows, cameras.video_url), style={"maxHeight": "420px", "overflowY": "auto"}
            ),
        ]
    except CockpitError as exc:
        body = [info_notice(str(exc))]
    return [
        chart_panel(
            f"{ctx.region.name}附近的视频点位",
            "个、公里",
            "当前",
            SOURCE,
            html.Div([choices, *body]),
            wide=True,
            id="infrastructure-nearby",
        )
    ]
