"""视频调度 pieces: a camera's panel and the cameras near a place (pure: data in, components out)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dash import html

NOT_CONFIGURED = "未配置视频平台地址"


def _status(online: bool, connected: bool) -> list:
    return [
        html.Span("在线" if online else "离线", className="camera-online" if online else "camera-offline"),
        " · ",
        html.Span("已接入省视频共享平台" if connected else "未接入省视频共享平台"),
    ]


def video_link(url: str | None) -> Any:
    """查看视频 (opens the platform in a new tab) or the notice that no platform is configured."""
    if not url:
        return html.Span(NOT_CONFIGURED, className="camera-no-video")
    return html.A(
        "查看视频", href=url, target="_blank", rel="noopener noreferrer", className="button camera-video"
    )


def camera_card(cam: Any, url: str | None) -> html.Div:
    """Id, place, region, online and connected status, and the 查看视频 link of one camera."""
    rows = [
        ("点位编号", cam.camera_id),
        ("位置", cam.location),
        ("所在地区", cam.region_name),
        ("状态", _status(cam.online, cam.connected)),
    ]
    return html.Div(
        [
            html.Dl([part for k, v in rows for part in (html.Dt(k), html.Dd(v))], className="camera-facts"),
            video_link(url),
        ],
        className="camera-card",
        **{"data-camera": cam.camera_id},
    )


def nearby_table(rows: Sequence[Any], url_for: Callable[[str], str | None]) -> html.Div:
    """Cameras near a place, nearest first: id, place, region, distance, status, 查看视频."""
    if not rows:
        return html.Div("该范围内没有视频点位", className="attention-empty")
    heads = ["点位编号", "位置", "所在地区", "距离", "状态", "视频"]
    body = [
        html.Tr(
            [
                html.Td(n.camera.camera_id),
                html.Td(n.camera.location),
                html.Td(n.region_name),
                html.Td(f"{n.km:.2f} 公里"),
                html.Td(_status(n.camera.online, n.camera.connected)),
                html.Td(video_link(url_for(n.camera.camera_id))),
            ],
            **{"data-camera": n.camera.camera_id},
        )
        for n in rows
    ]
    table = html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in heads])), html.Tbody(body)], className="profile"
    )
    return html.Div(table, style={"overflowX": "auto"})
