"""视频调度 on /infrastructure and /map (not a page): the clicked camera's panel, cameras near a place.

The camera id of a click comes from the browser, so it is looked up with the session's scope
(``data_access.cameras.camera`` refuses ids outside it). 附近视频点位 is shown for a town or
village: cameras within ``?radius=`` km (1, 3, 5 or 10; default 3) of its map point, nearest first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
from dash import dcc, html

from components.cameras import camera_card, nearby_table
from components.notices import error_notice, info_notice
from data_access import cameras
from data_access.errors import CockpitError
from data_access.regions import Region
from data_access.scope import Scope
from pages._theme_common import PageContext, chart_panel
from web.scope import current_scope

DEFAULT_RADIUS = 3
SOURCE = "政务服务和数据管理局（雪亮工程视频资源）"


def camera_clicked(click: dict | None) -> Any:
    """The panel for a clicked camera point; no change for a click on a region.

    The point's ``customdata`` is the camera id (``components.cameras.camera_layer``, /map) or a
    list with the id second (``components.theme_charts.camera_traces``, /infrastructure).
    """
    points = (click or {}).get("points") or []
    if not points or points[0].get("location"):
        return dash.no_update
    data = points[0].get("customdata")
    if isinstance(data, list) and len(data) >= 2:
        data = data[1]
    if not isinstance(data, str) or not data:
        return dash.no_update
    try:
        cam = cameras.camera(data, current_scope())
    except CockpitError as exc:
        return error_notice(str(exc), title="无法显示该视频点位")
    return camera_card(cam, cameras.video_url(cam.camera_id))


def radius_km(text: str | int | None) -> int:
    """``?radius=`` as one of ``cameras.RADII_KM`` (anything else: the default)."""
    try:
        value = int(str(text))
    except ValueError:
        return DEFAULT_RADIUS
    return value if value in cameras.RADII_KM else DEFAULT_RADIUS


def nearby_panels(ctx: PageContext, radius: str | None) -> list:
    """附近视频点位 on /infrastructure for a town or village (nothing above town level)."""
    return nearby_panel(ctx.region, ctx.scope, radius, lambda km: ctx.href(radius=str(km)), "infrastructure")


def nearby_panel(
    region: Region,
    scope: Scope,
    radius: str | int | None,
    href: Callable[[int], str],
    prefix: str,
    *,
    wide: bool = True,
) -> list:
    """附近视频点位 of a town or village: radius links (``href(km)``), then the cameras nearest first.

    One panel for every page that shows it (/infrastructure, /map); ids ``<prefix>-nearby`` and
    ``<prefix>-radius``. An empty list above town level.
    """
    if region.level < 4:
        return []
    km = radius_km(radius)
    choices = html.Div(
        [
            dcc.Link(
                f"{r} 公里",
                href=href(r),
                className="button toggle-current" if r == km else "button",
                style={"fontWeight": 700} if r == km else {"opacity": 0.75},
            )
            for r in cameras.RADII_KM
        ],
        className="button-row",
        id=f"{prefix}-radius",
    )
    try:
        rows = cameras.cameras_near(region.code, km, scope)
        body = [
            html.Div(
                f"{region.name}周边 {km} 公里内共有视频点位 {len(rows):,} 个，由近及远。",
                className="kpi-period",
            ),
            html.Div(
                nearby_table(rows, cameras.video_url, compact=not wide),
                style={"maxHeight": "420px", "overflowY": "auto"},
            ),
        ]
    except CockpitError as exc:
        body = [info_notice(str(exc))]
    return [
        chart_panel(
            f"{region.name}附近的视频点位",
            "个、公里",
            "当前",
            SOURCE,
            html.Div([choices, *body]),
            wide=wide,
            id=f"{prefix}-nearby",
        )
    ]
